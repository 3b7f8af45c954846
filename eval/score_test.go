package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/linkstream/linkstream/link"
)

// fakeKB holds canonical titles with description and type, and redirects.
type fakeKB struct {
	entities  map[string][2]string // title -> {description, type}
	redirects map[string]string
}

func (k fakeKB) Resolve(t string) (string, bool) {
	if r, ok := k.redirects[t]; ok {
		t = r
	}
	_, ok := k.entities[t]
	return t, ok
}
func (k fakeKB) HasDescription(t string) bool { return k.entities[t][0] != "" }
func (k fakeKB) Type(t string) string         { return k.entities[t][1] }

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func checkPRF(t *testing.T, what string, got PRF, p, r, f float64) {
	t.Helper()
	if !near(got.P, p) || !near(got.R, r) || !near(got.F1, f) {
		t.Errorf("%s = P %.4f R %.4f F1 %.4f, want %.4f %.4f %.4f", what, got.P, got.R, got.F1, p, r, f)
	}
}

func TestPRFConventions(t *testing.T) {
	checkPRF(t, "nothing to find, nothing found", Counts{}.PRF(), 1, 1, 1)
	checkPRF(t, "only false positives", Counts{FP: 2}.PRF(), 0, 0, 0)
	checkPRF(t, "only misses", Counts{FN: 3}.PRF(), 0, 0, 0)
	// 3 TP, 1 FP, 2 FN: P = 3/4, R = 3/5, F1 = 2·.75·.6/1.35 = 2/3.
	checkPRF(t, "3/1/2", Counts{TP: 3, FP: 1, FN: 2}.PRF(), 0.75, 0.6, 2.0/3)
}

// The hand-made document, code points:
//
//	Tim Cook announced new Apple products in Cupertino. Page said so.
//	0      8              23   28           41       50 52  56
const handText = "Tim Cook announced new Apple products in Cupertino. Page said so."

func handDataset() *Dataset {
	return &Dataset{Name: "hand", Docs: []Doc{
		{ID: "d1", Text: handText, Gold: []Gold{
			{Start: 0, End: 8, Title: "Tim Cook"},
			{Start: 23, End: 28, Title: "Apple Inc."},
			{Start: 41, End: 50, Title: "Cupertino, California"},
			{Start: 52, End: 56, Title: "NIL"}, // must not be linked
		}},
		{ID: "d2", Text: "Nothing to see here."}, // no gold
	}}
}

func handKB() fakeKB {
	return fakeKB{
		entities: map[string][2]string{
			"Tim Cook":              {"American business executive", "PER"},
			"Cupertino, California": {"", "LOC"},
			"Larry Page":            {"co-founder of Google", "PER"},
			// Apple Inc. deliberately absent: uncovered gold.
		},
		redirects: map[string]string{"Cupertino, CA": "Cupertino, California"},
	}
}

func handLinker() link.Linker {
	return link.Func(func(_ context.Context, d link.Document) (link.Result, error) {
		if d.ID != "d1" {
			return link.Result{ID: d.ID}, nil
		}
		return link.Result{ID: d.ID, Links: []link.Link{
			{Start: 0, End: 8, Title: "Tim_Cook", Type: "PER"},        // TP after underscore normalisation
			{Start: 23, End: 28, Title: "Apple", Type: "ORG"},         // wrong entity: FP + FN
			{Start: 41, End: 50, Title: "Cupertino, CA", Type: "LOC"}, // TP through the redirect
			{Start: 52, End: 56, Title: "Larry Page", Type: "PER"},    // on NIL gold: FP
			{Start: 0, End: 3, Title: "Tim", Type: "PER"},             // boundary error: FP, overlaps gold
		}, NIL: []link.NilMention{
			{Start: 57, End: 61, Type: "MISC"}, // spotted but NIL: not a link, never scored
		}}, nil
	})
}

func handSpans() SpanLinker {
	answers := map[Span]SpanDecision{
		{0, 8}:   {Title: "Tim Cook", Score: 0.9},
		{23, 28}: {Title: "Apple Inc.", Score: 0.8},
		{41, 50}: {Title: "", Candidates: []Candidate{{Title: "Cupertino, California", Score: 0.3, Features: map[string]float64{"prior": 0.9}}}},
		{52, 56}: {Title: ""},
		{0, 3}:   {Title: "Tim (given name)"},
	}
	return SpanLinkerFunc(func(_ context.Context, d link.Document, spans []Span) ([]SpanDecision, error) {
		out := make([]SpanDecision, len(spans))
		for i, s := range spans {
			a, ok := answers[s]
			if !ok {
				return nil, errors.New("unexpected span")
			}
			out[i] = a
		}
		return out, nil
	})
}

