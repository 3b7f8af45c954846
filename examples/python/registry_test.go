package python

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/linkstream/linkstream/consumer"
	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/producer"
	"github.com/linkstream/linkstream/schemas"
)

const registryEnv = "LINKSTREAM_REGISTRY_URL"

// getJSON reads the registry's REST API directly, not through franz-go's
// client, so the check does not share the service's code path.
func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", url, resp.Status, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v: %s", url, err, b)
	}
}

func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatalf("schema %q: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatalf("schema %q: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

// TestRegistry runs the service with a real Schema Registry (Apicurio,
// scripts/registry.sh): Avro input in the Confluent wire format is decoded
// through the registry, the output schema is registered under
// "<output>-value", the output is written in the wire format with that id,
// and a Python client (read_output.py --registry) decodes it with the
// writer schema it fetches from the registry.
func TestRegistry(t *testing.T) {
	url := os.Getenv(registryEnv)
	if url == "" {
		t.Skipf("%s is not set: no real Schema Registry (scripts/registry.sh up starts one; make test does)", registryEnv)
	}
	seeds := os.Getenv("LINKSTREAM_KAFKA_BROKERS")
	if seeds == "" {
		t.Skip("LINKSTREAM_KAFKA_BROKERS is not set: no real Kafka broker (make test starts one)")
	}
	brokers := strings.Split(seeds, ",")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	reg, err := sr.NewClient(sr.URLs(url))
	if err != nil {
		t.Fatal(err)
	}

	linker := excerptLinker(ctx, t)

	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	base := fmt.Sprintf("registry-%d", time.Now().UnixNano())
	in, out, dlq := base+".in", base+".out", base+".dlq"
	for _, name := range []string{in, out, dlq} {
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
		_, _ = adm.DeleteTopics(ctx, in, out, dlq)
	})

	// Avro input, its schema registered as a producer would.
	enc, err := producer.NewDocumentEncoder(ctx, reg, producer.SubjectFor(in))
	if err != nil {
		t.Fatalf("register the input schema: %v", err)
	}
	texts := []string{
		"Albert Einstein's letters on relativity will be auctioned next month.",
		"Angola and Algeria signed an oil agreement at a summit in Albania.",
		"Historians compared Abraham Lincoln with Alexander the Great.",
	}
	for i, text := range texts {
		r, err := enc.Record(in, link.Document{ID: fmt.Sprintf("avro-%d", i), Text: text, Lang: "en"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Value[0] != 0 {
			t.Fatalf("input record is not in the wire format: % x", r.Value[:5])
		}
		if err := cl.ProduceSync(ctx, r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}

	svc, err := consumer.New(ctx, linker, consumer.Brokers(brokers...), consumer.Topics(in, out, dlq),
		consumer.Group(base), consumer.InstanceID(base+"-0"), consumer.ExactlyOnce(true), consumer.Registry(reg),
		consumer.Versions("test-kb", "none"), consumer.Logger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- svc.Run(runCtx) }()
	defer func() {
		stop()
		if err := <-done; err != nil && ctx.Err() == nil {
			t.Errorf("service: %v", err)
		}
	}()

	// The output, read as the Go decoder does, through the registry.
	rd, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(out, dlq),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	dec := producer.NewOutputDecoder(reg)
	goDocs := map[string]schemas.LinkedDocument{}
	ids := map[uint32]bool{}
	readCtx, readCancel := context.WithTimeout(ctx, 90*time.Second)
	defer readCancel()
	for len(goDocs) < len(texts) {
		fetches := rd.PollFetches(readCtx)
		if readCtx.Err() != nil {
			t.Fatalf("%d of %d documents in the output within 90s", len(goDocs), len(texts))
		}
		for _, r := range fetches.Records() {
			if r.Topic == dlq {
				reason, _ := producer.Header(r, "linkstream.dlq.reason")
				t.Fatalf("a document went to the dead-letter topic: %s", reason)
			}
			if len(r.Value) < 5 || r.Value[0] != 0 {
				t.Fatalf("output record is not in the wire format: % x", r.Value[:min(5, len(r.Value))])
			}
			ids[binary.BigEndian.Uint32(r.Value[1:5])] = true
			d, err := dec.Decode(ctx, r.Value)
			if err != nil {
				t.Fatal(err)
			}
			goDocs[d.ID] = d
		}
	}
	linked := 0
	for _, d := range goDocs {
		linked += len(d.Links)
	}
	if linked == 0 {
		t.Errorf("no links in %d documents decoded from Avro input", len(goDocs))
	}

	// The registry itself: both subjects, and the output schema under
	// "<output>-value" is linked_document.avsc with the id the records carry.
	var subjects []string
	getJSON(t, url+"/subjects", &subjects)
	for _, s := range []string{producer.SubjectFor(in), producer.SubjectFor(out)} {
		if !slices.Contains(subjects, s) {
			t.Errorf("registry subjects %v lack %s", subjects, s)
		}
	}
	var latest struct {
		ID     uint32 `json:"id"`
		Schema string `json:"schema"`
	}
	getJSON(t, url+"/subjects/"+producer.SubjectFor(out)+"/versions/latest", &latest)
	if !sameJSON(t, latest.Schema, schemas.LinkedDocumentAVSC) {
		t.Errorf("registered output schema differs from schemas/linked_document.avsc:\n%s", latest.Schema)
	}
	if len(ids) != 1 || !ids[latest.ID] {
		t.Errorf("output records carry schema ids %v, the registry has id %d for %s", ids, latest.ID, producer.SubjectFor(out))
	}
	t.Logf("%d Avro documents linked (%d links); output schema id %d under %s", len(goDocs), linked, latest.ID, producer.SubjectFor(out))

	// A non-Go client: writer schema from the registry by id.
	py, err := exec.Command(filepath.Join("..", "..", "scripts", "pyclient.sh"), "path").Output()
	if err != nil {
		t.Skip("no Python client venv (make pyclient): the Go half passed, the Python half is skipped")
	}
	cmd := exec.CommandContext(ctx, strings.TrimSpace(string(py)), "read_output.py", "--brokers", seeds, "--topic", out,
		"--group", base+"-py", "--registry", url, "--count", fmt.Sprint(len(texts)), "--timeout", "90")
	outp, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("read_output.py --registry: %v\n%s", err, stderr)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(outp)), "\n") {
		var d pyDoc
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			t.Fatalf("read_output.py printed %q: %v", line, err)
		}
		g, ok := goDocs[d.ID]
		if !ok {
			t.Fatalf("Python read document %q that Go did not", d.ID)
		}
		equal(t, d, g)
		n++
	}
	if n != len(texts) {
		t.Errorf("Python read %d documents, want %d", n, len(texts))
	}
}
