package pipeline

import "github.com/prometheus/client_golang/prometheus"

// Collector exports the Linker's own figures to Prometheus: documents,
// mentions, links and NILs (NIL rate = nil / mentions), the candidate
// cache, the cross-encoder's batches, and the corpus statistics' ten
// strongest outliers. Register it where the process serves /metrics (the
// consumer's Collectors option does).
func (l *Linker) Collector() prometheus.Collector { return linkerCollector{l} }

type linkerCollector struct{ l *Linker }

var (
	descLinkerDocs     = prometheus.NewDesc("linkstream_linker_documents_total", "Documents the Linker linked.", nil, nil)
	descLinkerMentions = prometheus.NewDesc("linkstream_linker_mentions_total", "Mentions spotted.", nil, nil)
	descLinkerLinks    = prometheus.NewDesc("linkstream_linker_links_total", "Mentions linked.", nil, nil)
	descLinkerNIL      = prometheus.NewDesc("linkstream_linker_nil_total", "Mentions judged NIL (NIL rate = nil / mentions).", nil, nil)
	descLinkerCE       = prometheus.NewDesc("linkstream_linker_cross_encoded_total", "Mentions the cross-encoder decided.", nil, nil)
	descCacheHits      = prometheus.NewDesc("linkstream_candidate_cache_hits_total", "Candidate cache hits.", nil, nil)
	descCacheMisses    = prometheus.NewDesc("linkstream_candidate_cache_misses_total", "Candidate cache misses.", nil, nil)
	descCacheRatio     = prometheus.NewDesc("linkstream_candidate_cache_hit_ratio", "Candidate cache hit ratio.", nil, nil)
	descBatches        = prometheus.NewDesc("linkstream_inference_batches_total", "Cross-encoder batches run.", nil, nil)
	descBatchSize      = prometheus.NewDesc("linkstream_inference_batch_size_mean", "Mean pairs per cross-encoder batch.", nil, nil)
	descBatchWait      = prometheus.NewDesc("linkstream_inference_batch_wait_seconds_mean", "Mean time a pair waited for its batch.", nil, nil)
	descBatchRun       = prometheus.NewDesc("linkstream_inference_batch_run_seconds_mean", "Mean model time per batch.", nil, nil)
	descOutlier        = prometheus.NewDesc("linkstream_corpus_outlier_ratio", "Entities linked significantly beyond what their prominence predicts (the ten with the strongest evidence): (links+1)/(expected+1).", []string{"title"}, nil)
)

func (c linkerCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descLinkerDocs, descLinkerMentions, descLinkerLinks, descLinkerNIL, descLinkerCE,
		descCacheHits, descCacheMisses, descCacheRatio, descBatches, descBatchSize, descBatchWait, descBatchRun, descOutlier} {
		ch <- d
	}
}

func (c linkerCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.l.Stats()
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter(descLinkerDocs, float64(st.Documents))
	counter(descLinkerMentions, float64(st.Mentions))
	counter(descLinkerLinks, float64(st.Links))
	counter(descLinkerNIL, float64(st.NIL))
	counter(descLinkerCE, float64(st.CrossEncoded))
	counter(descCacheHits, float64(st.Cache.Hits))
	counter(descCacheMisses, float64(st.Cache.Misses))
	gauge(descCacheRatio, st.Cache.HitRatio)
	counter(descBatches, float64(st.Batches.Batches))
	gauge(descBatchSize, st.Batches.MeanBatch)
	gauge(descBatchWait, st.Batches.MeanWait.Seconds())
	gauge(descBatchRun, st.Batches.MeanRun.Seconds())
	for _, o := range c.l.Outliers(10) {
		ch <- prometheus.MustNewConstMetric(descOutlier, prometheus.GaugeValue, o.Ratio, o.Title)
	}
}
