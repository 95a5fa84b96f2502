// Package interactions is the HTTP transport: Discord's signed
// interactions endpoint, POST /interactions, in front of the core in package
// bot.
package interactions

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
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/internal/connlimit"
	"github.com/interviewbot/interviewbot/internal/discordrest"
	"github.com/interviewbot/interviewbot/internal/metrics"
)

// Defaults of ServerConfig.
const (
	// DefaultMaxBodyBytes caps an interaction's body. Discord's are a few
	// kilobytes; a command with every option and resolved member is far
	// below 64 KiB.
	DefaultMaxBodyBytes = 64 << 10
	// DefaultMaxInFlight bounds the verified interactions being answered
	// at once, deferred ones and those waiting for a worker included. At
	// about half a millisecond each, two cores never need more than a
	// handful; the bound is there for bursts and for searches gone slow.
	DefaultMaxInFlight = 512
	// DefaultMaxConns bounds the open connections: far more than Discord
	// keeps open to one endpoint, and far below the file descriptors a
	// process has (Go raises the soft limit to the hard one at start;
	// container runtimes set it to a million, hosts to 4,096 and up).
	DefaultMaxConns = 4096
	// DefaultShutdownTimeout is how long Run waits for requests and
	// deferred answers to finish: below the 10 s a container runtime waits
	// between SIGTERM and SIGKILL.
	DefaultShutdownTimeout = 8 * time.Second
	// MaxTimestampSkew is how far X-Signature-Timestamp may be from the
	// clock, either way: a captured request cannot be replayed later.
	MaxTimestampSkew = 5 * time.Minute
	// bodyTimeout bounds reading a request's body. Discord sends its few
	// kilobytes at once; a body still arriving when the interaction would
	// be shed as too old comes from a client too slow or too hostile to
	// wait for.
	bodyTimeout = shedAge
	// maxPrealloc is the most of a body's announced length allocated
	// before it arrives: more than any interaction Discord sends.
	maxPrealloc = 8 << 10
	// shedAge is how old an interaction may be when its answer starts.
	// Discord waits three seconds from sending it; one older than this
	// could not even be deferred in time with certainty, so it is refused
	// at once rather than answered into the void.
	shedAge = 2500 * time.Millisecond
	// writeTimeout bounds writing a response, for a client that reads
	// slowly or not at all. An interaction's answer gets it afresh once
	// it is ready, however long it took: how long an answer may take is
	// SlowAfter's to say.
	writeTimeout = 10 * time.Second
)

// ServerConfig is what the HTTP server needs. Bot and a 32-byte PublicKey
// are required. A nil Logger discards.
type ServerConfig struct {
	Bot *bot.Bot
	// PublicKey is the application's Ed25519 key (Developer Portal →
	// General Information → Public Key).
	PublicKey ed25519.PublicKey
	// Editor delivers answers that took longer than SlowAfter.
	Editor discordrest.Editor
	Logger *slog.Logger
	// Metrics counts requests to /interactions; optional.
	Metrics metrics.RequestCounter
	// Fallback serves every path but /interactions: health, metrics, the
	// web site. Nil answers 404.
	Fallback http.Handler
	// SlowAfter is how long after an interaction arrives its answer is
	// deferred if it is not ready; zero means bot.DefaultSlowAfter.
	SlowAfter time.Duration
	// MaxInFlight, MaxConns, MaxBodyBytes and ShutdownTimeout default to
	// the constants of the same name when zero.
	MaxInFlight     int
	MaxConns        int
	MaxBodyBytes    int64
	ShutdownTimeout time.Duration
	// Workers is how many interactions are worked on at once, of those in
	// flight; zero means twice GOMAXPROCS.
	Workers int
	// Now is the clock for signature timestamps and for the age of
	// interactions; nil uses time.Now. Give the Bot the same one: it says
	// when a deferral deadline has passed.
	Now func() time.Time
}

