// Package gateway carries interactions and mentions between Discord's
// gateway (a websocket, through discordgo) and the core in package bot.
package gateway

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/internal/discordrest"
)

// Intents are the events the bot asks Discord for: guilds (which
// interactions need), and guild and direct messages for mentions.
// MESSAGE_CONTENT is privileged and not requested: Discord still delivers
// the content of messages that mention the bot, and of DMs. Only forum
// answers need it (Config.AnswerForums), and only they ask for it.
const Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages

// Metrics counts what happens to the gateway connection.
// *metrics.Metrics implements it.
type Metrics interface {
	// Reconnect counts a session re-established after the first READY:
	// resumed, or identified anew.
	Reconnect()
}

// Config is what a Gateway needs besides the Bot. Token is required.
type Config struct {
	// Token is the bot token, with or without the "Bot " prefix.
	Token string
	// AppID is the application ID; when empty it is learnt from READY.
	AppID string
	// GuildID registers the commands in this guild only (instantly);
	// empty registers them globally.
	GuildID string
	// APIURL replaces https://discord.com/api/v9 (a proxy, or a fake in
	// tests); empty means Discord.
	APIURL string
	// ShardID and ShardCount shard the gateway; zero ShardCount means 1.
	ShardID, ShardCount int
	// AnswerForums are forum channel IDs whose new posts are answered
	// (see bot.Bot.ForumAnswer). They need the privileged Message Content
	// intent, asked for only when this is not empty.
	AnswerForums []string
	// SlowAfter is how long an answer may take before it is deferred;
	// zero means bot.DefaultSlowAfter.
	SlowAfter time.Duration
	Logger    *slog.Logger
	Metrics   Metrics // optional
	// Sleep waits for d, or until ctx is done, and says which; nil waits
	// on a timer. Every deliberate wait of the Gateway goes through it
	// (rate limits, retries, reconnect backoff, identify pacing), so that
	// a test can see each wait and end it at once.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Reconnect backoff after a failed attempt; the first attempt is immediate,
// as Discord asks for resumes.
const (
	minBackoff = time.Second
	maxBackoff = 2 * time.Minute
)

// Registering the commands waits out rate limits for up to registerTimeout
// and tries registerAttempts times: without them, no command works.
const (
	registerTimeout  = 10 * time.Minute
	registerAttempts = 5
)

// minRateLimitWait is the least wait after a 429 on GET /gateway, whatever
// it says: a reconnect loop must not spin.
const minRateLimitWait = 250 * time.Millisecond

// handshakeTimeout bounds connecting: dialling, HELLO, and READY or
// RESUMED. discordgo reads HELLO and READY without a deadline, so a server
// that accepts the connection and says nothing would hang it for good.
const handshakeTimeout = 45 * time.Second

// Gateway carries interactions and mentions between Discord's gateway and
// the Bot. It wraps a discordgo session and works around the ways
// discordgo v0.29.0 misbehaves around reconnects and Close:
//
//   - discordgo's own reconnect loop is switched off. A reconnect that
//     was already retrying when Close ran reopened the session afterwards
//     and kept a goroutine alive (it reads ShouldReconnectOnError once,
//     then loops). The Gateway reconnects itself from the Disconnect event,
//     in one goroutine that Close stops before closing the session.
//   - Events are delivered synchronously (SyncEvents) so that READY,
//     RESUMED and Disconnect are seen in order and readiness is right; the
//     work they start runs in goroutines the Gateway counts, so that Close
//     can wait for replies in flight.
//   - Every websocket connection is dialled through the Gateway, which can
//     drop them all when a handshake or Close runs out of time: discordgo
//     reads HELLO and READY with no deadline and its Open takes no context.
//     The Gateway also follows the frames on them: Discord's close code,
//     which discordgo keeps to itself (see supervise), and the client's
//     IDENTIFYs, which discordgo sends at once after op 9 INVALID SESSION
//     however often it comes (see trackedConn.Write and identifyPacer).
//   - REST requests go through discordrest.Retrier, which owns rate limits and
//     retries: discordgo sleeps a 429 out uninterruptibly and retries
//     without limit.
//   - An empty autocomplete result is sent by hand: discordgo's
//     InteractionResponseData leaves out an empty choices list, which
//     Discord refuses.
//
// discordgo's Close still waits a second after its close frame, holding
// the session's lock; nothing outside discordgo can shorten that.
type Gateway struct {
	bot       *bot.Bot
	s         *discordgo.Session
	log       *slog.Logger
	metrics   Metrics
	guildID   string
	shard     [2]int
	slowAfter time.Duration
	http      *http.Transport      // owned, so Close can release its idle connections
	rest      *discordrest.Retrier // every REST request goes through it
	sleep     func(context.Context, time.Duration) error

	// quit is closed when Close begins: the reconnect loop, command
	// registration and the waits of REST calls stop then. Replies do not:
	// Close waits for them.
	quit     chan struct{}
	stopping func()
	// kick carries a disconnect to the supervisor, with the close frame
	// Discord sent, if any.
	kick chan *websocket.CloseError
	// lastClose is the close frame Discord sent on the current
	// connection; discordgo keeps it to itself.
	lastClose atomic.Pointer[websocket.CloseError]

	ready   atomic.Bool
	readies atomic.Int64

	inflight sync.WaitGroup // replies being answered
	bg       sync.WaitGroup // supervisor and command registration
	held     sync.WaitGroup // IDENTIFYs held back by the pacer

	connMu sync.Mutex
	conns  map[*trackedConn]struct{}
	// refusing: the handshake under way was abandoned, and a connection
	// dialled for it now is closed at once (see openOnce).
	refusing bool

	// pacer spaces the IDENTIFYs that follow op 9 INVALID SESSION.
	pacer identifyPacer

	forums *forumWatch

	mu         sync.Mutex
	opened     bool
	closing    bool
	closed     chan struct{} // closed when Close has finished
	closeErr   error
	appID      string
	botUserID  string
	registered bool // registration running or done; false again after a failure
	failed     chan struct{}
	failErr    error
}

// New returns a Gateway for b; Open connects it.
func New(b *bot.Bot, cfg Config) (*Gateway, error) {
	if b == nil {
		return nil, errors.New("gateway: no bot")
	}
	token := discordrest.BareToken(cfg.Token)
	if token == "" {
		return nil, errors.New("gateway: no token")
	}
	if cfg.ShardCount == 0 {
		cfg.ShardCount = 1
	}
	if cfg.ShardCount < 1 || cfg.ShardID < 0 || cfg.ShardID >= cfg.ShardCount {
		return nil, fmt.Errorf("gateway: shard %d of %d is out of range", cfg.ShardID, cfg.ShardCount)
	}
	// A transport of its own, so that Close can release its connections.
	base := &http.Transport{Proxy: http.ProxyFromEnvironment}
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		base = dt.Clone()
	}
	rt, err := discordrest.NewTransport(cfg.APIURL, base)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	sleep := cfg.Sleep
	if sleep == nil {
		sleep = discordrest.Sleep
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	s, err := discordgo.New("Bot " + token)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	quit := make(chan struct{})
	g := &Gateway{
		bot: b, s: s, log: log, metrics: cfg.Metrics, guildID: cfg.GuildID,
		shard:     [2]int{cfg.ShardID, cfg.ShardCount},
		slowAfter: cfg.SlowAfter, http: base, rest: discordrest.NewRetrier(rt, sleep), sleep: sleep,
		quit: quit, stopping: sync.OnceFunc(func() { close(quit) }), kick: make(chan *websocket.CloseError, 1),
		conns: map[*trackedConn]struct{}{}, closed: make(chan struct{}), failed: make(chan struct{}),
		appID: cfg.AppID, forums: newForumWatch(cfg.AnswerForums),
	}

	s.Client = &http.Client{Transport: g.rest, Timeout: discordrest.Timeout}
	// The transport handles rate limits and retries (see discordrest.Retrier):
	// discordgo's own sleep uninterruptibly, or retry at once.
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 0
	s.Dialer = &websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: 30 * time.Second, NetDialContext: g.dial}
	s.Identify.Intents = g.intents()
	s.ShardID, s.ShardCount = cfg.ShardID, cfg.ShardCount
	s.ShouldReconnectOnError = false // see the type's comment
	s.SyncEvents = true
	// The bot needs no cache of guilds and members; without it discordgo
	// also stops rewriting READY's guilds while handlers read them.
	s.StateEnabled = false
	// discordgo logs with the standard logger, bypassing slog, and at debug
	// level prints the IDENTIFY payload, token included. Silence it: the
	// Gateway logs what matters itself.
	s.LogLevel = discordgo.LogError - 1

	s.AddHandler(g.onReady)
	s.AddHandler(g.onResumed)
	s.AddHandler(g.onDisconnect)
	s.AddHandler(g.onInteraction)
	s.AddHandler(g.onMessage)
	s.AddHandler(g.onThreadCreate)
	return g, nil
}

