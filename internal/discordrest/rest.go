package discordrest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// How long Discord lets the bot deliver an answer, and how hard to try.
const (
	// InteractionWindow is how long after an interaction arrives Discord
	// takes its first response.
	InteractionWindow = 3 * time.Second
	// webhookLife is how long an interaction's token, and with it the
	// webhook that edits the original response, lives.
	webhookLife = 15 * time.Minute
	// callbackBackoff is the first wait before retrying a first response
	// after a server error: short, for the three seconds.
	callbackBackoff = 100 * time.Millisecond
	// editAttempts and editBackoff bound retrying an edit: with doubling
	// waits, five attempts wait at most 7.5 s in all.
	editAttempts = 5
	editBackoff  = 500 * time.Millisecond
	// attemptTime is kept free before a deadline for the attempt itself: a
	// wait that would leave less is not begun.
	attemptTime = 100 * time.Millisecond
	// editTimeout bounds delivering a deferred answer to Discord.
	editTimeout = 30 * time.Second
	// defaultRetryAfter is waited when a 429 does not say how long.
	defaultRetryAfter = time.Second
)

// Retrier carries the bot's requests to Discord's REST API and owns
// what happens when Discord refuses one. discordgo v0.29.0 sleeps out a
// 429's retry_after in time.Sleep, which nothing interrupts, then retries
// without limit; it retries a 502 at once, three times, and a 500 or 503
// never. That loses first responses, which must arrive within three seconds,
// and a long retry_after holds a shutdown for all of its grace. Under
// Retrier, discordgo never sees a 429: the transport waits it out when
// the request's Policy and deadline allow, and otherwise fails the
// request at once with a *rateLimitError. After a global 429 it holds every
// request, except the interaction callbacks and webhooks Discord exempts,
// until the limit has passed, in waits that a context can end.
type Retrier struct {
	next http.RoundTripper
	// sleep waits out d, or until ctx is done (Gateway's Sleep).
	sleep func(ctx context.Context, d time.Duration) error

	mu          sync.Mutex
	globalUntil time.Time // Discord's global rate limit lasts until then
}

func NewRetrier(next http.RoundTripper, sleep func(context.Context, time.Duration) error) *Retrier {
	if next == nil {
		next = http.DefaultTransport
	}
	if sleep == nil {
		sleep = Sleep
	}
	return &Retrier{next: next, sleep: sleep}
}

// Sleep waits for d, or until ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Policy says how hard one request tries to get through. It travels
// in the request's context (see Retrying). A request without one is made
// once, and its 429 fails it at once: for a caller that waits better
// itself, like the Gateway's reconnect loop for GET /gateway.
type Policy struct {
	// Attempts bounds the requests made; zero leaves it to the context's
	// deadline, past which no wait is begun.
	Attempts int
	// ServerErrors retries 500, 502, 503 and 504, and requests that got
	// no answer at all, after a backoff that starts at backoff and
	// doubles. Only for requests that are safe to repeat.
	ServerErrors bool
	Backoff      time.Duration
	// Stop, when done, ends every wait and fails the request with what
	// its last attempt got: a shutdown has begun. Nil: only the context
	// ends waits.
	Stop <-chan struct{}
	// BeforeWait, when set, runs once, before the first wait: an HTTP
	// interaction gives back its in-flight slot there.
	BeforeWait func()
	// AttemptTimeout, when set, bounds each attempt, so that one that
	// hangs does not use up the whole delivery.
	AttemptTimeout time.Duration
	Log            *slog.Logger
}

// Timeout bounds every REST call, or every attempt of one that retries,
// so that a shutdown never waits on a request that hangs.
const Timeout = 15 * time.Second

// Editor edits the original response to an interaction through its
// webhook (PATCH /webhooks/{app}/{token}/messages/@original). A
// *discordgo.Session implements it; its HTTP client decides where Discord is.
type Editor interface {
	InteractionResponseEdit(i *discordgo.Interaction, edit *discordgo.WebhookEdit, opts ...discordgo.RequestOption) (*discordgo.Message, error)
}

type policyKey struct{}

// Retrying returns the request options that send one request through a
// Retrier under p. discordgo's own retries are switched off, and the
// HTTP client's timeout too: ctx's deadline bounds the request, its
// retries included. A client whose transport is not a Retrier (the
// REST session cmd gives the HTTP server) gets one for this request.
func Retrying(ctx context.Context, p *Policy) []discordgo.RequestOption {
	return []discordgo.RequestOption{
		discordgo.WithContext(context.WithValue(ctx, policyKey{}, p)),
		func(cfg *discordgo.RequestConfig) {
			c := http.Client{}
			if cfg.Client != nil {
				c = *cfg.Client
			}
			if _, ok := c.Transport.(*Retrier); !ok {
				c.Transport = NewRetrier(c.Transport, nil)
			}
			c.Timeout = 0
			cfg.Client = &c
			cfg.ShouldRetryOnRateLimit = false
			cfg.MaxRestRetries = 0
		},
	}
}

