package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/kb/wikitext"
)

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// runKBBuild: linkstream kb build --dump FILE[.bz2] [--dump FILE ...]
// [--wikitext DIR] [--dbpedia DIR] [--wikidata FILE] [--aliases FILE]
// [--summaries FILE] --out KBDIR
func runKBBuild(ctx context.Context, args []string) error {
	fs := newFlagSet("kb build", "--dump FILE[.bz2] [--dump FILE ...] [--wikitext DIR] [--dbpedia DIR] [--wikidata FILE] [--aliases FILE] [--summaries FILE] [--word-frequencies FILE] --out KBDIR")
	var dumps, wikitexts, dbpedias, wikidatas, aliases, summaries, words multiFlag
	fs.Var(&dumps, "dump", "MediaWiki XML dump, plain, .bz2 or multistream .bz2 with its index beside it (repeatable)")
	fs.Var(&wikitexts, "wikitext", "directory of raw wikitext files, one article per .txt (repeatable)")
	fs.Var(&dbpedias, "dbpedia", "directory of DBpedia N-Triples (.ttl/.nt, plain or .bz2) (repeatable)")
	fs.Var(&wikidatas, "wikidata", "Wikidata input for QIDs: wikidatawiki XML dump or JSON dump (repeatable; items inside a --dump are found too)")
	fs.Var(&aliases, "aliases", "alias dictionary: lines of string TAB title TAB probability [TAB count], plain, .gz or .bz2 (repeatable)")
	fs.Var(&summaries, "summaries", "entity summaries {title, extract, description, topic}: one JSON object keyed by title, or JSON lines (repeatable)")
	fs.Var(&words, "word-frequencies", "word-frequency list: lines of word TAB Zipf value, plain, .gz or .bz2: marks one-word surfaces that are ordinary words (repeatable)")
	out := fs.String("out", "", "KB directory to write (replaced atomically if it holds a KB)")
	workers := fs.Int("workers", 0, "parsing goroutines (default: all cores)")
	sample := fs.Int("occurrence-sample", 1, "count surface occurrences (link probability) in 1 page of N; 1 = exact")
	descLen := fs.Int("description-length", wikitext.DefaultDescriptionLen, "description length in bytes")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	memLimit := fs.Int64("memory-limit-mb", 7168, "soft limit of the Go heap in MiB: the garbage collector works harder near it instead of letting garbage double the peak (0 = none; GOMEMLIMIT wins when set)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("kb build: --out KBDIR is required")
	}
	if *memLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(*memLimit << 20)
	}
	if fs.NArg() > 0 {
		dumps = append(dumps, fs.Args()...)
	}
	var opts []kb.BuildOption
	for _, d := range dumps {
		opts = append(opts, kb.Dump(d))
	}
	for _, d := range wikitexts {
		opts = append(opts, kb.WikitextDir(d))
	}
	for _, d := range dbpedias {
		opts = append(opts, kb.DBpedia(d))
	}
	for _, d := range wikidatas {
		opts = append(opts, kb.Wikidata(d))
	}
	for _, d := range aliases {
		opts = append(opts, kb.AliasDictionary(d))
	}
	for _, d := range summaries {
		opts = append(opts, kb.Summaries(d))
	}
	for _, d := range words {
		opts = append(opts, kb.WordFrequencies(d))
	}
	if *workers > 0 {
		opts = append(opts, kb.Workers(*workers))
	}
	opts = append(opts, kb.OccurrenceSample(*sample), kb.DescriptionLength(*descLen))
	if !*quiet {
		opts = append(opts, kb.Progress(os.Stderr, time.Second))
	}
	info, err := kb.Build(ctx, *out, opts...)
	if err != nil {
		return err
	}
	if !*quiet {
		fmt.Fprintf(os.Stderr, "kb build: %s: format %d, %s\n", *out, info.FormatVersion, info.ContentHash)
	}
	return nil
}

// lookupResult is the --json output of kb lookup.
type lookupResult struct {
	Surface    string          `json:"surface"`
	Found      bool            `json:"found"`
	Fuzzy      bool            `json:"fuzzy,omitempty"`
	Stats      *kb.SurfaceInfo `json:"stats,omitempty"`
	Candidates []lookupCand    `json:"candidates"`
}

type lookupCand struct {
	Title       string  `json:"title"`
	Prior       float32 `json:"prior"`
	Count       uint32  `json:"count"`
	Inlinks     uint32  `json:"inlinks"`
	Type        string  `json:"type"`
	QID         string  `json:"qid,omitempty"`
	Description string  `json:"description,omitempty"`
	NameOnly    bool    `json:"name_only,omitempty"`
	AnchorWords string  `json:"anchor_words,omitempty"`
}

