package discordtest

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Identify is a recorded op 2 IDENTIFY payload.
type Identify struct {
	Conn           int       // connection number, 1-based, as in Stats.Connections
	Time           time.Time // when it arrived
	Token          string
	Intents        discordgo.Intent
	Shard          *[2]int
	Compress       bool
	LargeThreshold int
	Properties     discordgo.IdentifyProperties
	Raw            json.RawMessage // the "d" object as received
}

// Resume is a recorded op 6 RESUME payload.
type Resume struct {
	Conn      int
	Token     string
	SessionID string
	Seq       int64
	Raw       json.RawMessage
}

// GatewayMessage is a payload the client sent on the gateway. Heartbeats
// are only counted (Stats.Heartbeats), not recorded.
type GatewayMessage struct {
	Conn int
	Op   int
	Data json.RawMessage
	Time time.Time
}

// gwSession is a gateway session: what RESUME can continue.
type gwSession struct {
	id       string
	seq      int64
	log      []logged // replayable dispatches, for RESUME
	conn     *gwConn  // attached connection, nil while disconnected
	compress bool
	invalid  bool
}

type logged struct {
	seq     int64
	payload []byte
}

type pendingDispatch struct {
	event string
	data  json.RawMessage
}

type connState int

const (
	stateHello  connState = iota // HELLO sent, waiting for IDENTIFY/RESUME
	stateReady                   // READY or RESUMED sent; dispatches flow
	stateClosed                  // gone
)

type frame struct {
	typ  int
	data []byte
}

// gwConn is one websocket connection. Fields after ws are guarded by srv.mu.
type gwConn struct {
	srv     *Server
	id      int
	ws      *websocket.Conn
	version int

	state      connState
	sess       *gwSession
	how        string // "READY" or "RESUMED" once the handshake is done
	compress   bool
	closing    bool // a close frame is queued; ignore the client from now on
	queue      []frame
	wake       chan struct{}
	done       chan struct{}
	closeCode  int // close code the client sent, if any
	heartbeats int // op 1 received on this connection
}

const writeTimeout = 10 * time.Second

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if enc := q.Get("encoding"); enc != "" && enc != "json" {
		s.violation("gateway: encoding=%s requested; only json is faked", enc)
		http.Error(w, "unsupported encoding", http.StatusBadRequest)
		return
	}
	if c := q.Get("compress"); c != "" {
		s.violation("gateway: transport compression %q requested; only payload compression (IDENTIFY compress) is faked", c)
		http.Error(w, "unsupported compression", http.StatusBadRequest)
		return
	}
	version := 10
	if v, err := strconv.Atoi(q.Get("v")); err == nil {
		version = v
	}
	s.mu.Lock()
	refuse := s.refuseConns > 0
	if refuse {
		s.refuseConns--
		s.stats.Refused++
		s.broadcastLocked()
	}
	if final := s.finalClose; final != 0 {
		s.violation("gateway: the client reconnected after close %d, after which Discord says not to", final)
	}
	s.mu.Unlock()
	if refuse {
		http.Error(w, "discordtest: connection refused", http.StatusServiceUnavailable)
		return
	}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered with an HTTP error
	}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.stats.Connections++
	s.stats.Live++
	c := &gwConn{
		srv:     s,
		id:      s.stats.Connections,
		ws:      ws,
		version: version,
		wake:    make(chan struct{}, 1),
		done:    make(chan struct{}),
	}
	s.conns = append(s.conns, c)
	s.current = c
	// The serving goroutine holds a wg count, so Add is allowed here even
	// if Close is already waiting.
	s.wg.Add(2)
	c.sendLocked(mustJSON(map[string]any{
		"op": 10, "s": nil, "t": nil,
		"d": map[string]any{
			"heartbeat_interval": s.opts.HeartbeatInterval.Milliseconds(),
			"_trace":             []string{"discordtest"},
		},
	}))
	s.broadcastLocked()
	s.mu.Unlock()

	go c.writeLoop()
	go c.readLoop()
}

