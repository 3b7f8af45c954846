package pipeline

import (
	"strings"
	"testing"

	"github.com/linkstream/linkstream/internal/kbtest"
	"github.com/linkstream/linkstream/kb"
)

func TestEmbeddedFitIsReadable(t *testing.T) {
	if DefaultFit.Version != FitVersion {
		t.Fatalf("embedded fit version %d", DefaultFit.Version)
	}
	if DefaultFit.Cheap.CrossEncoder != 0 || DefaultFit.Cheap.CrossEncoderName != 0 {
		t.Errorf("the cheap weights give the cross-encoder a weight: %+v", DefaultFit.Cheap)
	}
	if DefaultNILThreshold != DefaultFit.NILThreshold {
		t.Errorf("DefaultNILThreshold %.2f is not the fit's %.2f", DefaultNILThreshold, DefaultFit.NILThreshold)
	}
}

func TestParseFitRejects(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"version": 99}`, "make train"},
		{`{"version": 1, "nil_threshold": 2}`, "nil_threshold"},
		{`{"version": 1`, "fit"},
	} {
		if _, err := ParseFit([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseFit(%s) = %v, want an error naming %q", tc.in, err, tc.want)
		}
	}
}

func TestWeightsVectorRoundTrips(t *testing.T) {
	w := Weights{Prior: 1, Prominence: 2, StringMatch: 3, Context: 4, Coherence: 5, Described: 6, EarlierName: 7, CrossEncoder: 8, CrossEncoderName: 9,
		Acronym: 10, AnchorContext: 11, Qualified: 12, Credit: 13, Outlier: 14}
	v := w.Vector()
	for i, x := range v {
		if x != float64(i+1) {
			t.Fatalf("feature %s has weight %v, want %d: Vector's order is not FeatureNames'", FeatureNames[i], x, i+1)
		}
	}
	if back := (Weights{Outlier: 14}).WithVector(v); back != w {
		t.Errorf("WithVector(Vector) = %+v, want %+v", back, w)
	}
}

func TestCrossEncoderLogitGoesToItsPassageKind(t *testing.T) {
	described := features{described: true}
	described.setCrossEncoder(2)
	named := features{}
	named.setCrossEncoder(3)
	if described.x[FeatureCrossEncoder] != 2 || described.x[FeatureCrossEncoderName] != 0 ||
		named.x[FeatureCrossEncoderName] != 3 || named.x[FeatureCrossEncoder] != 0 {
		t.Errorf("described %v, named %v", described.x, named.x)
	}
	w := Weights{CrossEncoder: 1, CrossEncoderName: 10}
	if w.score(described) != 2 || w.score(named) != 30 {
		t.Errorf("scores %v and %v, want 2 and 30", w.score(described), w.score(named))
	}
}

func TestStringMatch(t *testing.T) {
	for _, tc := range []struct {
		mention, title string
		want           float64
	}{
		{"Tim Cook", "Tim Cook", 1},
		{"Cupertino", "Cupertino, California", 0.5},
		{"Apple", "Apple Inc.", 0.5},
		{"Tim Cook", "Timothy D. Cook", 0.5},
		{"Tim Cook", "Timothy Cook", 0.5},
		{"William Caldwell", "William B. Caldwell", 0.5},
		{"Tim Cook", "Tim Cook (ice hockey)", 0.5},
		{"Merkel", "Angela Merkel", 0.25},
		// Not the same name written out: another surname, a two-letter
		// stem, a full word between.
		{"Tim Cook", "Timothy Brook", 0},
		{"Al Gore", "Albert Gore", 0},
		{"Tim Cook", "Timothy Peter Cook", 0},
		{"Berlin", "Paris", 0},
	} {
		c := &candidate{titleNorm: kb.Normalize(tc.title), baseNorm: kb.Normalize(nameOf(tc.title))}
		if got := stringMatch(kb.Normalize(tc.mention), c); got != tc.want {
			t.Errorf("stringMatch(%q, %q) = %v, want %v", tc.mention, tc.title, got, tc.want)
		}
	}
}

func TestNILTypeIsTheCandidatesWeighedType(t *testing.T) {
	entry := func(types ...string) *surfaceEntry {
		e := &surfaceEntry{}
		for _, typ := range types {
			e.cands = append(e.cands, candidate{typ: typ})
		}
		return e
	}
	for _, tc := range []struct {
		types []string
		p     []float64
		want  string
	}{
		// Two footballers and a film: the unknown John Smith is a person.
		{[]string{"PER", "PER", "MISC"}, []float64{0.2, 0.2, 0.6}, "PER"},
		{[]string{"LOC", "ORG"}, []float64{0.25, 0.75}, "ORG"},
		{[]string{"PER", "LOC", "MISC"}, []float64{0.2, 0.2, 0.6}, "MISC"},
		{[]string{"PER", "ORG"}, []float64{0.5, 0.5}, "PER"},
	} {
		ms := &mentionScores{p: tc.p, best: 0}
		if got := nilType(entry(tc.types...), ms); got != tc.want {
			t.Errorf("types %v, probabilities %v: %q, want %q", tc.types, tc.p, got, tc.want)
		}
	}
	if got := nilType(entry(), &mentionScores{best: -1}); got != "" {
		t.Errorf("no candidate: %q, want \"\"", got)
	}
}

func TestLinkConfidence(t *testing.T) {
	x := LinkVector{LinkBias: 1, LinkProbability: -0.5}
	if got := (LinkWeights{}).Confidence(x); got < 0.6065 || got > 0.6066 {
		t.Errorf("unfitted confidence %.4f, want the winner's probability e^-0.5", got)
	}
	w := LinkWeights{LinkBias: 2, LinkProbability: 4} // z = 2 − 2 = 0
	if got := w.Confidence(x); got != 0.5 {
		t.Errorf("confidence %.4f at z = 0, want 0.5", got)
	}
	var back LinkWeights
	b, err := w.MarshalJSON()
	if err != nil || back.UnmarshalJSON(b) != nil || back != w {
		t.Errorf("JSON round trip: %s → %v (%v)", b, back, err)
	}
	if err := back.UnmarshalJSON([]byte(`{"bias": 1, "bogus": 2}`)); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("unknown link feature: %v", err)
	}
}

// The embedded fit scores KBs built from an alias dictionary; a KB built
// from dumps alone gets the hand-set scorer unless an option says otherwise.
func TestScorerFollowsTheKBsSources(t *testing.T) {
	alias := spotKB(t)
	dump := kbtest.Gensim(t)
	for _, tc := range []struct {
		name string
		k    *kb.KB
		opts []Option
		want Fit
	}{
		{"alias KB", alias, nil, DefaultFit},
		{"dump KB", dump, nil, HandSetFit},
		{"dump KB, fit given", dump, []Option{WithFit(DefaultFit)}, DefaultFit},
	} {
		l, err := New(tc.k, append([]Option{CrossEncoderMode(Never)}, tc.opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		if l.cfg.cheap != tc.want.Cheap || l.cfg.link != tc.want.Link || l.cfg.nilThreshold != tc.want.NILThreshold {
			t.Errorf("%s: scorer %+v / threshold %v, want %+v / %v", tc.name, l.cfg.cheap, l.cfg.nilThreshold, tc.want.Cheap, tc.want.NILThreshold)
		}
		l.Close()
	}
	l, err := New(dump, CrossEncoderMode(Never), NILThreshold(0.7))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.cfg.nilThreshold != 0.7 {
		t.Errorf("NILThreshold(0.7) on a dump KB gave %v", l.cfg.nilThreshold)
	}
}