// Server is Discord's interactions endpoint, with Fallback for every other
// path. It is an http.Handler;
// Run serves it with timeouts and shuts it down gracefully.
type Server struct {
	handler   http.Handler
	bot       *bot.Bot
	key       ed25519.PublicKey
	editor    discordrest.Editor
	log       *slog.Logger
	metrics   metrics.RequestCounter
	fallback  http.Handler
	slowAfter time.Duration
	maxBody   int64
	maxConns  int
	grace     time.Duration
	now       func() time.Time
	// writeTimeout is the const of that name but in tests.
	writeTimeout time.Duration

	// slots bounds the interactions in flight: a token is taken once the
	// body is read and verified, and given back when the answer, deferred
	// or not, has been delivered.
	slots chan struct{}
	// workers bounds the interactions being worked on, of those in
	// flight: a token is taken to work on an answer and given back when it
	// is ready. Without it every answer in flight shares the processors
	// at once, each takes as long as all of them, and requests arriving
	// wait unseen for a processor, in no queue whose age anyone checks.
	workers chan struct{}
	// skewWarn keeps a wrong clock's warning to one a minute.
	skewWarn connlimit.Sometimes
	// answering tracks the goroutines answering interactions, which may
	// outlive their request when the answer is deferred.
	answering sync.WaitGroup
	// shutdown is closed once Run begins shutting down: a deferred answer
	// waiting to retry its edit gives up then rather than hold Run.
	shutdown      chan struct{}
	beginShutdown func()
}

// NewServer returns the server.
func NewServer(cfg ServerConfig) (*Server, error) {
	if cfg.Bot == nil {
		return nil, errors.New("interactions: no bot")
	}
	if len(cfg.PublicKey) != ed25519.PublicKeySize {
		// ed25519.Verify would panic on every request.
		return nil, fmt.Errorf("interactions: the public key is %d bytes, not %d", len(cfg.PublicKey), ed25519.PublicKeySize)
	}
	s := &Server{
		bot:       cfg.Bot,
		key:       cfg.PublicKey,
		editor:    cfg.Editor,
		log:       cfg.Logger,
		metrics:   cfg.Metrics,
		fallback:  cfg.Fallback,
		slowAfter: cfg.SlowAfter,
		maxBody:   cfg.MaxBodyBytes,
		maxConns:  cfg.MaxConns,
		grace:     cfg.ShutdownTimeout,
		now:       cfg.Now,

		writeTimeout: writeTimeout,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.fallback == nil {
		s.fallback = http.NotFoundHandler()
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.maxConns <= 0 {
		s.maxConns = DefaultMaxConns
	}
	if s.grace <= 0 {
		s.grace = DefaultShutdownTimeout
	}
	if s.slowAfter <= 0 {
		s.slowAfter = bot.DefaultSlowAfter
	}
	if s.now == nil {
		s.now = time.Now
	}
	inFlight := cfg.MaxInFlight
	if inFlight <= 0 {
		inFlight = DefaultMaxInFlight
	}
	s.slots = make(chan struct{}, inFlight)
	workers := cfg.Workers
	if workers <= 0 {
		// A few more than the processors: an answer also waits, on the
		// log and the index's own goroutines.
		workers = 2 * runtime.GOMAXPROCS(0)
	}
	s.workers = make(chan struct{}, workers)
	s.skewWarn.Period = time.Minute
	s.shutdown = make(chan struct{})
	s.beginShutdown = sync.OnceFunc(func() { close(s.shutdown) })
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Run serves on ln until ctx is cancelled, then stops accepting, lets the
// requests in flight and the deferred answers still being delivered finish
// (for at most ShutdownTimeout), and returns. It keeps at most MaxConns
// connections open.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	limit := connlimit.New(ln, s.maxConns, s.log, s.now)
	hs := &http.Server{
		Handler: s,
		// Discord sends small requests and reads small answers: anything
		// slow is a stuck or hostile client.
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		// Counted from the request's arrival; answer resets it when an
		// interaction's answer is ready.
		WriteTimeout: s.writeTimeout,
		// Discord keeps connections to an endpoint alive between
		// interactions.
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 16 << 10,
		ErrorLog:       slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		// Requests in flight when ctx is cancelled are drained, not
		// cancelled: their contexts keep ctx's values but not its end.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		ConnState:   limit.Track,
		ConnContext: connlimit.ConnContext,
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(limit) }()
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
	attrs  []any     // more for the log line
}

func (e *statusError) Error() string { return http.StatusText(e.code) + ": " + e.reason }

func unauthorized(reason string) error {
	// Scanners and Discord's own endpoint check send these all day.
	return &statusError{code: http.StatusUnauthorized, reason: reason, level: slog.LevelDebug}
}

// tooOld refuses an interaction that waited so long that its answer would
// reach Discord after Discord has given up on it.
func tooOld(age time.Duration) error {
	return &statusError{
		code:   http.StatusServiceUnavailable,
		reason: fmt.Sprintf("waited %v: too late to answer within Discord's 3 s", age.Round(time.Millisecond)),
		level:  slog.LevelWarn, header: [2]string{"Retry-After", "1"},
	}
}

func badRequest(reason string) error {
	// Only Discord can sign a request: a signed one we cannot read means
	// Discord changed something, which someone should look at.
	return &statusError{code: http.StatusBadRequest, reason: reason, level: slog.LevelWarn}
}

// unreadable is a body that could not be read, the client having gone
// away, say. Nothing in it is verified, so it says nothing about Discord.
func unreadable(reason string) error {
	return &statusError{code: http.StatusBadRequest, reason: reason, level: slog.LevelDebug}
}

var (
	// errBodyTimeout is a body not in within bodyTimeout: nothing in it is
	// verified, and anyone can send one.
	errBodyTimeout = &statusError{code: http.StatusRequestTimeout, reason: "body not received in time", level: slog.LevelDebug}
	// errDropped is a request whose connection the connection limit
	// closed before it was known to be worth answering.
	errDropped  = &statusError{code: http.StatusServiceUnavailable, reason: "connection closed to make room", level: slog.LevelDebug}
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
		s.log.Log(r.Context(), se.level, "http request refused", append([]any{
			"method", r.Method, "path", r.URL.Path, "status", se.code, "reason", se.reason, "remote", r.RemoteAddr,
		}, se.attrs...)...)
	})
}

