package discordtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Request is a recorded REST request and the fake's answer.
type Request struct {
	Method string
	// Path is relative to the API base, e.g. "/channels/1/messages"
	// (the full URL path if the request missed /api/v9).
	Path   string
	Query  url.Values
	Header http.Header // includes Authorization and Content-Type
	Body   []byte
	// JSON is the JSON payload: the body itself, or the payload_json part
	// of a multipart/form-data body. Nil if there is none.
	JSON json.RawMessage
	// Files are the file parts of a multipart/form-data body.
	Files []File
	// Route is the matched pattern, e.g. "POST /channels/{channel}/messages";
	// empty for unknown routes.
	Route  string
	Params map[string]string // values of the {name} segments of Route
	// Status and Response are what the fake answered.
	Status   int
	Response []byte
	Time     time.Time
}

// File is one uploaded file of a multipart request.
type File struct {
	Field       string // form field, e.g. "files[0]"
	Name        string
	ContentType string
	Data        []byte
}

// Decode unmarshals the request's JSON payload into v.
func (r Request) Decode(v any) error {
	if len(r.JSON) == 0 {
		return fmt.Errorf("discordtest: %s %s has no JSON payload", r.Method, r.Path)
	}
	return json.Unmarshal(r.JSON, v)
}

// Match returns a predicate for WaitRequest that matches method ("" = any)
// and a path pattern relative to the API base in which {name} segments
// match any single segment, e.g. Match("POST", "/interactions/{id}/{token}/callback").
func Match(method, pattern string) func(Request) bool {
	segs := splitPath(pattern)
	return func(r Request) bool {
		if method != "" && !strings.EqualFold(method, r.Method) {
			return false
		}
		_, ok := matchSegs(segs, splitPath(r.Path))
		return ok
	}
}

// Requests returns every REST request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// WaitRequest returns the first recorded request (past or future) for which
// match returns true, waiting for it if necessary. The request is recorded
// before its response is sent, so when the client has its answer the request
// is already visible.
func (s *Server) WaitRequest(ctx context.Context, match func(Request) bool) (Request, error) {
	next := 0
	for {
		s.mu.Lock()
		reqs := s.requests[next:len(s.requests):len(s.requests)]
		ch := s.changed
		closed := s.closed
		s.mu.Unlock()
		// Call match without the lock, so it may use the Server.
		for _, r := range reqs {
			if match(r) {
				return r, nil
			}
		}
		next += len(reqs)
		if closed {
			return Request{}, fmt.Errorf("discordtest: waiting for a request: server closed")
		}
		select {
		case <-ch:
		case <-ctx.Done():
			var seen []string
			for _, r := range s.Requests() {
				seen = append(seen, fmt.Sprintf("%s %s -> %d", r.Method, r.Path, r.Status))
			}
			return Request{}, fmt.Errorf("discordtest: waiting for a request: %w; requests so far: %v", ctx.Err(), seen)
		}
	}
}

type response struct {
	status int
	body   any // nil: no body
	header map[string]string
	global time.Duration // a fault that starts the global rate limit for this long
}

func apiError(status, code int, msg string) response {
	return response{status: status, body: map[string]any{"message": msg, "code": code}}
}

// formError mimics Discord's 50035 Invalid Form Body; path is the field path.
func formError(code, msg string, path ...string) response {
	var errs any = map[string]any{"_errors": []any{map[string]any{"code": code, "message": msg}}}
	for i := len(path) - 1; i >= 0; i-- {
		errs = map[string]any{path[i]: errs}
	}
	return response{status: http.StatusBadRequest, body: map[string]any{"message": "Invalid Form Body", "code": 50035, "errors": errs}}
}

type route struct {
	method  string
	pattern string
	segs    []string
	auth    bool
	h       func(*Request) response              // built-in; runs under s.mu
	custom  func(Request) (status int, body any) // from Handle; runs unlocked
}

type fault struct {
	method string
	segs   []string
	resp   response
}

