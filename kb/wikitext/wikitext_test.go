package wikitext

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestParseLinks(t *testing.T) {
	p := Parse("The [[bus]]es of [[New York City|NYC]] and [[Paris (band)|]] met [[File:x.jpg|thumb|a [[caption]] here]] at [[Category:Things|sort]] [[de:Bus]] [[:Category:Visible]] [[#Local|here]] [[wikt:bus|bus]].")
	want := []Link{{"Bus", "buses"}, {"New York City", "NYC"}, {"Paris (band)", "Paris"}}
	if len(p.Links) != len(want) {
		t.Fatalf("links = %+v", p.Links)
	}
	for i := range want {
		if p.Links[i] != want[i] {
			t.Errorf("link %d = %+v, want %+v", i, p.Links[i], want[i])
		}
	}
	if len(p.Categories) != 1 || p.Categories[0] != "Things" {
		t.Errorf("categories = %v", p.Categories)
	}
	if strings.Contains(p.Text, "caption") || strings.Contains(p.Text, "thumb") {
		t.Errorf("file caption leaked: %q", p.Text)
	}
	if !strings.HasPrefix(p.Text, "The buses of NYC and Paris met") {
		t.Errorf("text = %q", p.Text)
	}
}

func TestParseStripsMarkup(t *testing.T) {
	src := `{{Infobox person
| name = Angela
| image = [[File:A.jpg|200px]]
}}
<!-- hidden [[Link]] -->
'''Angela Merkel''' ({{IPA-de|ˈaŋɡela ˈmɛʁkl̩}}; born 17 July 1954)<ref name="x">{{cite web|url=http://x|title=T}}</ref> is a [[Germany|German]] politician.<ref>plain</ref><ref name="y"/> See [http://example.org the site] and {{lang|de|Bundeskanzlerin}}.
{| class="wikitable"
| cell || [[Table link]]
|}
== Early life ==
She was born in [[Hamburg]].
`
	p := Parse(src)
	if p.Infobox != "person" || !p.HasInfobox {
		t.Errorf("infobox = %q", p.Infobox)
	}
	d := Description(p.Lead, 300)
	want := "Angela Merkel (born 17 July 1954) is a German politician. See the site and Bundeskanzlerin."
	if d != want {
		t.Errorf("description\n got %q\nwant %q", d, want)
	}
	if strings.Contains(p.Lead, "Hamburg") {
		t.Errorf("lead runs past the first heading: %q", p.Lead)
	}
	if !strings.Contains(p.Text, "Early life") || !strings.Contains(p.Text, "born in Hamburg") {
		t.Errorf("text lost the body: %q", p.Text)
	}
	for _, l := range p.Links {
		if l.Target == "Link" || l.Target == "Table link" {
			t.Errorf("link from a comment or table: %+v", l)
		}
	}
}

func TestRedirect(t *testing.T) {
	for src, want := range map[string]string{
		"#REDIRECT [[New_York City]]":        "New York City",
		"#redirect[[foo#bar|x]] {{R from}}":  "Foo",
		"  #WEITERLEITUNG [[Berlin]]":        "Berlin",
		"#REDIRECT":                          "",
		"#notredirect [[X]]":                 "",
		"#REDIRECT this is not a link [[X]]": "",
	} {
		if got := Parse(src).Redirect; got != want {
			t.Errorf("Parse(%q).Redirect = %q, want %q", src, got, want)
		}
	}
}

func TestDescriptionCut(t *testing.T) {
	long := strings.Repeat("Word after word goes on. ", 30)
	d := Description(long, 300)
	if len(d) > 300 || !strings.HasSuffix(d, ".") {
		t.Errorf("cut at sentence: %q (%d)", d, len(d))
	}
	d = Description(strings.Repeat("wordy ", 100), 100)
	if len(d) > 100+len("…") || !strings.HasSuffix(d, "…") {
		t.Errorf("cut at word: %q", d)
	}
	if d := Description("é"+strings.Repeat("é", 200), 51); !utf8.ValidString(d) {
		t.Errorf("cut inside a character: %q", d)
	}
}