// interactions is POST /interactions: verify, decode, answer. The cheap
// refusals come first, so that junk costs as little as possible.
func (s *Server) interactions(w http.ResponseWriter, r *http.Request) error {
	// Discord's three seconds started before this request reached us;
	// this is the earliest the server can note the time.
	arrived := s.now()
	if r.Method != http.MethodPost {
		return errMethod
	}
	if r.ContentLength > s.maxBody {
		return errTooLarge
	}
	sig, ts, sec, err := signatureHeaders(r.Header)
	if err != nil {
		return err
	}
	// Anyone can send a request, and send its body slowly: the body is
	// read, within bodyTimeout, and verified before the request takes one
	// of the slots that only Discord's interactions should fill.
	msg, err := readBody(w, r, ts, s.maxBody)
	if err != nil {
		return err
	}
	if !ed25519.Verify(s.key, msg, sig[:]) {
		return unauthorized("signature does not verify")
	}
	if err := s.fresh(sec); err != nil {
		return err
	}
	// Discord's: its connection is no longer one the connection limit may
	// close to make room, unless it just did.
	if !connlimit.Keep(r.Context()) {
		return errDropped
	}
	i, err := decodeInteraction(msg[len(ts):])
	if err != nil {
		return err
	}
	select {
	case s.slots <- struct{}{}:
	default:
		return errBusy
	}
	release := func() { <-s.slots }
	if age := s.now().Sub(arrived); age > shedAge {
		release()
		return tooOld(age)
	}
	return s.answer(w, r, i, arrived, release)
}

// signatureHeaders checks the shape of the signature and of the timestamp,
// before any of the body is read, and returns them: the timestamp as sent,
// which is signed, and as seconds.
func signatureHeaders(h http.Header) (sig [ed25519.SignatureSize]byte, ts string, sec int64, err error) {
	hexSig := h.Get("X-Signature-Ed25519")
	ts = h.Get("X-Signature-Timestamp")
	if hexSig == "" || ts == "" {
		return sig, "", 0, unauthorized("signature or timestamp missing")
	}
	if len(hexSig) != 2*ed25519.SignatureSize {
		return sig, "", 0, unauthorized("signature is not 64 bytes")
	}
	if _, err := hex.Decode(sig[:], []byte(hexSig)); err != nil {
		return sig, "", 0, unauthorized("signature is not hex")
	}
	sec, err = strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return sig, "", 0, unauthorized("timestamp is not a number")
	}
	return sig, ts, sec, nil
}

