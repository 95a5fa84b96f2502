package bot

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus"
)

// Defaults of ServerConfig.
const (
	// DefaultMaxBodyBytes caps an interaction's body. Discord's are a few
	// kilobytes; a command with every option and resolved member is far
	// below 64 KiB.
	DefaultMaxBodyBytes = 64 << 10
	// DefaultMaxInFlight bounds the interactions being answered at once,
	// deferred ones included. At about half a millisecond each, two cores
	// never need more than a handful; the bound is there for bursts and
	// for searches gone slow.
	DefaultMaxInFlight = 512
	// DefaultShutdownTimeout is how long Run waits for requests and
	// deferred answers to finish: below the 10 s a container runtime waits
	// between SIGTERM and SIGKILL.
	DefaultShutdownTimeout = 8 * time.Second
	// MaxTimestampSkew is how far X-Signature-Timestamp may be from the
	// clock, either way: a captured request cannot be replayed later.
	MaxTimestampSkew = 5 * time.Minute
	// editTimeout bounds delivering a deferred answer to Discord.
	editTimeout = 30 * time.Second
)

// ResponseEditor edits the original response to an interaction through its
// webhook (PATCH /webhooks/{app}/{token}/messages/@original). A
// *discordgo.Session implements it; its HTTP client decides where Discord is.
type ResponseEditor interface {
	InteractionResponseEdit(i *discordgo.Interaction, edit *discordgo.WebhookEdit, opts ...discordgo.RequestOption) (*discordgo.Message, error)
}

// HTTPMetrics counts HTTP requests by route and status code.
// *PrometheusMetrics implements it.
type HTTPMetrics interface {
	HTTPRequest(route string, code int)
}

// ServerConfig is what the HTTP server needs. With Bot and a 32-byte
// PublicKey it serves the interactions endpoint; with neither, only health
// and metrics, which is how the gateway transport uses it. A nil Logger
// discards.
type ServerConfig struct {
	Bot *Bot
	// PublicKey is the application's Ed25519 key (Developer Portal →
	// General Information → Public Key).
	PublicKey ed25519.PublicKey
	// Editor delivers answers that took longer than SlowAfter.
	Editor ResponseEditor
	Logger *slog.Logger
	// Gatherer serves GET /metrics; nil means no /metrics route.
	Gatherer prometheus.Gatherer
	// Metrics counts requests; optional.
	Metrics HTTPMetrics
	// Ready says whether the process can answer: /readyz is 503 until it
	// does. Nil means always ready, as in HTTP mode, where the index is
	// built before the server starts.
	Ready func() bool
	// SlowAfter is how long an answer may take before it is deferred;
	// zero means DefaultSlowAfter.
	SlowAfter time.Duration
	// MaxInFlight, MaxBodyBytes and ShutdownTimeout default to the
	// constants of the same name when zero.
	MaxInFlight     int
	MaxBodyBytes    int64
	ShutdownTimeout time.Duration
	// Now is the clock for timestamps; nil uses time.Now.
	Now func() time.Time
}

// Server is the HTTP side of the bot: Discord's interactions endpoint, and
// the health and metrics endpoints every mode has. It is an http.Handler;
// Run serves it with timeouts and shuts it down gracefully.
type Server struct {
	handler   http.Handler
	bot       *Bot
	key       ed25519.PublicKey
	editor    ResponseEditor
	log       *slog.Logger
	gatherer  prometheus.Gatherer
	metrics   HTTPMetrics
	ready     func() bool
	slowAfter time.Duration
	maxBody   int64
	grace     time.Duration
	now       func() time.Time

	// slots bounds the interactions in flight: a token is taken before
	// the body is read and given back when the answer, deferred or not,
	// has been delivered.
	slots chan struct{}
	// answering tracks the goroutines answering interactions, which may
	// outlive their request when the answer is deferred.
	answering sync.WaitGroup
	// shutdown is done once Run begins shutting down: a deferred answer
	// waiting to retry its edit gives up then rather than hold Run.
	shutdown      context.Context
	beginShutdown context.CancelFunc
}