// sendLocked queues a payload. Frames go out in queue order from a single
// writer goroutine, so sequence numbers reach the client in order and a slow
// client never blocks the server's lock.
func (c *gwConn) sendLocked(payload []byte) {
	if c.state == stateClosed || c.closing {
		return
	}
	f := frame{typ: websocket.TextMessage, data: payload}
	if c.compress {
		// discordgo inflates every binary frame as one complete zlib
		// stream (payload compression), so each frame is compressed alone.
		var b bytes.Buffer
		zw := zlib.NewWriter(&b)
		zw.Write(payload)
		zw.Close()
		f = frame{typ: websocket.BinaryMessage, data: b.Bytes()}
	}
	c.queue = append(c.queue, f)
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// closeLocked sends a close frame with a Discord close code and then drops
// the connection.
func (c *gwConn) closeLocked(code int, reason string) {
	if c.state == stateClosed || c.closing {
		return
	}
	c.queue = append(c.queue, frame{typ: websocket.CloseMessage, data: websocket.FormatCloseMessage(code, reason)})
	c.closing = true
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *gwConn) writeLoop() {
	defer c.srv.wg.Done()
	for {
		select {
		case <-c.wake:
		case <-c.done:
			return
		}
		c.srv.mu.Lock()
		q := c.queue
		c.queue = nil
		c.srv.mu.Unlock()
		for _, f := range q {
			if f.typ == websocket.CloseMessage {
				c.ws.WriteControl(websocket.CloseMessage, f.data, time.Now().Add(writeTimeout))
				// Closing the socket while the client's data is unread
				// makes the kernel send RST, which can destroy the close
				// frame in flight; give the client a moment to read it
				// and hang up itself.
				select {
				case <-c.done:
				case <-time.After(time.Second):
				}
				c.kill()
				return
			}
			c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
			if err := c.ws.WriteMessage(f.typ, f.data); err != nil {
				c.kill()
				return
			}
		}
	}
}

func (c *gwConn) readLoop() {
	defer c.srv.wg.Done()
	for {
		mt, data, err := c.ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				c.srv.clientClosed(c, ce.Code)
			}
			c.kill()
			return
		}
		c.srv.handlePayload(c, mt, data)
	}
}

func (c *gwConn) kill() {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	c.killLocked()
}

// killLocked drops the TCP connection without a close frame.
func (c *gwConn) killLocked() {
	if c.state == stateClosed {
		return
	}
	c.state = stateClosed
	if c.sess != nil && c.sess.conn == c {
		c.sess.conn = nil
	}
	c.srv.stats.Live--
	close(c.done)
	c.ws.Close() // closes the net.Conn only; does not block
	c.srv.broadcastLocked()
}

func (s *Server) clientClosed(c *gwConn, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.closeCode = code
	// Discord: closing with 1000 or 1001 invalidates the session; but not
	// a close that answers the server's own close frame, which is only
	// the other half of the closing handshake.
	if (code == websocket.CloseNormalClosure || code == websocket.CloseGoingAway) && !c.closing &&
		!s.opts.KeepSessionOnNormalClose && c.sess != nil && c.sess.conn == c {
		s.invalidateLocked(c.sess)
	}
}

func (s *Server) invalidateLocked(sess *gwSession) {
	sess.invalid = true
	if s.session == sess {
		s.session = nil
	}
}

