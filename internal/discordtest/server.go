package discordtest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// DiscordAPIBase is the prefix discordgo v0.29.0 puts in front of every REST
// URL (discordgo.EndpointAPI). [Server.Transport] rewrites it onto
// [Server.APIURL].
const DiscordAPIBase = "https://discord.com/api/v9/"

// Defaults used for zero-valued Options fields.
const (
	DefaultToken             = "discordtest-token"
	DefaultAppID             = "1100000000000000001"
	DefaultBotUserID         = "1100000000000000001"
	DefaultBotUsername       = "testbot"
	DefaultHeartbeatInterval = time.Second
)

// TestUserID is the ID of the user that dispatched interactions and messages
// come from when the test does not name one, so handlers that dereference
// Member.User or Author do not crash on a missing field.
const TestUserID = "1200000000000000001"

func testUser() map[string]any {
	return map[string]any{
		"id":            TestUserID,
		"username":      "tester",
		"discriminator": "0",
		"global_name":   "Tester",
		"avatar":        nil,
		"bot":           false,
		"public_flags":  0,
	}
}

// Options configures a Server. The zero value is usable.
type Options struct {
	// Token is the bot token without the "Bot " prefix. REST requests must
	// carry "Authorization: Bot <Token>"; IDENTIFY and RESUME accept the
	// token with or without the prefix (discordgo sends whatever string the
	// session was created with, normally "Bot <token>").
	Token string
	// AppID is the application ID (READY application.id, the {app} segment of
	// command and webhook routes). Bots usually have AppID == BotUserID.
	AppID string
	// AppFlags is sent as READY application.flags and in the application
	// object.
	AppFlags int
	// BotUserID and BotUsername describe the bot user in READY and
	// GET /users/@me.
	BotUserID   string
	BotUsername string
	// GuildIDs are listed as unavailable guilds in READY, each followed by a
	// minimal GUILD_CREATE, as Discord does.
	GuildIDs []string
	// HeartbeatInterval is sent in HELLO. discordgo heartbeats at this
	// interval and reconnects after 5 intervals without an ACK, so a small
	// value keeps zombie-connection tests fast. Default 1 s.
	HeartbeatInterval time.Duration
	// Compress makes the gateway send every payload after IDENTIFY as a
	// zlib-compressed binary frame when the client asked for compression in
	// IDENTIFY (discordgo does by default). Without it all frames are text.
	Compress bool
	// KeepSessionOnNormalClose keeps a session resumable when the client
	// closes with code 1000/1001. Discord invalidates it.
	KeepSessionOnNormalClose bool
	// InteractionTimeout, if > 0, makes callbacks for interactions older
	// than this fail with 10062 Unknown interaction, like Discord's 3 s limit.
	InteractionTimeout time.Duration
	// PrivilegedIntents are the privileged intents (GUILD_MEMBERS,
	// GUILD_PRESENCES, MESSAGE_CONTENT) switched on for the application in
	// the Developer Portal. An IDENTIFY that asks for one not among them is
	// closed with 4014 Disallowed intent(s), as on Discord; a client may
	// identify again without it, but not with it.
	PrivilegedIntents discordgo.Intent
	// AllowUnknownRoutes stops unknown REST routes from failing the test.
	// They are still answered with 404 and recorded.
	AllowUnknownRoutes bool
}