// runKBLookup: linkstream kb lookup --kb KBDIR [--json] [--fuzzy N] [--top K] SURFACE...
func runKBLookup(ctx context.Context, args []string) error {
	fs := newFlagSet("kb lookup", "--kb KBDIR [--json] [--fuzzy 0|1|2] [--top K] \"New York\" [more surfaces] | --kb KBDIR --info | --kb KBDIR --verify")
	dir := fs.String("kb", "", "KB directory")
	asJSON := fs.Bool("json", false, "one JSON object per surface, for scripts")
	fuzzy := fs.Int("fuzzy", 2, "when nothing matches, allow this many edits (0 = off)")
	top := fs.Int("top", 10, "candidates to show")
	info := fs.Bool("info", false, "print the KB's format.json and exit")
	verify := fs.Bool("verify", false, "re-read every file, check the content hash, and exit")
	if err := parseFlags(fs, reorderFlags(fs, args)); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("kb lookup: --kb KBDIR is required")
	}
	k, err := kb.Open(*dir)
	if err != nil {
		return err
	}
	defer k.Close()
	if *verify {
		if err := k.Verify(); err != nil {
			return err
		}
		fmt.Printf("%s: ok (%s)\n", *dir, k.Info().ContentHash)
		return nil
	}
	if *info {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(k.Info())
	}
	if fs.NArg() == 0 {
		return errors.New("kb lookup: give a surface, e.g. \"New York\"")
	}
	for _, s := range fs.Args() {
		if err := ctx.Err(); err != nil {
			return err
		}
		res := lookupResult{Surface: s, Candidates: []lookupCand{}}
		cands := k.Lookup(s)
		if cands == nil && *fuzzy > 0 {
			cands = k.LookupFuzzy(s, *fuzzy)
			res.Fuzzy = cands != nil
		}
		if si, ok := k.Surface(s); ok {
			res.Stats = &si
		}
		res.Found = len(cands) > 0
		for i, c := range cands {
			if i >= *top {
				break
			}
			e := k.Entity(c.Entity)
			res.Candidates = append(res.Candidates, lookupCand{Title: e.Title, Prior: c.Prior, Count: c.Count, Inlinks: e.Inlinks,
				Type: e.Type.String(), QID: e.QID, Description: e.Description, NameOnly: e.NameOnly, AnchorWords: e.AnchorWords})
		}
		if *asJSON {
			if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
				return err
			}
			continue
		}
		printLookup(res, len(cands))
	}
	return nil
}

func printLookup(r lookupResult, total int) {
	head := fmt.Sprintf("%q", r.Surface)
	if r.Fuzzy {
		head += " (no exact match; fuzzy)"
	}
	if r.Stats != nil {
		head += fmt.Sprintf("  link probability %.3f (linked %d of %d occurrences), %d candidates", r.Stats.LinkProbability, r.Stats.Linked, r.Stats.Occurrences, r.Stats.Candidates)
	}
	fmt.Println(head)
	if !r.Found {
		fmt.Println("  no candidates")
		return
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  prior\tcount\tinlinks\ttype\tqid\ttitle\tdescription")
	for _, c := range r.Candidates {
		d := c.Description
		if len([]rune(d)) > 90 {
			d = string([]rune(d)[:89]) + "…"
		}
		if c.NameOnly && c.AnchorWords != "" {
			d = "(name only; anchor words: " + c.AnchorWords + ")"
		} else if c.NameOnly {
			d = "(name only: no article in the inputs)"
		}
		q := c.QID
		if q == "" {
			q = "-"
		}
		fmt.Fprintf(tw, "  %.3f\t%d\t%d\t%s\t%s\t%s\t%s\n", c.Prior, c.Count, c.Inlinks, c.Type, q, c.Title, d)
	}
	tw.Flush()
	if total > len(r.Candidates) {
		fmt.Printf("  … %d more\n", total-len(r.Candidates))
	}
}

// reorderFlags lets flags follow the surface ("kb lookup Berlin --json"):
// the standard flag package stops at the first non-flag argument.
func reorderFlags(fs *flag.FlagSet, args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if strings.Contains(name, "=") {
				continue
			}
			if f := fs.Lookup(name); f != nil {
				if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
					continue
				}
				if i+1 < len(args) {
					flags = append(flags, args[i+1])
					i++
				}
			}
			continue
		}
		rest = append(rest, a)
	}
	return append(flags, append([]string{"--"}, rest...)...)
}
