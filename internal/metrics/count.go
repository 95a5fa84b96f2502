package metrics

import "net/http"

// RequestCounter counts HTTP requests by route and status code. *Metrics
// implements it.
type RequestCounter interface {
	HTTPRequest(route string, code int)
}

// CountRequests counts every response of next under the route label
// route(path) gives, which keeps the label's values few. A nil c counts
// nothing.
func CountRequests(c RequestCounter, route func(path string) string, next http.Handler) http.Handler {
	if c == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		c.HTTPRequest(route(r.URL.Path), sw.code)
	})
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.code, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