// Handle adds a REST route (or overrides a built-in one). pattern is
// relative to the API base, with {name} wildcards, e.g.
// "/guilds/{guild}/members/{user}"; the values are in Request.Params. h
// returns the status and a body that is marshalled to JSON (nil for none).
// Routes under /webhooks/ and /interactions/ need no Authorization; all
// others require "Bot <token>", as on Discord. h runs without the server's
// lock and may call its methods.
func (s *Server) Handle(method, pattern string, h func(r Request) (status int, body any)) {
	rt := &route{method: strings.ToUpper(method), pattern: pattern, segs: splitPath(pattern), custom: h}
	rt.auth = !strings.HasPrefix(pattern, "/webhooks/") && !strings.HasPrefix(pattern, "/interactions/")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.custom = append(s.custom, rt)
}

// RateLimitOnce makes the next request matching method and path pattern
// (as in Match) fail with 429 and retry_after, with the rate-limit headers
// Discord sends. discordgo sleeps retry_after and retries by default.
func (s *Server) RateLimitOnce(method, pattern string, retryAfter time.Duration) {
	secs := retryAfter.Seconds()
	s.addFault(method, pattern, response{
		status: http.StatusTooManyRequests,
		body:   map[string]any{"message": "You are being rate limited.", "retry_after": secs, "global": false},
		header: map[string]string{
			"Retry-After":             strconv.Itoa(int(math.Ceil(secs))),
			"X-RateLimit-Limit":       "1",
			"X-RateLimit-Remaining":   "0",
			"X-RateLimit-Reset-After": strconv.FormatFloat(secs, 'f', 3, 64),
			"X-RateLimit-Bucket":      "discordtest",
			"X-RateLimit-Scope":       "user",
		},
	})
}

// RateLimitGlobalOnce makes the next request matching method and path
// pattern fail with the 429 of Discord's global rate limit, as Discord
// documents it: Retry-After, X-RateLimit-Global and "global": true, and no
// bucket headers. From then until retryAfter has passed, every other
// request fails the same way, as on Discord, except the interaction
// callback and webhook routes, which Discord exempts from the global limit.
func (s *Server) RateLimitGlobalOnce(method, pattern string, retryAfter time.Duration) {
	s.addFault(method, pattern, response{status: http.StatusTooManyRequests, global: retryAfter})
}

// globalLimit is the answer to a request during the global rate limit.
func globalLimit(left time.Duration) response {
	secs := left.Seconds()
	return response{
		status: http.StatusTooManyRequests,
		body:   map[string]any{"message": "You are being rate limited.", "retry_after": secs, "global": true},
		header: map[string]string{
			"Retry-After":        strconv.Itoa(int(math.Ceil(secs))),
			"X-RateLimit-Global": "true",
			"X-RateLimit-Scope":  "global",
		},
	}
}

// FailOnce makes the next request matching method and path pattern fail
// with status and a Discord error body {"message": message, "code": code}.
func (s *Server) FailOnce(method, pattern string, status, code int, message string) {
	s.addFault(method, pattern, apiError(status, code, message))
}

func (s *Server) addFault(method, pattern string, resp response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{method: strings.ToUpper(method), segs: splitPath(pattern), resp: resp})
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	ok := s.trackLocked()
	s.mu.Unlock()
	if !ok {
		http.Error(w, "discordtest: server closed", http.StatusServiceUnavailable)
		return
	}
	defer s.wg.Done()
	if r.URL.Path == "/ws" || r.URL.Path == "/ws/" {
		s.serveGateway(w, r)
		return
	}
	s.serveREST(w, r)
}

func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	req := &Request{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Header: r.Header.Clone(),
		Body:   body,
		Time:   time.Now(),
	}
	s.parseBody(req)

	var resp response
	const prefix = "/api/v9/"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		resp = s.unknownRoute(req, false)
	} else {
		req.Path = r.URL.Path[len(prefix)-1:]
		resp = s.dispatchRoute(req)
	}

	var out []byte
	if resp.body != nil {
		out = mustJSON(resp.body)
	}
	req.Status = resp.status
	req.Response = out
	s.mu.Lock()
	s.requests = append(s.requests, *req)
	s.stats.Requests++
	s.broadcastLocked()
	s.mu.Unlock()

	for k, v := range resp.header {
		w.Header().Set(k, v)
	}
	if out != nil {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(resp.status)
	w.Write(out)
}