func (s *Server) handlePayload(c *gwConn, mt int, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.state == stateClosed || c.closing {
		return
	}
	if mt != websocket.TextMessage {
		s.violation("gateway conn %d: client sent a non-text frame", c.id)
		c.closeLocked(4002, "Error while decoding payload.")
		return
	}
	var p struct {
		Op *int            `json:"op"`
		D  json.RawMessage `json:"d"`
	}
	if err := json.Unmarshal(data, &p); err != nil || p.Op == nil {
		s.violation("gateway conn %d: undecodable payload %q", c.id, data)
		c.closeLocked(4002, "Error while decoding payload.")
		return
	}
	op := *p.Op
	if op != 1 {
		s.received = append(s.received, GatewayMessage{Conn: c.id, Op: op, Data: append(json.RawMessage(nil), p.D...), Time: time.Now()})
	}
	defer s.broadcastLocked()
	switch op {
	case 1: // HEARTBEAT
		s.stats.Heartbeats++
		c.heartbeats++
		if !s.noACK {
			s.stats.HeartbeatACKs++
			c.sendLocked([]byte(`{"op":11,"d":null,"s":null,"t":null}`))
		}
	case 2:
		s.identifyLocked(c, p.D)
	case 6:
		s.resumeLocked(c, p.D)
	case 3, 4, 8, 14, 31: // presence, voice state, request members, lazy request, soundboard
		if c.sess == nil {
			s.violation("gateway conn %d: op %d before IDENTIFY/RESUME", c.id, op)
			c.closeLocked(4003, "Not authenticated.")
		}
	default:
		s.violation("gateway conn %d: unknown opcode %d", c.id, op)
		c.closeLocked(4001, "Unknown opcode.")
	}
}

func (s *Server) tokenOK(tok string) bool {
	return !s.revoked && (tok == s.opts.Token || tok == "Bot "+s.opts.Token)
}

func (s *Server) identifyLocked(c *gwConn, d json.RawMessage) {
	var id struct {
		Token          string                       `json:"token"`
		Intents        *int64                       `json:"intents"`
		Shard          *[2]int                      `json:"shard"`
		Compress       bool                         `json:"compress"`
		LargeThreshold int                          `json:"large_threshold"`
		Properties     discordgo.IdentifyProperties `json:"properties"`
	}
	if err := json.Unmarshal(d, &id); err != nil {
		s.violation("gateway conn %d: bad IDENTIFY %s: %v", c.id, d, err)
		c.closeLocked(4002, "Error while decoding payload.")
		return
	}
	rec := Identify{
		Conn: c.id, Token: id.Token, Shard: id.Shard, Compress: id.Compress,
		LargeThreshold: id.LargeThreshold, Properties: id.Properties,
		Raw: append(json.RawMessage(nil), d...), Time: time.Now(),
	}
	if id.Intents != nil {
		rec.Intents = discordgo.Intent(*id.Intents)
	}
	s.identifies = append(s.identifies, rec)
	s.stats.Identifies++

	if c.sess != nil {
		s.violation("gateway conn %d: IDENTIFY on an already identified connection", c.id)
		c.closeLocked(4005, "Already authenticated.")
		return
	}
	if !s.tokenOK(id.Token) {
		c.closeLocked(4004, "Authentication failed.")
		return
	}
	if id.Intents == nil {
		s.violation("gateway conn %d: IDENTIFY without intents (required since API v8)", c.id)
		c.closeLocked(4013, "Invalid intent(s).")
		return
	}
	if ask := discordgo.Intent(*id.Intents) & privilegedIntents &^ s.allowedLocked(); ask != 0 {
		if ask&s.disallowed != 0 {
			s.violation("gateway conn %d: IDENTIFY asks again for intents %b after Discord refused them with 4014", c.id, ask&s.disallowed)
		}
		s.disallowed |= ask
		s.stats.Disallowed++
		c.closeLocked(4014, "Disallowed intent(s).")
		return
	}
	if sh := id.Shard; sh != nil && (sh[1] < 1 || sh[0] < 0 || sh[0] >= sh[1]) {
		c.closeLocked(4010, "Invalid shard.")
		return
	}
	if s.refuseIdentifies > 0 {
		// Discord answers op 9 to an IDENTIFY it cannot take now (for
		// example over the identify concurrency); the connection stays
		// open for another.
		s.refuseIdentifies--
		c.sendLocked([]byte(`{"op":9,"d":false,"s":null,"t":null}`))
		s.stats.InvalidSessions++
		return
	}

	sess := &gwSession{id: randomHex(16), compress: id.Compress && s.opts.Compress}
	s.sessions[sess.id] = sess
	s.session = sess
	sess.conn = c
	c.sess = sess
	c.compress = sess.compress
	c.state = stateReady
	c.how = "READY"

	guilds := []map[string]any{}
	for _, g := range s.opts.GuildIDs {
		guilds = append(guilds, map[string]any{"id": g, "unavailable": true})
	}
	ready := map[string]any{
		"v":                       c.version,
		"user":                    s.botUser(),
		"guilds":                  guilds,
		"session_id":              sess.id,
		"session_type":            "normal",
		"resume_gateway_url":      s.GatewayURL(),
		"application":             map[string]any{"id": s.opts.AppID, "flags": s.opts.AppFlags},
		"private_channels":        []any{},
		"relationships":           []any{},
		"presences":               []any{},
		"guild_join_requests":     []any{},
		"geo_ordered_rtc_regions": []string{"local"},
		"user_settings":           map[string]any{},
		"_trace":                  []string{"discordtest"},
	}
	if id.Shard != nil {
		ready["shard"] = id.Shard
	}
	s.dispatchLocked(sess, "READY", mustJSON(ready), false)
	s.stats.Ready++
	for _, g := range s.opts.GuildIDs {
		s.dispatchLocked(sess, "GUILD_CREATE", mustJSON(map[string]any{
			"id": g, "name": "Guild " + g, "unavailable": false, "owner_id": TestUserID,
			"joined_at": nowStamp(), "member_count": 2, "large": false,
			"channels": []any{}, "threads": []any{}, "members": []any{}, "roles": []any{},
			"emojis": []any{}, "stickers": []any{}, "voice_states": []any{}, "presences": []any{},
			"features": []any{}, "preferred_locale": "en-US",
		}), true)
	}
	// Events dispatched while no session existed happen "now".
	pend := s.pending
	s.pending = nil
	for _, p := range pend {
		s.dispatchLocked(sess, p.event, p.data, true)
	}
}

