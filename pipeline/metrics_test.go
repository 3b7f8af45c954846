package pipeline

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/linkstream/linkstream/internal/kbtest"
)

// The collector's figures are the Linker's, and what it collects is what
// it describes (the pedantic registry checks).
func TestCollectorReportsTheLinkersFigures(t *testing.T) {
	l := cheapLinker(t, kbtest.Gensim(t))
	res := linkText(t, l, "Abraham Lincoln visited Athens.")
	got := map[string]float64{}
	for name, series := range gathered(t, l) {
		if v, ok := series[""]; ok && len(series) == 1 {
			got[name] = v
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

// gathered is what /metrics serves of a Linker, through the pedantic
// registry: per metric, each series' value keyed by its label values
// (joined by commas; "" for a series without labels).
func gathered(t *testing.T, l *Linker) map[string]map[string]float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(l.Collector())
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]float64{}
	for _, mf := range mfs {
		series := map[string]float64{}
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, lp := range m.GetLabel() {
				labels = append(labels, lp.GetValue())
			}
			series[strings.Join(labels, ",")] = m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
		out[mf.GetName()] = series
	}
	return out
}
