package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/linkstream/linkstream/consumer"
	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/models"
	"github.com/linkstream/linkstream/producer"
	"github.com/linkstream/linkstream/schemas"
)

// demoTexts are news-like texts: the seed tutorial's three sentences
// verbatim, then datelines, abbreviations, short forms of earlier names,
// ambiguous names and common words that must not link.
var demoTexts = []string{
	"Tim Cook announced new Apple products in Cupertino.",
	"Steve Jobs co-founded Apple in a garage in Los Altos.",
	"Elon Musk discussed Tesla's new factory in Berlin with Angela Merkel.",
	"WASHINGTON — Barack Obama met Vladimir Putin at the United Nations on Monday; Obama said the talks on Syria were frank.",
	"LONDON — Shares of BP fell in early trading after the company reported new costs from the spill in the Gulf of Mexico.",
	"Serena Williams beat Maria Sharapova at Wimbledon, and Williams will face Venus in the final.",
	"Toyota recalled more cars in Japan and the U.S. after complaints about brakes, the company said in Tokyo.",
	"Jimmy Page and Robert Plant of Led Zeppelin played in Paris; Page said the band would tour again.",
	"The president of Georgia visited Tbilisi as storms hit Atlanta, Georgia, and the Federal Emergency Management Agency sent help.",
	"Page 2 of the report was missing, and the same mistake appeared again in March.",
	"Microsoft and Google competed for a contract with the Pentagon, according to The New York Times.",
	"NEW DELHI — India and Pakistan agreed to resume talks on Kashmir, officials in Islamabad said.",
}

// runDemo links the demo texts through the whole service in one process:
// a Kafka cluster in memory (kfake), the consumer group with exactly-once
// output, the real cross-encoder, and the KB of --kb (make demo passes the
// Wikipedia-scale KB of make kb); without --kb, a KB built from the small
// Wikipedia excerpt that make deps fetched, which knows few of the texts'
// entities. It prints every linked document and exits.
func runDemo(ctx context.Context, args []string) error {
	fs := newFlagSet("demo", "[--kb KBDIR] [--mode never|ambiguous|always]")
	var lf linkerFlags
	lf.register(fs)
	// The demo KB's candidates are whole articles with descriptions, so the
	// demo lets the model weigh more of them than the calibrated default
	// (tuned on a KB where almost nothing has a description).
	fs.Lookup("ambiguity").DefValue = "0.25"
	lf.ambiguity = 0.25
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cleanup, err := lf.demoKBUnlessGiven(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	linker, err := lf.open()
	if err != nil {
		return err
	}
	defer linker.Close()

	const input, output, dlq = "news", "news-linked", "news.dlq"
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, input), kfake.SeedTopics(3, output), kfake.SeedTopics(1, dlq))
	if err != nil {
		return fmt.Errorf("demo: in-process Kafka: %w", err)
	}
	defer cluster.Close()
	brokers := cluster.ListenAddrs()
	fmt.Fprintf(os.Stderr, "demo: in-process Kafka at %v; producing %d documents to %q\n", brokers, len(demoTexts), input)
	if err := produceDemo(ctx, brokers, input); err != nil {
		return err
	}

	svc, err := consumer.New(ctx, linker,
		consumer.Brokers(brokers...), consumer.Topics(input, output, dlq),
		consumer.Group("linkstream-demo"), consumer.InstanceID("demo"), consumer.ExactlyOnce(true),
		consumer.Versions(linker.kbVersion(), linker.modelID()),
		consumer.Logger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- svc.Run(runCtx) }()

	docs, readErr := readDemoOutput(ctx, brokers, output, len(demoTexts))
	stop()
	if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("demo: service: %w", err)
	}
	if readErr != nil {
		return readErr
	}
	for i, text := range demoTexts {
		d := docs[demoID(i)]
		fmt.Printf("\n%s\n", text)
		printLinked(os.Stdout, d.record, &d.doc)
	}
	st := linker.Stats()
	fmt.Printf("\n%d documents, %d mentions, %d linked, %d NIL; cross-encoder: %d mentions in %d batches (mean %.1f pairs); candidate cache hit ratio %.2f\n",
		st.Documents, st.Mentions, st.Links, st.NIL, st.CrossEncoded, st.Batches.Batches, st.Batches.MeanBatch, st.Cache.HitRatio)
	return nil
}

func demoID(i int) string { return fmt.Sprintf("demo-%02d", i+1) }

// demoKBUnlessGiven points --kb at a freshly built demo KB when no KB was
// given; cleanup removes it.
func (f *linkerFlags) demoKBUnlessGiven(ctx context.Context) (cleanup func(), err error) {
	if f.kbDir != "" {
		return func() {}, nil
	}
	dir, cleanup, err := buildDemoKB(ctx)
	if err != nil {
		return nil, err
	}
	f.kbDir = dir
	return cleanup, nil
}

// demoDump is the real enwiki pages-articles excerpt that the gensim
// package ships for its own tests; make deps caches it as the manifest's
// "gensim" source, and the demo KB is built from it.
const demoDump = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"

// buildDemoKB builds the demo KB from the cached gensim excerpt into a
// temporary directory (a few seconds; always current with this binary).
func buildDemoKB(ctx context.Context) (string, func(), error) {
	dump, err := models.SourceFile(cacheDir(), "gensim", demoDump)
	if err != nil {
		return "", nil, err
	}
	tmp, err := os.MkdirTemp("", "linkstream-demo-kb-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(tmp) }
	dir := filepath.Join(tmp, "kb")
	fmt.Fprintf(os.Stderr, "demo: building the demo KB from %s\n", filepath.Base(dump))
	if _, err := kb.Build(ctx, dir, kb.Dump(dump)); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("demo: %w", err)
	}
	return dir, cleanup, nil
}

func produceDemo(ctx context.Context, brokers []string, topic string) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic(topic))
	if err != nil {
		return err
	}
	defer cl.Close()
	now := time.Now().UTC()
	for i, text := range demoTexts {
		v, _ := json.Marshal(link.Document{ID: demoID(i), Text: text, Lang: "en", PublishedAt: &now})
		if err := cl.ProduceSync(ctx, &kgo.Record{Key: []byte(demoID(i)), Value: v}).FirstErr(); err != nil {
			return fmt.Errorf("demo: produce: %w", err)
		}
	}
	return nil
}

type demoOutput struct {
	record *kgo.Record
	doc    schemas.LinkedDocument
}

// readDemoOutput reads the committed output until every document arrived.
func readDemoOutput(ctx context.Context, brokers []string, topic string, n int) (map[string]demoOutput, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	dec := producer.NewOutputDecoder(nil)
	out := make(map[string]demoOutput, n)
	for len(out) < n {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("demo: %d of %d linked documents arrived: %w", len(out), n, ctx.Err())
		}
		var decodeErr error
		fetches.EachRecord(func(r *kgo.Record) {
			d, err := dec.Decode(ctx, r.Value)
			if err != nil {
				decodeErr = err
				return
			}
			out[d.ID] = demoOutput{r, d}
		})
		if decodeErr != nil {
			return nil, fmt.Errorf("demo: %w", decodeErr)
		}
	}
	return out, nil
}