// Open connects to the gateway and returns once the session is identified
// (READY received). ctx bounds the connecting; the replies to what arrives
// later are not cancelled with it: a shutdown finishes them (see Close).
func (g *Gateway) Open(ctx context.Context) error {
	g.mu.Lock()
	if g.opened || g.closing {
		g.mu.Unlock()
		return errors.New("gateway: Open called twice, or after Close")
	}
	g.opened = true
	g.mu.Unlock()

	err := g.open(ctx)
	if err != nil && g.dropMessageContent(err) {
		err = g.open(ctx)
	}
	if err != nil {
		if r := refused(err); r != nil {
			err = r
		}
		return fmt.Errorf("connect to the Discord gateway: %w", err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.closing {
		g.bg.Add(1)
		go g.supervise()
	}
	return nil
}

// open opens the session. A 429 on GET /gateway, which discordgo asks for
// inside Open while it holds the session's lock, comes back from the
// transport at once (no retry policy) and is waited out here, where ctx
// and Close end the wait.
func (g *Gateway) open(ctx context.Context) error {
	for {
		err := g.openOnce(ctx)
		wait, limited := discordrest.RetryAfter(err)
		if !limited {
			return err
		}
		g.log.Warn("gateway discovery rate limited; waiting", "retry_in", wait.Round(time.Millisecond))
		if err := g.wait(ctx, max(wait, minRateLimitWait)); err != nil {
			return fmt.Errorf("waiting out a rate limit on GET /gateway: %w", err)
		}
	}
}

// openOnce opens the session within handshakeTimeout, or until ctx is done.
// discordgo's Open takes no context: dropping the connection is how to
// abandon it.
func (g *Gateway) openOnce(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, handshakeTimeout)
	defer cancel()
	// A dial still under way when ctx ends registers its connection after
	// dropConns has run: refused, it cannot leave Open waiting forever for
	// a HELLO from a silent server.
	abandoned := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(abandoned)
		g.refuseDials(true)
		g.dropConns()
	})
	defer func() {
		if !stop() {
			<-abandoned
		}
		g.refuseDials(false)
	}()
	g.lastClose.Store(nil)
	err := g.s.Open()
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("handshake abandoned: %w", ctx.Err())
	}
	return err
}