func TestEvaluateHandMade(t *testing.T) {
	var errBuf bytes.Buffer
	rep, err := Evaluate(context.Background(), handDataset(), handLinker(),
		WithKB(handKB(), "fake"), WithSpanLinker(handSpans()), WithErrors(&errBuf), WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	// d1: TP = Tim Cook, Cupertino = 2; FP = Apple (wrong), Larry Page (NIL
	// gold), Tim (spurious) = 3; FN = Apple Inc. = 1.
	// P = 2/5 = .4, R = 2/3, F1 = 2·.4·(2/3)/(.4+2/3) = .5333/1.0667 = .5.
	if c := rep.All.Counts; c != (Counts{TP: 2, FP: 3, FN: 1}) {
		t.Fatalf("counts = %+v", c)
	}
	checkPRF(t, "micro", rep.All.Micro, 0.4, 2.0/3, 0.5)
	// d2 has no gold and no prediction: P = R = F1 = 1 (GERBIL). Macro is
	// the mean of d1 (.4, .6667, .5) and d2 (1, 1, 1): .7, .8333, .75.
	checkPRF(t, "macro", rep.All.Macro, 0.7, (2.0/3+1)/2, 0.75)

	// Covered: Apple Inc. is not in the KB, so its gold and the prediction on
	// its span leave; TP 2, FP 2 (Larry Page, Tim), FN 0:
	// P = .5, R = 1, F1 = 2/3.
	if rep.Covered == nil || rep.Covered.Counts != (Counts{TP: 2, FP: 2}) {
		t.Fatalf("covered = %+v", rep.Covered)
	}
	checkPRF(t, "covered micro", rep.Covered.Micro, 0.5, 1, 2.0/3)

	// Coverage of the 3 linked gold mentions: 2 in KB, 1 with description.
	cv := rep.Coverage
	if cv.Mentions != 3 || cv.MentionsInKB != 2 || cv.MentionsWithDesc != 1 || cv.Entities != 3 || cv.EntitiesInKB != 2 {
		t.Errorf("coverage = %+v", cv)
	}
	if rep.GoldMentions != 4 || rep.GoldLinked != 3 || rep.GoldNIL != 1 || rep.NILLinked != 1 || rep.Predicted != 5 || rep.Spotted != 6 {
		t.Errorf("gold %d linked %d nil %d nil-linked %d predicted %d spotted %d", rep.GoldMentions, rep.GoldLinked, rep.GoldNIL, rep.NILLinked, rep.Predicted, rep.Spotted)
	}

	// Per type: PER holds Tim Cook (TP), Larry Page on NIL gold (FP, typed
	// by the prediction since NIL gold has no type) and Tim (FP);
	// ORG holds the wrong Apple (FP+FN, typed by the prediction because
	// Apple Inc. is not in the KB); LOC holds Cupertino (TP).
	wantTypes := map[string]Counts{"PER": {TP: 1, FP: 2}, "ORG": {FP: 1, FN: 1}, "LOC": {TP: 1}}
	if len(rep.PerType) != len(wantTypes) {
		t.Errorf("per type = %+v", rep.PerType)
	}
	for ty, want := range wantTypes {
		if got := rep.PerType[ty].Counts; got != want {
			t.Errorf("type %s = %+v, want %+v", ty, got, want)
		}
	}
	checkPRF(t, "PER", rep.PerType["PER"].PRF, 1.0/3, 1, 0.5)

	// Gold spans: Tim Cook and Apple Inc. right, Cupertino answered NIL:
	// accuracy 2/3, precision 2/2; covered (Tim Cook, Cupertino) 1/2; the
	// NIL gold stayed NIL.
	d := rep.Disamb
	if d.Linked != 3 || d.Correct != 2 || d.Answered != 2 || d.LinkedCovered != 2 || d.CorrectCovered != 1 || d.NILGold != 1 || d.NILKept != 1 {
		t.Errorf("disamb = %+v", d)
	}
	// Only the Cupertino decision lists candidates, the gold among them:
	// candidate recall 1/3.
	if d.Recalled != 1 || !near(d.CandidateRecall, 1.0/3) {
		t.Errorf("candidate recall %d (%v), want 1 of 3", d.Recalled, d.CandidateRecall)
	}
	if !near(d.Accuracy, 2.0/3) || !near(d.Precision, 1) || !near(d.AccuracyCovered, 0.5) {
		t.Errorf("disamb rates = %+v", d)
	}

	// Errors file: spurious Tim (0), wrong Apple (23), disamb Cupertino (41),
	// Larry Page on NIL (52), in text order.
	var recs []ErrorRecord
	for _, line := range strings.Split(strings.TrimSpace(errBuf.String()), "\n") {
		var r ErrorRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("errors line %q: %v", line, err)
		}
		recs = append(recs, r)
	}
	wantKinds := []string{KindSpurious, KindWrong, KindDisamb, KindNILLinked}
	if len(recs) != len(wantKinds) {
		t.Fatalf("errors: %d records, want %d: %s", len(recs), len(wantKinds), errBuf.String())
	}
	for i, k := range wantKinds {
		if recs[i].Kind != k {
			t.Errorf("error %d kind %s, want %s", i, recs[i].Kind, k)
		}
	}
	if !recs[0].Overlap || recs[0].GoldSpan == nil || *recs[0].GoldSpan != (Span{0, 8}) || recs[0].Mention != "Tim" {
		t.Errorf("spurious record = %+v", recs[0])
	}
	if recs[1].Gold != "Apple Inc." || recs[1].Pred != "Apple" || recs[1].GoldInKB || recs[1].Decision == nil || recs[1].Decision.Title != "Apple Inc." {
		t.Errorf("wrong record = %+v", recs[1])
	}
	if recs[2].Decision == nil || len(recs[2].Decision.Candidates) != 1 || recs[2].Decision.Candidates[0].Features["prior"] != 0.9 {
		t.Errorf("disamb record lacks candidates: %+v", recs[2])
	}
	if recs[3].Gold != "NIL" || recs[3].Mention != "Page" || !strings.Contains(recs[3].Context, "[[Page]]") {
		t.Errorf("nil-linked record = %+v", recs[3])
	}

	var table bytes.Buffer
	if err := WriteTable(&table, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "50.0") { // micro F1
		t.Errorf("table lacks micro F1 50.0:\n%s", table.String())
	}
	table.Reset()
	if err := WriteMarkdown(&table, rep); err != nil {
		t.Fatal(err)
	}
	// inKB 2/3, desc 1/3, P .4, R 2/3, F1 .5, macro .75, covered 2/3,
	// accuracy 2/3 and 1/2 on covered gold.
	if row := "| hand | - | 2 | 3 | 66.7 | 33.3 | 40.0 | 66.7 | 50.0 | 75.0 | 66.7 | 33.3 | 66.7 | 50.0 |"; !strings.Contains(table.String(), row) {
		t.Errorf("markdown lacks %q:\n%s", row, table.String())
	}
}

