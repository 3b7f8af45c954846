package consumer_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/linkstream/linkstream/consumer"
	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/producer"
)

// Example_inProcess runs the whole Kafka side in one process on a kfake
// cluster, as `linkstream demo` does: produce documents, link them with a
// consumer.Service, read the linked documents back. The linker here is a
// toy that links every word starting with "Berlin" or "Paris".
func Example_inProcess() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "news", "news.linked", "news.dlq"))
	if err != nil {
		panic(err)
	}
	defer cluster.Close()
	seeds := cluster.ListenAddrs()

	// Produce three JSON documents.
	cl, _ := kgo.NewClient(kgo.SeedBrokers(seeds...))
	defer cl.Close()
	enc, _ := producer.NewDocumentEncoder(ctx, nil, "")
	for i, text := range []string{"Berlin is big.", "Paris and Berlin.", "Nothing here."} {
		r, _ := enc.Record("news", link.Document{ID: fmt.Sprintf("d%d", i), Text: text})
		cl.ProduceSync(ctx, r)
	}

	toy := link.Func(func(_ context.Context, doc link.Document) (link.Result, error) {
		res := link.Result{ID: doc.ID}
		for _, city := range []string{"Berlin", "Paris"} {
			if i := strings.Index(doc.Text, city); i >= 0 { // ASCII texts: byte = code point offsets
				res.Links = append(res.Links, link.Link{Start: i, End: i + len(city), Mention: city, Title: city,
					URL: "https://en.wikipedia.org/wiki/" + city, Type: "LOC", Score: 1, Method: link.MethodPrior})
			}
		}
		return res, nil
	})
	svc, err := consumer.New(ctx, toy, consumer.Brokers(seeds...), consumer.Topics("news", "news.linked", ""),
		consumer.Group("demo"), consumer.InstanceID("demo-1"), consumer.Versions("toy-kb", "none"),
		consumer.Logger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		panic(err)
	}
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()

	// Read the three linked documents back (read_committed).
	out, _ := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.ConsumeTopics("news.linked"),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	defer out.Close()
	dec := producer.NewOutputDecoder(nil)
	var lines []string
	rctx, rcancel := context.WithTimeout(ctx, 20*time.Second)
	defer rcancel()
	for len(lines) < 3 && rctx.Err() == nil {
		out.PollFetches(rctx).EachRecord(func(r *kgo.Record) {
			d, err := dec.Decode(ctx, r.Value)
			if err != nil {
				panic(err)
			}
			var links []string
			for _, l := range d.Links {
				links = append(links, fmt.Sprintf("%s -> %s", l.Mention, l.Title))
			}
			lines = append(lines, fmt.Sprintf("%s (kb %s): %s", d.ID, d.KBVersion, strings.Join(links, ", ")))
		})
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
	cancel()
	<-done
	// Output:
	// d0 (kb toy-kb): Berlin -> Berlin
	// d1 (kb toy-kb): Berlin -> Berlin, Paris -> Paris
	// d2 (kb toy-kb):
}
