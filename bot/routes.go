package bot

import (
	"crypto/ed25519"
	"net/http"
)

// addRoutes is every route the HTTP server has, in one place.
func addRoutes(mux *http.ServeMux, s *Server) {
	switch {
	case s.key == nil && s.bot == nil:
		// health and metrics only: the gateway transport's server
	case len(s.key) != ed25519.PublicKeySize || s.bot == nil:
		// ed25519.Verify would panic on every request
		s.log.Error("no /interactions: the server needs a Bot and a 32-byte public key", "key_bytes", len(s.key))
	default:
		// Every method, so that the handler answers 405 with Allow, counted
		// and logged like every other refusal.
		mux.Handle("/interactions", s.handle(s.interactions))
	}
	mux.Handle("GET /healthz", s.handle(s.health))
	mux.Handle("GET /readyz", s.handle(s.readiness))
	if s.metricsHandler != nil {
		mux.Handle("GET /metrics", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// A scrape is worth finishing, even at the connection limit.
			_ = keep(r.Context())
			s.metricsHandler.ServeHTTP(w, r)
		}))
	}
}