// rateLimitError is a 429 that was not waited out.
type rateLimitError struct {
	retryAfter time.Duration
	global     bool
	why        string // why it was not waited out; empty: the request may not wait
}

func (e *rateLimitError) Error() string {
	what := "rate limit"
	if e.global {
		what = "global rate limit"
	}
	msg := fmt.Sprintf("Discord's %s asks to wait %v", what, e.retryAfter.Round(time.Millisecond))
	if e.why != "" {
		msg += ": " + e.why
	}
	return msg
}

// retryAfter is how long a rate limit behind err asks to wait.
func RetryAfter(err error) (time.Duration, bool) {
	var rl *rateLimitError
	if errors.As(err, &rl) {
		return rl.retryAfter, true
	}
	return 0, false
}

var errStopping = errors.New("shutting down")

func (t *Retrier) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	p, _ := ctx.Value(policyKey{}).(*Policy)
	exempt := exemptFromGlobal(req.URL.Path)
	waited := false
	wait := func(d time.Duration) error {
		if !waited && p.BeforeWait != nil {
			p.BeforeWait()
		}
		waited = true
		return t.waitFor(ctx, p, d)
	}
	failures := 0 // server errors so far
	for attempt := 1; ; attempt++ {
		if left := t.globalLeft(); left > 0 && !exempt {
			why, ok := t.mayWait(ctx, p, attempt-1, left, req)
			if ok {
				if err := wait(left); err != nil {
					ok, why = false, err.Error()
				}
			}
			if !ok {
				if attempt == 1 && req.Body != nil {
					req.Body.Close() // a RoundTripper closes the body, sent or not
				}
				return nil, &rateLimitError{retryAfter: left, global: true, why: why}
			}
		}
		r := req
		if attempt > 1 {
			var err error
			if r, err = rewound(req); err != nil {
				return nil, err
			}
		}
		resp, err := t.attempt(r, p)
		if err != nil {
			if p == nil || !p.ServerErrors || ctx.Err() != nil {
				return nil, err
			}
			d := p.backoffAfter(failures)
			failures++
			if _, ok := t.mayWait(ctx, p, attempt, d, req); !ok {
				return nil, err
			}
			p.logRetry(req, "no answer", d, err)
			if wait(d) != nil {
				return nil, err
			}
			continue
		}
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			d, global := readRateLimit(resp)
			if global && !exempt {
				t.setGlobal(d)
			}
			why, ok := t.mayWait(ctx, p, attempt, d, req)
			if !ok {
				return nil, &rateLimitError{retryAfter: d, global: global, why: why}
			}
			p.logRetry(req, resp.Status, d, nil)
			if err := wait(d); err != nil {
				return nil, &rateLimitError{retryAfter: d, global: global, why: err.Error()}
			}
		case p != nil && p.ServerErrors && serverError(resp.StatusCode):
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			resp.Body = io.NopCloser(bytes.NewReader(body))
			d := p.backoffAfter(failures)
			failures++
			if _, ok := t.mayWait(ctx, p, attempt, d, req); !ok {
				return resp, nil
			}
			p.logRetry(req, resp.Status, d, nil)
			if wait(d) != nil {
				return resp, nil
			}
		default:
			return resp, nil
		}
	}
}

