package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/linkstream/linkstream/kb"
)

// writeTemp writes a test input (an alias dictionary, word frequencies) to
// a file of the test's temporary directory and returns its path.
func writeTemp(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// buildKB builds a small KB from the given sources in the test's temporary
// directory and opens it for the test's lifetime.
func buildKB(t testing.TB, opts ...kb.BuildOption) *kb.KB {
	t.Helper()
	out := filepath.Join(t.TempDir(), "kb")
	if _, err := kb.Build(context.Background(), out, opts...); err != nil {
		t.Fatal(err)
	}
	k, err := kb.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}
