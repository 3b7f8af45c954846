package pipeline

import (
	"context"
	"errors"
	"testing"

	"github.com/linkstream/linkstream/internal/kbtest"
	"github.com/linkstream/linkstream/link"
)

func TestLinkWithOverridesTheLinkersSettings(t *testing.T) {
	k := kbtest.Mini(t)
	cheap := cheapLinker(t, k)
	ctx := context.Background()
	doc := link.Document{ID: "d", Text: "Angela Merkel met IBM managers in Berlin."}

	base, ex, err := cheap.LinkWith(ctx, doc)
	if err != nil || ex != nil {
		t.Fatalf("LinkWith without options: %v, explanations %v", err, ex)
	}
	if want := linkText(t, cheap, doc.Text); len(base.Links) != len(want.Links) || len(base.NIL) != len(want.NIL) {
		t.Fatalf("LinkWith without options differs from Link: %+v vs %+v", base, want)
	}
	var below int
	for _, l := range base.Links {
		if l.Score < 1 {
			below++
		}
	}
	if below == 0 {
		t.Fatalf("every link scored 1, the NIL threshold cannot be seen at work: %+v", base.Links)
	}
	strict, ex, err := cheap.LinkWith(ctx, doc, WithNILThreshold(1), WithExplanations(true))
	if err != nil {
		t.Fatal(err)
	}
	if len(strict.Links) != len(base.Links)-below || len(strict.NIL) != len(base.NIL)+below {
		t.Fatalf("NIL threshold 1: %d links and %d NIL, want %d and %d", len(strict.Links), len(strict.NIL), len(base.Links)-below, len(base.NIL)+below)
	}
	if len(ex) != len(strict.Links)+len(strict.NIL) {
		t.Fatalf("%d explanations for %d mentions", len(ex), len(strict.Links)+len(strict.NIL))
	}
	for _, e := range ex {
		if e.Chosen != "" && e.Score < 1 {
			t.Fatalf("explanation chose %q at %v under NIL threshold 1", e.Chosen, e.Score)
		}
	}
	if _, _, err := cheap.LinkWith(ctx, doc, WithMode(Always)); !errors.Is(err, ErrNoCrossEncoder) {
		t.Fatalf("mode always on a Linker without a model: %v, want ErrNoCrossEncoder", err)
	}
	for _, bad := range []CallOption{WithNILThreshold(1.5), WithAmbiguityThreshold(-0.1), WithMode("sometimes")} {
		if _, _, err := cheap.LinkWith(ctx, doc, bad); !errors.Is(err, ErrBadCallOption) {
			t.Fatalf("bad option: %v, want ErrBadCallOption", err)
		}
	}
}

func TestLinkWithModeOverridesTheModel(t *testing.T) {
	l := modelLinker(t, kbtest.Mini(t), Ambiguous)
	ctx := context.Background()
	doc := link.Document{ID: "d", Text: "Angela Merkel met IBM managers in Berlin."}
	never, _, err := l.LinkWith(ctx, doc, WithMode(Never))
	if err != nil {
		t.Fatal(err)
	}
	for _, lk := range never.Links {
		if lk.Method == link.MethodCrossEncoder {
			t.Fatalf("mode never linked %q with the cross-encoder", lk.Mention)
		}
	}
	always, _, err := l.LinkWith(ctx, doc, WithMode(Always))
	if err != nil {
		t.Fatal(err)
	}
	var crossEncoded int
	for _, lk := range always.Links {
		if lk.Method == link.MethodCrossEncoder {
			crossEncoded++
		}
	}
	if crossEncoded == 0 {
		t.Fatalf("mode always cross-encoded nothing: %+v", always.Links)
	}
}