func (s *Server) resumeLocked(c *gwConn, d json.RawMessage) {
	var r struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(d, &r); err != nil {
		s.violation("gateway conn %d: bad RESUME %s: %v", c.id, d, err)
		c.closeLocked(4002, "Error while decoding payload.")
		return
	}
	s.resumes = append(s.resumes, Resume{Conn: c.id, Token: r.Token, SessionID: r.SessionID, Seq: r.Seq, Raw: append(json.RawMessage(nil), d...)})
	s.stats.Resumes++
	if c.sess != nil {
		s.violation("gateway conn %d: RESUME on an already identified connection", c.id)
		c.closeLocked(4005, "Already authenticated.")
		return
	}
	if !s.tokenOK(r.Token) {
		c.closeLocked(4004, "Authentication failed.")
		return
	}
	sess := s.sessions[r.SessionID]
	if sess != nil && !sess.invalid && r.Seq > sess.seq {
		s.violation("gateway conn %d: RESUME with seq %d, but the session only reached %d", c.id, r.Seq, sess.seq)
	}
	if sess == nil || sess.invalid || r.Seq > sess.seq {
		c.sendLocked([]byte(`{"op":9,"d":false,"s":null,"t":null}`))
		s.stats.InvalidSessions++
		return
	}
	if old := sess.conn; old != nil && old != c {
		old.killLocked() // Discord drops the session's previous connection
	}
	sess.conn = c
	c.sess = sess
	c.compress = sess.compress
	for _, e := range sess.log {
		if e.seq > r.Seq {
			c.sendLocked(e.payload)
			s.stats.Replayed++
		}
	}
	c.state = stateReady
	c.how = "RESUMED"
	s.session = sess
	s.dispatchLocked(sess, "RESUMED", json.RawMessage(`{"_trace":["discordtest"]}`), false)
	s.stats.Resumed++
}

