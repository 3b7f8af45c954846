package pipeline

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/linkstream/linkstream/internal/kbtest"
)

// The collector's figures are the Linker's, and what it collects is what
// it describes (the pedantic registry checks).
func TestCollectorReportsTheLinkersFigures(t *testing.T) {
	l := cheapLinker(t, kbtest.Gensim(t))
	res := linkText(t, l, "Abraham Lincoln visited Athens.")
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(l.Collector())
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		if m := mf.GetMetric(); len(m) == 1 && m[0].GetCounter() != nil {
			got[mf.GetName()] = m[0].GetCounter().GetValue()
		}
	}
	want := map[string]float64{
		"linkstream_linker_documents_total": 1,
		"linkstream_linker_links_total":     float64(len(res.Links)),
		"linkstream_linker_nil_total":       float64(len(res.NIL)),
	}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("%s = %v, want %v (all: %v)", name, got[name], v, got)
		}
	}
	if len(res.Links) == 0 {
		t.Fatalf("precondition: the text should link: %+v", res)
	}
}
