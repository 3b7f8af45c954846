package server

import (
	"bytes"
	"context"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium finds a Chromium to drive, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium on PATH: install it (Debian: apt-get install chromium) to test the page in a real browser")
	return ""
}

// TestPageInChromium drives the page in a real headless Chromium: type the
// seed's sentence, link it, read the highlighted mentions from the DOM,
// click one for its details, and take a screenshot that must show the
// highlights. LINKSTREAM_PAGE_SCREENSHOT=FILE keeps the screenshot
// (docs/serve-page.png in the README comes from here).
func TestPageInChromium(t *testing.T) {
	exe := chromium(t)
	_, ts := newServer(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.WindowSize(1100, 640),
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()

	const sentence = "Tim Cook announced new Apple products in Cupertino."
	var (
		marks          []string
		shown, details string
		shot           []byte
	)
	err := chromedp.Run(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible("#text", chromedp.ByID),
		chromedp.SendKeys("#text", sentence, chromedp.ByID),
		chromedp.Click("#go", chromedp.ByID),
		chromedp.WaitVisible(`#output[data-state="done"]`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#output mark")).map(m => [m.textContent, m.className, m.dataset.title].join("|"))`, &marks),
		chromedp.Text("#output", &shown, chromedp.ByID),
		chromedp.Click(`#output mark[data-title="Apple Inc."]`, chromedp.ByQuery),
		chromedp.WaitVisible("#details table", chromedp.ByQuery),
		chromedp.Text("#details", &details, chromedp.ByID),
		chromedp.CaptureScreenshot(&shot),
	)
	if err != nil {
		t.Fatalf("driving the page: %v", err)
	}
	if shown != sentence {
		t.Fatalf("the page shows %q, want the text as typed", shown)
	}
	want := map[string]bool{"Tim Cook|link t-MISC|Tim Cook": false, "Apple|link t-MISC|Apple Inc.": false}
	for _, m := range marks {
		if _, ok := want[m]; ok {
			want[m] = true
		}
	}
	for m, found := range want {
		if !found {
			t.Fatalf("no highlight %q among %q", m, marks)
		}
	}
	for _, s := range []string{"Apple Inc.", "score", "ambiguity", "method", "prior", "candidate"} {
		if !strings.Contains(details, s) {
			t.Fatalf("the details of Apple lack %q: %q", s, details)
		}
	}
	if p := os.Getenv("LINKSTREAM_PAGE_SCREENSHOT"); p != "" {
		if err := os.WriteFile(p, shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	checkScreenshot(t, shot)
}

// checkScreenshot holds the screenshot to not being blank: much of it
// differs from the background, and the "other" highlight colour of the
// two marks (#ddd0fb) is on it.
func checkScreenshot(t *testing.T, shot []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("the screenshot is no PNG: %v", err)
	}
	b := img.Bounds()
	bg := img.At(b.Max.X-1, b.Max.Y-1)
	var differ, highlight int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.At(x, y)
			if c != bg {
				differ++
			}
			if near(c, 0xdd, 0xd0, 0xfb) {
				highlight++
			}
		}
	}
	total := b.Dx() * b.Dy()
	if differ < total/20 || highlight < 200 {
		t.Fatalf("the screenshot looks blank: %d of %d pixels differ from the background, %d in the highlight colour", differ, total, highlight)
	}
}

func near(c color.Color, r, g, b uint8) bool {
	cr, cg, cb, _ := c.RGBA()
	d := func(x uint32, y uint8) bool { return max(int(x>>8), int(y))-min(int(x>>8), int(y)) <= 6 }
	return d(cr, r) && d(cg, g) && d(cb, b)
}
