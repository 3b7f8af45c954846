// Package image tests the container image that `make image` builds: the
// image runs `linkstream run` against a real broker on the host, with the
// KB on a read-only volume, links a document, and stops cleanly on SIGTERM.
//
//	make test-image      # builds the image, starts a broker, runs this test
//
// The test skips, saying why, where podman, the image or a broker is absent,
// so `go test ./...` passes on machines without them.
package image

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/models"
	"github.com/linkstream/linkstream/producer"
	"github.com/linkstream/linkstream/schemas"
)

const (
	brokersEnv = "LINKSTREAM_KAFKA_BROKERS"
	imageEnv   = "LINKSTREAM_IMAGE"
	// What scripts/image.sh tags last.
	defaultImage = "localhost/linkstream:latest"
)

// podman runs podman with the repository's containers.conf unless the
// caller chose one, and returns its combined output.
func podman(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "podman", args...)
	if os.Getenv("CONTAINERS_CONF") == "" {
		conf, _ := filepath.Abs("containers.conf")
		cmd.Env = append(os.Environ(), "CONTAINERS_CONF="+conf)
	}
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func TestImageLinksADocument(t *testing.T) {
	seeds := os.Getenv(brokersEnv)
	if seeds == "" {
		t.Skipf("%s is not set: no real Kafka broker (make test-image starts one)", brokersEnv)
	}
	if _, err := exec.LookPath("podman"); err != nil {
		t.Skip("podman is not installed: the image test needs it (Debian: apt-get install podman runc); make test-image builds and tests the image")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	image := os.Getenv(imageEnv)
	if image == "" {
		image = defaultImage
	}
	if _, err := podman(ctx, "image", "exists", image); err != nil {
		t.Skipf("no image %s: run make image (or set %s)", image, imageEnv)
	}
	if stale := staleBinary(t, ctx, image); stale != "" {
		t.Skipf("image %s is stale: %s; make image builds it anew (make test-image does)", image, stale)
	}
	if user, err := podman(ctx, "image", "inspect", "--format", "{{.Config.User}}", image); err != nil || user != "65532:65532" {
		t.Errorf("image user = %q (%v), want 65532:65532 (the service runs as nonroot)", user, err)
	}

	// The KB on a volume, as in production: built here from the excerpt
	// `make deps` fetched, readable by the image's nonroot user.
	kbDir := filepath.Join(t.TempDir(), "kb")
	if _, err := kb.Build(ctx, kbDir, kb.Dump(gensimDump(t))); err != nil {
		t.Fatalf("kb build: %v", err)
	}
	if err := os.Chmod(filepath.Dir(kbDir), 0o755); err != nil {
		t.Fatal(err)
	}

	brokers := strings.Split(seeds, ",")
	in, out := createTopics(t, ctx, brokers)

	// A free port for /readyz: the container shares the host's network, so
	// it reaches the broker on 127.0.0.1 and binds only there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	httpAddr := ln.Addr().String()
	ln.Close()

	name := fmt.Sprintf("linkstream-imagetest-%d", time.Now().UnixNano())
	started := time.Now()
	// --read-only as in deploy/kubernetes (readOnlyRootFilesystem); podman
	// mounts a tmpfs on /tmp as the manifests' emptyDir does.
	if o, err := podman(ctx, "run", "-d", "--name", name, "--network", "host", "--read-only",
		"-v", kbDir+":/kb:ro", "-e", "LINKSTREAM_HTTP_ADDR="+httpAddr,
		image, "run", "--brokers", seeds, "--input-topic", in, "--output-topic", out,
		"--group", name, "--instance-id", "imagetest-0", "--shutdown-timeout", "10s"); err != nil {
		t.Fatalf("podman run: %v\n%s", err, o)
	}
	t.Cleanup(func() {
		if t.Failed() {
			logs, _ := podman(context.Background(), "logs", name)
			t.Logf("container logs:\n%s", logs)
		}
		_, _ = podman(context.Background(), "rm", "-f", name)
	})

	waitReady(t, ctx, name, "http://"+httpAddr+"/readyz")
	t.Logf("container ready after %.1fs (model and KB loaded)", time.Since(started).Seconds())

	const id = "image-1"
	doc, _ := json.Marshal(link.Document{ID: id, Text: "Albert Einstein's letters on relativity will be auctioned next month.", Lang: "en"})
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	sent := time.Now()
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: in, Key: []byte(id), Value: doc}).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}

	got := readOutput(t, ctx, brokers, out, id)
	t.Logf("linked in %.1fs: %+v", time.Since(sent).Seconds(), got.Links)
	if got.Source.Topic != in || got.Source.Offset != 0 {
		t.Errorf("source = %+v, want topic %s offset 0", got.Source, in)
	}
	var titles []string
	for _, l := range got.Links {
		titles = append(titles, l.Title)
	}
	if !strings.Contains(strings.Join(titles, "|"), "Albert Einstein") {
		t.Errorf("links %v: want Albert Einstein linked", titles)
	}
	if got.ModelID == "" || got.ModelID == "none" {
		t.Errorf("model id %q: the image's default cross-encoder did not load", got.ModelID)
	}

	if m := get(t, "http://"+httpAddr+"/metrics"); !strings.Contains(m, "linkstream_documents_total") {
		t.Errorf("/metrics has no linkstream_documents_total")
	}

	// SIGTERM, as Kubernetes sends it: the service commits and leaves the
	// group within --shutdown-timeout and exits 0.
	stopAt := time.Now()
	if o, err := podman(ctx, "stop", "--time", "30", name); err != nil {
		t.Fatalf("podman stop: %v\n%s", err, o)
	}
	code, err := podman(ctx, "inspect", "--format", "{{.State.ExitCode}}", name)
	if err != nil || code != "0" {
		t.Errorf("exit code after SIGTERM = %q (%v), want 0", code, err)
	}
	t.Logf("stopped in %.1fs", time.Since(stopAt).Seconds())
}