// wait waits for d, or until ctx is done or Close begins.
func (g *Gateway) wait(ctx context.Context, d time.Duration) error {
	ctx, cancel := discordrest.WithStop(ctx, g.quit)
	defer cancel()
	return g.sleep(ctx, d)
}

// untilClose is ctx, cancelled also when Close begins.
func (g *Gateway) untilClose(ctx context.Context) (context.Context, context.CancelFunc) {
	return discordrest.WithStop(ctx, g.quit)
}

// Ready reports whether the gateway is connected and its session is
// identified or resumed: what /readyz shows.
func (g *Gateway) Ready() bool { return g.ready.Load() }

// Done is closed when the Gateway gives up for good: Discord refused the
// session (a token that was reset, intents or shards it does not allow).
// Err says why.
func (g *Gateway) Done() <-chan struct{} { return g.failed }

// Err is why Done was closed, or nil.
func (g *Gateway) Err() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.failErr
}

// BotUserID is the bot's user ID once READY has been seen.
func (g *Gateway) BotUserID() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.botUserID
}

// Close stops taking new events, waits for the replies in flight (as long
// as ctx allows), then closes the session with a normal close, which ends
// it on Discord's side too. It is safe to call more than once and from
// several goroutines; later calls wait for the first. discordgo's own
// Close takes about a second (it waits after sending the close frame).
func (g *Gateway) Close(ctx context.Context) error {
	g.mu.Lock()
	if g.closing {
		g.mu.Unlock()
		select {
		case <-g.closed:
			return g.closeErr
		case <-ctx.Done():
			return fmt.Errorf("close gateway: %w", ctx.Err())
		}
	}
	g.closing = true
	g.mu.Unlock()
	g.ready.Store(false)
	g.stopping()

	var errs []error
	if err := waitFor(ctx, &g.inflight); err != nil {
		errs = append(errs, fmt.Errorf("replies in flight: %w", err))
	}
	if err := waitFor(ctx, &g.bg); err != nil {
		// The supervisor is stuck in a dial or a handshake: cut it short.
		g.dropConns()
		errs = append(errs, fmt.Errorf("reconnect in progress: %w", err))
	}
	// Nothing can reopen the session now.
	if err := g.s.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close session: %w", err))
	}
	g.dropConns()
	// Their waits ended with quit; none can start now that the session
	// is closed.
	g.held.Wait()
	g.http.CloseIdleConnections()

	g.closeErr = errors.Join(errs...)
	if g.closeErr != nil {
		g.closeErr = fmt.Errorf("close gateway: %w", g.closeErr)
	}
	close(g.closed)
	g.log.Info("gateway closed")
	return g.closeErr
}

