package server

import (
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/linkstream/linkstream/hotswap"
)

// Linker hands out the generation a request links with, and the function
// that releases it: a *hotswap.Swapper.
type Linker interface {
	Acquire() (*hotswap.Generation, func(), error)
}

// Response headers that name what linked a response, on every response.
const (
	HeaderKBVersion = "Linkstream-KB-Version"
	HeaderModelID   = "Linkstream-Model-ID"
)

// Server is the HTTP API over one shared Linker. Build it with New and
// serve its Handler.
type Server struct {
	lk       Linker
	cfg      cfg
	slots    chan struct{}
	draining atomic.Bool
	m        *metrics
	mux      *http.ServeMux
}

// New builds a Server over lk.
func New(lk Linker, opts ...Opt) (*Server, error) {
	c := defaultCfg()
	for _, o := range opts {
		o.apply(&c)
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	m, err := newMetrics(c.collectors)
	if err != nil {
		return nil, fmt.Errorf("server: metrics: %w", err)
	}
	s := &Server{lk: lk, cfg: c, slots: make(chan struct{}, c.maxConcurrent), m: m, mux: http.NewServeMux()}
	s.route("GET /{$}", "page", false, s.servePage)
	s.route("POST /v1/link", "link", true, s.serveLink)
	s.route("GET /rest/annotate", "annotate", true, s.serveAnnotate)
	s.route("POST /rest/annotate", "annotate", true, s.serveAnnotate)
	s.route("GET /rest/annotate/", "annotate", true, s.serveAnnotate)
	s.route("POST /rest/annotate/", "annotate", true, s.serveAnnotate)
	s.route("GET /healthz", "healthz", false, s.serveHealth)
	s.route("GET /readyz", "readyz", false, s.serveReady)
	s.route("GET /metrics", "metrics", false, promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}).ServeHTTP)
	return s, nil
}

// Handler serves every route.
func (s *Server) Handler() http.Handler { return s.mux }

// Drain makes /readyz answer 503 from now on, so a load balancer stops
// sending before the listener closes; requests are still served.
func (s *Server) Drain() { s.draining.Store(true) }

// route registers h under pattern with what every response gets: the
// version headers, metrics, a JSON 500 instead of a panic, and, for the
// linking routes, a concurrency slot.
func (s *Server) route(pattern, name string, linking bool, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				s.cfg.log.Error("panic serving a request", "route", name, "panic", p)
				if rec.status == 0 {
					s.writeError(rec, fail(http.StatusInternalServerError, codeInternal, "internal error"))
				}
			}
			s.m.requests.WithLabelValues(name, strconv.Itoa(rec.statusOrOK())).Inc()
			s.m.seconds.WithLabelValues(name).Observe(time.Since(start).Seconds())
		}()
		s.setVersions(rec)
		if linking {
			select {
			case s.slots <- struct{}{}:
				defer func() { <-s.slots }()
			default:
				s.writeError(rec, fail(http.StatusTooManyRequests, codeBusy,
					"the server is busy: %d linking requests in flight, the limit", s.cfg.maxConcurrent))
				return
			}
			s.m.inflight.Inc()
			defer s.m.inflight.Dec()
		}
		h(rec, r)
	})
}

// setVersions names the current generation in the headers; a linking
// handler overwrites them with the generation that linked its response.
func (s *Server) setVersions(w http.ResponseWriter) {
	g, release, err := s.lk.Acquire()
	if err != nil {
		return
	}
	defer release()
	versionHeaders(w, g)
}

func versionHeaders(w http.ResponseWriter, g *hotswap.Generation) {
	w.Header().Set(HeaderKBVersion, g.KBVersion)
	w.Header().Set(HeaderModelID, g.ModelID)
}

func (s *Server) writeError(w http.ResponseWriter, e *apiError) {
	s.m.errors.WithLabelValues(e.Code).Inc()
	writeError(w, e)
}

func (s *Server) serveHealth(w http.ResponseWriter, _ *http.Request) {
	_, release, err := s.lk.Acquire()
	if err != nil {
		s.writeError(w, fail(http.StatusServiceUnavailable, codeUnavailable, "no knowledge base: %v", err))
		return
	}
	release()
	fmt.Fprintln(w, "ok")
}

func (s *Server) serveReady(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		s.writeError(w, fail(http.StatusServiceUnavailable, codeUnavailable, "draining"))
		return
	}
	s.serveHealth(w, r)
}

// recorder remembers the status for the metrics; Unwrap lets
// http.ResponseController reach Flush and full duplex underneath.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *recorder) statusOrOK() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	seconds  *prometheus.HistogramVec
	errors   *prometheus.CounterVec
	inflight prometheus.Gauge
	docs     prometheus.Counter
}

func newMetrics(extra []prometheus.Collector) (*metrics, error) {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "linkstream_http_requests_total", Help: "HTTP requests, by route and status.",
	}, []string{"route", "status"})
	m.seconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "linkstream_http_request_seconds", Help: "HTTP request time, by route.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
	}, []string{"route"})
	m.errors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "linkstream_http_errors_total", Help: "Requests and batch documents refused or failed, by error code (bad-json, busy, timeout, ...).",
	}, []string{"code"})
	m.inflight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "linkstream_http_inflight_requests", Help: "Linking requests in flight (bounded by MaxConcurrent).",
	})
	m.docs = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "linkstream_http_documents_total", Help: "Documents linked over HTTP.",
	})
	cs := []prometheus.Collector{m.requests, m.seconds, m.errors, m.inflight, m.docs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})}
	for _, c := range append(cs, extra...) {
		if err := m.reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
