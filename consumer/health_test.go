package consumer

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func getStatus(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// A failure that rebuilding the session cannot mend (here client options
// that contradict exactly-once) stops Run with that error, and from then
// on /healthz answers 503 with the cause, so an orchestrator restarts the
// instance; before, Run retried forever and /healthz said ok.
func TestHealthzAnswers503AfterUnrecoverableFailure(t *testing.T) {
	seeds := newFake(t, 1)
	svc, err := New(context.Background(), &capsLinker{}, Brokers(seeds...), Topics("in", "out", ""), Group("g"),
		InstanceID("a"), Logger(testLogger(t)), ClientOpts(kgo.DisableIdempotentWrite()))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc.Handler())
	defer srv.Close()
	if code, body := getStatus(t, srv.URL+"/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz before Run: %d %s", code, body)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	runErr := svc.Run(ctx)
	if runErr == nil || ctx.Err() != nil {
		t.Fatalf("Run = %v (ctx %v): want it to stop on the invalid options at once", runErr, ctx.Err())
	}
	if !strings.Contains(runErr.Error(), "idempotent") {
		t.Errorf("Run error %q does not name the cause", runErr)
	}
	code, body := getStatus(t, srv.URL+"/healthz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "idempotent") {
		t.Errorf("/healthz after the failure: %d %q, want 503 with the cause", code, body)
	}
	if code, _ := getStatus(t, srv.URL+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz after the failure: %d, want 503", code)
	}
}
