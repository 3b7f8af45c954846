package schemas

import (
	"reflect"
	"testing"
	"time"

	"github.com/linkstream/linkstream/link"
)

func TestLinkedDocumentRoundTrip(t *testing.T) {
	res := link.Result{ID: "d1",
		Links: []link.Link{{Start: 0, End: 8, Mention: "Tim Cook", Title: "Tim Cook",
			URL: "https://en.wikipedia.org/wiki/Tim_Cook", QID: "Q265852", Type: "PER",
			Score: 0.93, Ambiguity: 0.12, Method: link.MethodCrossEncoder}},
		NIL: []link.NilMention{{Start: 12, End: 17, Mention: "Zorbo", Type: "MISC"}, {Start: 20, End: 21, Mention: "X"}},
	}
	at := time.Date(2026, 11, 21, 12, 0, 0, 123456789, time.UTC)
	ld := NewLinkedDocument(res, Source{Topic: "news", Partition: 3, Offset: 42}, "kb-1", "model-1", at)
	body, err := ld.AppendAvro(nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeLinkedDocument(body)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Result, res) {
		t.Fatalf("result round trip:\n got %+v\nwant %+v", got.Result, res)
	}
	if got.Source != ld.Source || got.KBVersion != "kb-1" || got.ModelID != "model-1" {
		t.Fatalf("metadata lost: %+v", got)
	}
	if !got.ProcessedAt.Equal(at.Truncate(time.Millisecond)) {
		t.Fatalf("processed_at %v, want %v", got.ProcessedAt, at.Truncate(time.Millisecond))
	}
	// A decoder built from the schema text (as a registry would serve it) agrees.
	dec, err := NewLinkedDocumentDecoder(LinkedDocumentAVSC)
	if err != nil {
		t.Fatal(err)
	}
	got2, err := dec.Decode(body)
	if err != nil || !reflect.DeepEqual(got2.Result, res) {
		t.Fatalf("writer-schema decode: %v %+v", err, got2)
	}
}

func TestWire(t *testing.T) {
	b := AppendWire(nil, 70000, []byte("body"))
	id, body, err := SplitWire(b)
	if err != nil || id != 70000 || string(body) != "body" {
		t.Fatalf("SplitWire = %d %q %v", id, body, err)
	}
	for _, bad := range [][]byte{nil, {0, 1, 2}, {1, 0, 0, 0, 1, 'x'}, []byte(`{"id":1}`)} {
		if _, _, err := SplitWire(bad); err != ErrNotWire {
			t.Errorf("SplitWire(%q) err = %v, want ErrNotWire", bad, err)
		}
	}
}

func TestDocumentRoundTrip(t *testing.T) {
	pub := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	doc := link.Document{ID: "a", Text: "Angela Merkel met Macron.", Title: "T", Lang: "en", PublishedAt: &pub, URL: "u"}
	body, err := EncodeDocument(doc)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := NewDocumentDecoder(DocumentAVSC)
	if err != nil {
		t.Fatal(err)
	}
	got, err := dec.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, doc) {
		t.Fatalf("got %+v want %+v", got, doc)
	}
	minimal := link.Document{ID: "b", Text: "x"}
	body, _ = EncodeDocument(minimal)
	if got, err := dec.Decode(body); err != nil || !reflect.DeepEqual(got, minimal) {
		t.Fatalf("minimal: %+v %v", got, err)
	}
	// A plain schema without the optional fields is accepted too.
	plain := `{"type":"record","name":"N","fields":[{"name":"id","type":"string"},{"name":"text","type":"string"},{"name":"extra","type":"int"}]}`
	if _, err := NewDocumentDecoder(plain); err != nil {
		t.Fatal(err)
	}
	if _, err := NewDocumentDecoder(`{"type":"record","name":"M","fields":[{"name":"id","type":"string"}]}`); err == nil {
		t.Fatal("schema without text accepted")
	}
	if _, err := dec.Decode([]byte{0xff, 0xff}); err == nil {
		t.Fatal("garbage decoded")
	}
}