// begin registers one piece of work, unless Close has begun.
func (g *Gateway) begin() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closing {
		return false
	}
	g.inflight.Add(1)
	return true
}

func (g *Gateway) onReady(_ *discordgo.Session, r *discordgo.Ready) {
	g.mu.Lock()
	if g.closing {
		g.mu.Unlock()
		return
	}
	if r.User != nil {
		g.botUserID = r.User.ID
	}
	if r.Application != nil && r.Application.ID != "" && r.Application.ID != g.appID {
		if g.appID != "" {
			g.log.Warn("the configured application ID is not the token's; using the token's", "configured", g.appID, "actual", r.Application.ID)
		}
		g.appID = r.Application.ID
	}
	// Commands are registered once per process: a reconnect that
	// identifies anew must not overwrite them again.
	register := !g.registered
	if register {
		g.registered = true
		g.bg.Add(1)
	}
	app, user := g.appID, g.botUserID
	g.mu.Unlock()

	g.ready.Store(true)
	if g.readies.Add(1) > 1 {
		g.log.Info("gateway session identified anew", "session", r.SessionID)
		g.reconnected()
	} else {
		g.log.Info("gateway ready", "app_id", app, "bot_user_id", user, "shard", g.shard[0], "shards", g.shard[1], "guilds", len(r.Guilds))
	}
	if register {
		// READY runs inside discordgo's Open, which holds the session's
		// lock: registering is REST work for another goroutine.
		go g.registerCommands(app)
	}
}

func (g *Gateway) onResumed(*discordgo.Session, *discordgo.Resumed) {
	if g.isClosing() {
		return
	}
	g.ready.Store(true)
	g.log.Info("gateway session resumed")
	g.reconnected()
}

func (g *Gateway) reconnected() {
	if g.metrics != nil {
		g.metrics.Reconnect()
	}
}

func (g *Gateway) onDisconnect(*discordgo.Session, *discordgo.Disconnect) {
	g.ready.Store(false)
	if g.isClosing() {
		return
	}
	// discordgo has read Discord's close frame, if there was one, before
	// it emits Disconnect.
	ce := g.lastClose.Swap(nil)
	if ce != nil {
		g.log.Warn("gateway closed by Discord", "code", ce.Code, "reason", ce.Text)
	} else {
		g.log.Warn("gateway disconnected; reconnecting")
	}
	// The latest disconnect is the one to act on.
	select {
	case <-g.kick:
	default:
	}
	g.kick <- ce
}

func (g *Gateway) isClosing() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.closing
}

