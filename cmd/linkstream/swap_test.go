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
// one of the two KBs, and the wave produced after the last swap names the
// last KB. On an in-process Kafka, and on the real broker when
// LINKSTREAM_KAFKA_BROKERS names one (make test starts it).
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
	const waves, perWave = 11, 100
	produce := func(wave int) {
		for i := range perWave {
			id := fmt.Sprintf("w%02d-%03d", wave, i)
			v, _ := json.Marshal(link.Document{ID: id, Text: "Angela Merkel met IBM managers in Berlin, wave " + id + "."})
			cl.Produce(ctx, &kgo.Record{Key: []byte(id), Value: v}, nil)
		}
		if err := cl.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	targets := []string{kbA, kbB}
	for wave := range waves {
		produce(wave)
		if wave == waves-1 {
			break
		}
		if err := mkdirAndPoint(root, targets[(wave+1)%2]); err != nil {
			t.Fatal(err)
		}
		waitForMetric(t, metricsAddr, swapped(wave+1))
	}
	last := versions[targets[(waves-1)%2]]

	rd, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.ConsumeTopics(out),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	rctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	dec := producer.NewOutputDecoder(nil)
	seen := map[string]string{}
	byVersion := map[string]int{}
	for len(seen) < waves*perWave && rctx.Err() == nil {
		fetches := rd.PollFetches(rctx)
		fetches.EachRecord(func(r *kgo.Record) {
			d, err := dec.Decode(rctx, r.Value)
			if err != nil {
				t.Fatalf("decoding an output record: %v", err)
			}
			if _, dup := seen[d.ID]; dup {
				t.Fatalf("document %s came out twice", d.ID)
			}
			seen[d.ID] = d.KBVersion
			byVersion[d.KBVersion]++
		})
	}
	if len(seen) != waves*perWave {
		t.Fatalf("%d of %d documents came out", len(seen), waves*perWave)
	}
	for id, v := range seen {
		if v != versions[kbA] && v != versions[kbB] {
			t.Fatalf("%s names KB %q, neither of the two", id, v)
		}
		if strings.HasPrefix(id, fmt.Sprintf("w%02d-", waves-1)) && v != last {
			t.Fatalf("%s, produced after the last swap, names KB %s, want %s", id, v, last)
		}
	}
	if byVersion[versions[kbA]] == 0 || byVersion[versions[kbB]] == 0 {
		t.Fatalf("records by KB version: %v", byVersion)
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
