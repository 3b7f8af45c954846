package consumer

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Phases of the service's wall time, exported as
// linkstream_phase_seconds_total{phase}: poll (waiting for fetched records
// while work is available), decode, link (inside the Linker, summed over
// concurrent calls), encode, flush (waiting for the cycle's produces to be
// acknowledged) and commit (offsets and transaction end, or the offset
// commit in at-least-once mode).
const (
	phasePoll   = "poll"
	phaseDecode = "decode"
	phaseLink   = "link"
	phaseEncode = "encode"
	phaseFlush  = "flush"
	phaseCommit = "commit"
)

type metrics struct {
	reg         *prometheus.Registry
	docs        *prometheus.CounterVec
	deadLetters *prometheus.CounterVec
	retries     prometheus.Counter
	cycles      *prometheus.CounterVec
	lag         *prometheus.GaugeVec
	groupLag    *prometheus.GaugeVec
	inflight    prometheus.Gauge
	paused      prometheus.Gauge
	cycleTarget prometheus.Gauge
	assigned    prometheus.Gauge
	phase       *prometheus.CounterVec
	docSeconds  prometheus.Histogram
	cycleDocs   prometheus.Histogram
	endSeconds  prometheus.Histogram
	// hangingEnded counts the hanging transactions guardHanging ended, by
	// the marker written (commit, abort).
	hangingEnded *prometheus.CounterVec
}

func newMetrics(extra []prometheus.Collector) (*metrics, error) {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.docs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "linkstream_documents_total",
		Help: "Documents finished, by outcome (linked or dead_letter); counted when their cycle commits.",
	}, []string{"outcome"})
	m.deadLetters = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "linkstream_dead_letters_total",
		Help: "Records sent to the dead-letter topic, by reason; counted when their cycle commits.",
	}, []string{"reason"})
	m.retries = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "linkstream_link_retries_total",
		Help: "Linker calls retried after a transient error.",
	})
	m.cycles = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "linkstream_cycles_total",
		Help: "Poll-link-produce cycles, by result (committed, aborted, or unconfirmed: the commit was asked and its answer failed).",
	}, []string{"result"})
	m.lag = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "linkstream_consumer_lag",
		Help: "Records of each input partition this instance owns that the group has not committed: end (last stable offset) minus committed offset, asked of the broker every second.",
	}, []string{"topic", "partition"})
	m.groupLag = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "linkstream_consumer_group_lag",
		Help: "The group's lag over all partitions of the input topic, whoever owns them (every instance reports the same figure: aggregate with max, not sum).",
	}, []string{"topic"})
	m.inflight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "linkstream_inflight_documents",
		Help: "Documents polled and not yet committed.",
	})
	m.paused = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "linkstream_fetch_paused",
		Help: "1 while fetching is paused because the in-flight bound is reached.",
	})
	m.cycleTarget = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "linkstream_cycle_limit_documents",
		Help: "Documents the next cycle may poll, adapted to the linking rate (see CycleTarget).",
	})
	m.assigned = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "linkstream_assigned_partitions",
		Help: "Input partitions assigned to this instance.",
	})
	m.phase = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "linkstream_phase_seconds_total",
		Help: "Wall time per phase: poll, flush and commit once per cycle; decode, link and encode per document, summed over concurrent documents and including time waiting for a CPU (use a CPU profile for shares of CPU).",
	}, []string{"phase"})
	m.docSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "linkstream_document_seconds",
		Help:    "Time from a document's poll to its output record being handed to the producer.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
	})
	m.cycleDocs = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "linkstream_cycle_documents",
		Help:    "Documents per cycle (per transaction in exactly-once mode).",
		Buckets: prometheus.ExponentialBuckets(1, 2, 14),
	})
	m.endSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "linkstream_cycle_end_seconds",
		Help:    "Time to flush outputs and commit (or abort) one cycle.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
	})
	m.hangingEnded = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "linkstream_hanging_transactions_ended_total",
		Help: "Hanging transactions of this instance's producer that held the group's offsets past the transaction timeout, ended by writing their marker (marker: the coordinator's decision, commit or abort, read from its log; abort when it cannot be read).",
	}, []string{"marker"})
	cs := []prometheus.Collector{
		m.docs, m.deadLetters, m.retries, m.cycles, m.lag, m.groupLag, m.inflight, m.paused, m.cycleTarget, m.assigned,
		m.phase, m.docSeconds, m.cycleDocs, m.endSeconds, m.hangingEnded,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	}
	for _, c := range append(cs, extra...) {
		if err := m.reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) addPhase(phase string, d time.Duration) {
	m.phase.WithLabelValues(phase).Add(d.Seconds())
}

func (m *metrics) setLag(topic string, partition int32, lag int64) {
	if lag < 0 {
		lag = 0
	}
	m.lag.WithLabelValues(topic, strconv.Itoa(int(partition))).Set(float64(lag))
}

func (m *metrics) dropLag(topic string, partitions []int32) {
	for _, p := range partitions {
		m.lag.DeleteLabelValues(topic, strconv.Itoa(int(p)))
	}
}