// supervise reconnects after every disconnect until Close, or until
// Discord refuses the session for good: after close 4004 or 4010-4014,
// which Discord asks not to reconnect after, it gives up (Err is
// ErrRefused); after 4008, too many commands sent, it waits before
// reconnecting.
func (g *Gateway) supervise() {
	defer g.bg.Done()
	var limited time.Duration // backoff after 4008, doubling while they repeat
	for {
		var ce *websocket.CloseError
		select {
		case <-g.quit:
			return
		case ce = <-g.kick:
		}
		var err error
		if ce != nil && !g.dropMessageContent(ce) {
			err = refused(ce)
		}
		if err == nil {
			first := time.Duration(0)
			if ce != nil && ce.Code == closeRateLimited {
				// Discord closed the connection for sending too much:
				// coming straight back would be more of the same.
				limited = min(max(2*limited, minRateLimitedBackoff), maxBackoff)
				first = limited/2 + rand.N(limited/2+1)
			} else {
				limited = 0
			}
			err = g.reconnect(first)
		}
		if err != nil {
			g.log.Error("gateway: giving up", "err", err)
			g.mu.Lock()
			g.failErr = err
			g.mu.Unlock()
			close(g.failed)
			return
		}
	}
}

// reconnect reopens the session, after first, which resumes it when
// Discord still knows it and identifies anew otherwise (discordgo handles
// op 9 by identifying). It only returns an error Discord will repeat
// forever.
func (g *Gateway) reconnect(first time.Duration) error {
	if first > 0 {
		g.log.Info("gateway reconnecting after a backoff", "retry_in", first.Round(time.Millisecond))
		if g.wait(context.Background(), first) != nil {
			return nil
		}
	}
	wait := minBackoff
	for attempt := 1; ; attempt++ {
		if g.isClosing() {
			return nil
		}
		ctx, cancel := g.untilClose(context.Background())
		err := g.open(ctx)
		quit := ctx.Err() != nil
		cancel()
		if quit {
			return nil
		}
		if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
			return nil
		}
		if g.dropMessageContent(err) {
			continue
		}
		if r := refused(err); r != nil {
			return r
		}
		d := wait/2 + rand.N(wait/2+1) // jitter: replicas do not retry in step
		g.log.Warn("gateway reconnect failed", "attempt", attempt, "retry_in", d.Round(time.Millisecond), "err", discordrest.Redact(err))
		if g.wait(context.Background(), d) != nil {
			return nil
		}
		wait = min(2*wait, maxBackoff)
	}
}

func (g *Gateway) registerCommands(appID string) {
	defer g.bg.Done()
	done := false
	defer func() {
		if !done {
			g.mu.Lock()
			g.registered = false
			g.mu.Unlock()
		}
	}()
	if appID == "" {
		g.log.Error("cannot register commands: no application ID")
		return
	}
	scope := "global"
	if g.guildID != "" {
		scope = "guild " + g.guildID
	}
	// Overwriting is safe to repeat: server errors are retried too. Rate
	// limits are waited out, global ones included, until Close.
	ctx, stop := g.untilClose(context.Background())
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, registerTimeout)
	defer cancel()
	p := &discordrest.Policy{Attempts: registerAttempts, ServerErrors: true, Backoff: time.Second, AttemptTimeout: discordrest.Timeout, Log: g.log}
	cmds, err := g.s.ApplicationCommandBulkOverwrite(appID, g.guildID, g.bot.Commands(), discordrest.Retrying(ctx, p)...)
	if err != nil {
		// Left unregistered, the next READY tries again.
		g.log.Error("register commands", "scope", scope, "err", discordrest.Redact(err))
		return
	}
	done = true
	g.log.Info("commands registered", "scope", scope, "count", len(cmds))
}

func (g *Gateway) onInteraction(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	if !g.begin() {
		return
	}
	// Replies are not cancelled by Close: it waits for them.
	ctx := context.Background()
	arrived := time.Now()
	go func() {
		defer g.inflight.Done()
		r := sessionResponder{g: g, s: s, i: ic.Interaction, arrived: arrived}
		if err := g.bot.Serve(ctx, ic.Interaction, r, g.slowAfter); err != nil {
			g.log.Error("reply to interaction", "interaction", ic.ID, "err", err)
		}
	}()
}

func (g *Gateway) onMessage(s *discordgo.Session, m *discordgo.MessageCreate) {
	// Most messages are not for the bot: drop them before a goroutine.
	if m.Author == nil || m.Author.Bot {
		return
	}
	self := g.BotUserID()
	if self == "" || m.Author.ID == self || !bot.Mentions(m.Message, self) {
		g.onForumStart(s, m.Message)
		return
	}
	// A forum post that mentions the bot asked it: it gets the mention's
	// answer, whatever the verdict, and not a second one as a forum post.
	g.forums.skip(m.Message)
	g.reply(s, m.ChannelID, "reply to mention",
		func(ctx context.Context) *discordgo.MessageSend { return g.bot.Mention(ctx, m.Message, self) }, nil,
		"channel", m.ChannelID, "message", m.ID)
}