// dispatchLocked assigns the next sequence number and sends the event if
// the session has a ready connection. Replayable events are kept for RESUME.
func (s *Server) dispatchLocked(sess *gwSession, event string, data json.RawMessage, replayable bool) {
	sess.seq++
	payload := mustJSON(struct {
		Op int             `json:"op"`
		S  int64           `json:"s"`
		T  string          `json:"t"`
		D  json.RawMessage `json:"d"`
	}{0, sess.seq, event, data})
	if replayable {
		sess.log = append(sess.log, logged{seq: sess.seq, payload: payload})
	}
	s.stats.Dispatches++
	if c := sess.conn; c != nil && c.state == stateReady {
		c.sendLocked(payload)
	}
}

// Dispatch sends an op 0 event named event (e.g. "MESSAGE_REACTION_ADD")
// with data marshalled as its "d" (json.RawMessage and []byte are sent as
// is). It goes to the current session: immediately if connected, otherwise
// it is kept and replayed when the client resumes, like Discord. If no
// session exists (before the first READY, or after the session was
// invalidated) the event is held and delivered right after the next READY.
// Events still waiting for a resume are lost if the session is invalidated
// (op 9 d=false, or the client closing with 1000/1001), as on Discord.
// INTERACTION_CREATE and MESSAGE_CREATE are also registered with the REST
// side so callbacks and message routes know them.
func (s *Server) Dispatch(event string, data any) {
	raw, err := toRaw(data)
	if err != nil {
		s.t.Errorf("discordtest: Dispatch(%s): %v", event, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dispatchExternalLocked(event, raw)
}

func (s *Server) dispatchExternalLocked(event string, raw json.RawMessage) {
	switch event {
	case "INTERACTION_CREATE":
		s.registerInteractionLocked(raw)
	case "MESSAGE_CREATE":
		var m map[string]any
		if json.Unmarshal(raw, &m) == nil {
			if id, _ := m["id"].(string); id != "" {
				if _, ok := s.messages[id]; !ok {
					s.storeMessageLocked(m)
				}
			}
		}
	}
	if s.session == nil {
		s.pending = append(s.pending, pendingDispatch{event, raw})
	} else {
		s.dispatchLocked(s.session, event, raw, true)
	}
	s.broadcastLocked()
}

// DispatchInteraction dispatches INTERACTION_CREATE. i is a
// *discordgo.Interaction, a discordgo.Interaction, raw JSON
// (json.RawMessage, []byte) or anything that marshals to an interaction
// object. Missing id, application_id, token, version, locale, context and
// member/user (TestUserID) are filled in; for application commands a
// missing data.id is taken from the registered command of that name. It
// returns the interaction as sent, so the test knows its ID and token.
//
// discordgo cannot marshal the components of a ModalSubmitInteractionData
// (they are tagged json:"-"), so pass modal submits as raw JSON.
func (s *Server) DispatchInteraction(i any) *discordgo.Interaction {
	m, err := toMap(i)
	if err != nil {
		s.t.Errorf("discordtest: DispatchInteraction: %v", err)
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	setDefault(m, "id", s.NewID())
	setDefault(m, "application_id", s.opts.AppID)
	setDefault(m, "token", randomToken())
	setDefault(m, "version", 1)
	setDefault(m, "locale", "en-US")
	setDefault(m, "app_permissions", "2248473465835073")
	guildID, _ := m["guild_id"].(string)
	if isEmpty(m["member"]) && isEmpty(m["user"]) {
		if guildID != "" {
			m["member"] = map[string]any{
				"user": testUser(), "roles": []any{}, "joined_at": nowStamp(), "deaf": false,
				"mute": false, "flags": 0, "permissions": "2248473465835073", "nick": nil,
			}
		} else {
			m["user"] = testUser()
		}
	}
	if guildID != "" {
		setDefault(m, "guild_locale", "en-US")
		setDefault(m, "context", 0)
	} else {
		setDefault(m, "context", 1)
	}
	if t, _ := m["type"].(float64); t == 2 || t == 4 {
		if data, ok := m["data"].(map[string]any); ok {
			setDefault(data, "type", 1)
			if isEmpty(data["id"]) {
				data["id"] = s.commandIDLocked(guildID, fmt.Sprint(data["name"]))
			}
		}
	}
	raw := mustJSON(m)
	var out discordgo.Interaction
	if err := json.Unmarshal(raw, &out); err != nil {
		s.t.Errorf("discordtest: DispatchInteraction: discordgo cannot decode %s: %v", raw, err)
	}
	s.dispatchExternalLocked("INTERACTION_CREATE", raw)
	return &out
}

// DispatchMessageCreate dispatches MESSAGE_CREATE for m (ChannelID is
// required). Missing id, timestamp, author (TestUserID) and empty lists are
// filled in; the message is also stored, so REST can fetch and edit it. It
// returns the message as sent.
func (s *Server) DispatchMessageCreate(m *discordgo.Message) *discordgo.Message {
	mm, err := toMap(m)
	if err != nil {
		s.t.Errorf("discordtest: DispatchMessageCreate: %v", err)
		return nil
	}
	if isEmpty(mm["channel_id"]) {
		s.t.Errorf("discordtest: DispatchMessageCreate: ChannelID is required")
	}
	setDefault(mm, "id", s.NewID())
	if ts, _ := mm["timestamp"].(string); ts == "" || strings.HasPrefix(ts, "0001-") {
		mm["timestamp"] = nowStamp()
	}
	setDefault(mm, "author", testUser())
	for _, k := range []string{"embeds", "attachments", "mentions", "mention_roles", "components"} {
		setDefault(mm, k, []any{})
	}
	raw := mustJSON(mm)
	var out discordgo.Message
	if err := json.Unmarshal(raw, &out); err != nil {
		s.t.Errorf("discordtest: DispatchMessageCreate: discordgo cannot decode %s: %v", raw, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dispatchExternalLocked("MESSAGE_CREATE", raw)
	return &out
}

func (s *Server) liveLocked() *gwConn {
	if c := s.current; c != nil && c.state != stateClosed && !c.closing {
		return c
	}
	return nil
}

// settleLocked waits (bounded) until the newest connection is not
// between its handshake and its first heartbeat. discordgo v0.29.0 starts
// its heartbeat goroutine at the end of Open and that goroutine writes at
// once; a close or reconnect that lands before this write makes both the
// heartbeat goroutine and the reader reconnect, and they then close each
// other's new connections for a while. Real Discord never disrupts a
// connection that early, so the controls wait instead of exercising that
// discordgo bug. Called and returns with s.mu held.
func (s *Server) settleLocked() {
	deadline := time.Now().Add(2*s.opts.HeartbeatInterval + time.Second)
	for {
		c := s.liveLocked()
		if c == nil || c.how == "" || c.heartbeats > 0 || s.closed {
			return
		}
		left := time.Until(deadline)
		if left <= 0 {
			return
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-time.After(left):
		}
		s.mu.Lock()
	}
}

// DropConnection closes the current gateway connection's TCP socket without
// a close frame, like a network failure. The session stays resumable.
//
// Like SendReconnect and SendInvalidSession it first waits (at most two
// heartbeat intervals) for the client's first heartbeat on a fresh
// connection; see settleLocked in the source for the discordgo race this
// avoids.
func (s *Server) DropConnection() error {
	s.mu.Lock()
	s.settleLocked()
	defer s.mu.Unlock()
	c := s.liveLocked()
	if c == nil {
		return ErrNoConnection
	}
	c.killLocked()
	return nil
}

// SendReconnect sends op 7 RECONNECT on the current connection. The session
// stays resumable.
func (s *Server) SendReconnect() error {
	s.mu.Lock()
	s.settleLocked()
	defer s.mu.Unlock()
	c := s.liveLocked()
	if c == nil {
		return ErrNoConnection
	}
	c.sendLocked([]byte(`{"op":7,"d":null,"s":null,"t":null}`))
	s.stats.Reconnects++
	s.broadcastLocked()
	return nil
}

// SendInvalidSession sends op 9 INVALID SESSION with d=resumable on the
// current connection. The connection then accepts a new IDENTIFY (discordgo
// re-identifies on the same connection, whatever d says). With
// resumable=false the session is gone and undelivered events are lost, as on
// Discord.
func (s *Server) SendInvalidSession(resumable bool) error {
	s.mu.Lock()
	s.settleLocked()
	defer s.mu.Unlock()
	c := s.liveLocked()
	if c == nil {
		return ErrNoConnection
	}
	c.sendLocked(mustJSON(map[string]any{"op": 9, "d": resumable, "s": nil, "t": nil}))
	s.stats.InvalidSessions++
	if sess := c.sess; sess != nil {
		if !resumable {
			s.invalidateLocked(sess)
		}
		if sess.conn == c {
			sess.conn = nil
		}
	}
	c.sess = nil
	c.how = ""
	c.state = stateHello
	s.broadcastLocked()
	return nil
}

// CloseConnection closes the current gateway connection with a close frame
// carrying code and reason, as Discord does when it ends a connection. What
// the code does to the session follows Discord's table: after 4007 (invalid
// sequence) and 4009 (session timed out) the session is gone, so a RESUME
// is answered with op 9; after 4004 and 4010–4014 the client must not
// reconnect at all, and a connection it opens later fails the test; any
// other code leaves the session resumable. To reset the token itself, use
// RevokeToken.
func (s *Server) CloseConnection(code int, reason string) error {
	s.mu.Lock()
	s.settleLocked()
	defer s.mu.Unlock()
	c := s.liveLocked()
	if c == nil {
		return ErrNoConnection
	}
	s.closeWithLocked(c, code, reason)
	return nil
}

func (s *Server) closeWithLocked(c *gwConn, code int, reason string) {
	switch code {
	case 4007, 4009:
		if c.sess != nil {
			s.invalidateLocked(c.sess)
		}
	case 4004, 4010, 4011, 4012, 4013, 4014:
		if c.sess != nil {
			s.invalidateLocked(c.sess)
		}
		s.finalClose = code
	}
	c.closeLocked(code, reason)
	s.broadcastLocked()
}

// RevokeToken resets the bot's token, as a member of the team can in the
// Developer Portal: the current connection is closed with 4004
// Authentication failed, and from now on the old token is refused by the
// gateway (4004) and by REST (401).
func (s *Server) RevokeToken() {
	s.mu.Lock()
	s.settleLocked()
	defer s.mu.Unlock()
	s.revoked = true
	if c := s.liveLocked(); c != nil {
		s.closeWithLocked(c, 4004, "Authentication failed.")
	}
	s.broadcastLocked()
}

// RefuseIdentifies answers the next n IDENTIFYs with op 9 INVALID SESSION
// (d=false) instead of READY, leaving the connection open for another
// IDENTIFY: a storm of invalid sessions. Stats.InvalidSessions counts them.
func (s *Server) RefuseIdentifies(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuseIdentifies += n
}

// RefuseConnections answers the next n websocket upgrades with 503, as a
// gateway node that is down: the client's dial fails. Stats.Refused counts
// them.
func (s *Server) RefuseConnections(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuseConns += n
}

// SetHeartbeatACK turns op 11 answers to heartbeats on (the default) or off.
// Off simulates a zombie connection: discordgo gives up after 5 heartbeat
// intervals without an ACK, closes with 1000 (which invalidates the session
// on Discord and here) and reconnects. The setting applies to new
// connections too, so turn it back on once the reconnect is seen.
func (s *Server) SetHeartbeatACK(enabled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noACK = !enabled
}

// Identifies returns every IDENTIFY received, in order.
func (s *Server) Identifies() []Identify {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Identify(nil), s.identifies...)
}

// Resumes returns every RESUME received, in order.
func (s *Server) Resumes() []Resume {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Resume(nil), s.resumes...)
}

// GatewayMessages returns every payload the client sent except heartbeats.
func (s *Server) GatewayMessages() []GatewayMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]GatewayMessage(nil), s.received...)
}

