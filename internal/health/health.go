// Package health serves what the process's supervisors ask of it: GET
// /healthz (alive), GET /readyz (able to answer now) and GET /metrics.
// Every mode mounts it beside its own routes.
package health

import (
	"errors"
	"io"
	"net/http"

	"github.com/interviewbot/interviewbot/internal/connlimit"
	"github.com/interviewbot/interviewbot/internal/metrics"
)

// Routes are the paths the handler answers.
var Routes = []string{"/healthz", "/readyz", "/metrics"}

// Config is what the handler needs.
type Config struct {
	// Ready says whether the process can answer: /readyz is 503 until it
	// does. Required: HTTP mode, where the index is built before the
	// server starts, says always.
	Ready func() bool
	// Metrics serves GET /metrics; nil means no /metrics route.
	Metrics http.Handler
	// Requests counts the requests answered; optional.
	Requests metrics.RequestCounter
}

// Handler serves /healthz, /readyz and /metrics.
type Handler struct {
	mux   *http.ServeMux
	h     http.Handler
	ready func() bool
}

// New returns the handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Ready == nil {
		return nil, errors.New("health: no readiness check")
	}
	h := &Handler{mux: http.NewServeMux(), ready: cfg.Ready}
	h.mux.HandleFunc("GET /healthz", h.health)
	h.mux.HandleFunc("GET /readyz", h.readiness)
	if cfg.Metrics != nil {
		m := cfg.Metrics
		h.mux.Handle("GET /metrics", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// A scrape is worth finishing, even at the connection limit.
			_ = connlimit.Keep(r.Context())
			m.ServeHTTP(w, r)
		}))
	}
	h.h = metrics.CountRequests(cfg.Requests, routeLabel, h.mux)
	return h, nil
}

// ServeHTTP serves one request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.h.ServeHTTP(w, r) }

// health is GET /healthz: the process is alive and serving.
func (h *Handler) health(w http.ResponseWriter, r *http.Request) {
	_ = connlimit.Keep(r.Context()) // a few bytes: written, or not, in no time
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "ok\n")
}

// readiness is GET /readyz: the process can answer interactions now.
func (h *Handler) readiness(w http.ResponseWriter, r *http.Request) {
	_ = connlimit.Keep(r.Context())
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !h.ready() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "not ready\n")
		return
	}
	_, _ = io.WriteString(w, "ready\n")
}

// routeLabel keeps the route label's values few: any path a scanner tries
// is "other".
func routeLabel(path string) string {
	switch path {
	case "/healthz", "/readyz", "/metrics":
		return path
	}
	return "other"
}
