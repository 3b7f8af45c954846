package kb

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/linkstream/linkstream/kb/wikitext"
)

// A summary file describes entities: for each, its title, the lead text
// of its article (extract), a short description ("Capital and largest city
// of Germany", as Wikidata's) and optionally a topic. Two layouts are
// read: one JSON object keyed by title whose values carry those fields
// (the offline Wikipedia summaries packaged for voice assistants), or JSON
// lines, one summary a line.
//
// A summarised title is an article: it becomes a full entity with its
// lead as description (short description first, so the cross-encoder
// reads what the entity is before how the article begins), its own names
// as surfaces, and a type from the short description, else from the topic.
type summary struct {
	Title       string `json:"title"`
	Extract     string `json:"extract"`
	Description string `json:"description"`
	Topic       string `json:"topic"`
}

// loadSummaries reads a summary file into the accumulator and returns the
// number of summaries read.
func (a *accumulator) loadSummaries(ctx context.Context, path string, descLen int, prog func(int64)) (int, error) {
	r, closeFn, err := openText(path, prog)
	if err != nil {
		return 0, fmt.Errorf("summaries: %w", err)
	}
	defer closeFn()
	br := bufio.NewReaderSize(r, 1<<20)
	first, err := firstNonSpace(br)
	if err != nil {
		return 0, fmt.Errorf("summaries %s: %w", path, err)
	}
	n := 0
	add := func(key string, s summary) {
		if s.Title == "" {
			s.Title = key
		}
		a.addSummary(s, descLen)
		n++
	}
	if first != '{' {
		return 0, fmt.Errorf("summaries %s: want a JSON object or JSON lines, found %q", path, first)
	}
	dec := json.NewDecoder(br)
	var head json.RawMessage
	if err := dec.Decode(&head); err != nil {
		return 0, fmt.Errorf("summaries %s: %w", path, err)
	}
	var s summary
	if json.Unmarshal(head, &s) == nil && (s.Extract != "" || s.Description != "") {
		// JSON lines: the first value is a summary itself
		for {
			add("", s)
			if n%1024 == 0 && ctx.Err() != nil {
				return n, ctx.Err()
			}
			s = summary{}
			err := dec.Decode(&s)
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			if err != nil {
				return n, fmt.Errorf("summaries %s: summary %d: %w", path, n+1, err)
			}
		}
	}
	var byTitle map[string]summary
	if err := json.Unmarshal(head, &byTitle); err != nil {
		return 0, fmt.Errorf("summaries %s: want an object of title → {title, extract, description, topic}: %w", path, err)
	}
	for _, key := range sortedKeys(byTitle) {
		add(key, byTitle[key])
	}
	return n, nil
}

func firstNonSpace(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.Peek(1)
		if err != nil {
			return 0, err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			br.ReadByte()
			continue
		}
		return b[0], nil
	}
}

// addSummary merges one summary.
func (a *accumulator) addSummary(s summary, descLen int) {
	title := wikitext.NormalizeTitle(s.Title)
	if !entityTitle(title) || (s.Extract == "" && s.Description == "") {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	t := a.title(title)
	acc := &a.accs[t]
	if !acc.article {
		a.stats.Articles++
	}
	acc.article = true
	if acc.redirect >= 0 {
		acc.redirect = -1
	}
	desc := strings.TrimSpace(s.Extract)
	if name := leadName(desc, title); name != "" && name != title {
		a.leadNames[title] = name
	}
	if d := strings.TrimSpace(s.Description); d != "" && !strings.Contains(strings.ToLower(desc), strings.ToLower(d)) {
		desc = strings.TrimSuffix(d, ".") + ". " + desc
	}
	a.setDescription(t, wikitext.Description(desc, descLen), descFromArticle)
	if typ, ok := typeOfText(s.Description); ok {
		a.setType(t, typ, typeFromSummary)
	} else if typ, ok := typeOfTopic(s.Topic); ok {
		a.setType(t, typ, typeFromSummary)
	}
	a.addPseudo(title, title)
	if b := BaseTitle(title); b != title {
		a.addPseudo(b, title)
	}
}

// leadName returns the name an article's lead opens with where it holds
// every word of the title: mostly the title itself, but also its title
// before a rename ("Frankfurt am Main, usually shortened to Frankfurt, is
// …"), which an older alias dictionary still links to; "" otherwise.
func leadName(lead, title string) string {
	lead = strings.TrimPrefix(lead, "The ")
	end := len(lead)
	for _, stop := range [...]string{",", " (", ";", " is ", " was ", " are ", " were "} {
		if i := strings.Index(lead, stop); i >= 0 && i < end {
			end = i
		}
	}
	name := wikitext.NormalizeTitle(strings.TrimSpace(lead[:end]))
	words := strings.Fields(strings.ToLower(name))
	for _, w := range strings.Fields(strings.ToLower(title)) {
		if !slices.Contains(words, w) {
			return ""
		}
	}
	return name
}