// Server is a fake Discord. Create it with NewServer; all methods are safe
// for concurrent use.
type Server struct {
	t         testing.TB
	opts      Options
	ln        net.Listener
	httpSrv   *http.Server
	transport *http.Transport
	base      string // http://127.0.0.1:PORT

	// wg tracks every goroutine that may touch t, so Close can wait for them
	// and nothing reports after the test has finished.
	wg sync.WaitGroup

	lastID atomic.Uint64

	mu      sync.Mutex
	closed  bool
	changed chan struct{} // closed and replaced on every state change

	// Gateway state.
	conns      []*gwConn
	current    *gwConn
	sessions   map[string]*gwSession
	session    *gwSession // target of Dispatch
	pending    []pendingDispatch
	identifies []Identify
	resumes    []Resume
	received   []GatewayMessage
	stats      Stats
	noACK      bool
	// refuseIdentifies answers that many more IDENTIFYs with op 9.
	refuseIdentifies int
	// refuseConns answers that many more websocket upgrades with 503.
	refuseConns int
	// revoked: the token was reset; Discord refuses it everywhere.
	revoked bool
	// finalClose is the close code after which Discord says not to
	// reconnect, once sent; a later connection is a client error.
	finalClose int

	// REST state.
	requests     []Request
	faults       []*fault
	globalUntil  time.Time // the global rate limit lasts until then
	custom       []*route
	routes       []*route
	interactions map[string]*interaction // by token
	messages     map[string]map[string]any
	messageOrder []string
	commands     map[string][]map[string]any // "" = global, else guild ID
	// registrations are the accepted bulk overwrites, in order.
	registrations []Registration
	// reactions are the reactions the bot added, in order.
	reactions []Reaction
	// disallowed are the privileged intents refused with 4014 so far.
	disallowed discordgo.Intent
	// privileged replaces Options.PrivilegedIntents once set.
	privileged    discordgo.Intent
	privilegedSet bool
}

// Stats counts what happened on the fake so far.
type Stats struct {
	Connections     int // websocket connections accepted
	Live            int // websocket connections currently open
	Identifies      int // IDENTIFY payloads received, including rejected ones
	Refused         int // websocket upgrades refused (RefuseConnections)
	Ready           int // READY dispatches sent
	Resumes         int // RESUME payloads received, including rejected ones
	Resumed         int // RESUMED dispatches sent
	InvalidSessions int // op 9 sent
	Reconnects      int // op 7 sent
	Heartbeats      int // op 1 received
	HeartbeatACKs   int // op 11 sent
	Dispatches      int // op 0 events created (READY and RESUMED included, replays not)
	Replayed        int // dispatches re-sent on RESUME
	Requests        int // REST requests received
	Disallowed      int // IDENTIFYs closed with 4014 for a privileged intent
}

// ErrNoConnection is returned by the connection controls when no gateway
// connection is open.
var ErrNoConnection = errors.New("discordtest: no open gateway connection")

// NewServer starts a fake Discord on 127.0.0.1 and registers t.Cleanup to
// close it.
func NewServer(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	opts.Token = strings.TrimPrefix(opts.Token, "Bot ")
	if opts.AppID == "" {
		opts.AppID = DefaultAppID
	}
	if opts.BotUserID == "" {
		opts.BotUserID = DefaultBotUserID
	}
	if opts.BotUsername == "" {
		opts.BotUsername = DefaultBotUsername
	}
	if opts.HeartbeatInterval <= 0 {
		opts.HeartbeatInterval = DefaultHeartbeatInterval
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("discordtest: listen: %v", err)
	}
	s := &Server{
		t:            t,
		opts:         opts,
		ln:           ln,
		base:         "http://" + ln.Addr().String(),
		changed:      make(chan struct{}),
		sessions:     map[string]*gwSession{},
		interactions: map[string]*interaction{},
		messages:     map[string]map[string]any{},
		commands:     map[string][]map[string]any{},
		transport:    http.DefaultTransport.(*http.Transport).Clone(),
	}
	s.routes = s.builtinRoutes()
	s.httpSrv = &http.Server{Handler: http.HandlerFunc(s.serveHTTP), ReadHeaderTimeout: 10 * time.Second}
	go s.httpSrv.Serve(ln) // returns ErrServerClosed once Close runs
	t.Cleanup(s.Close)
	return s
}

// Close closes every websocket abruptly, stops the listener and waits for
// the server's goroutines. It is called automatically by t.Cleanup; calling
// it twice is fine. Close a discordgo session before the server, otherwise
// it keeps trying to reconnect in the background.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	conns := append([]*gwConn(nil), s.conns...)
	s.broadcastLocked()
	s.mu.Unlock()

	s.httpSrv.Close()
	for _, c := range conns {
		c.kill()
	}
	s.wg.Wait()
	s.transport.CloseIdleConnections()
}