// TestWTFWikipediaLead checks, for every raw wikitext article of the
// wtf-wikipedia test set, that the description keeps the lead sentence.
// The expected words come from a deliberately different, cruder reading of
// the raw text: the first line that holds the bold article name, with
// links, bold and refs stripped by regular expressions.
func TestWTFWikipediaLead(t *testing.T) {
	dir := "../../../shared/data/kb/wtf-wikipedia/wikitext"
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) == 0 {
		t.Skipf("real data %s absent: skipping", dir)
	}
	var (
		refRe   = regexp.MustCompile(`(?s)<ref[^>]*/>|<ref[^>]*>.*?</ref>`)
		tmplRe  = regexp.MustCompile(`\{\{[^{}]*\}\}`)
		linkRe  = regexp.MustCompile(`\[\[(?:[^|\]]*\|)?([^\]]*)\]\]`)
		boldRe  = regexp.MustCompile(`'{2,}`)
		spaceRe = regexp.MustCompile(`\s+`)
		parenRe = regexp.MustCompile(`\([^()]*\)`)
	)
	checked := 0
	for _, f := range files {
		b, _ := os.ReadFile(f)
		src := string(b)
		if strings.Count(src, "&lt;") > strings.Count(src, "<") {
			continue // entity-escaped export; covered by the dump reader's unescaping
		}
		var lead string
		for _, line := range strings.Split(src, "\n") {
			if strings.HasPrefix(line, "'''") && !strings.HasPrefix(line, "''''") || strings.HasPrefix(line, "The '''") {
				lead = line
				break
			}
		}
		if lead == "" {
			continue
		}
		plain := refRe.ReplaceAllString(lead, "")
		for i := 0; i < 3; i++ {
			plain = tmplRe.ReplaceAllString(plain, "")
		}
		plain = linkRe.ReplaceAllString(plain, "$1")
		plain = boldRe.ReplaceAllString(plain, "")
		words := strings.Fields(spaceRe.ReplaceAllString(plain, " "))
		if len(words) < 4 {
			continue
		}
		p := Parse(src)
		d := Description(p.Lead, DefaultDescriptionLen)
		// parentheses hold pronunciations and translations that both
		// readings render differently: compare the prose around them
		words = strings.Fields(parenRe.ReplaceAllString(strings.Join(words, " "), ""))
		dw := strings.Fields(parenRe.ReplaceAllString(d, ""))
		if len(words) < 4 {
			continue
		}
		want := strings.Join(words[:4], " ")
		d = strings.Join(dw, " ")
		checked++
		if !strings.HasPrefix(d, want) {
			t.Errorf("%s: description %q does not start with the lead %q", filepath.Base(f), d, want)
		}
		for _, bad := range []string{"{{", "[[", "<ref", "|"} {
			if strings.Contains(d, bad) {
				t.Errorf("%s: description has %q: %q", filepath.Base(f), bad, d)
			}
		}
	}
	if checked < 30 {
		t.Errorf("only %d articles checked", checked)
	}
	t.Logf("%d articles checked", checked)
}

// FuzzParse holds the cleaner to its promises on any input: no panic, no
// markup in descriptions, valid UTF-8 out of valid UTF-8 in.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"'''A''' is [[B|c]]{{x|y}}<ref>z</ref>",
		"{{{{[[[[", "]]}}|}{|", "{|\n|a\n|}", "<ref name=x/>tail", "[[File:a|[[b]]]]",
		"== H ==\ntext", "#REDIRECT [[X]]", "<!-- open", "[http://x y] [//z]", "''''' '''", "__TOC__ a",
		"{{lang|fr|[[Paris]]}}", "{{convert|5|km}}", "&lt;ref&gt;x&lt;/ref&gt;", "[[a|b|c]]", "[[:Category:X]]",
	} {
		f.Add(s)
	}
	if b, err := os.ReadFile("../../../shared/data/kb/wtf-wikipedia/wikitext/toronto_star.txt"); err == nil {
		f.Add(string(b[:min(len(b), 8000)]))
	}
	f.Fuzz(func(t *testing.T, src string) {
		p := Parse(src)
		d := Description(p.Lead, 300)
		for _, bad := range []string{"{{", "[[", "]]", "}}", "<ref", "|"} {
			if strings.Contains(d, bad) {
				t.Fatalf("description %q has %q", d, bad)
			}
		}
		if len(d) > 300+len("…") {
			t.Fatalf("description of %d bytes", len(d))
		}
		if utf8.ValidString(src) && (!utf8.ValidString(p.Text) || !utf8.ValidString(d)) {
			t.Fatalf("invalid UTF-8 out of valid input")
		}
		for _, l := range p.Links {
			if l.Target == "" || l.Anchor == "" {
				t.Fatalf("empty link %+v", l)
			}
		}
	})
}

// TestLinearTime guards against quadratic behaviour on hostile markup: a
// megabyte of repeated openers must parse in well under a second.
func TestLinearTime(t *testing.T) {
	for _, unit := range []string{"{{", "[[", "<a", "[http://x ", "( ) ", "<ref>", "{|\n", "'''", "[[a|", "{{a|"} {
		src := strings.Repeat(unit, (1<<20)/len(unit))
		start := time.Now()
		p := Parse("'''x''' " + src)
		Description(p.Lead, 300)
		if el := time.Since(start); el > 2*time.Second*raceSlowdown {
			t.Errorf("%q×%d took %v", unit, (1<<20)/len(unit), el)
		}
	}
}
