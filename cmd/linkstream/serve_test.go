package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/linkstream/linkstream/hotswap"
	"github.com/linkstream/linkstream/server"
)

// TestServeCommand runs `linkstream serve` as the binary would: it links
// over loopback, swaps its KB when the current link moves, refuses a
// broken KB and keeps serving, and stops on cancel.
func TestServeCommand(t *testing.T) {
	ctx := context.Background()
	kbA, kbB, versions := twoKBs(t)
	dir := t.TempDir()
	broken, root := filepath.Join(dir, "broken"), filepath.Join(dir, "root")
	for _, d := range []string{root, broken} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := hotswap.Publish(root, kbA); err != nil {
		t.Fatal(err)
	}
	const addr = "127.0.0.1:19562"
	runCtx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() {
		served <- dispatch(runCtx, []string{"serve", "--kb", root, "--mode", "never", "--addr", addr, "--kb-poll", "5ms", "--log-level", "error"})
	}()
	link := func() (int, string, string) {
		resp, err := http.Post("http://"+addr+"/v1/link", "application/json", strings.NewReader(`{"id":"d","text":"Angela Merkel met IBM managers in Berlin."}`))
		if err != nil {
			return 0, "", err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get(server.HeaderKBVersion), string(b)
	}
	// waitFor polls until the server answers with the KB version want.
	waitFor := func(want string) {
		t.Helper()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		deadline := time.After(time.Minute)
		for {
			if code, got, _ := link(); code == http.StatusOK && got == want {
				return
			}
			select {
			case <-tick.C:
			case err := <-served:
				t.Fatalf("serve stopped: %v", err)
			case <-deadline:
				code, got, body := link()
				t.Fatalf("no answer from KB %s within a minute: %d %s %s", want, code, got, body)
			}
		}
	}
	waitFor(versions[kbA])
	if code, _, body := link(); code != http.StatusOK || !strings.Contains(body, `"title":"Angela Merkel"`) {
		t.Fatalf("link: %d %s", code, body)
	}
	if err := hotswap.Publish(root, kbB); err != nil {
		t.Fatal(err)
	}
	waitFor(versions[kbB])
	if err := hotswap.Publish(root, broken); err != nil {
		t.Fatal(err)
	}
	waitForMetric(t, addr, `linkstream_kb_swaps_total{result="refused"} 1`)
	if code, got, body := link(); code != http.StatusOK || got != versions[kbB] {
		t.Fatalf("after a refused KB: %d from KB %s, want 200 from %s: %s", code, got, versions[kbB], body)
	}
	if err := hotswap.Publish(root, kbA); err != nil {
		t.Fatal(err)
	}
	waitFor(versions[kbA])
	waitForMetric(t, addr, swapped(2))
	waitForMetric(t, addr, "linkstream_linker_documents_total")
	stop()
	if err := <-served; err != nil {
		t.Fatalf("serve after cancel: %v", err)
	}
}
