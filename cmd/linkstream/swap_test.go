package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/linkstream/linkstream/hotswap"
	"github.com/linkstream/linkstream/internal/kbtest"
	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/producer"
)

// twoKBs builds two KBs of the DBpedia minidump whose content differs
// (descriptions cut at 300 and 120 bytes), and returns their short versions.
func twoKBs(t *testing.T) (kbA, kbB string, versions map[string]string) {
	t.Helper()
	dump := kbtest.Need(t, kbtest.MiniDump)
	dir := t.TempDir()
	kbA, kbB = filepath.Join(dir, "a"), filepath.Join(dir, "b")
	versions = map[string]string{}
	for path, descLen := range map[string]int{kbA: 300, kbB: 120} {
		info, err := kb.Build(context.Background(), path, kb.Dump(dump), kb.DescriptionLength(descLen))
		if err != nil {
			t.Fatal(err)
		}
		versions[path] = info.ContentHash[:len("sha256:")+12]
	}
	if versions[kbA] == versions[kbB] {
		t.Fatalf("the two KBs have one content hash, %s: a swap would not show", versions[kbA])
	}
	return kbA, kbB, versions
}

// TestRunSwapsTheKBWithoutLosingARecord runs `linkstream run` while its
// KB's current link moves ten times, each move while a wave of documents
// is in flight: every document comes out exactly once, each record names
// the KB before or after the swap it lived through, and calm waves (linked
// between swaps) name the KB of their time. On an in-process Kafka, and on
// the real broker when LINKSTREAM_KAFKA_BROKERS names one (make test
// starts it).
func TestRunSwapsTheKBWithoutLosingARecord(t *testing.T) {
	kbA, kbB, versions := twoKBs(t)
	t.Run("kfake", func(t *testing.T) {
		cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "in"), kfake.SeedTopics(3, "out"), kfake.SeedTopics(1, "in.dlq"))
		if err != nil {
			t.Fatal(err)
		}
		defer cluster.Close()
		swapUnderKafka(t, cluster.ListenAddrs(), "in", "out", "127.0.0.1:19561", kbA, kbB, versions)
	})
	t.Run("kafka", func(t *testing.T) {
		brokers := os.Getenv("LINKSTREAM_KAFKA_BROKERS")
		if brokers == "" {
			t.Skip("LINKSTREAM_KAFKA_BROKERS is not set: no real broker (make test starts one)")
		}
		seeds := strings.Split(brokers, ",")
		base := fmt.Sprintf("swap-test-%d", time.Now().UnixNano())
		in, out := base+".in", base+".out"
		cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...))
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		adm := kadm.NewClient(cl)
		for _, tp := range []string{in, out, in + ".dlq"} {
			resp, err := adm.CreateTopic(context.Background(), 3, 1, nil, tp)
			if err == nil {
				err = resp.Err
			}
			if err != nil {
				t.Fatalf("create topic %s: %v", tp, err)
			}
		}
		defer adm.DeleteTopics(context.Background(), in, out, in+".dlq")
		swapUnderKafka(t, seeds, in, out, "127.0.0.1:19563", kbA, kbB, versions)
	})
}

func swapUnderKafka(t *testing.T, seeds []string, in, out, metricsAddr, kbA, kbB string, versions map[string]string) {
	ctx := context.Background()
	root := filepath.Join(t.TempDir(), "root")
	if err := mkdirAndPoint(root, kbA); err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() {
		ran <- dispatch(runCtx, []string{"run", "--brokers", strings.Join(seeds, ","), "--input-topic", in, "--output-topic", out,
			"--group", in + "-group", "--instance-id", in, "--kb", root, "--mode", "never", "--kb-poll", "5ms",
			"--http-addr", metricsAddr, "--cycle-target", "100ms", "--log-level", "error"})
	}()
	defer func() {
		stop()
		if err := <-ran; err != nil && !strings.Contains(err.Error(), "context canceled") {
			t.Errorf("run: %v", err)
		}
	}()

	cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.DefaultProduceTopic(in))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	rd, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.ConsumeTopics(out),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	rctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	dec := producer.NewOutputDecoder(nil)
	seen := map[string]string{} // document id -> KB version of its record

	const perWave = 100
	// wave produces a wave of documents and returns its ids.
	wave := func(name string) []string {
		ids := make([]string, perWave)
		for i := range ids {
			ids[i] = fmt.Sprintf("%s-%03d", name, i)
			v, _ := json.Marshal(link.Document{ID: ids[i], Text: "Angela Merkel met IBM managers in Berlin, " + ids[i] + "."})
			cl.Produce(ctx, &kgo.Record{Key: []byte(ids[i]), Value: v}, nil)
		}
		if err := cl.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	// drain reads the committed output until every id came out, once.
	drain := func(ids []string) {
		t.Helper()
		missing := func() int {
			n := 0
			for _, id := range ids {
				if _, ok := seen[id]; !ok {
					n++
				}
			}
			return n
		}
		for missing() > 0 {
			fetches := rd.PollFetches(rctx)
			if rctx.Err() != nil {
				t.Fatalf("%d of %d documents did not come out: %v", missing(), len(ids), rctx.Err())
			}
			fetches.EachRecord(func(r *kgo.Record) {
				d, err := dec.Decode(rctx, r.Value)
				if err != nil {
					t.Fatalf("decoding an output record: %v", err)
				}
				if _, dup := seen[d.ID]; dup {
					t.Fatalf("document %s came out twice", d.ID)
				}
				seen[d.ID] = d.KBVersion
			})
		}
	}
	// expect holds the records of ids to the KBs that may have linked them.
	expect := func(ids []string, kbs ...string) {
		t.Helper()
		for _, id := range ids {
			if v := seen[id]; v != versions[kbs[0]] && v != versions[kbs[len(kbs)-1]] {
				t.Fatalf("%s names KB %q, want %q or %q", id, v, versions[kbs[0]], versions[kbs[len(kbs)-1]])
			}
		}
	}

	// A calm wave on KB a: the service is up and consuming.
	first := wave("calm-a")
	drain(first)
	expect(first, kbA)
	targets := []string{kbA, kbB}
	for i := 1; i <= 10; i++ {
		// Each swap happens while a wave is in flight.
		ids := wave(fmt.Sprintf("w%02d", i))
		if err := mkdirAndPoint(root, targets[i%2]); err != nil {
			t.Fatal(err)
		}
		waitForMetric(t, metricsAddr, swapped(i))
		drain(ids)
		expect(ids, targets[(i+1)%2], targets[i%2])
		if i == 1 {
			// A calm wave on KB b: the swap took effect.
			calm := wave("calm-b")
			drain(calm)
			expect(calm, kbB)
		}
	}
	last := wave("calm-last")
	drain(last)
	expect(last, targets[10%2])
	if n := len(seen); n != 13*perWave {
		t.Fatalf("%d documents came out, want %d", n, 13*perWave)
	}
}

func mkdirAndPoint(root, target string) error {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	return hotswap.Publish(root, target)
}

// waitForMetric polls /metrics until it has the line want.
func waitForMetric(t *testing.T, addr, want string) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(time.Minute)
	for {
		if resp, err := http.Get("http://" + addr + "/metrics"); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(b), want) {
				return
			}
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("no %q on /metrics within a minute", want)
		}
	}
}

func swapped(n int) string { return fmt.Sprintf(`linkstream_kb_swaps_total{result="swapped"} %d`, n) }
