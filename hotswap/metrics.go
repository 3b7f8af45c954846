package hotswap

import "github.com/prometheus/client_golang/prometheus"

var (
	descSwaps   = prometheus.NewDesc("linkstream_kb_swaps_total", "KB reloads, by result: swapped, or refused (the KB failed to open, verify or warm; the current one stayed).", []string{"result"}, nil)
	descSwitch  = prometheus.NewDesc("linkstream_kb_swap_switch_seconds", "Time of the last swap from its start to the switch: open, verify and warm the new KB.", nil, nil)
	descCurrent = prometheus.NewDesc("linkstream_kb_info", "The KB being served (value 1), by version, model and directory.", []string{"kb_version", "model_id", "dir"}, nil)
)

// Collector exports the swaps on /metrics, and the current generation's
// Linker figures (pipeline.Linker.Collector: they restart at a swap, as
// Prometheus counters may).
func (s *Swapper) Collector() prometheus.Collector { return collector{s} }

type collector struct{ s *Swapper }

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descSwaps
	ch <- descSwitch
	ch <- descCurrent
	if g, release, err := c.s.Acquire(); err == nil {
		g.Linker.Collector().Describe(ch)
		release()
	}
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(descSwaps, prometheus.CounterValue, float64(c.s.swaps.Load()), "swapped")
	ch <- prometheus.MustNewConstMetric(descSwaps, prometheus.CounterValue, float64(c.s.refused.Load()), "refused")
	ch <- prometheus.MustNewConstMetric(descSwitch, prometheus.GaugeValue, float64(c.s.lastSwitch.Load())/1e9)
	if g, release, err := c.s.Acquire(); err == nil {
		ch <- prometheus.MustNewConstMetric(descCurrent, prometheus.GaugeValue, 1, g.KBVersion, g.ModelID, g.Dir)
		g.Linker.Collector().Collect(ch)
		release()
	}
}