// NewServer returns the server.
func NewServer(cfg ServerConfig) *Server {
	s := &Server{
		bot:       cfg.Bot,
		key:       cfg.PublicKey,
		editor:    cfg.Editor,
		log:       cfg.Logger,
		gatherer:  cfg.Gatherer,
		metrics:   cfg.Metrics,
		ready:     cfg.Ready,
		slowAfter: cfg.SlowAfter,
		maxBody:   cfg.MaxBodyBytes,
		grace:     cfg.ShutdownTimeout,
		now:       cfg.Now,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.ready == nil {
		s.ready = func() bool { return true }
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.grace <= 0 {
		s.grace = DefaultShutdownTimeout
	}
	if s.now == nil {
		s.now = time.Now
	}
	inFlight := cfg.MaxInFlight
	if inFlight <= 0 {
		inFlight = DefaultMaxInFlight
	}
	s.slots = make(chan struct{}, inFlight)
	s.shutdown, s.beginShutdown = context.WithCancel(context.Background())
	mux := http.NewServeMux()
	addRoutes(mux, s)
	s.handler = s.instrument(mux)
	return s
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Run serves on ln until ctx is cancelled, then stops accepting, lets the
// requests in flight and the deferred answers still being delivered finish
// (for at most ShutdownTimeout), and returns.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler: s,
		// Discord sends small requests and reads small answers: anything
		// slow is a stuck or hostile client.
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		// Above DefaultSlowAfter: an answer is written by then, deferred
		// or not.
		WriteTimeout: 10 * time.Second,
		// Discord keeps connections to an endpoint alive between
		// interactions.
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 16 << 10,
		ErrorLog:       slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		// Requests in flight when ctx is cancelled are drained, not
		// cancelled: their contexts keep ctx's values but not its end.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	s.beginShutdown()
	s.log.Info("http shutting down", "grace", s.grace)
	stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.grace)
	defer cancel()
	err := hs.Shutdown(stop)
	<-served // http.ErrServerClosed, now that Shutdown has begun
	if err != nil {
		return fmt.Errorf("http shutdown: %w", err)
	}
	if err := waitFor(stop, &s.answering); err != nil {
		return fmt.Errorf("http shutdown: deferred answers still in flight: %w", err)
	}
	s.log.Info("http stopped")
	return nil
}

// statusError is a request the server refuses: the status it answers
// with, why (for the log, never with secrets in it), and how loudly to log.
type statusError struct {
	code   int
	reason string
	level  slog.Level
	header [2]string // one extra response header, e.g. Allow
}

func (e *statusError) Error() string { return http.StatusText(e.code) + ": " + e.reason }

func unauthorized(reason string) error {
	// Scanners and Discord's own endpoint check send these all day.
	return &statusError{code: http.StatusUnauthorized, reason: reason, level: slog.LevelDebug}
}

func badRequest(reason string) error {
	// Only Discord can sign a request: a signed one we cannot read means
	// Discord changed something, which someone should look at.
	return &statusError{code: http.StatusBadRequest, reason: reason, level: slog.LevelWarn}
}

var (
	errTooLarge = &statusError{code: http.StatusRequestEntityTooLarge, reason: "body over the limit", level: slog.LevelWarn}
	errBusy     = &statusError{code: http.StatusServiceUnavailable, reason: "too many interactions in flight", level: slog.LevelWarn, header: [2]string{"Retry-After", "1"}}
	errMethod   = &statusError{code: http.StatusMethodNotAllowed, reason: "method not allowed", level: slog.LevelDebug, header: [2]string{"Allow", http.MethodPost}}
)

// handle turns a handler's error into the response and one log line: the
// one place where that happens.
func (s *Server) handle(h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		var se *statusError
		if !errors.As(err, &se) {
			se = &statusError{code: http.StatusInternalServerError, reason: err.Error(), level: slog.LevelError}
		}
		if se.header[0] != "" {
			w.Header().Set(se.header[0], se.header[1])
		}
		http.Error(w, http.StatusText(se.code), se.code)
		s.log.Log(r.Context(), se.level, "http request refused",
			"method", r.Method, "path", r.URL.Path, "status", se.code, "reason", se.reason, "remote", r.RemoteAddr)
	})
}

