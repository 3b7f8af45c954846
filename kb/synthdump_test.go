package kb

import (
	"bufio"
	"context"
	"fmt"
	"html"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeSynthDump writes a MediaWiki XML dump of about mb megabytes of
// synthetic articles shaped like Wikipedia's: an infobox, a bold lead,
// paragraphs of pseudo-words with a link every ~12 words (Zipf-distributed
// targets, anchors that are the title, a variant or a family name), refs,
// a heading, categories; plus one redirect per three articles. It returns
// the number of pages.
func writeSynthDump(t testing.TB, path string, mb int, seed uint64) int {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed+1))
	syl := []string{"ka", "lo", "mer", "tin", "sa", "ber", "gal", "ro", "vi", "an", "del", "mo", "ris", "ta", "nu", "pe", "lin", "cor", "ash", "ven"}
	word := func() string {
		n := 1 + rng.IntN(3)
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(syl[rng.IntN(len(syl))])
		}
		return b.String()
	}
	vocab := make([]string, 20000)
	for i := range vocab {
		vocab[i] = word()
	}
	zw := rand.NewZipf(rng, 1.07, 1, uint64(len(vocab)-1))
	nArticles := mb * 1000 / 7 // ~7 KB an article
	titles := make([]string, nArticles)
	for i := range titles {
		w1, w2 := vocab[rng.IntN(len(vocab))], vocab[rng.IntN(len(vocab))]
		titles[i] = strings.ToUpper(w1[:1]) + w1[1:] + " " + strings.ToUpper(w2[:1]) + w2[1:]
		if rng.IntN(10) == 0 {
			titles[i] += " (" + vocab[rng.IntN(200)] + ")"
		}
		titles[i] += " " + strconv.Itoa(i) // unique
	}
	zt := rand.NewZipf(rng, 1.1, 3, uint64(nArticles-1))
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.10/\" version=\"0.10\">\n<siteinfo><sitename>Synthetic</sitename></siteinfo>\n")
	id := 0
	page := func(title, text, redirect string) {
		id++
		r := ""
		if redirect != "" {
			r = `<redirect title="` + html.EscapeString(redirect) + `" />`
		}
		fmt.Fprintf(w, "<page>\n<title>%s</title>\n<ns>0</ns>\n<id>%d</id>\n%s\n<revision>\n<model>wikitext</model>\n<text xml:space=\"preserve\">%s</text>\n</revision>\n</page>\n",
			html.EscapeString(title), id, r, html.EscapeString(text))
	}
	kinds := []string{"person", "company", "settlement", "album", "football biography", "university"}
	var sb strings.Builder
	for i, title := range titles {
		sb.Reset()
		fmt.Fprintf(&sb, "{{Infobox %s\n| name = %s\n| image = [[File:%s.jpg|220px]]\n}}\n", kinds[rng.IntN(len(kinds))], title, vocab[rng.IntN(100)])
		fmt.Fprintf(&sb, "'''%s''' is a %s of the [[%s]].<ref>{{cite web|url=http://example.org/%d|title=%s}}</ref>", title, vocab[zw.Uint64()], titles[zt.Uint64()], i, vocab[rng.IntN(100)])
		paras := 4 + rng.IntN(8)
		for p := 0; p < paras; p++ {
			if p == 2 {
				sb.WriteString("\n\n== History ==\n")
			}
			sb.WriteString("\n\n")
			for j := 0; j < 120; j++ {
				if j > 0 && j%12 == 0 {
					tg := titles[zt.Uint64()]
					base := tg[:strings.LastIndexByte(tg, ' ')]
					switch rng.IntN(4) {
					case 0:
						fmt.Fprintf(&sb, "[[%s]] ", tg)
					case 1:
						fmt.Fprintf(&sb, "[[%s|%s]] ", tg, base)
					case 2:
						fmt.Fprintf(&sb, "[[%s|%s]] ", tg, base[strings.LastIndexByte(base, ' ')+1:])
					default:
						fmt.Fprintf(&sb, "[[%s|%s]] ", tg, strings.ToLower(base))
					}
					continue
				}
				sb.WriteString(vocab[zw.Uint64()])
				if j%15 == 14 {
					sb.WriteString(". ")
				} else {
					sb.WriteByte(' ')
				}
			}
		}
		fmt.Fprintf(&sb, "\n\n[[Category:%s]]\n", vocab[rng.IntN(500)])
		page(title, sb.String(), "")
		if i%3 == 0 {
			page(strings.ToLower(title)+" alias", "#REDIRECT [["+title+"]]", title)
		}
	}
	w.WriteString("</mediawiki>\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestScaleBuild builds a KB from a synthetic dump of
// LINKSTREAM_KB_DUMP_MB megabytes through the real build path (both passes,
// spill, write) and reports throughput and peak memory (skipped when unset).
//
//	LINKSTREAM_KB_DUMP_MB=200 go test ./kb -run TestScaleBuild -v -timeout 30m
func TestScaleBuild(t *testing.T) {
	mb, _ := strconv.Atoi(os.Getenv("LINKSTREAM_KB_DUMP_MB"))
	if mb <= 0 {
		t.Skip("set LINKSTREAM_KB_DUMP_MB=200 to build a KB from a synthetic dump of that size")
	}
	dir := t.TempDir()
	dumpPath := filepath.Join(dir, "synthetic-pages-articles.xml")
	t0 := time.Now()
	pages := writeSynthDump(t, dumpPath, mb, 11)
	st, _ := os.Stat(dumpPath)
	t.Logf("wrote %d pages, %.1f MB of XML in %v", pages, float64(st.Size())/1e6, time.Since(t0).Round(time.Millisecond))
	var ru0, ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	t1 := time.Now()
	info, err := Build(context.Background(), filepath.Join(dir, "kb"), Dump(dumpPath))
	if err != nil {
		t.Fatal(err)
	}
	wall := time.Since(t1)
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano()-ru0.Utime.Nano()) + time.Duration(ru1.Stime.Nano()-ru0.Stime.Nano())
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("build: wall %v, CPU %v on %d workers: %.1f MB/s XML per CPU-second, %.0f pages per CPU-second",
		wall.Round(time.Millisecond), cpu.Round(time.Millisecond), info.Build.Workers, float64(st.Size())/1e6/cpu.Seconds(), float64(pages)/cpu.Seconds())
	t.Logf("passes: %.1fs + %.1fs + write %.1fs; peak RSS of the test process %d MB (Go heap Sys %d MB)",
		info.Build.Pass1Sec, info.Build.Pass2Sec, info.Build.WriteSec, ru1.Maxrss>>10, ms.Sys>>20)
	t.Logf("counts: %+v", info.Counts)
	t.Logf("KB size %.1f MB; files %v", float64(dirSize(filepath.Join(dir, "kb")))/1e6, info.Files)
}
