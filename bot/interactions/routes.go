package interactions

import (
	"net/http"

	"github.com/interviewbot/interviewbot/internal/metrics"
)

// routes is every route the server has, in one place.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	// Every method, so that the handler answers 405 with Allow, counted
	// and logged like every other refusal.
	mux.Handle("/interactions", metrics.CountRequests(s.metrics, func(string) string { return "/interactions" }, s.handle(s.interactions)))
	mux.Handle("/", s.fallback)
	return mux
}