// interactions is POST /interactions: verify, decode, answer. The cheap
// refusals come first, so that junk costs as little as possible.
func (s *Server) interactions(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodPost {
		return errMethod
	}
	if r.ContentLength > s.maxBody {
		return errTooLarge
	}
	sig, ts, err := s.signatureHeaders(r.Header)
	if err != nil {
		return err
	}
	select {
	case s.slots <- struct{}{}:
	default:
		return errBusy
	}
	release := func() { <-s.slots }
	msg, err := readBody(w, r, ts, s.maxBody)
	if err != nil {
		release()
		return err
	}
	if !ed25519.Verify(s.key, msg, sig[:]) {
		release()
		return unauthorized("signature does not verify")
	}
	i, err := decodeInteraction(msg[len(ts):])
	if err != nil {
		release()
		return err
	}
	return s.answer(w, r, i, release)
}

// signatureHeaders checks the shape of the signature and the freshness of
// the timestamp, before any of the body is read.
func (s *Server) signatureHeaders(h http.Header) (sig [ed25519.SignatureSize]byte, ts string, err error) {
	hexSig := h.Get("X-Signature-Ed25519")
	ts = h.Get("X-Signature-Timestamp")
	if hexSig == "" || ts == "" {
		return sig, "", unauthorized("signature or timestamp missing")
	}
	if len(hexSig) != 2*ed25519.SignatureSize {
		return sig, "", unauthorized("signature is not 64 bytes")
	}
	if _, err := hex.Decode(sig[:], []byte(hexSig)); err != nil {
		return sig, "", unauthorized("signature is not hex")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return sig, "", unauthorized("timestamp is not a number")
	}
	skew := int64(MaxTimestampSkew / time.Second)
	if now := s.now().Unix(); sec < now-skew || sec > now+skew {
		return sig, "", unauthorized("timestamp too far from now")
	}
	return sig, ts, nil
}

// readBody returns the signed message: prefix (the timestamp) followed by
// the body, in one buffer sized from Content-Length, so that verifying needs
// no second copy.
func readBody(w http.ResponseWriter, r *http.Request, prefix string, limit int64) ([]byte, error) {
	size := int64(512)
	if r.ContentLength > 0 {
		size = r.ContentLength
	}
	// One byte more than the body, so that the read that sees EOF does
	// not grow the buffer.
	buf := make([]byte, len(prefix), int64(len(prefix))+size+1)
	copy(buf, prefix)
	body := http.MaxBytesReader(w, r.Body, limit)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				return nil, errTooLarge
			}
			return nil, badRequest("read body: " + err.Error())
		}
	}
}

// decodeInteraction reads a verified body. Only Discord can sign, so what
// does not decode is a protocol change rather than an attack.
func decodeInteraction(body []byte) (*discordgo.Interaction, error) {
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		return nil, badRequest("not an interaction: " + err.Error())
	}
	switch i.Type {
	case discordgo.InteractionPing:
		return &i, nil
	case discordgo.InteractionApplicationCommand, discordgo.InteractionMessageComponent,
		discordgo.InteractionApplicationCommandAutocomplete, discordgo.InteractionModalSubmit:
	default:
		return nil, badRequest(fmt.Sprintf("unknown interaction type %d", i.Type))
	}
	// A deferred answer is delivered through the interaction's webhook,
	// which these two name.
	if i.Token == "" || i.AppID == "" {
		return nil, badRequest("interaction has no token or application_id")
	}
	if i.Type == discordgo.InteractionApplicationCommand || i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		if err := checkOptions(i.ApplicationCommandData().Options); err != nil {
			return nil, badRequest(err.Error())
		}
	}
	return &i, nil
}

