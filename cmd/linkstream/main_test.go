package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/linkstream/linkstream/internal/kbtest"
	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/pipeline"
)

// The command line end to end: kb build, then link in both input formats,
// held to the output contract of docs/DESIGN.md.
func TestKBBuildAndLinkContract(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	kbDir := filepath.Join(dir, "kb")
	if err := dispatch(ctx, []string{"kb", "build", "--quiet", "--dump", kbtest.Need(t, kbtest.MiniDump), "--out", kbDir}); err != nil {
		t.Fatal(err)
	}
	docs := []link.Document{
		{ID: "d1", Text: "Angela Merkel met IBM executives in Berlin."},
		{ID: "d2", Text: ""},
		{ID: "d3", Text: "Zürich: Merkel und IBM."},
	}
	in := filepath.Join(dir, "docs.jsonl")
	var lines []string
	for _, d := range docs {
		b, _ := json.Marshal(d)
		lines = append(lines, string(b))
	}
	lines = append(lines, `{"id": "bad", "text": `) // malformed: an error line, not a crash
	if err := os.WriteFile(in, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "links.jsonl")
	err := dispatch(ctx, []string{"link", "--kb", kbDir, "--mode", "never", "--in", in, "--out", out})
	if err == nil || !strings.Contains(err.Error(), "1 document(s) could not be linked") {
		t.Fatalf("link with one malformed line: err = %v, want it counted", err)
	}
	results := readResults(t, out)
	if len(results) != 4 {
		t.Fatalf("%d output lines for 4 input lines", len(results))
	}
	for i, d := range docs {
		r := results[i]
		if r.ID != d.ID || r.Error != "" || r.Links == nil || r.NIL == nil {
			t.Fatalf("line %d: %+v", i, r)
		}
		runes := []rune(d.Text)
		for _, l := range r.Links {
			if string(runes[l.Start:l.End]) != l.Mention || l.URL != pipeline.WikipediaURL(l.Title) || l.Method == "" || l.Type == "" {
				t.Fatalf("link breaks the contract: %+v", l)
			}
		}
	}
	if got := titlesOf(results[0]); got != "Angela Merkel,IBM,Berlin" {
		t.Errorf("d1 links %q", got)
	}
	if !strings.Contains(titlesOf(results[2]), "IBM") || results[3].Error == "" {
		t.Errorf("d3 %+v, bad line %+v", results[2], results[3])
	}

	// Plain text on stdin-like input is one document.
	txt := filepath.Join(dir, "doc.txt")
	os.WriteFile(txt, []byte("Angela Merkel visited Berlin."), 0o644)
	if err := dispatch(ctx, []string{"link", "--kb", kbDir, "--mode", "never", "--in", txt, "--out", out}); err != nil {
		t.Fatal(err)
	}
	if r := readResults(t, out); len(r) != 1 || titlesOf(r[0]) != "Angela Merkel,Berlin" {
		t.Fatalf("plain text: %+v", r)
	}
}

func readResults(t *testing.T, path string) []outputDoc {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []outputDoc
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r outputDoc
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil || !utf8.Valid(sc.Bytes()) {
			t.Fatalf("output line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

func titlesOf(r outputDoc) string {
	var ts []string
	for _, l := range r.Links {
		ts = append(ts, l.Title)
	}
	return strings.Join(ts, ",")
}

// make demo's path: the whole service in one process with the real model.
func TestDemo(t *testing.T) {
	stdout := os.Stdout
	r, w, _ := os.Pipe()
	os.Stdout = w
	err := runDemo(context.Background(), nil)
	w.Close()
	os.Stdout = stdout
	out, _ := bufio.NewReader(r).ReadString(0)
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	for _, want := range demoTexts {
		if !strings.Contains(out, want) {
			t.Fatalf("demo output lacks the document %q:\n%s", want, out)
		}
	}
	for _, want := range []string{"Abraham Lincoln (PER) -> Abraham Lincoln", "https://en.wikipedia.org/wiki/Apollo_11", "12 documents"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}
