package discordrest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestReadRateLimit: how long a 429 asks to wait, and whether it is the
// global limit, however Discord (or Cloudflare in front of it) says so.
func TestReadRateLimit(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		body   string
		wait   time.Duration
		global bool
	}{
		{"route limit in the body", nil, `{"message":"You are being rate limited.","retry_after":0.25,"global":false}`, 250 * time.Millisecond, false},
		{"global in the body", nil, `{"retry_after":64.57,"global":true}`, 64570 * time.Millisecond, true},
		{"global in the headers", http.Header{"X-Ratelimit-Global": {"true"}, "Retry-After": {"3"}}, `{"retry_after":2.5}`, 2500 * time.Millisecond, true},
		{"global scope", http.Header{"X-Ratelimit-Scope": {"global"}}, `{"retry_after":1}`, time.Second, true},
		{"Cloudflare: no JSON, Retry-After", http.Header{"Retry-After": {"30"}}, `<html>error 1015</html>`, 30 * time.Second, false},
		{"Reset-After only", http.Header{"X-Ratelimit-Reset-After": {"1.5"}}, ``, 1500 * time.Millisecond, false},
		{"nothing said", nil, ``, defaultRetryAfter, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: 429, Header: tt.header, Body: io.NopCloser(strings.NewReader(tt.body))}
			if resp.Header == nil {
				resp.Header = http.Header{}
			}
			wait, global := readRateLimit(resp)
			if wait != tt.wait || global != tt.global {
				t.Errorf("readRateLimit = %v, %v; want %v, %v", wait, global, tt.wait, tt.global)
			}
		})
	}
}

func TestExemptFromGlobal(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"/api/v9/interactions/1/tok/callback", true},
		{"/api/v9/webhooks/1/tok/messages/@original", true},
		{"/api/v10/webhooks/1/tok", true},
		{"/interactions/1/tok/callback", true},
		{"/api/v9/channels/1/messages", false},
		{"/api/v9/channels/1/webhooks", false},
		{"/api/v9/applications/1/guilds/2/commands", false},
		{"/api/v9/gateway", false},
	}
	for _, tt := range tests {
		if got := exemptFromGlobal(tt.path); got != tt.want {
			t.Errorf("exemptFromGlobal(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

// TestAttemptTimeout: an attempt that hangs is given up after the policy's
// attemptTimeout and the request sent again, while the delivery's
// deadline lasts.
func TestAttemptTimeout(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // then the server sees the client go
		if calls.Add(1) == 1 {
			<-r.Context().Done() // hangs until the client gives up
			return
		}
		io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	rt := NewRetrier(srv.Client().Transport, nil)
	p := &Policy{Attempts: 3, ServerErrors: true, Backoff: time.Millisecond, AttemptTimeout: 100 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(context.WithValue(ctx, policyKey{}, p), http.MethodPatch, srv.URL+"/api/v9/webhooks/1/tok/messages/@original", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatalf("RoundTrip: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(body) != `{"ok":true}` || calls.Load() != 2 {
		t.Errorf("got %q, %v after %d attempts; want the second attempt's answer", body, err, calls.Load())
	}
}