// checkOptions refuses option values whose JSON type does not fit the
// option's type: the handlers, like discordgo's accessors, take the type
// on trust, and a mismatch would panic in a goroutine no one can recover.
func checkOptions(opts []*discordgo.ApplicationCommandInteractionDataOption) error {
	for _, o := range opts {
		if o == nil {
			return errors.New("null option")
		}
		var ok bool
		switch o.Type {
		case discordgo.ApplicationCommandOptionSubCommand, discordgo.ApplicationCommandOptionSubCommandGroup:
			if err := checkOptions(o.Options); err != nil {
				return err
			}
			ok = o.Value == nil
		case discordgo.ApplicationCommandOptionString, discordgo.ApplicationCommandOptionUser,
			discordgo.ApplicationCommandOptionChannel, discordgo.ApplicationCommandOptionRole,
			discordgo.ApplicationCommandOptionMentionable, discordgo.ApplicationCommandOptionAttachment:
			_, ok = o.Value.(string)
		case discordgo.ApplicationCommandOptionInteger, discordgo.ApplicationCommandOptionNumber:
			_, ok = o.Value.(float64)
		case discordgo.ApplicationCommandOptionBoolean:
			_, ok = o.Value.(bool)
		default:
			// A type newer than this code: no handler reads it.
			ok = true
		}
		if _, partial := o.Value.(string); o.Focused && partial {
			// What the member is still typing arrives as a string, whatever
			// the option's type.
			ok = true
		}
		if !ok {
			return fmt.Errorf("option %q: a %T value does not fit type %d", o.Name, o.Value, o.Type)
		}
	}
	return nil
}

// answer has the bot answer i. The first response goes into the HTTP
// response; when the answer is slow that is a deferred response, and the
// answer itself is delivered later by editing it, after this request has
// ended: that part runs in a goroutine that Run waits for on shutdown.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, i *discordgo.Interaction, release func()) error {
	first := make(chan *discordgo.InteractionResponse, 1)
	served := make(chan struct{})
	// An answer waiting to retry its edit gives its slot back early.
	release = sync.OnceFunc(release)
	rs := &httpResponder{first: first, editor: s.editor, i: i, arrived: time.Now(), release: release, stop: s.shutdown, log: s.log}
	s.answering.Add(1)
	go func() {
		defer s.answering.Done()
		defer release()
		defer close(served)
		if err := s.bot.Serve(r.Context(), i, rs, s.slowAfter); err != nil {
			// The HTTP response is long gone: the log is all there is.
			s.log.Error("deliver deferred answer", "interaction", i.ID, "err", err)
		}
	}()
	var resp *discordgo.InteractionResponse
	select {
	case resp = <-first:
	case <-served:
		select {
		case resp = <-first:
		default:
			return errors.New("the bot answered nothing")
		}
	}
	body, err := encodeResponse(resp)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	// A failed write means Discord hung up; it will show the member an
	// error, and there is no one else to tell.
	_, _ = w.Write(body)
	return nil
}

// httpResponder puts the first response into the HTTP response (through
// first, read by the request's goroutine) and edits the original response
// through Discord's REST API.
type httpResponder struct {
	first   chan<- *discordgo.InteractionResponse
	editor  ResponseEditor
	i       *discordgo.Interaction
	arrived time.Time
	release func() // gives the in-flight slot back; idempotent
	stop    context.Context
	log     *slog.Logger
}

func (rs *httpResponder) Respond(_ context.Context, resp *discordgo.InteractionResponse) error {
	select {
	case rs.first <- resp:
		return nil
	default:
		return errors.New("interaction already answered")
	}
}

// EditOriginal delivers a deferred answer, waiting out rate limits and
// retrying server errors (see editOriginal). It gives the in-flight slot
// back before it waits, and a shutdown ends its waits.
func (rs *httpResponder) EditOriginal(ctx context.Context, edit *discordgo.WebhookEdit) error {
	if rs.editor == nil {
		return errors.New("no way to deliver a deferred answer: no ResponseEditor configured")
	}
	return editOriginal(ctx, rs.editor, rs.i, rs.arrived, edit, rs.stop, rs.release, rs.log)
}

// health is GET /healthz: the process is alive and serving.
func (s *Server) health(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "ok\n")
	return nil
}

// readiness is GET /readyz: the process can answer interactions now.
func (s *Server) readiness(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !s.ready() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "not ready\n")
		return nil
	}
	_, _ = io.WriteString(w, "ready\n")
	return nil
}

// instrument counts every response by route and status code.
func (s *Server) instrument(next http.Handler) http.Handler {
	if s.metrics == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		s.metrics.HTTPRequest(routeLabel(r.URL.Path), sw.code)
	})
}

// routeLabel keeps the route label's values few: any path a scanner tries
// is "other".
func routeLabel(path string) string {
	switch path {
	case "/interactions", "/healthz", "/readyz", "/metrics":
		return path
	}
	return "other"
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
