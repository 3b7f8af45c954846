package dump

import (
	"context"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ReadWikitextDir hands every *.txt file of dir to fn as a page of raw
// wikitext, in name order. The title is taken from the file name (hyphens
// and underscores read as spaces), which only approximates the real title:
// callers may settle it from the page's bold lead name. Files exported
// with their markup still entity-escaped (&lt;ref&gt;) are unescaped.
func ReadWikitextDir(ctx context.Context, dir string, prog *Progress, fn func(*Page) error) error {
	names, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return fmt.Errorf("dump: wikitext dir %s: %w", dir, err)
	}
	if len(names) == 0 {
		return fmt.Errorf("dump: wikitext dir %s: no .txt files", dir)
	}
	sort.Strings(names)
	for i, name := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := os.ReadFile(name)
		if err != nil {
			return fmt.Errorf("dump: %w", err)
		}
		if prog != nil {
			prog.Bytes.Add(int64(len(b)))
			prog.XML.Add(int64(len(b)))
			prog.Pages.Add(1)
		}
		text := string(b)
		if strings.Count(text, "&lt;") > strings.Count(text, "<") {
			text = html.UnescapeString(text)
		}
		if err := fn(&Page{Title: TitleFromFileName(name), ID: int64(-(i + 1)), Model: "wikitext", Text: text}); err != nil {
			return err
		}
	}
	return nil
}

// TitleFromFileName turns "Neil-McLean-(saxophonist).txt" into
// "Neil McLean (saxophonist)".
func TitleFromFileName(name string) string {
	t := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	t = strings.NewReplacer("-", " ", "_", " ").Replace(t)
	return strings.Join(strings.Fields(t), " ")
}

// SizeOf returns the total size of the named files, for progress ETAs.
func SizeOf(paths ...string) int64 {
	var n int64
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			if st.IsDir() {
				filepath.Walk(p, func(_ string, fi os.FileInfo, err error) error {
					if err == nil && !fi.IsDir() {
						n += fi.Size()
					}
					return nil
				})
				continue
			}
			n += st.Size()
		}
	}
	return n
}