// ClientCloseCodes returns the close code each connection received from the
// client, indexed by connection number - 1 (0 = no close frame received).
func (s *Server) ClientCloseCodes() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	codes := make([]int, len(s.conns))
	for i, c := range s.conns {
		codes[i] = c.closeCode
	}
	return codes
}

func (s *Server) waitHandshake(ctx context.Context, what string, ok func(how string) bool) error {
	return s.waitUntil(ctx, what, func() bool {
		c := s.liveLocked()
		return c != nil && c.state == stateReady && ok(c.how)
	})
}

// WaitConnected blocks until the newest connection is open and has
// completed its handshake (READY or RESUMED sent).
func (s *Server) WaitConnected(ctx context.Context) error {
	return s.waitHandshake(ctx, "a connected session", func(how string) bool { return how != "" })
}

// WaitReady blocks until the newest connection is open and got READY, i.e.
// the client identified on it.
func (s *Server) WaitReady(ctx context.Context) error {
	return s.waitHandshake(ctx, "READY", func(how string) bool { return how == "READY" })
}

// WaitResumed blocks until the newest connection is open and got RESUMED.
func (s *Server) WaitResumed(ctx context.Context) error {
	return s.waitHandshake(ctx, "RESUMED", func(how string) bool { return how == "RESUMED" })
}

