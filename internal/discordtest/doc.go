// Package discordtest runs a fake Discord (API v9 REST + JSON gateway) on
// 127.0.0.1 for end-to-end tests of the bot, in the spirit of net/http/httptest.
//
// The fake speaks the wire protocol closely enough that an unmodified
// github.com/bwmarrin/discordgo v0.29.0 Session runs against it. The only
// change a bot needs is an *http.Client whose transport rewrites
// https://discord.com/api/v9/... onto [Server.APIURL]; discordgo then learns
// the websocket URL from GET /gateway, which the fake answers with its own
// ws:// address. [Server.Transport] returns such a transport for tests.
//
// Typical use in a test:
//
//	srv := discordtest.NewServer(t, discordtest.Options{})
//	s, _ := discordgo.New(srv.Token())
//	s.Client = &http.Client{Transport: srv.Transport()}
//	s.ShouldReconnectOnError = false
//	s.AddHandler(...)
//	if err := s.Open(); err != nil { t.Fatal(err) }
//	in := srv.DispatchInteraction(&discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, ...})
//	req, err := srv.WaitRequest(ctx, discordtest.Match("POST", "/interactions/"+in.ID+"/"+in.Token+"/callback"))
//
// discordgo v0.29.0's own reconnect loop races with itself and with Close:
// a retry asleep in it reopens the session after Close and keeps redialling
// a closed port. Switch it off, as above, and reconnect from the Disconnect
// event if the test needs reconnects (gateway.Gateway does). Stop the session
// before the server's own cleanup runs:
//
//	s.Close()
//	srv.WaitDisconnected(ctx)
//
// # What is faked
//
// Gateway: HELLO, IDENTIFY → READY (token checked, close 4004 if wrong),
// heartbeats and ACKs (ACKs can be switched off to simulate a zombie
// connection), RESUME with replay of every dispatch the client missed
// followed by RESUMED, op 7 RECONNECT, op 9 INVALID SESSION, per-session
// sequence numbers on every dispatch, and optional zlib payload compression
// (one complete zlib stream per binary frame, which is what discordgo
// decodes). Tests inject events with [Server.Dispatch] and friends and drive
// failures with [Server.DropConnection], [Server.SendReconnect],
// [Server.SendInvalidSession], [Server.SetHeartbeatACK],
// [Server.CloseConnection] (a close frame with any of Discord's close codes,
// with what each does to the session), [Server.RevokeToken] (close 4004, and
// the token refused from then on), [Server.RefuseIdentifies] (a storm of op 9
// answers to IDENTIFY) and [Server.RefuseConnections] (failed dials).
//
// As on Discord, a client that closes its websocket with code 1000 or 1001
// invalidates its session, so its next RESUME is answered with op 9 (see
// Options.KeepSessionOnNormalClose). discordgo closes with 1000 whenever it
// reconnects because of a read error or missed heartbeat ACKs; the close frame
// only reaches the server when the TCP connection is still alive (missed ACKs),
// not after an abrupt drop. A close that answers the server's own close frame
// (discordgo answers every close with 1000) is the end of the closing
// handshake and leaves the session as the server's close code left it.
//
// REST: the gateway discovery routes, the current user and application,
// application commands (global and guild, including bulk overwrite),
// interaction callbacks, the interaction webhook routes (original response
// and follow-ups) and channel messages. Messages created through these routes
// are kept in memory so that GET/PATCH/DELETE behave consistently and tests
// can inspect them with [Server.Messages]. Every request is recorded
// ([Server.Requests], [Server.WaitRequest]). Routes Discord authenticates
// require "Authorization: Bot <token>" and answer 401 otherwise; interaction
// callbacks and webhook-token routes need no authorization, as on Discord.
// Tests can add routes ([Server.Handle]) and inject one-off failures
// ([Server.RateLimitOnce], [Server.FailOnce]), and start Discord's global
// rate limit ([Server.RateLimitGlobalOnce]), during which every other
// request is refused with 429 except interaction callbacks and webhooks, as
// on Discord.
//
// Registrations are checked as Discord checks them (context menu commands
// have no description or options; contexts and integration types are in
// range) and recorded as sent ([Server.Registrations]). An IDENTIFY that
// asks for a privileged intent not in Options.PrivilegedIntents is closed
// with 4014; [Server.MessageCommand] builds a message command's
// interaction.
//
// Some Discord rules that commonly bite bots are enforced with Discord's
// error codes: an interaction can be acknowledged only once (40060), only
// interactions that were dispatched exist (10062), optionally only within
// Options.InteractionTimeout (Discord: 3 s), follow-ups and @original need an
// acknowledged interaction (10015 / 10008), empty messages are refused (50006)
// and content is limited to 2000 characters (50035). After a deferred
// response (type 5) the first follow-up replaces the "thinking" message, as
// on Discord.
//
// # What is not faked
//
// Guilds, channels, members, roles, permissions, reactions beyond the bot
// adding its own ([Server.Reactions]), threads beyond a new forum post
// ([Server.DispatchForumPost]), voice,
// the zlib-stream transport compression, ETF encoding, sharding beyond echoing
// the shard in READY, gateway rate limits, real rate-limit buckets, and the
// server-side heartbeat timeout. Webhooks other than interaction webhooks do
// not exist. Error bodies for validation failures are close to Discord's but
// not byte-identical. Unknown routes answer 404 with a Discord-style body and
// fail the test through t.Errorf unless Options.AllowUnknownRoutes is set, so
// that surprising calls are noticed; add what a test needs with
// [Server.Handle].
//
// Protocol violations by the client (unknown opcodes, malformed JSON,
// IDENTIFY on an already identified connection, ...) are reported with
// t.Errorf and answered the way Discord does (a 4xxx close code).
package discordtest