// attempt sends r once, within the policy's attemptTimeout.
func (t *Retrier) attempt(r *http.Request, p *Policy) (*http.Response, error) {
	if p == nil || p.AttemptTimeout <= 0 {
		return t.next.RoundTrip(r)
	}
	ctx, cancel := context.WithTimeout(r.Context(), p.AttemptTimeout)
	resp, err := t.next.RoundTrip(r.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	// The attempt lasts until its body has been read.
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// mayWait says whether the request may wait d and try again after attempts
// attempts, and if not, why.
func (t *Retrier) mayWait(ctx context.Context, p *Policy, attempts int, d time.Duration, req *http.Request) (string, bool) {
	switch {
	case p == nil:
		return "", false
	case closed(p.Stop):
		return errStopping.Error(), false
	case p.Attempts > 0 && attempts >= p.Attempts:
		return fmt.Sprintf("gave up after %d attempts", attempts), false
	case !rewindable(req):
		return "the request cannot be sent again", false
	}
	if deadline, ok := ctx.Deadline(); ok && time.Now().Add(d+attemptTime).After(deadline) {
		return fmt.Sprintf("that is past the delivery's deadline, %v from now", time.Until(deadline).Round(time.Millisecond)), false
	}
	return "", true
}

// waitFor waits d, or until ctx or p.Stop is done.
func (t *Retrier) waitFor(ctx context.Context, p *Policy, d time.Duration) error {
	ctx, cancel := WithStop(ctx, p.Stop)
	defer cancel()
	err := t.sleep(ctx, d)
	if err != nil && closed(p.Stop) {
		return errStopping
	}
	return err
}

// WithStop returns a context that is also cancelled when stop is closed: a
// shutdown, signalled by closing a channel, ends the waits under it. A nil
// stop never closes.
func WithStop(parent context.Context, stop <-chan struct{}) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	if stop == nil {
		return ctx, cancel
	}
	go func() {
		select {
		case <-stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// closed reports whether stop is closed; a nil stop never is.
func closed(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

func (t *Retrier) globalLeft() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return time.Until(t.globalUntil)
}

func (t *Retrier) setGlobal(d time.Duration) {
	until := time.Now().Add(d)
	t.mu.Lock()
	defer t.mu.Unlock()
	if until.After(t.globalUntil) {
		t.globalUntil = until
	}
}

// backoffAfter is the wait after failures earlier server errors: doubling,
// with jitter so that answers failing together do not retry together.
func (p *Policy) backoffAfter(failures int) time.Duration {
	d := p.Backoff << min(failures, 16)
	return d/2 + rand.N(d/2+1)
}

func (p *Policy) logRetry(req *http.Request, status string, d time.Duration, err error) {
	if p.Log == nil {
		return
	}
	args := []any{"method", req.Method, "path", RedactPath(req.URL.Path), "status", status, "retry_in", d.Round(time.Millisecond)}
	if err != nil {
		args = append(args, "err", Redact(err))
	}
	p.Log.Warn("discord request failed; retrying", args...)
}

// readRateLimit reads how long a 429 asks to wait, and whether the limit
// is the global one, and closes the body.
func readRateLimit(resp *http.Response) (time.Duration, bool) {
	defer resp.Body.Close()
	var body struct {
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	// Cloudflare's 429s have no JSON body: the headers say it then.
	_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&body)
	h := resp.Header
	global := body.Global || strings.EqualFold(h.Get("X-RateLimit-Global"), "true") || h.Get("X-RateLimit-Scope") == "global"
	secs := body.RetryAfter
	for _, v := range []string{h.Get("X-RateLimit-Reset-After"), h.Get("Retry-After")} {
		if secs > 0 {
			break
		}
		secs, _ = strconv.ParseFloat(v, 64)
	}
	if secs <= 0 {
		return defaultRetryAfter, global
	}
	// Discord gives milliseconds.
	return time.Duration(math.Round(secs*1000)) * time.Millisecond, global
}

func serverError(code int) bool {
	switch code {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// exemptFromGlobal reports whether a request escapes the global rate
// limit: Discord exempts interaction callbacks and webhooks.
func exemptFromGlobal(path string) bool {
	if _, rest, ok := strings.Cut(path, "/api/v"); ok {
		if _, after, ok := strings.Cut(rest, "/"); ok {
			path = "/" + after
		}
	}
	return strings.HasPrefix(path, "/interactions/") || strings.HasPrefix(path, "/webhooks/")
}

func rewindable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// rewound is req again, with its body from the start.
func rewound(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("send the request again: %w", err)
		}
		r.Body = body
	}
	return r, nil
}

// respondPolicy is how a first response is delivered: server errors are
// retried quickly, and nothing waits past the three seconds (the caller's
// deadline). A shutdown does not cut it short: it is over within three
// seconds anyway.
func RespondPolicy(log *slog.Logger) *Policy {
	return &Policy{ServerErrors: true, Backoff: callbackBackoff, Log: log}
}

// editOriginal delivers a deferred answer by editing the original response
// through the webhook of i, which arrived at arrived. The edit is safe to
// repeat, so server errors are retried; a few times, within editTimeout and
// never past the token's life. A shutdown (closing stop) ends its waits; beforeWait
// runs before the first.
func EditOriginal(ctx context.Context, ed Editor, i *discordgo.Interaction, arrived time.Time, edit *discordgo.WebhookEdit, stop <-chan struct{}, beforeWait func(), log *slog.Logger) error {
	deadline := time.Now().Add(editTimeout)
	if end := arrived.Add(webhookLife); end.Before(deadline) {
		deadline = end
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	p := &Policy{
		Attempts: editAttempts, ServerErrors: true, Backoff: editBackoff,
		Stop: stop, BeforeWait: beforeWait, AttemptTimeout: Timeout, Log: log,
	}
	if _, err := ed.InteractionResponseEdit(i, edit, Retrying(ctx, p)...); err != nil {
		return fmt.Errorf("edit original response: %w", err)
	}
	return nil
}