// WaitSettled is WaitConnected plus at least one heartbeat received on the
// connection. discordgo starts its heartbeat goroutine at the end of Open
// and that goroutine sends its first heartbeat without waiting; if
// Session.Close runs before that first write, the write fails ("close
// sent") and the goroutine reconnects behind Close's back, leaving a
// session that keeps reconnecting. Waiting for the first heartbeat before
// closing avoids that.
func (s *Server) WaitSettled(ctx context.Context) error {
	return s.waitUntil(ctx, "a settled connection", func() bool {
		c := s.liveLocked()
		return c != nil && c.state == stateReady && c.how != "" && c.heartbeats > 0
	})
}

// WaitDisconnected blocks until no gateway connection is open.
func (s *Server) WaitDisconnected(ctx context.Context) error {
	return s.waitUntil(ctx, "no open connection", func() bool { return s.stats.Live == 0 })
}

func (s *Server) botUser() map[string]any {
	return map[string]any{
		"id": s.opts.BotUserID, "username": s.opts.BotUsername, "discriminator": "0",
		"global_name": nil, "avatar": nil, "bot": true, "verified": true,
		"mfa_enabled": false, "flags": 0, "public_flags": 0, "email": nil,
	}
}

// toRaw turns data into JSON; raw JSON is passed through after validation.
func toRaw(data any) (json.RawMessage, error) {
	switch v := data.(type) {
	case json.RawMessage:
		if !json.Valid(v) {
			return nil, fmt.Errorf("invalid JSON %q", v)
		}
		return v, nil
	case []byte:
		if !json.Valid(v) {
			return nil, fmt.Errorf("invalid JSON %q", v)
		}
		return json.RawMessage(v), nil
	}
	b, err := json.Marshal(data)
	return b, err
}

func toMap(v any) (map[string]any, error) {
	raw, err := toRaw(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("not a JSON object: %s", raw)
	}
	if m == nil {
		return nil, errors.New("nil object")
	}
	return m, nil
}

func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case float64:
		return v == 0
	}
	return false
}

func setDefault(m map[string]any, key string, val any) {
	if isEmpty(m[key]) {
		m[key] = val
	}
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("discordtest: " + err.Error())
	}
	return b
}
