package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/linkstream/linkstream/producer"
	"github.com/linkstream/linkstream/schemas"
)

// runTail is `linkstream tail`: print an output topic's linked documents.
func runTail(ctx context.Context, args []string) error {
	fs := newFlagSet("tail", "--brokers HOST:PORT --topic T [flags]")
	var (
		brokers   = fs.String("brokers", "127.0.0.1:19092", "comma-separated seed brokers")
		topic     = fs.String("topic", "", "output topic to print (required)")
		registry  = fs.String("registry", "", "Schema Registry URL(s) for wire-format values")
		fromStart = fs.Bool("from-beginning", true, "start at the beginning of the topic (false: only new records)")
		follow    = fs.Bool("follow", false, "keep waiting for new records instead of exiting when caught up")
		max       = fs.Int("max", 0, "stop after this many records (0: no limit)")
		asJSON    = fs.Bool("json", false, "print one JSON object per record instead of text")
		committed = fs.Bool("read-committed", true, "only records of committed transactions")
	)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *topic == "" {
		fs.Usage()
		return errors.New("tail: --topic is required")
	}
	var reg *sr.Client
	if *registry != "" {
		var err error
		if reg, err = sr.NewClient(sr.URLs(splitList(*registry)...)); err != nil {
			return fmt.Errorf("tail: --registry: %w", err)
		}
	}
	start := kgo.NewOffset().AtStart()
	if !*fromStart {
		start = kgo.NewOffset().AtEnd()
	}
	iso := kgo.ReadUncommitted()
	if *committed {
		iso = kgo.ReadCommitted()
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(splitList(*brokers)...), kgo.ConsumeTopics(*topic),
		kgo.ConsumeResetOffset(start), kgo.FetchIsolationLevel(iso))
	if err != nil {
		return fmt.Errorf("tail: %w", err)
	}
	defer cl.Close()
	dec := producer.NewOutputDecoder(reg)
	n := 0
	for {
		pctx, cancel := ctx, context.CancelFunc(func() {})
		if !*follow {
			// Caught up when a poll brings nothing for a few seconds.
			pctx, cancel = context.WithTimeout(ctx, 3*time.Second)
		}
		fetches := cl.PollFetches(pctx)
		cancel()
		if ctx.Err() != nil {
			return nil
		}
		fetches.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
				fmt.Fprintf(os.Stderr, "tail: %s[%d]: %v\n", t, p, err)
			}
		})
		if fetches.NumRecords() == 0 && !*follow {
			return nil
		}
		var stop bool
		fetches.EachRecord(func(r *kgo.Record) {
			if stop {
				return
			}
			ld, err := dec.Decode(ctx, r.Value)
			if err != nil {
				fmt.Fprintf(os.Stderr, "tail: %s[%d]@%d: %v\n", r.Topic, r.Partition, r.Offset, err)
			} else if *asJSON {
				printJSON(os.Stdout, r, &ld)
			} else {
				printLinked(os.Stdout, r, &ld)
			}
			n++
			stop = *max > 0 && n >= *max
		})
		if stop {
			return nil
		}
	}
}

func printLinked(w io.Writer, r *kgo.Record, d *schemas.LinkedDocument) {
	fmt.Fprintf(w, "%s  (%s[%d]@%d <- %s[%d]@%d, kb %s, model %s, %s)\n", d.ID, r.Topic, r.Partition, r.Offset,
		d.Source.Topic, d.Source.Partition, d.Source.Offset, d.KBVersion, d.ModelID, d.ProcessedAt.Format(time.RFC3339))
	for _, l := range d.Links {
		fmt.Fprintf(w, "  %s (%s) -> %s (%.2f) %s [%s]\n", l.Mention, l.Type, l.Title, l.Score, l.URL, l.Method)
	}
	for _, m := range d.NIL {
		typ := m.Type
		if typ == "" {
			typ = "?"
		}
		fmt.Fprintf(w, "  %s (%s) -> NIL\n", m.Mention, typ)
	}
	if len(d.Links)+len(d.NIL) == 0 {
		fmt.Fprintln(w, "  (no mentions)")
	}
}

func printJSON(w io.Writer, r *kgo.Record, d *schemas.LinkedDocument) {
	out := struct {
		Topic       string    `json:"topic"`
		Partition   int32     `json:"partition"`
		Offset      int64     `json:"offset"`
		Source      any       `json:"source"`
		KBVersion   string    `json:"kb_version"`
		ModelID     string    `json:"model_id"`
		ProcessedAt time.Time `json:"processed_at"`
		Result      any       `json:"result"`
	}{r.Topic, r.Partition, r.Offset, map[string]any{"topic": d.Source.Topic, "partition": d.Source.Partition, "offset": d.Source.Offset},
		d.KBVersion, d.ModelID, d.ProcessedAt, d.Result}
	b, _ := json.Marshal(out)
	fmt.Fprintln(w, string(b))
}
