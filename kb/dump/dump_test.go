package dump

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

const gensim = "../../../shared/data/kb/gensim-enwiki/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"

func needData(t testing.TB, p string) string {
	t.Helper()
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real data %s absent: skipping (it lives in ../shared/data beside the repository)", p)
	}
	return p
}

// titles reads a dump and returns its page titles, sorted.
func titles(t testing.TB, path string, opt Options) ([]string, error) {
	t.Helper()
	var mu sync.Mutex
	var out []string
	err := ReadFile(context.Background(), path, opt, func(p *Page) error {
		mu.Lock()
		out = append(out, p.Title)
		mu.Unlock()
		return nil
	})
	sort.Strings(out)
	return out, err
}

func TestReadGensim(t *testing.T) {
	p := needData(t, gensim)
	prog := &Progress{}
	got, err := titles(t, p, Options{Progress: prog, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 206 {
		t.Errorf("%d pages, the excerpt has 106 articles + 100 redirects", len(got))
	}
	if prog.XML.Load() < 5<<20 || prog.Bytes.Load() == 0 || prog.Pages.Load() != int64(len(got)) {
		t.Errorf("progress %d pages %d bytes %d xml", prog.Pages.Load(), prog.Bytes.Load(), prog.XML.Load())
	}
	var redirects, withText atomic.Int64
	ReadFile(context.Background(), p, Options{}, func(pg *Page) error {
		if pg.Redirect != "" {
			redirects.Add(1)
		}
		if len(pg.Text) > 1000 {
			withText.Add(1)
		}
		return nil
	})
	if redirects.Load() != 100 || withText.Load() < 100 {
		t.Errorf("%d redirects, %d pages with text", redirects.Load(), withText.Load())
	}
}

func TestTruncatedBzip2NamesOffset(t *testing.T) {
	p := needData(t, gensim)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int{len(b) / 3, len(b) - 100} {
		trunc := filepath.Join(t.TempDir(), "truncated.xml.bz2")
		os.WriteFile(trunc, b[:cut], 0o644)
		_, err := titles(t, trunc, Options{Workers: 2})
		var de *Error
		if !errors.As(err, &de) || !errors.Is(err, ErrCorrupt) {
			t.Fatalf("cut at %d: err = %v, want *Error wrapping ErrCorrupt", cut, err)
		}
		if de.Path != trunc || de.Offset <= 0 || de.Offset > int64(cut) {
			t.Errorf("cut at %d: error at offset %d of %s", cut, de.Offset, de.Path)
		}
		if !strings.Contains(err.Error(), trunc) || !strings.Contains(err.Error(), "byte") {
			t.Errorf("message %q does not name file and byte", err)
		}
	}
	// a flipped byte in the middle is a corrupt stream
	bad := bytes.Clone(b)
	bad[len(bad)/2] ^= 0xff
	corrupt := filepath.Join(t.TempDir(), "corrupt.xml.bz2")
	os.WriteFile(corrupt, bad, 0o644)
	if _, err := titles(t, corrupt, Options{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("corrupt bz2: %v", err)
	}
}

func TestPlainXMLTruncated(t *testing.T) {
	xml := "<mediawiki>\n<page><title>A</title><ns>0</ns><id>1</id><revision><text>a</text></revision></page>\n<page><title>B</title><ns>0</ns><revision><text>bbbb"
	p := filepath.Join(t.TempDir(), "t.xml")
	os.WriteFile(p, []byte(xml), 0o644)
	got, err := titles(t, p, Options{})
	var de *Error
	if !errors.As(err, &de) {
		t.Fatalf("err = %v", err)
	}
	if want := int64(strings.Index(xml, "<page><title>B")); !strings.Contains(de.Err.Error(), "byte "+itoa(want)) {
		t.Errorf("error %v does not name the page start %d", err, want)
	}
	if len(got) > 1 {
		t.Errorf("pages before the truncation: %v", got)
	}
	// complete pages but no </mediawiki>: truncated between pages
	os.WriteFile(p, []byte(xml[:strings.Index(xml, "<page><title>B")]), 0o644)
	if _, err := titles(t, p, Options{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("missing </mediawiki>: %v", err)
	}
	// bad XML inside a page
	os.WriteFile(p, []byte("<mediawiki><page><title>A</title><revision><text>a</txet></revision></page></mediawiki>"), 0o644)
	if _, err := titles(t, p, Options{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("malformed page: %v", err)
	}
}

func itoa(n int64) string { return formatInt(n) }

func formatInt(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

// TestMultistream builds a multistream dump and its index from the gensim
// excerpt with the bzip2 tool (10 pages a stream, as Wikimedia does with
// 100) and checks that the parallel reader sees every page.
func TestMultistream(t *testing.T) {
	p := needData(t, gensim)
	bz, err := exec.LookPath("bzip2")
	if err != nil {
		t.Skip("bzip2 tool not installed")
	}
	want, err := titles(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// collect the raw pages
	var raw [][]byte
	var header []byte
	{
		out, err := exec.Command(bz, "-dc", p).Output()
		if err != nil {
			t.Fatal(err)
		}
		i := bytes.Index(out, []byte("<page>"))
		header = out[:i]
		for {
			j := bytes.Index(out[i:], []byte("</page>"))
			if j < 0 {
				break
			}
			raw = append(raw, out[i:i+j+len("</page>\n")])
			k := bytes.Index(out[i+j:], []byte("<page>"))
			if k < 0 {
				break
			}
			i = i + j + k
		}
	}
	compress := func(b []byte) []byte {
		cmd := exec.Command(bz, "-c")
		cmd.Stdin = bytes.NewReader(b)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	dir := t.TempDir()
	var file, index bytes.Buffer
	file.Write(compress(header))
	for i := 0; i < len(raw); i += 10 {
		off := file.Len()
		var chunk []byte
		for j := i; j < i+10 && j < len(raw); j++ {
			chunk = append(chunk, raw[j]...)
			index.WriteString(formatInt(int64(off)) + ":" + formatInt(int64(j)) + ":title\n")
		}
		file.Write(compress(chunk))
	}
	file.Write(compress([]byte("</mediawiki>\n")))
	path := filepath.Join(dir, "enwiki-test-pages-articles-multistream.xml.bz2")
	os.WriteFile(path, file.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "enwiki-test-pages-articles-multistream-index.txt"), index.Bytes(), 0o644)
	if findIndex(path) == "" {
		t.Fatal("index not found beside the dump")
	}
	got, err := titles(t, path, Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("multistream read %d pages, single stream %d", len(got), len(want))
	}
	// a truncated multistream file fails with the offset
	b := file.Bytes()
	os.WriteFile(path, b[:len(b)/2], 0o644)
	_, err = titles(t, path, Options{Workers: 4})
	var de *Error
	if !errors.As(err, &de) || de.Offset <= 0 {
		t.Errorf("truncated multistream: %v", err)
	}
}

func TestTitleFromFileName(t *testing.T) {
	for in, want := range map[string]string{
		"dir/Neil-McLean-(saxophonist).txt": "Neil McLean (saxophonist)",
		"toronto_star.txt":                  "toronto star",
		"Clint-Murchison-Sr..txt":           "Clint Murchison Sr.",
	} {
		if got := TitleFromFileName(in); got != want {
			t.Errorf("TitleFromFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzReadXML feeds arbitrary bytes to the reader: it must return pages or
// an error, never panic or hang.
func FuzzReadXML(f *testing.F) {
	f.Add([]byte("<mediawiki><page><title>A</title><ns>0</ns><id>1</id><revision><text>[[B]]</text></revision></page></mediawiki>"))
	f.Add([]byte("<page><title>A</title></page><page>"))
	f.Add([]byte("BZh91AY&SY"))
	f.Add([]byte("<mediawiki><page><title>&amp;</title><redirect title=\"X\"/></page></mediawiki>"))
	if b, err := os.ReadFile(gensim); err == nil {
		f.Add(b[:4096])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.xml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		n := 0
		err := ReadFile(context.Background(), p, Options{Workers: 2}, func(pg *Page) error {
			if pg.Title == "" {
				t.Errorf("page without title")
			}
			n++
			return nil
		})
		if err != nil && !errors.Is(err, ErrCorrupt) {
			t.Errorf("error not marked corrupt: %v", err)
		}
	})
}