func TestEvaluateNoKB(t *testing.T) {
	// Without a KB "Cupertino, CA" is not resolved: TP only Tim Cook;
	// FP 4 (Apple, Cupertino CA, Larry Page, Tim); FN 2 (Apple Inc., Cupertino).
	// P = 1/5, R = 1/3, F1 = 2·.2·.3333/.5333 = .25.
	rep, err := Evaluate(context.Background(), handDataset(), handLinker(), WithWorkers(1))
	if err != nil {
		t.Fatal(err)
	}
	if rep.All.Counts != (Counts{TP: 1, FP: 4, FN: 2}) {
		t.Fatalf("counts = %+v", rep.All.Counts)
	}
	checkPRF(t, "micro", rep.All.Micro, 0.2, 1.0/3, 0.25)
	if rep.Coverage != nil || rep.Covered != nil || rep.Disamb != nil {
		t.Errorf("coverage, covered and disamb must be absent without KB and span linker")
	}
}

func TestDuplicatesAndCase(t *testing.T) {
	gold := []goldItem{
		{Gold: Gold{Start: 0, End: 5}, key: "Paris"},
		{Gold: Gold{Start: 10, End: 15}, key: "Paris"},
	}
	mk := func(s, e int, title string) predItem {
		return predItem{Link: link.Link{Start: s, End: e, Title: title}, key: NormalizeTitle(title)}
	}
	// The same correct link twice on one span is one TP and one FP; the
	// second gold Paris is missed: TP 1, FP 1, FN 1. A link with an empty
	// title is not a link.
	c, outs := scoreDoc(gold, []predItem{mk(0, 5, "paris"), mk(0, 5, "Paris"), mk(10, 15, "")})
	if c != (Counts{TP: 1, FP: 1, FN: 1}) {
		t.Fatalf("counts = %+v", c)
	}
	kinds := map[string]int{}
	for _, o := range outs {
		kinds[o.kind]++
	}
	if kinds["tp"] != 1 || kinds[KindSpurious] != 1 || kinds[KindMissed] != 1 {
		t.Errorf("outcome kinds = %v", kinds)
	}
}

