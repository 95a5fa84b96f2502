package health_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/interviewbot/interviewbot/internal/health"
)

type counter struct{ got []string }

func (c *counter) HTTPRequest(route string, code int) {
	c.got = append(c.got, route+" "+http.StatusText(code))
}

func TestNewRefusesNoReadiness(t *testing.T) {
	if _, err := health.New(health.Config{}); err == nil {
		t.Error("New without Ready: no error")
	}
}

func TestHandler(t *testing.T) {
	var ready atomic.Bool
	c := &counter{}
	h, err := health.New(health.Config{
		Ready:    ready.Load,
		Metrics:  http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "metric 1\n") }),
		Requests: c,
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, path string
		ready              bool
		want               int
		body               string
	}{
		{"alive while not ready", "GET", "/healthz", false, 200, "ok"},
		{"not ready", "GET", "/readyz", false, 503, "not ready"},
		{"ready", "GET", "/readyz", true, 200, "ready"},
		{"metrics", "GET", "/metrics", true, 200, "metric 1"},
		{"wrong method", "POST", "/healthz", true, 405, ""},
		{"unknown path", "GET", "/wp-login.php", true, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ready.Store(tt.ready)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, nil))
			if w.Code != tt.want || !strings.Contains(w.Body.String(), tt.body) {
				t.Errorf("%s %s = %d %q, want %d with %q", tt.method, tt.path, w.Code, w.Body.String(), tt.want, tt.body)
			}
		})
	}
	want := []string{"/healthz OK", "/readyz Service Unavailable", "/readyz OK", "/metrics OK", "/healthz Method Not Allowed", "other Not Found"}
	if strings.Join(c.got, ",") != strings.Join(want, ",") {
		t.Errorf("counted %v, want %v", c.got, want)
	}
}
