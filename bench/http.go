package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/linkstream/linkstream/link"
)

// Load is a bounded load of single-document POST /v1/link requests:
// Clients goroutines, each with one request in flight, cycling through
// Docs, for Duration or until MaxRequests were sent, whichever comes first.
type Load struct {
	URL         string // the server's base URL, http://127.0.0.1:PORT
	Docs        []link.Document
	Clients     int
	Duration    time.Duration
	MaxRequests int64
	// Client sends the requests (default: one with a connection per client).
	Client *http.Client
	// Until, when closed, stops the clients from sending more (the
	// requests in flight finish): for a load that lasts as long as
	// something else does.
	Until <-chan struct{}
}

// LoadResult is what a Load measured.
type LoadResult struct {
	Clients            int
	Requests, Failures int64
	Elapsed            time.Duration
	P50, P99, Max      time.Duration
	// Versions counts the responses by the KB version they name.
	Versions map[string]int64
	// FirstFailure says why the first failed request failed.
	FirstFailure string
}

// PerSec is requests answered per second, failures included.
func (r LoadResult) PerSec() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Run sends the load and measures every request's latency.
func (l Load) Run(ctx context.Context) (LoadResult, error) {
	if len(l.Docs) == 0 || l.Clients < 1 || l.Duration <= 0 || l.MaxRequests < 1 {
		return LoadResult{}, errors.New("bench: a load needs documents, clients, a duration and a request bound")
	}
	bodies := make([][]byte, len(l.Docs))
	for i, d := range l.Docs {
		b, err := json.Marshal(d)
		if err != nil {
			return LoadResult{}, err
		}
		bodies[i] = b
	}
	client := l.Client
	if client == nil {
		client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: l.Clients}, Timeout: time.Minute}
	}
	var (
		next, failures atomic.Int64
		mu             sync.Mutex
		latencies      []time.Duration
		versions       = map[string]int64{}
		firstFailure   string
		wg             sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(l.Duration)
	for range l.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			seen := map[string]int64{}
			for ctx.Err() == nil && time.Now().Before(deadline) && !closed(l.Until) {
				i := next.Add(1) - 1
				if i >= l.MaxRequests {
					break
				}
				t0 := time.Now()
				version, err := post(ctx, client, l.URL+"/v1/link", bodies[i%int64(len(bodies))])
				mine = append(mine, time.Since(t0))
				if err != nil {
					if failures.Add(1) == 1 {
						mu.Lock()
						firstFailure = err.Error()
						mu.Unlock()
					}
					continue
				}
				seen[version]++
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			for v, n := range seen {
				versions[v] += n
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res := LoadResult{Clients: l.Clients, Requests: int64(len(latencies)), Failures: failures.Load(),
		Elapsed: time.Since(start), Versions: versions, FirstFailure: firstFailure}
	if len(latencies) > 0 {
		slices.Sort(latencies)
		at := func(q float64) time.Duration { return latencies[min(len(latencies)-1, int(q*float64(len(latencies))))] }
		res.P50, res.P99, res.Max = at(0.50), at(0.99), latencies[len(latencies)-1]
	}
	return res, ctx.Err()
}

func closed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// post sends one document and returns the KB version its result names; a
// status other than 200 or a result without a version is a failure.
func post(ctx context.Context, client *http.Client, url string, body []byte) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, bytes.TrimSpace(b))
	}
	var res struct {
		KBVersion string `json:"kb_version"`
	}
	if err := json.Unmarshal(b, &res); err != nil || res.KBVersion == "" {
		return "", fmt.Errorf("a result without a KB version: %.200s", b)
	}
	return res.KBVersion, nil
}