func TestEvaluateFailedDocs(t *testing.T) {
	boom := errors.New("boom")
	lk := link.Func(func(_ context.Context, d link.Document) (link.Result, error) {
		if d.ID == "d1" {
			return link.Result{}, boom
		}
		return link.Result{ID: d.ID}, nil
	})
	// d1 fails: its 3 linked gold are missed: FN 3, micro all zero.
	rep, err := Evaluate(context.Background(), handDataset(), lk)
	if err != nil {
		t.Fatal(err)
	}
	if rep.FailedDocs != 1 || rep.All.Counts != (Counts{FN: 3}) {
		t.Errorf("failed %d counts %+v", rep.FailedDocs, rep.All.Counts)
	}
	all := link.Func(func(context.Context, link.Document) (link.Result, error) { return link.Result{}, boom })
	if _, err := Evaluate(context.Background(), handDataset(), all); err == nil {
		t.Error("every document failing must be an error")
	}
	if _, err := Evaluate(context.Background(), &Dataset{}, all); !errors.Is(err, ErrNoDocuments) {
		t.Errorf("empty dataset: %v", err)
	}
}

// A linker reads a document's other mentions, so the gold spans must be
// linked on their own: the spurious "Tim" beside them (linked only for the
// errors file) must not change the gold-span score.
func TestGoldSpanScoreIgnoresTheErrorsFile(t *testing.T) {
	inner := handSpans()
	contextual := SpanLinkerFunc(func(ctx context.Context, d link.Document, spans []Span) ([]SpanDecision, error) {
		out, err := inner.LinkSpans(ctx, d, spans)
		if err == nil && slices.Contains(spans, Span{0, 3}) {
			for i, s := range spans {
				if s == (Span{0, 8}) {
					out[i].Title = "Tim (given name)"
				}
			}
		}
		return out, err
	})
	disamb := func(opts ...Option) Disamb {
		opts = append(opts, WithKB(handKB(), "fake"), WithSpanLinker(contextual))
		rep, err := Evaluate(context.Background(), handDataset(), handLinker(), opts...)
		if err != nil {
			t.Fatal(err)
		}
		d := *rep.Disamb
		d.Seconds = 0
		return d
	}
	var errBuf bytes.Buffer
	without, with := disamb(), disamb(WithErrors(&errBuf))
	if without != with || with.Correct != 2 {
		t.Errorf("gold spans without an errors file %+v, with one %+v (want 2 correct in both)", without, with)
	}
	if !strings.Contains(errBuf.String(), `"mention":"Tim","context"`) || !strings.Contains(errBuf.String(), "Tim (given name)") {
		t.Errorf("the spurious Tim lost its decision in the errors file:\n%s", errBuf.String())
	}
}

// streamLinker is a linker with a memory of the documents it linked: it
// counts the documents each pass saw since its last reset.
type streamLinker struct {
	mu          sync.Mutex
	sinceReset  int
	resets      int
	linkedFirst int // documents linked before the first reset
}

func (s *streamLinker) ResetStream() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resets++
	s.sinceReset = 0
}

func (s *streamLinker) seen() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.resets == 0 {
		s.linkedFirst++
	}
	s.sinceReset++
}

func (s *streamLinker) Link(_ context.Context, d link.Document) (link.Result, error) {
	s.seen()
	return link.Result{ID: d.ID}, nil
}

func (s *streamLinker) LinkSpans(_ context.Context, d link.Document, spans []Span) ([]SpanDecision, error) {
	s.seen()
	return make([]SpanDecision, len(spans)), nil
}

// Each pass over a dataset starts from a forgotten stream: the gold-span
// pass must not read what the end-to-end pass linked, nor a dataset the
// one before.
func TestEvaluateResetsAStreamLinkerBeforeEachPass(t *testing.T) {
	ends, spans := &streamLinker{}, &streamLinker{}
	for range 2 {
		if _, err := Evaluate(context.Background(), handDataset(), ends, WithSpanLinker(spans), WithWorkers(1)); err != nil {
			t.Fatal(err)
		}
	}
	for name, s := range map[string]*streamLinker{"end-to-end": ends, "gold-span": spans} {
		if s.resets != 2 || s.linkedFirst != 0 || s.sinceReset == 0 {
			t.Errorf("%s linker: %d resets, %d documents before the first, %d since the last; want 2, 0 and the last dataset's",
				name, s.resets, s.linkedFirst, s.sinceReset)
		}
	}
	if n := len(handDataset().Docs); ends.sinceReset != n {
		t.Errorf("end-to-end linker: %d documents since the last reset, want one dataset's %d", ends.sinceReset, n)
	}
}
