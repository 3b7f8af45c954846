package consumer

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/producer"
	"github.com/linkstream/linkstream/schemas"
)

// Per-document costs of the Kafka side's own code, without a broker:
// decoding an input record and encoding an output record. The test
// linker's cost is measured too, to subtract it from end-to-end CPU.

func benchService(b *testing.B, opts ...Opt) *Service {
	s, err := New(context.Background(), &capsLinker{}, append([]Opt{Brokers("127.0.0.1:1"), Topics("in", "out", ""),
		Group("g"), InstanceID("a"), Logger(testLogger(b))}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// articleDoc is a news-article-sized document (about 3.5 KB, the mean of
// the MSNBC benchmark texts).
func articleDoc() link.Document {
	var sb strings.Builder
	for i := 0; sb.Len() < 3500; i++ {
		sb.WriteString(newsDoc("a", i).Text)
		sb.WriteString(" \"Quoted\" words, café and naïve — 2026.\n")
	}
	return link.Document{ID: "article-1", Text: sb.String(), Title: "A title", URL: "https://example.org/a"}
}

func BenchmarkDecodeJSON(b *testing.B) {
	s := benchService(b)
	enc, _ := producer.NewDocumentEncoder(context.Background(), nil, "")
	r, _ := enc.Record("in", articleDoc())
	b.SetBytes(int64(len(r.Value)))
	for b.Loop() {
		if _, err := s.decode(context.Background(), r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeAvro(b *testing.B) {
	reg, _ := newFakeRegistry(b)
	s := benchService(b, Registry(reg))
	enc, err := producer.NewDocumentEncoder(context.Background(), reg, "in-value")
	if err != nil {
		b.Fatal(err)
	}
	r, _ := enc.Record("in", articleDoc())
	b.SetBytes(int64(len(r.Value)))
	for b.Loop() {
		if _, err := s.decode(context.Background(), r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeOutput(b *testing.B) {
	s := benchService(b)
	res := capsLink(articleDoc())
	for b.Loop() {
		ld := schemas.NewLinkedDocument(res, schemas.Source{Topic: "in", Partition: 1, Offset: 2}, "kb", "m", time.Now())
		if _, err := s.enc.Encode(&ld); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDeadLetter(b *testing.B) {
	r := &kgo.Record{Topic: "in", Key: []byte("k"), Value: []byte(`{"id":"x"`)}
	for b.Loop() {
		producer.DeadLetter(r, "in.dlq", producer.ReasonBadJSON, nil, 0, 0)
	}
}

func BenchmarkCapsLinker(b *testing.B) {
	l := &capsLinker{}
	doc := newsDoc("b", 1)
	for b.Loop() {
		l.Link(context.Background(), doc)
	}
}