// URL returns the server's root URL, http://127.0.0.1:PORT.
func (s *Server) URL() string { return s.base }

// APIURL returns the REST base, http://127.0.0.1:PORT/api/v9, which replaces
// https://discord.com/api/v9.
func (s *Server) APIURL() string { return s.base + "/api/v9" }

// GatewayURL returns the websocket URL that GET /gateway advertises.
func (s *Server) GatewayURL() string { return "ws" + strings.TrimPrefix(s.base, "http") + "/ws" }

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// Token returns the bot token as a discordgo session wants it: "Bot <token>".
func (s *Server) Token() string { return "Bot " + s.opts.Token }

// Transport returns an http.RoundTripper that sends requests for
// https://discord.com/api/v9/... to this server and refuses every other URL,
// so a test can never reach the real Discord. Use it as
// session.Client = &http.Client{Transport: srv.Transport()}.
func (s *Server) Transport() http.RoundTripper {
	return &rewriteTransport{to: s.APIURL() + "/", base: s.transport}
}

type rewriteTransport struct {
	to   string
	base http.RoundTripper
}

func (rt *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	orig := req.URL.String()
	if !strings.HasPrefix(orig, DiscordAPIBase) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("discordtest: refusing request to %s: only %s is faked", orig, DiscordAPIBase)
	}
	r2 := req.Clone(req.Context())
	u, err := r2.URL.Parse(rt.to + strings.TrimPrefix(orig, DiscordAPIBase))
	if err != nil {
		return nil, err
	}
	r2.URL = u
	r2.Host = ""
	return rt.base.RoundTrip(r2)
}

// NewID returns a fresh snowflake whose timestamp is now.
func (s *Server) NewID() string {
	const discordEpochMS = 1420070400000
	for {
		last := s.lastID.Load()
		id := uint64(time.Now().UnixMilli()-discordEpochMS) << 22
		if id <= last {
			id = last + 1
		}
		if s.lastID.CompareAndSwap(last, id) {
			return strconv.FormatUint(id, 10)
		}
	}
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// WaitStats blocks until cond holds for the counters, for example
// func(st Stats) bool { return st.Resumed >= 2 }.
func (s *Server) WaitStats(ctx context.Context, cond func(Stats) bool) (Stats, error) {
	var st Stats
	err := s.waitUntil(ctx, "stats condition", func() bool {
		st = s.stats
		return cond(st)
	})
	return st, err
}

// broadcastLocked wakes every waiter; callers hold s.mu.
func (s *Server) broadcastLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitUntil re-evaluates cond (under s.mu) after every state change.
func (s *Server) waitUntil(ctx context.Context, what string, cond func() bool) error {
	for {
		s.mu.Lock()
		ok := cond()
		ch := s.changed
		st := s.stats
		closed := s.closed
		s.mu.Unlock()
		if ok {
			return nil
		}
		if closed {
			return fmt.Errorf("discordtest: waiting for %s: server closed", what)
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("discordtest: waiting for %s: %w (stats %+v)", what, ctx.Err(), st)
		}
	}
}

// trackLocked registers a goroutine in s.wg unless the server is closed; it must
// be called with s.mu held.
func (s *Server) trackLocked() bool {
	if s.closed {
		return false
	}
	s.wg.Add(1)
	return true
}

// violation reports a client protocol error on the test. It must not be
// called after Close has returned, which wg guarantees.
func (s *Server) violation(format string, args ...any) {
	s.t.Errorf("discordtest: "+format, args...)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func randomToken() string {
	b := make([]byte, 48)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	// Real interaction tokens start with base64("interaction:").
	return "aW50ZXJhY3Rpb246" + base64.RawURLEncoding.EncodeToString(b)
}

func nowStamp() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000000+00:00") }