// fresh refuses a signed timestamp further than MaxTimestampSkew from the
// clock: a captured request cannot be replayed later. It runs after the
// signature is verified, because only then does a refusal mean something:
// Discord's requests are refused here when this machine's clock is wrong,
// and then every interaction fails. So the first is a warning, with the
// skew measured, and then one a minute; anyone's forgeries never get this
// far.
func (s *Server) fresh(sec int64) error {
	now := s.now()
	skew := sec - now.Unix()
	if limit := int64(MaxTimestampSkew / time.Second); -limit <= skew && skew <= limit {
		return nil
	}
	level := slog.LevelDebug
	if s.skewWarn.Allow(now) {
		level = slog.LevelWarn
	}
	side := "ahead of"
	if skew < 0 {
		side = "behind"
	}
	return &statusError{
		code:   http.StatusUnauthorized,
		reason: "the signed timestamp is " + side + " this clock by more than " + MaxTimestampSkew.String() + ": is the clock right (NTP)? If it is, a request was replayed",
		level:  level,
		attrs:  []any{"skew_seconds", skew}, // Discord's time minus ours
	}
}

// readBody returns the signed message: prefix (the timestamp) followed by
// the body, in one buffer sized from Content-Length, so that verifying needs
// no second copy. The body must be in within bodyTimeout.
func readBody(w http.ResponseWriter, r *http.Request, prefix string, limit int64) ([]byte, error) {
	rc := http.NewResponseController(w)
	if err := rc.SetReadDeadline(time.Now().Add(bodyTimeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		// The connection is gone: closed by the connection limit, say.
		return nil, unreadable("set the body's read deadline: " + err.Error())
	}
	size := int64(512)
	if r.ContentLength > 0 {
		// What a client claims is not allocated before it is sent: a
		// thousand connections each announcing 64 KiB and sending one
		// byte would cost 64 MiB.
		size = min(r.ContentLength, maxPrealloc)
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
			break
		}
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				return nil, errTooLarge
			}
			if errors.Is(err, os.ErrDeadlineExceeded) {
				return nil, errBodyTimeout
			}
			return nil, unreadable("read body: " + err.Error())
		}
	}
	// The body is in; the answer's own deadlines bound the rest.
	if err := rc.SetReadDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return nil, unreadable("clear the body's read deadline: " + err.Error())
	}
	return buf, nil
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
// response; when the answer is not ready s.slowAfter after the request
// arrived that is a deferred response, and the answer itself is delivered
// later by editing it, after this request has ended: that part runs in a
// goroutine that Run waits for on shutdown.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, i *discordgo.Interaction, arrived time.Time, release func()) error {
	first := make(chan *discordgo.InteractionResponse, 1)
	served := make(chan struct{})
	// An answer waiting to retry its edit gives its slot back early.
	release = sync.OnceFunc(release)
	rs := &httpResponder{first: first, editor: s.editor, i: i, arrived: arrived, release: release, stop: s.shutdown, log: s.log}
	s.answering.Add(1)
	go func() {
		defer s.answering.Done()
		defer release()
		defer close(served)
		if err := s.bot.ServeBy(r.Context(), i, rs, arrived.Add(s.slowAfter), s.workers); err != nil {
			// The HTTP response is long gone: the log is all there is.
			s.log.Error("deliver deferred answer", "interaction", i.ID, "err", err)
		}
	}()
	var resp *discordgo.InteractionResponse
	select {
	case resp = <-first:
	case <-served:
		// It may have answered just before it ended.
		select {
		case resp = <-first:
		default:
		}
	}
	// The server's write deadline started when the request arrived; with
	// a SlowAfter near or above it, what is written now, the answer or the
	// error, would be cut off, and Discord would see the connection close
	// with nothing said. (It fails only on a connection gone, where the
	// write fails too.)
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.writeTimeout))
	if resp == nil {
		return errors.New("the bot answered nothing")
	}
	body, err := bot.EncodeResponse(resp)
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
	editor  discordrest.Editor
	i       *discordgo.Interaction
	arrived time.Time
	release func() // gives the in-flight slot back; idempotent
	stop    <-chan struct{}
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
// retrying server errors (see discordrest.EditOriginal). It gives the in-flight slot
// back before it waits, and a shutdown ends its waits.
func (rs *httpResponder) EditOriginal(ctx context.Context, edit *discordgo.WebhookEdit) error {
	if rs.editor == nil {
		return errors.New("no way to deliver a deferred answer: no Editor configured")
	}
	return discordrest.EditOriginal(ctx, rs.editor, rs.i, rs.arrived, edit, rs.stop, rs.release, rs.log)
}

// waitFor waits for wg, or until ctx is done.
func waitFor(ctx context.Context, wg *sync.WaitGroup) error {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
