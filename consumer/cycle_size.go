package consumer

import (
	"math"
	"time"
)

// cycleSizer adapts the documents per cycle to the measured processing
// rate so that a cycle lasts about target.
type cycleSizer struct {
	n, max int
	rate   float64 // documents/s, smoothed
	target time.Duration
}

func newCycleSizer(max int, target time.Duration) *cycleSizer {
	return &cycleSizer{n: min(max, 32), max: max, target: target}
}

// observe records that docs documents took d to process (end excluded).
func (z *cycleSizer) observe(docs int, d time.Duration) {
	if docs == 0 || d <= 0 {
		return
	}
	r := float64(docs) / d.Seconds()
	if z.rate == 0 {
		z.rate = r
	} else {
		z.rate = 0.7*z.rate + 0.3*r
	}
	want := int(math.Round(z.rate * z.target.Seconds()))
	z.n = max(1, min(want, z.max, 2*z.n))
}

// expected is how long n documents should take at the measured rate; as
// long as nothing was measured, the target.
func (z *cycleSizer) expected(n int) time.Duration {
	if z.rate == 0 {
		return z.target
	}
	return time.Duration(float64(n) / z.rate * float64(time.Second))
}
