package consumer

import (
	"fmt"
	"net/http"
	"net/http/pprof"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Handler serves /metrics (Prometheus), /healthz (200 while the service
// loop runs or restarts its session; 503 once it has stopped on an error)
// and /readyz (200 once the group is joined and a session is up, 503
// while starting, restarting after a failure, or shutting down), and with
// the Profiling option Go's /debug/pprof/ profiles.
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	if s.cfg.profiling {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	mux.Handle("/metrics", promhttp.HandlerFor(s.m.reg, promhttp.HandlerOpts{Registry: s.m.reg}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		if err := s.fatal.Load(); err != nil {
			http.Error(w, fmt.Sprintf("stopped: %v", *err), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !s.ready.Load() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	return mux
}

// Registry is the service's Prometheus registry, for callers that want to
// add collectors after New.
func (s *Service) Registry() *prometheus.Registry { return s.m.reg }