// reply builds a message and sends it to channel, in a goroutine that Close
// waits for, then hands what was sent to sent (when not nil). A nil message
// sends nothing. Rate limits are waited out, within the minute and until
// Close; a message is not safe to send twice, so server errors are not
// retried. A failure is logged as what, with attrs.
func (g *Gateway) reply(s *discordgo.Session, channel, what string, build func(context.Context) *discordgo.MessageSend, sent func(context.Context, *discordgo.Message), attrs ...any) {
	if !g.begin() {
		return
	}
	go func() {
		defer g.inflight.Done()
		// Replies are not cancelled by Close: it waits for them.
		ctx, cancel := context.WithTimeout(context.Background(), 2*discordrest.Timeout)
		defer cancel()
		send := build(ctx)
		if send == nil {
			return
		}
		p := &discordrest.Policy{Attempts: 3, Stop: g.quit, AttemptTimeout: discordrest.Timeout, Log: g.log}
		msg, err := s.ChannelMessageSendComplex(channel, send, discordrest.Retrying(ctx, p)...)
		if err != nil {
			g.log.Error(what, append(attrs, "err", discordrest.Redact(err))...)
			return
		}
		if sent != nil {
			sent(ctx, msg)
		}
	}()
}

// sessionResponder answers one interaction through the REST API.
type sessionResponder struct {
	g       *Gateway
	s       *discordgo.Session
	i       *discordgo.Interaction
	arrived time.Time
}

// Respond sends the first response, which Discord takes only within three
// seconds of the interaction's arrival: no retry is tried past that.
func (r sessionResponder) Respond(ctx context.Context, resp *discordgo.InteractionResponse) error {
	ctx, cancel := context.WithDeadline(ctx, r.arrived.Add(discordrest.InteractionWindow))
	defer cancel()
	opts := discordrest.Retrying(ctx, discordrest.RespondPolicy(r.g.log))
	if bot.EmptyAutocomplete(resp) {
		endpoint := discordgo.EndpointInteractionResponse(r.i.ID, r.i.Token)
		_, err := r.s.RequestWithBucketID(http.MethodPost, endpoint, json.RawMessage(bot.NoChoices), endpoint, opts...)
		return err
	}
	return r.s.InteractionRespond(r.i, resp, opts...)
}

// EditOriginal delivers a deferred answer; Close ends its waits.
func (r sessionResponder) EditOriginal(ctx context.Context, edit *discordgo.WebhookEdit) error {
	return discordrest.EditOriginal(ctx, r.s, r.i, r.arrived, edit, r.g.quit, nil, r.g.log)
}

// dial opens the gateway's TCP connections and keeps track of them.
func (g *Gateway) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, g: g, gone: make(chan struct{})}
	tc.in.onFrame = func(op byte, head []byte) {
		if op != opClose || len(head) < 2 {
			return
		}
		// Discord's own codes are 4000 and up; below are the echo of
		// discordgo's own close, and the like.
		if code := int(binary.BigEndian.Uint16(head)); code >= 4000 && code < 5000 {
			g.lastClose.Store(&websocket.CloseError{Code: code, Text: string(head[2:])})
		}
	}
	g.connMu.Lock()
	if g.refusing {
		g.connMu.Unlock()
		c.Close()
		return nil, errAbandoned
	}
	g.conns[tc] = struct{}{}
	g.connMu.Unlock()
	return tc, nil
}

// errAbandoned refuses a connection dialled for an abandoned handshake.
var errAbandoned = errors.New("handshake abandoned")

// refuseDials sets whether new connections are refused.
func (g *Gateway) refuseDials(refuse bool) {
	g.connMu.Lock()
	g.refusing = refuse
	g.connMu.Unlock()
}

