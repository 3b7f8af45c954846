package producer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/schemas"
)

func TestDeadLetterKeepsOriginal(t *testing.T) {
	src := &kgo.Record{Topic: "news", Partition: 4, Offset: 99, Key: []byte("k"), Value: []byte("v"),
		Headers: []kgo.RecordHeader{{Key: "origin", Value: []byte("o")}}}
	dl := DeadLetter(src, "news.dlq", ReasonBadJSON, nil, 0, 100)
	if dl.Topic != "news.dlq" || string(dl.Key) != "k" || string(dl.Value) != "v" || dl.Headers[0].Key != "origin" {
		t.Fatalf("dead letter lost the original: %+v", dl)
	}
	for k, want := range map[string]string{HeaderReason: "bad-json", HeaderSourceTopic: "news",
		HeaderSourcePartition: "4", HeaderSourceOffset: "99", HeaderAttempts: "0"} {
		if got, _ := Header(dl, k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if at, _ := Header(dl, HeaderFailedAt); at == "" {
		t.Error("no failed-at header")
	} else if _, err := time.Parse(time.RFC3339, at); err != nil {
		t.Errorf("failed-at %q: %v", at, err)
	}
	if len(src.Headers) != 1 {
		t.Fatal("the source record's headers were modified")
	}
}

func TestDeadLetterOmitsHugeValue(t *testing.T) {
	big := []byte(strings.Repeat("x", 5000))
	dl := DeadLetter(&kgo.Record{Topic: "in", Value: big}, "dlq", ReasonTooLarge, nil, 0, 1000)
	sum := sha256.Sum256(big)
	size, _ := Header(dl, HeaderValueOmitted)
	hash, _ := Header(dl, HeaderValueSHA256)
	if dl.Value != nil || size != strconv.Itoa(len(big)) || hash != hex.EncodeToString(sum[:]) {
		t.Fatalf("value %d bytes, size %q, hash %q", len(dl.Value), size, hash)
	}
	if kept := DeadLetter(&kgo.Record{Value: big}, "dlq", ReasonTooLarge, nil, 0, 0); len(kept.Value) != len(big) {
		t.Fatal("maxValue 0 must keep every value")
	}
}

func TestPlainOutputRoundTrip(t *testing.T) {
	ctx := context.Background()
	enc, err := NewEncoder(ctx, nil, "")
	if err != nil || enc.SchemaID() != 0 {
		t.Fatal(err)
	}
	res := link.Result{ID: "d", Links: []link.Link{{Start: 0, End: 5, Mention: "Paris", Title: "Paris",
		URL: "https://en.wikipedia.org/wiki/Paris", Type: "LOC", Score: 0.9, Method: link.MethodContext}},
		NIL: []link.NilMention{}}
	ld := schemas.NewLinkedDocument(res, schemas.Source{Topic: "t", Partition: 1, Offset: 2}, "kb", "m", time.Now())
	v, err := enc.Encode(&ld)
	if err != nil {
		t.Fatal(err)
	}
	got, err := NewOutputDecoder(nil).Decode(ctx, v)
	if err != nil || got.Result.Links[0] != res.Links[0] || got.Source != ld.Source {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	// A wire-format value read without a registry still decodes.
	wire := schemas.AppendWire(nil, 7, v)
	if got, err := NewOutputDecoder(nil).Decode(ctx, wire); err != nil || got.ID != "d" {
		t.Fatalf("wire without registry: %+v %v", got, err)
	}
}

func TestDocumentEncoderJSON(t *testing.T) {
	enc, _ := NewDocumentEncoder(context.Background(), nil, "")
	r, err := enc.Record("news", link.Document{ID: "a", Text: "Rome"})
	if err != nil {
		t.Fatal(err)
	}
	var back link.Document
	if err := json.Unmarshal(r.Value, &back); err != nil || back.ID != "a" || back.Text != "Rome" || string(r.Key) != "a" || r.Topic != "news" {
		t.Fatalf("%+v %v", r, err)
	}
}