// parseBody fills JSON and Files. discordgo sends JSON bodies, or
// multipart/form-data with a payload_json part when files are attached.
func (s *Server) parseBody(req *Request) {
	if len(req.Body) == 0 {
		return
	}
	mt, params, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		req.JSON = req.Body
		return
	}
	mr := multipart.NewReader(bytes.NewReader(req.Body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return
		}
		data, _ := io.ReadAll(p)
		if p.FormName() == "payload_json" {
			req.JSON = data
		} else if p.FileName() != "" {
			req.Files = append(req.Files, File{Field: p.FormName(), Name: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: data})
		}
	}
}

func (s *Server) dispatchRoute(req *Request) response {
	s.mu.Lock()
	var found *route
	methodMismatch := false
	segs := splitPath(req.Path)
	for _, list := range [][]*route{s.custom, s.routes} {
		for _, rt := range list {
			params, ok := matchSegs(rt.segs, segs)
			if !ok {
				continue
			}
			if rt.method != req.Method {
				methodMismatch = true
				continue
			}
			found, req.Params = rt, params
			break
		}
		if found != nil {
			break
		}
	}
	if found != nil {
		req.Route = found.method + " " + found.pattern
	}
	revoked := s.revoked
	for i, f := range s.faults {
		if f.method != "" && f.method != req.Method {
			continue
		}
		if _, ok := matchSegs(f.segs, segs); ok {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			resp := f.resp
			if resp.global > 0 {
				s.globalUntil = time.Now().Add(resp.global)
				resp = globalLimit(resp.global)
			}
			s.mu.Unlock()
			return resp
		}
	}
	if left := time.Until(s.globalUntil); left > 0 && !exemptFromGlobal(req.Path) {
		s.mu.Unlock()
		return globalLimit(left)
	}
	s.mu.Unlock()

	if found == nil {
		return s.unknownRoute(req, methodMismatch)
	}
	if found.auth && (revoked || req.Header.Get("Authorization") != "Bot "+s.opts.Token) {
		return apiError(http.StatusUnauthorized, 0, "401: Unauthorized")
	}
	if found.custom != nil {
		status, body := found.custom(*req)
		return response{status: status, body: body}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	resp := found.h(req)
	// Marshal now: the body may alias state that changes once unlocked.
	if resp.body != nil {
		resp.body = mustJSON(resp.body)
	}
	return resp
}

// exemptFromGlobal reports whether a route escapes the global rate limit:
// Discord exempts interaction callbacks and interaction webhooks.
func exemptFromGlobal(path string) bool {
	return strings.HasPrefix(path, "/interactions/") || strings.HasPrefix(path, "/webhooks/")
}

func (s *Server) unknownRoute(req *Request, methodMismatch bool) response {
	if !s.opts.AllowUnknownRoutes {
		s.violation("unhandled REST call %s %s (not faked: add it with Server.Handle, or set Options.AllowUnknownRoutes)", req.Method, req.Path)
	}
	if methodMismatch {
		return apiError(http.StatusMethodNotAllowed, 0, "405: Method Not Allowed")
	}
	return apiError(http.StatusNotFound, 0, "404: Not Found")
}

func splitPath(p string) []string {
	return strings.Split(strings.Trim(p, "/"), "/")
}

func matchSegs(pattern, path []string) (map[string]string, bool) {
	if len(pattern) != len(path) {
		return nil, false
	}
	var params map[string]string
	for i, ps := range pattern {
		if strings.HasPrefix(ps, "{") && strings.HasSuffix(ps, "}") {
			if path[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[ps[1:len(ps)-1]] = path[i]
			continue
		}
		if ps != path[i] {
			return nil, false
		}
	}
	return params, true
}

// decodeLocked unmarshals the JSON payload; a malformed body is a client
// bug, so it is reported on the test too.
func (s *Server) decodeLocked(req *Request, v any) *response {
	if len(req.JSON) == 0 {
		r := apiError(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return &r
	}
	if err := json.Unmarshal(req.JSON, v); err != nil {
		s.violation("%s %s: payload does not decode: %v: %s", req.Method, req.Path, err, req.JSON)
		r := apiError(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return &r
	}
	return nil
}

func (s *Server) builtinRoutes() []*route {
	r := func(method, pattern string, auth bool, h func(*Request) response) *route {
		return &route{method: method, pattern: pattern, segs: splitPath(pattern), auth: auth, h: h}
	}
	const bot, open = true, false
	return []*route{
		r("GET", "/gateway", open, s.hGateway),
		r("GET", "/gateway/bot", bot, s.hGatewayBot),
		r("GET", "/users/@me", bot, func(*Request) response { return response{status: 200, body: s.botUser()} }),
		r("GET", "/oauth2/applications/@me", bot, s.hApplication),
		r("GET", "/applications/@me", bot, s.hApplication),

		r("GET", "/applications/{app}/commands", bot, s.hCommandList),
		r("PUT", "/applications/{app}/commands", bot, s.hCommandOverwrite),
		r("POST", "/applications/{app}/commands", bot, s.hCommandCreate),
		r("GET", "/applications/{app}/commands/{command}", bot, s.hCommandGet),
		r("PATCH", "/applications/{app}/commands/{command}", bot, s.hCommandEdit),
		r("DELETE", "/applications/{app}/commands/{command}", bot, s.hCommandDelete),
		r("GET", "/applications/{app}/guilds/{guild}/commands", bot, s.hCommandList),
		r("PUT", "/applications/{app}/guilds/{guild}/commands", bot, s.hCommandOverwrite),
		r("POST", "/applications/{app}/guilds/{guild}/commands", bot, s.hCommandCreate),
		r("GET", "/applications/{app}/guilds/{guild}/commands/{command}", bot, s.hCommandGet),
		r("PATCH", "/applications/{app}/guilds/{guild}/commands/{command}", bot, s.hCommandEdit),
		r("DELETE", "/applications/{app}/guilds/{guild}/commands/{command}", bot, s.hCommandDelete),

		r("POST", "/interactions/{interaction}/{token}/callback", open, s.hCallback),
		r("POST", "/webhooks/{app}/{token}", open, s.hFollowup),
		r("GET", "/webhooks/{app}/{token}/messages/{message}", open, s.hWebhookMessageGet),
		r("PATCH", "/webhooks/{app}/{token}/messages/{message}", open, s.hWebhookMessageEdit),
		r("DELETE", "/webhooks/{app}/{token}/messages/{message}", open, s.hWebhookMessageDelete),

		r("POST", "/channels/{channel}/messages", bot, s.hChannelMessageCreate),
		r("GET", "/channels/{channel}/messages/{message}", bot, s.hChannelMessageGet),
		r("PATCH", "/channels/{channel}/messages/{message}", bot, s.hChannelMessageEdit),
		r("DELETE", "/channels/{channel}/messages/{message}", bot, s.hChannelMessageDelete),
		r("PUT", "/channels/{channel}/messages/{message}/reactions/{emoji}/@me", bot, s.hReactionAdd),
	}
}

func (s *Server) hGateway(*Request) response {
	return response{status: 200, body: map[string]any{"url": s.GatewayURL()}}
}

func (s *Server) hGatewayBot(*Request) response {
	return response{status: 200, body: map[string]any{
		"url":    s.GatewayURL(),
		"shards": 1,
		"session_start_limit": map[string]any{
			"total": 1000, "remaining": 1000 - s.stats.Identifies, "reset_after": 86400000, "max_concurrency": 1,
		},
	}}
}

func (s *Server) hApplication(*Request) response {
	return response{status: 200, body: map[string]any{
		"id": s.opts.AppID, "name": s.opts.BotUsername, "icon": nil, "description": "",
		"summary": "", "bot_public": true, "bot_require_code_grant": false,
		"verify_key": "0000000000000000000000000000000000000000000000000000000000000000",
		"flags":      s.opts.AppFlags, "team": nil, "bot": s.botUser(),
		"owner": testUser(), "type": nil, "hook": true, "redirect_uris": []any{},
	}}
}
