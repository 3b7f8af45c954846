package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/linkstream/linkstream/link"
)

func TestLoadCountsRequestsFailuresAndVersions(t *testing.T) {
	var n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		switch {
		case i%10 == 0:
			http.Error(w, `{"code":"busy"}`, http.StatusServiceUnavailable)
		case i%10 == 5:
			fmt.Fprint(w, `{"id":"x"}`) // no KB version: a failure too
		default:
			fmt.Fprintf(w, `{"id":"x","kb_version":"kb-%d"}`, i%2)
		}
	}))
	defer ts.Close()
	res, err := Load{URL: ts.URL, Docs: []link.Document{{ID: "a", Text: "IBM"}}, Clients: 4,
		Duration: time.Minute, MaxRequests: 200}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 200 || res.Failures != 40 || res.Versions["kb-0"]+res.Versions["kb-1"] != 160 {
		t.Fatalf("%d requests, %d failures, versions %v; want 200, 40 and 160 answers", res.Requests, res.Failures, res.Versions)
	}
	if res.P50 <= 0 || res.P50 > res.P99 || res.P99 > res.Max || res.FirstFailure == "" || res.PerSec() <= 0 {
		t.Fatalf("latencies %v %v %v, first failure %q", res.P50, res.P99, res.Max, res.FirstFailure)
	}
	stop := make(chan struct{})
	close(stop)
	if res, _ := (Load{URL: ts.URL, Docs: []link.Document{{Text: "IBM"}}, Clients: 2, Duration: time.Minute, MaxRequests: 10, Until: stop}).Run(context.Background()); res.Requests != 0 {
		t.Fatalf("a closed Until still sent %d requests", res.Requests)
	}
}