func createTopics(t *testing.T, ctx context.Context, brokers []string) (in, out string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	adm := kadm.NewClient(cl)
	base := fmt.Sprintf("imagetest-%d", time.Now().UnixNano())
	in, out = base+".in", base+".out"
	for _, name := range []string{in, out, in + ".dlq"} {
		resp, err := adm.CreateTopic(ctx, 1, 1, nil, name)
		if err == nil {
			err = resp.Err
		}
		if err != nil {
			t.Fatalf("create topic %s: %v", name, err)
		}
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, _ = adm.DeleteTopics(ctx, in, out, in+".dlq")
	})
	return in, out
}

// waitReady polls /readyz until it answers 200, failing at once if the
// container exits (a missing library or model shows in its logs).
func waitReady(t *testing.T, ctx context.Context, name, url string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if running, _ := podman(ctx, "inspect", "--format", "{{.State.Running}}", name); running != "true" {
			t.Fatalf("container %s exited before it was ready", name)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready within 2 minutes", url)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func readOutput(t *testing.T, ctx context.Context, brokers []string, topic, id string) schemas.LinkedDocument {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	dec := producer.NewOutputDecoder(nil)
	for {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("no output record for %s within 90s", id)
		}
		for _, r := range fetches.Records() {
			d, err := dec.Decode(ctx, r.Value)
			if err != nil {
				t.Fatalf("decode output: %v", err)
			}
			if d.ID == id {
				return d
			}
		}
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = io.Copy(&b, resp.Body)
	return b.String()
}

// gensimDump is the Wikipedia excerpt `make deps` caches (models/manifest.json,
// sources.gensim): the KB these tests build.
func gensimDump(t *testing.T) string {
	t.Helper()
	p, err := models.SourceFile(models.CacheDir(os.Getenv), "gensim", "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2")
	if err != nil {
		t.Fatalf("the gensim dump excerpt: %v", err)
	}
	return p
}

// staleBinary says how the image's linkstream differs from the checkout's
// bin/linkstream ("" when it is the same file): an image built from older
// code tests that code, not this checkout's (a KB of a newer format, for
// one, it refuses to open).
func staleBinary(t *testing.T, ctx context.Context, image string) string {
	t.Helper()
	local, err := os.ReadFile(filepath.Join("..", "..", "bin", "linkstream"))
	if err != nil {
		return "no bin/linkstream to compare it with (make build)"
	}
	name := fmt.Sprintf("linkstream-imagecheck-%d", time.Now().UnixNano())
	if o, err := podman(ctx, "create", "--name", name, image); err != nil {
		t.Fatalf("podman create: %v\n%s", err, o)
	}
	defer podman(context.Background(), "rm", "-f", name)
	copied := filepath.Join(t.TempDir(), "linkstream")
	if o, err := podman(ctx, "cp", name+":/usr/local/bin/linkstream", copied); err != nil {
		t.Fatalf("podman cp: %v\n%s", err, o)
	}
	inImage, err := os.ReadFile(copied)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(inImage, local) {
		return "its /usr/local/bin/linkstream is not bin/linkstream"
	}
	return ""
}
