package eval

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// WriteTable prints one row per report: what was read, coverage, the
// strong-match scores on everything and on covered gold, disambiguation
// accuracy and throughput. Percentages are of the linked gold mentions.
func WriteTable(w io.Writer, reps ...*Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "dataset\tdocs\tgold\tlinked\tinKB%\tdesc%\tP\tR\tF1\tmacroF1\tcovF1\tcandR\tdisAcc\tdisAccCov\tdocs/s\t")
	for _, r := range reps {
		inKB, desc, covF1 := "-", "-", "-"
		if r.Coverage != nil {
			inKB = pct(r.Coverage.InKB)
			desc = pct(r.Coverage.WithDesc)
		}
		if r.Covered != nil {
			covF1 = pct(r.Covered.Micro.F1)
		}
		dis, disCov, recall := "-", "-", "-"
		if r.Disamb != nil {
			dis = pct(r.Disamb.Accuracy)
			disCov = pct(r.Disamb.AccuracyCovered)
			recall = pct(r.Disamb.CandidateRecall)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t\n",
			r.Dataset, r.Docs, r.GoldMentions, r.GoldLinked, inKB, desc,
			pct(r.All.Micro.P), pct(r.All.Micro.R), pct(r.All.Micro.F1), pct(r.All.Macro.F1),
			covF1, recall, dis, disCov, r.Timing.DocsPerSec)
	}
	return tw.Flush()
}

// WriteDetails prints one report's counts, read problems and per-type rows.
func WriteDetails(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s, %s)  kb=%s\n", r.Dataset, r.Format, r.Source, orDash(r.KB))
	fmt.Fprintf(&b, "  read: %d docs, %d mentions (%d linked, %d NIL, %d foreign); %d mismatched offsets (%d repaired), %d dropped\n",
		r.Read.Docs, r.Read.Mentions, r.Read.Linked, r.Read.NIL, r.Read.Foreign, r.Read.Mismatched, r.Read.Repaired, r.Read.Dropped)
	c := r.All.Counts
	fmt.Fprintf(&b, "  all:  TP %d  FP %d  FN %d  micro P/R/F1 %s/%s/%s  macro %s/%s/%s\n",
		c.TP, c.FP, c.FN, pct(r.All.Micro.P), pct(r.All.Micro.R), pct(r.All.Micro.F1),
		pct(r.All.Macro.P), pct(r.All.Macro.R), pct(r.All.Macro.F1))
	if r.Covered != nil {
		c := r.Covered.Counts
		fmt.Fprintf(&b, "  covered: TP %d  FP %d  FN %d  micro P/R/F1 %s/%s/%s\n",
			c.TP, c.FP, c.FN, pct(r.Covered.Micro.P), pct(r.Covered.Micro.R), pct(r.Covered.Micro.F1))
	}
	if cv := r.Coverage; cv != nil {
		fmt.Fprintf(&b, "  coverage: mentions %d/%d in KB, %d with description; entities %d/%d in KB, %d with description\n",
			cv.MentionsInKB, cv.Mentions, cv.MentionsWithDesc, cv.EntitiesInKB, cv.Entities, cv.EntitiesWithDesc)
	}
	fmt.Fprintf(&b, "  NIL gold linked: %d of %d; failed docs: %d; predicted links: %d\n", r.NILLinked, r.GoldNIL, r.FailedDocs, r.Predicted)
	if d := r.Disamb; d != nil {
		fmt.Fprintf(&b, "  gold spans: %d/%d correct (%s), answered %d; covered %d/%d; gold among the candidates %d/%d (%s); NIL kept %d/%d\n",
			d.Correct, d.Linked, pct(d.Accuracy), d.Answered, d.CorrectCovered, d.LinkedCovered, d.Recalled, d.Linked, pct(d.CandidateRecall), d.NILKept, d.NILGold)
	}
	types := make([]string, 0, len(r.PerType))
	for t := range r.PerType {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		row := r.PerType[t]
		fmt.Fprintf(&b, "  type %-5s TP %4d FP %4d FN %4d  P/R/F1 %s/%s/%s\n", t, row.Counts.TP, row.Counts.FP, row.Counts.FN, pct(row.P), pct(row.R), pct(row.F1))
	}
	fmt.Fprintf(&b, "  time: %.2fs with %d workers: %.1f docs/s, %.0f links/s\n", r.Timing.Seconds, r.Timing.Workers, r.Timing.DocsPerSec, r.Timing.LinksPerSec)
	_, err := io.WriteString(w, b.String())
	return err
}

func pct(x float64) string { return fmt.Sprintf("%.1f", 100*x) }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WriteMarkdown prints the rows of WriteTable as a Markdown table, with the
// mode label, for EVALUATION.md.
func WriteMarkdown(w io.Writer, reps ...*Report) error {
	var b strings.Builder
	b.WriteString("| dataset | mode | docs | linked gold | inKB% | desc% | P | R | F1 | macro F1 | covered F1 | cand. recall | gold-span acc | acc covered | docs/s |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range reps {
		inKB, desc, covF1, recall, dis, disCov := "-", "-", "-", "-", "-", "-"
		if r.Coverage != nil {
			inKB, desc = pct(r.Coverage.InKB), pct(r.Coverage.WithDesc)
		}
		if r.Covered != nil {
			covF1 = pct(r.Covered.Micro.F1)
		}
		if r.Disamb != nil {
			dis, disCov, recall = pct(r.Disamb.Accuracy), pct(r.Disamb.AccuracyCovered), pct(r.Disamb.CandidateRecall)
		}
		rate := "-"
		if r.Timing.Seconds > 0 {
			rate = fmt.Sprintf("%.1f", r.Timing.DocsPerSec)
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			r.Dataset, orDash(r.Labels["mode"]), r.Docs, r.GoldLinked, inKB, desc,
			pct(r.All.Micro.P), pct(r.All.Micro.R), pct(r.All.Micro.F1), pct(r.All.Macro.F1),
			covF1, recall, dis, disCov, rate)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