// dropConns closes every gateway connection abruptly, which unblocks any
// discordgo goroutine reading from one.
func (g *Gateway) dropConns() {
	g.connMu.Lock()
	conns := make([]*trackedConn, 0, len(g.conns))
	for c := range g.conns {
		conns = append(conns, c)
	}
	g.connMu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

type trackedConn struct {
	net.Conn
	g    *Gateway
	once sync.Once
	// gone is closed when the connection is.
	gone chan struct{}
	// in follows the frames Discord sends, for its close frame. Only the
	// connection's one reader touches it.
	in frameScanner
	// wmu serializes writes: gorilla's, and a held IDENTIFY's.
	wmu sync.Mutex
	// out follows the frames the client sends, for its IDENTIFYs and
	// RESUMEs; handshakes counts them; holding says an IDENTIFY is held.
	out        frameScanner
	handshakes int
	holding    bool
}

// Write lets the client's frames through, but holds back an IDENTIFY that
// follows an IDENTIFY or RESUME on the same connection: that is how
// discordgo answers op 9 INVALID SESSION, at once, from its read loop.
// The IDENTIFY goes out once the pacer lets it (see Gateway.holdIdentify);
// meanwhile discordgo, told it was written, goes on reading and sending
// heartbeats, which Discord takes before an IDENTIFY. gorilla writes a
// client frame in one Write, so a frame's start is where a Write's is.
func (c *trackedConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.out.atFrame() {
		if op, head, size, ok := peekFrame(p, len(`{"op":2,`)); ok && op == opText {
			switch string(head) {
			case `{"op":2,`:
				c.handshakes++
				if c.handshakes > 1 && size == uint64(len(p)) {
					if !c.holding {
						c.holding = c.g.holdIdentify(c, bytes.Clone(p))
					}
					// One IDENTIFY held is enough: discordgo sends another
					// for every op 9.
					return len(p), nil
				}
			case `{"op":6,`:
				c.handshakes++
			}
		}
	}
	n, err := c.Conn.Write(p)
	c.out.scan(p[:n])
	return n, err
}

// sendHeld writes a held IDENTIFY, between two of gorilla's frames.
func (c *trackedConn) sendHeld(frame []byte) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.holding = false
	c.Conn.SetWriteDeadline(time.Now().Add(heldWriteTimeout))
	n, err := c.Conn.Write(frame)
	c.Conn.SetWriteDeadline(time.Time{})
	c.out.scan(frame[:n])
	if err != nil {
		// discordgo's reader sees the connection fail and reconnects.
		c.Close()
	}
}

func (c *trackedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.in.scan(p[:n])
	return n, err
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		close(c.gone)
		c.g.connMu.Lock()
		delete(c.g.conns, c)
		c.g.connMu.Unlock()
	})
	return c.Conn.Close()
}

// ErrRefused is in the error of Open, and in Err once Done is closed,
// when Discord refused the bot's configuration: the token (close 4004: it
// is wrong, or was reset), the sharding (4010, 4011), the gateway version
// (4012) or the intents (4013, 4014). Discord asks not to reconnect after
// these, and starting again with the same configuration meets the same
// refusal: a process should exit with a status its supervisor does not
// restart at once (78, EX_CONFIG).
var ErrRefused = errors.New("the bot's configuration was refused by Discord")

// refusedError is a close that means ErrRefused, with what to do about it.
type refusedError struct {
	hint  string
	close *websocket.CloseError
}

func (e *refusedError) Error() string        { return e.hint + ": " + e.close.Error() }
func (e *refusedError) Unwrap() error        { return e.close }
func (e *refusedError) Is(target error) bool { return target == ErrRefused }

// closeRateLimited is the close code for a client that sent too much.
const closeRateLimited = 4008

// minRateLimitedBackoff is the first wait before reconnecting after 4008.
const minRateLimitedBackoff = 5 * time.Second

// refused returns the refusal err is, with what to do, or nil when err is
// not one.
func refused(err error) error {
	var ce *websocket.CloseError
	if !errors.As(err, &ce) {
		return nil
	}
	var hint string
	switch ce.Code {
	case 4004:
		hint = "Discord rejected the token: it is wrong or was reset (Developer Portal → Bot → Reset Token)"
	case 4010, 4011:
		hint = "Discord rejected the sharding: check SHARD_ID and SHARD_COUNT"
	case 4012:
		hint = "Discord rejected the gateway version"
	case 4013, 4014:
		hint = "Discord rejected the intents: a privileged intent is requested but not enabled"
	default:
		return nil
	}
	return &refusedError{hint: hint, close: ce}
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
