package consumer

import (
	"testing"
	"time"
)

// metricValue reads one unlabelled gauge or counter of the service's
// registry; -1 when there is none.
func metricValue(t *testing.T, svc *Service, name string) float64 {
	t.Helper()
	mfs, err := svc.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name || len(mf.GetMetric()) != 1 {
			continue
		}
		m := mf.GetMetric()[0]
		if m.GetCounter() != nil {
			return m.GetCounter().GetValue()
		}
		return m.GetGauge().GetValue()
	}
	return -1
}

// TestStopLeavesGroup: a static member does not leave the group when its
// client closes; a deliberate stop must leave explicitly, so the others
// take its partitions at once rather than after the session timeout.
func TestStopLeavesGroup(t *testing.T) {
	seeds := newFake(t, 6)
	a, stopA := startService(t, &capsLinker{}, Brokers(seeds...), InstanceID("a"))
	b, _ := startService(t, &capsLinker{}, Brokers(seeds...), InstanceID("b"))
	waitFor(t, 20*time.Second, func() bool {
		return metricValue(t, a, "linkstream_assigned_partitions") == 3 && metricValue(t, b, "linkstream_assigned_partitions") == 3
	})
	if err := stopA(); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	// The session timeout is 6s (startService): well under it.
	waitFor(t, 3*time.Second, func() bool { return metricValue(t, b, "linkstream_assigned_partitions") == 6 })
	t.Logf("the remaining instance had all partitions %v after the other stopped", time.Since(t0).Round(time.Millisecond))
}
