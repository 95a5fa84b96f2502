package discordtest_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/interviewbot/interviewbot/internal/discordtest"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newSession makes a real discordgo session wired to srv the way the bot
// does it: only the HTTP client's transport changes, and discordgo's own
// reconnect loop is off. That loop races with itself (the heartbeat and
// listen goroutines of a dead connection each close the session and
// reconnect, one can close the connection the other just opened, and a
// retry asleep in it reopens the session after Close), so gateway.Gateway
// reconnects by itself. How the fake handles reconnects is tested here with
// a raw client (TestRawReconnects) and, through gateway.Gateway with the real
// client, in bot's TestGatewayResilience.
func newSession(t *testing.T, srv *discordtest.Server) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New(srv.Token())
	if err != nil {
		t.Fatal(err)
	}
	s.Client = &http.Client{Transport: srv.Transport(), Timeout: 10 * time.Second}
	s.ShouldReconnectOnError = false
	return s
}

// open opens s and registers a cleanup that closes it before the server
// and waits until the fake sees the connection gone.
func open(t *testing.T, srv *discordtest.Server, s *discordgo.Session) {
	t.Helper()
	if err := s.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		s.Close()
		if err := srv.WaitDisconnected(ctx); err != nil {
			t.Errorf("after Close: %v", err)
		}
	})
}

func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(20 * time.Second):
		t.Fatalf("timed out waiting for %T", *new(T))
		panic("unreachable")
	}
}

func TestReadyAndIdentify(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{Compress: true, GuildIDs: []string{"900"}})
	s := newSession(t, srv)
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages
	type readyInfo struct {
		r      discordgo.Ready
		guilds int
	}
	readyCh := make(chan readyInfo, 1)
	guildCh := make(chan *discordgo.GuildCreate, 1)
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
		// discordgo's State overwrites the *Guild values of READY in place
		// when GUILD_CREATE arrives (State.GuildAdd does *g = *guild), so
		// reading r.Guilds[i] fields here would race; take only the count.
		readyCh <- readyInfo{r: discordgo.Ready{Version: r.Version, SessionID: r.SessionID, User: r.User, Application: r.Application}, guilds: len(r.Guilds)}
	})
	s.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { guildCh <- g })
	open(t, srv, s)

	ri := recv(t, readyCh)
	r := &ri.r
	o := srv.Options()
	if r.User == nil || r.User.ID != o.BotUserID || !r.User.Bot {
		t.Errorf("READY user = %+v", r.User)
	}
	if r.Application == nil || r.Application.ID != o.AppID || r.SessionID == "" || r.Version != 9 {
		t.Errorf("READY = %+v application %+v", r, r.Application)
	}
	if ri.guilds != 1 {
		t.Errorf("READY has %d guilds", ri.guilds)
	}
	if g := recv(t, guildCh); g.ID != "900" {
		t.Errorf("GUILD_CREATE %+v", g.Guild)
	}
	ids := srv.Identifies()
	if len(ids) != 1 || ids[0].Token != "Bot "+o.Token || ids[0].Intents != s.Identify.Intents || !ids[0].Compress {
		t.Errorf("identifies = %+v", ids)
	}
	if err := srv.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}

	// REST basics discordgo offers.
	u, err := s.User("@me")
	if err != nil || u.ID != o.BotUserID {
		t.Errorf("User(@me) = %+v, %v", u, err)
	}
	app, err := s.Application("@me")
	if err != nil || app.ID != o.AppID {
		t.Errorf("Application(@me) = %+v, %v", app, err)
	}
	gw, err := s.GatewayBot()
	if err != nil || !strings.HasPrefix(gw.URL, srv.GatewayURL()) || gw.Shards != 1 {
		t.Errorf("GatewayBot = %+v, %v", gw, err)
	}
	req, err := srv.WaitRequest(ctxT(t), discordtest.Match("GET", "/users/@me"))
	if err != nil || req.Header.Get("Authorization") != "Bot "+o.Token || req.Status != 200 {
		t.Errorf("recorded %+v, %v", req, err)
	}
}

func TestInteractionRespond(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := newSession(t, srv)
	errCh := make(chan error, 1)
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		errCh <- s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{
				Content: "pong " + i.ApplicationCommandData().Name,
				Flags:   discordgo.MessageFlagsEphemeral,
			},
		})
	})
	open(t, srv, s)

	in := srv.DispatchInteraction(&discordgo.Interaction{
		Type:      discordgo.InteractionApplicationCommand,
		GuildID:   "900",
		ChannelID: "901",
		Data:      discordgo.ApplicationCommandInteractionData{Name: "ping"},
	})
	if err := recv(t, errCh); err != nil {
		t.Fatalf("InteractionRespond: %v", err)
	}
	req, err := srv.WaitRequest(ctxT(t), discordtest.Match("POST", "/interactions/"+in.ID+"/"+in.Token+"/callback"))
	if err != nil {
		t.Fatal(err)
	}
	var cb struct {
		Type int `json:"type"`
		Data struct {
			Content string `json:"content"`
			Flags   int    `json:"flags"`
		} `json:"data"`
	}
	if err := req.Decode(&cb); err != nil || cb.Type != 4 || cb.Data.Content != "pong ping" || cb.Data.Flags != 64 {
		t.Errorf("callback %+v, %v (%s)", cb, err, req.JSON)
	}
	if req.Status != http.StatusNoContent {
		t.Errorf("callback status %d", req.Status)
	}
	got, ok := srv.Interaction(in.Token)
	if !ok || !got.Acknowledged || got.Original == nil || got.Original.Content != "pong ping" ||
		got.Original.ChannelID != "901" || got.Original.Flags != discordgo.MessageFlagsEphemeral {
		t.Errorf("Interaction = %+v", got)
	}
	// @original through the webhook route, as InteractionResponse does.
	m, err := s.InteractionResponse(in)
	if err != nil || m.ID != got.Original.ID {
		t.Errorf("InteractionResponse = %+v, %v", m, err)
	}
	// Discord refuses a second acknowledgement.
	err = s.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Message == nil || re.Message.Code != 40060 {
		t.Errorf("second respond: %v", err)
	}
}

func TestDeferredAndFollowups(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := newSession(t, srv) // REST only: the interaction is registered on dispatch
	in := srv.DispatchInteraction(json.RawMessage(`{"type":2,"channel_id":"7","data":{"name":"work"}}`))
	if in.Member != nil || in.User == nil || in.User.ID != discordtest.TestUserID || in.AppID != srv.Options().AppID {
		t.Fatalf("defaults not filled: %+v", in)
	}

	// Follow-ups before the acknowledgement do not exist yet.
	if _, err := s.FollowupMessageCreate(in, true, &discordgo.WebhookParams{Content: "early"}); err == nil {
		t.Error("follow-up before ack succeeded")
	}
	if err := s.InteractionRespond(in, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
	}); err != nil {
		t.Fatal(err)
	}
	got, _ := srv.Interaction(in.Token)
	if got.Original == nil || got.Original.Flags&(1<<7) == 0 {
		t.Fatalf("deferred original = %+v", got.Original)
	}
	loadingID := got.Original.ID

	// The first follow-up replaces the thinking message.
	m1, err := s.FollowupMessageCreate(in, true, &discordgo.WebhookParams{Content: "done"})
	if err != nil || m1.ID != loadingID || m1.Content != "done" || m1.Flags&(1<<7) != 0 {
		t.Fatalf("first follow-up = %+v, %v", m1, err)
	}
	m2, err := s.FollowupMessageCreate(in, true, &discordgo.WebhookParams{Content: "more"})
	if err != nil || m2.ID == loadingID {
		t.Fatalf("second follow-up = %+v, %v", m2, err)
	}
	if m, err := s.FollowupMessageEdit(in, m2.ID, &discordgo.WebhookEdit{Content: ptr("more!")}); err != nil || m.Content != "more!" || m.EditedTimestamp == nil {
		t.Errorf("follow-up edit = %+v, %v", m, err)
	}
	if m, err := s.InteractionResponseEdit(in, &discordgo.WebhookEdit{Content: ptr("edited")}); err != nil || m.ID != loadingID || m.Content != "edited" {
		t.Errorf("original edit = %+v, %v", m, err)
	}
	if err := s.FollowupMessageDelete(in, m2.ID); err != nil {
		t.Error(err)
	}
	if err := s.InteractionResponseDelete(in); err != nil {
		t.Error(err)
	}
	if _, err := s.InteractionResponse(in); err == nil {
		t.Error("@original still there after delete")
	}
	// wait=false answers 204 and discordgo returns no message.
	if m, err := s.FollowupMessageCreate(in, false, &discordgo.WebhookParams{Content: "fire and forget"}); err != nil || m != nil {
		t.Errorf("follow-up without wait = %+v, %v", m, err)
	}
	// Empty messages are refused like on Discord.
	_, err = s.FollowupMessageCreate(in, true, &discordgo.WebhookParams{})
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Message == nil || re.Message.Code != 50006 {
		t.Errorf("empty follow-up: %v", err)
	}
	// Unknown interactions cannot be answered.
	fake := &discordgo.Interaction{ID: "1", Token: "nope", AppID: in.AppID}
	err = s.InteractionRespond(fake, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
	if !errors.As(err, &re) || re.Message == nil || re.Message.Code != 10062 {
		t.Errorf("unknown interaction: %v", err)
	}
	got, _ = srv.Interaction(in.Token)
	if got.Original != nil || len(got.Followups) != 1 || got.Followups[0].Content != "fire and forget" {
		t.Errorf("final state %+v", got)
	}
}

func TestInteractionTimeout(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{InteractionTimeout: 50 * time.Millisecond})
	s := newSession(t, srv)
	in := srv.DispatchInteraction(&discordgo.Interaction{Type: discordgo.InteractionApplicationCommand,
		Data: discordgo.ApplicationCommandInteractionData{Name: "slow"}})
	time.Sleep(100 * time.Millisecond)
	err := s.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Message == nil || re.Message.Code != 10062 {
		t.Errorf("late respond: %v", err)
	}
}

func TestComponentUpdateAndCallbackWithResponse(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := newSession(t, srv)
	posted, err := s.ChannelMessageSendComplex("50", &discordgo.MessageSend{
		Content: "pick",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "go", CustomID: "go", Style: discordgo.PrimaryButton},
		}}},
	})
	if err != nil || len(posted.Components) != 1 {
		t.Fatalf("send = %+v, %v", posted, err)
	}
	in := srv.DispatchInteraction(&discordgo.Interaction{
		Type: discordgo.InteractionMessageComponent, ChannelID: "50", GuildID: "9",
		Message: posted, Data: discordgo.MessageComponentInteractionData{CustomID: "go", ComponentType: discordgo.ButtonComponent},
	})
	if in.Member == nil || in.Member.User.ID != discordtest.TestUserID {
		t.Fatalf("member default missing: %+v", in.Member)
	}
	// with_response=true is not used by discordgo, but bots may call it raw.
	body, err := s.RequestWithBucketID("POST", discordgo.EndpointInteractionResponse(in.ID, in.Token)+"?with_response=true",
		map[string]any{"type": 7, "data": map[string]any{"content": "gone", "components": []any{}}}, "cb")
	if err != nil {
		t.Fatal(err)
	}
	var cb struct {
		Interaction struct {
			ID                string `json:"id"`
			ResponseMessageID string `json:"response_message_id"`
		} `json:"interaction"`
		Resource struct {
			Type    int               `json:"type"`
			Message discordgo.Message `json:"message"`
		} `json:"resource"`
	}
	if err := json.Unmarshal(body, &cb); err != nil || cb.Interaction.ID != in.ID || cb.Resource.Type != 7 ||
		cb.Resource.Message.ID != posted.ID || cb.Resource.Message.Content != "gone" || len(cb.Resource.Message.Components) != 0 {
		t.Errorf("callback response %s (%v)", body, err)
	}
	if m, ok := srv.Message(posted.ID); !ok || m.Content != "gone" {
		t.Errorf("stored message %+v", m)
	}
}

func TestInvalidSessionReidentifies(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{Compress: true})
	s := newSession(t, srv)
	readies := make(chan string, 4)
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { readies <- r.SessionID })
	open(t, srv, s)
	first := recv(t, readies)
	if err := srv.SendInvalidSession(false); err != nil {
		t.Fatal(err)
	}
	second := recv(t, readies)
	if first == second || second == "" {
		t.Errorf("session ids %q, %q", first, second)
	}
	if err := srv.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	// discordgo re-identifies on the same connection.
	if st := srv.Stats(); st.Identifies != 2 || st.Connections != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestBulkOverwrite(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := newSession(t, srv)
	app := srv.Options().AppID
	cmds := []*discordgo.ApplicationCommand{
		{Name: "ping", Description: "Ping"},
		{Name: "start", Description: "Start", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "topic", Description: "Topic", Required: true},
		}},
	}
	got, err := s.ApplicationCommandBulkOverwrite(app, "", cmds)
	if err != nil || len(got) != 2 || got[0].ID == "" || got[0].ApplicationID != app || got[1].Options[0].Name != "topic" {
		t.Fatalf("overwrite = %+v, %v", got, err)
	}
	req, err := srv.WaitRequest(ctxT(t), discordtest.Match("PUT", "/applications/{app}/commands"))
	if err != nil {
		t.Fatal(err)
	}
	var sent []discordgo.ApplicationCommand
	if err := req.Decode(&sent); err != nil || len(sent) != 2 || req.Header.Get("Content-Type") != "application/json" {
		t.Errorf("recorded %s, %v", req.JSON, err)
	}
	// Same names keep their IDs; dropped commands disappear.
	again, err := s.ApplicationCommandBulkOverwrite(app, "", cmds[:1])
	if err != nil || len(again) != 1 || again[0].ID != got[0].ID {
		t.Errorf("second overwrite = %+v, %v", again, err)
	}
	if _, err := s.ApplicationCommandBulkOverwrite(app, "77", cmds); err != nil {
		t.Fatal(err)
	}
	if g, l := srv.Commands("77"), srv.Commands(""); len(g) != 2 || g[0].GuildID != "77" || len(l) != 1 {
		t.Errorf("commands guild %+v global %+v", g, l)
	}
	list, err := s.ApplicationCommands(app, "77")
	if err != nil || len(list) != 2 {
		t.Errorf("list = %+v, %v", list, err)
	}
	// Dispatched commands get the registered ID.
	in := srv.DispatchInteraction(&discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, GuildID: "77",
		Data: discordgo.ApplicationCommandInteractionData{Name: "start"}})
	if in.ApplicationCommandData().ID != srv.Commands("77")[1].ID {
		t.Errorf("interaction command id %q", in.ApplicationCommandData().ID)
	}
	// Discord validates names and descriptions.
	_, err = s.ApplicationCommandBulkOverwrite(app, "", []*discordgo.ApplicationCommand{{Name: "Bad Name", Description: "x"}})
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Message == nil || re.Message.Code != 50035 {
		t.Errorf("invalid command: %v", err)
	}
}

func TestWrongTokenIsRejected(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{Token: "right"})
	s, err := discordgo.New("Bot wrong")
	if err != nil {
		t.Fatal(err)
	}
	s.Client = &http.Client{Transport: srv.Transport()}
	err = s.Open()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4004 {
		t.Fatalf("Open with wrong token: %v", err)
	}
	if ids := srv.Identifies(); len(ids) != 1 || ids[0].Token != "Bot wrong" {
		t.Errorf("identifies %+v", ids)
	}
	_, err = s.User("@me")
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response.StatusCode != http.StatusUnauthorized || re.Message == nil || re.Message.Message != "401: Unauthorized" {
		t.Errorf("REST with wrong token: %v", err)
	}
	if err := srv.WaitDisconnected(ctxT(t)); err != nil {
		t.Error(err)
	}
}

// captureTB records Errorf so tests can check what the fake reports.
type captureTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (c *captureTB) Errorf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

func (c *captureTB) errors() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.errs...)
}

func TestUnknownRoutesCustomRoutesAndFaults(t *testing.T) {
	t.Parallel()
	tb := &captureTB{TB: t}
	srv := discordtest.NewServer(tb, discordtest.Options{})
	s := newSession(t, srv)

	_, err := s.Guild("123")
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response.StatusCode != 404 {
		t.Errorf("unknown route: %v", err)
	}
	if errs := tb.errors(); len(errs) != 1 || !strings.Contains(errs[0], "GET /guilds/123") {
		t.Errorf("reported %q", errs)
	}
	if reqs := srv.Requests(); len(reqs) != 1 || reqs[0].Status != 404 || reqs[0].Route != "" {
		t.Errorf("requests %+v", reqs)
	}

	srv.Handle("GET", "/guilds/{guild}", func(r discordtest.Request) (int, any) {
		return 200, map[string]any{"id": r.Params["guild"], "name": "Custom"}
	})
	g, err := s.Guild("123")
	if err != nil || g.Name != "Custom" {
		t.Errorf("custom route = %+v, %v", g, err)
	}

	// Rate limited once: discordgo waits retry_after and retries.
	srv.RateLimitOnce("POST", "/channels/{channel}/messages", 50*time.Millisecond)
	m, err := s.ChannelMessageSend("42", "hello")
	if err != nil || m.Content != "hello" || m.ChannelID != "42" || m.Author.ID != srv.Options().BotUserID {
		t.Fatalf("send after 429 = %+v, %v", m, err)
	}
	var statuses []int
	for _, r := range srv.Requests() {
		if r.Route == "POST /channels/{channel}/messages" {
			statuses = append(statuses, r.Status)
		}
	}
	if fmt.Sprint(statuses) != "[429 200]" {
		t.Errorf("statuses %v", statuses)
	}

	srv.FailOnce("", "/channels/42/messages/{id}", 500, 0, "boom")
	if _, err := s.ChannelMessage("42", m.ID); !errors.As(err, &re) || re.Response.StatusCode != 500 {
		t.Errorf("injected failure: %v", err)
	}
	if got, err := s.ChannelMessage("42", m.ID); err != nil || got.Content != "hello" {
		t.Errorf("get = %+v, %v", got, err)
	}
	if got, err := s.ChannelMessageEdit("42", m.ID, "edited"); err != nil || got.Content != "edited" {
		t.Errorf("edit = %+v, %v", got, err)
	}
	// Files go as multipart with payload_json.
	fm, err := s.ChannelMessageSendComplex("42", &discordgo.MessageSend{
		Content: "file", Files: []*discordgo.File{{Name: "a.txt", ContentType: "text/plain", Reader: strings.NewReader("abc")}},
	})
	if err != nil || len(fm.Attachments) != 1 || fm.Attachments[0].Filename != "a.txt" {
		t.Errorf("file send = %+v, %v", fm, err)
	}
	req, err := srv.WaitRequest(ctxT(t), func(r discordtest.Request) bool { return len(r.Files) > 0 })
	if err != nil || string(req.Files[0].Data) != "abc" || !strings.Contains(string(req.JSON), `"content":"file"`) {
		t.Errorf("multipart request %+v, %v", req, err)
	}
	if err := s.ChannelMessageDelete("42", m.ID); err != nil {
		t.Error(err)
	}
	if _, ok := srv.Message(m.ID); ok {
		t.Error("message still stored after delete")
	}
	if _, err := s.ChannelMessageSend("42", ""); !errors.As(err, &re) || re.Message.Code != 50006 {
		t.Errorf("empty message: %v", err)
	}
	if n := len(tb.errors()); n != 1 {
		t.Errorf("unexpected reports: %q", tb.errors())
	}
}

// rawConn speaks the gateway protocol directly, to check details discordgo
// does not expose (sequence numbers, frame types, close codes).
type rawConn struct {
	t  *testing.T
	ws *websocket.Conn
}

func dialRaw(t *testing.T, srv *discordtest.Server) *rawConn {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(srv.GatewayURL()+"/?v=9&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	c := &rawConn{t: t, ws: ws}
	if p, _ := c.read(); p.Op != 10 || !strings.Contains(string(p.D), `"heartbeat_interval":1000`) {
		t.Fatalf("hello %+v", p)
	}
	return c
}

type payload struct {
	Op int             `json:"op"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
	D  json.RawMessage `json:"d"`
}

func (c *rawConn) read() (payload, bool) {
	c.t.Helper()
	c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	mt, data, err := c.ws.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	binary := mt == websocket.BinaryMessage
	if binary {
		zr, err := zlib.NewReader(bytes.NewReader(data))
		if err != nil {
			c.t.Fatal(err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			c.t.Fatal(err)
		}
	}
	var p payload
	if err := json.Unmarshal(data, &p); err != nil {
		c.t.Fatalf("decode %s: %v", data, err)
	}
	return p, binary
}

func (c *rawConn) send(v any) {
	c.t.Helper()
	if err := c.ws.WriteJSON(v); err != nil {
		c.t.Fatal(err)
	}
}

func (c *rawConn) expectDispatch(event string, seq int64) payload {
	c.t.Helper()
	p, _ := c.read()
	if p.Op != 0 || p.T == nil || *p.T != event || p.S == nil || *p.S != seq {
		c.t.Fatalf("want %s seq %d, got op %d t %v s %v d %s", event, seq, p.Op, deref(p.T), deref(p.S), p.D)
	}
	return p
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestRawGatewayProtocol(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{Compress: true})
	ctx := ctxT(t)
	ident := map[string]any{"op": 2, "d": map[string]any{
		"token": srv.Token(), "intents": 513, "compress": true, "shard": []int{0, 1},
		"properties": map[string]string{"os": "linux"},
	}}

	c := dialRaw(t, srv)
	c.send(ident)
	p, binary := c.read()
	if !binary || p.Op != 0 || *p.T != "READY" || *p.S != 1 {
		t.Fatalf("READY: binary %v %+v", binary, p)
	}
	var ready struct {
		SessionID   string `json:"session_id"`
		ResumeURL   string `json:"resume_gateway_url"`
		Shard       []int  `json:"shard"`
		V           int    `json:"v"`
		User        struct{ ID string }
		Application struct {
			ID string `json:"id"`
		} `json:"application"`
	}
	if err := json.Unmarshal(p.D, &ready); err != nil {
		t.Fatalf("READY %s: %v", p.D, err)
	}
	o := srv.Options()
	if ready.SessionID == "" || ready.ResumeURL != srv.GatewayURL() || len(ready.Shard) != 2 || ready.V != 9 ||
		ready.User.ID != o.BotUserID || ready.Application.ID != o.AppID {
		t.Errorf("READY %s", p.D)
	}
	c.send(map[string]any{"op": 1, "d": 1})
	if p, _ := c.read(); p.Op != 11 {
		t.Errorf("want ACK, got %+v", p)
	}
	srv.Dispatch("TYPING_START", map[string]any{"channel_id": "1", "user_id": "2"})
	c.expectDispatch("TYPING_START", 2)

	// Abrupt client loss; events keep their sequence numbers.
	c.ws.UnderlyingConn().Close()
	if err := srv.WaitDisconnected(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Dispatch("A", json.RawMessage(`{"n":3}`))
	srv.Dispatch("B", []byte(`{"n":4}`))

	c2 := dialRaw(t, srv)
	c2.send(map[string]any{"op": 6, "d": map[string]any{"token": srv.Token(), "session_id": ready.SessionID, "seq": 2}})
	c2.expectDispatch("A", 3)
	c2.expectDispatch("B", 4)
	c2.expectDispatch("RESUMED", 5)
	if err := srv.WaitResumed(ctx); err != nil {
		t.Fatal(err)
	}

	// Unknown session: op 9 d=false, then IDENTIFY works on the same connection.
	c3 := dialRaw(t, srv)
	c3.send(map[string]any{"op": 6, "d": map[string]any{"token": srv.Token(), "session_id": "nope", "seq": 1}})
	if p, _ := c3.read(); p.Op != 9 || string(p.D) != "false" {
		t.Errorf("want op 9 false, got %+v", p)
	}
	c3.send(ident)
	c3.expectDispatch("READY", 1)

	// Wrong token: close 4004.
	c4 := dialRaw(t, srv)
	bad := map[string]any{"op": 2, "d": map[string]any{"token": "Bot nope", "intents": 0}}
	c4.send(bad)
	c4.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, _, err := c4.ws.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4004 {
		t.Errorf("wrong token: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// closeWith sends a close frame with code, as a client that leaves does.
func (c *rawConn) closeWith(code int) {
	c.t.Helper()
	msg := websocket.FormatCloseMessage(code, "")
	if err := c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(5*time.Second)); err != nil {
		c.t.Fatal(err)
	}
	c.ws.Close()
}

// identifyPayload is a minimal IDENTIFY with srv's token.
func identifyPayload(srv *discordtest.Server) map[string]any {
	return map[string]any{"op": 2, "d": map[string]any{"token": srv.Token(), "intents": 513, "properties": map[string]string{"os": "linux"}}}
}

// identifyRaw dials, identifies and returns the connection and session id.
func identifyRaw(t *testing.T, srv *discordtest.Server) (*rawConn, string) {
	t.Helper()
	c := dialRaw(t, srv)
	c.send(identifyPayload(srv))
	p := c.expectDispatch("READY", 1)
	var ready struct {
		SessionID string `json:"session_id"`
	}
	if err := json.Unmarshal(p.D, &ready); err != nil || ready.SessionID == "" {
		t.Fatalf("READY %s: %v", p.D, err)
	}
	return c, ready.SessionID
}

// TestRawReconnects walks the ways a connection ends and what each does to
// the session, as Discord has it: closing with 1000 or 1001 ends the
// session, any other close keeps it resumable and what was dispatched
// meanwhile is replayed.
func TestRawReconnects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// leave ends the first connection.
		leave     func(t *testing.T, srv *discordtest.Server, c *rawConn)
		code      int
		resumable bool
	}{
		{name: "op 7 then close 1012", code: websocket.CloseServiceRestart, resumable: true,
			leave: func(t *testing.T, srv *discordtest.Server, c *rawConn) {
				if err := srv.SendReconnect(); err != nil {
					t.Fatal(err)
				}
				if p, _ := c.read(); p.Op != 7 {
					t.Fatalf("want op 7, got %+v", p)
				}
				c.closeWith(websocket.CloseServiceRestart)
			}},
		{name: "close 4000 keeps the session", code: 4000, resumable: true,
			leave: func(t *testing.T, srv *discordtest.Server, c *rawConn) { c.closeWith(4000) }},
		{name: "close 1001 ends the session", code: websocket.CloseGoingAway,
			leave: func(t *testing.T, srv *discordtest.Server, c *rawConn) { c.closeWith(websocket.CloseGoingAway) }},
		{name: "zombie closed with 1000 ends the session", code: websocket.CloseNormalClosure,
			leave: func(t *testing.T, srv *discordtest.Server, c *rawConn) {
				srv.SetHeartbeatACK(false)
				c.send(map[string]any{"op": 1, "d": 1})
				if _, err := srv.WaitStats(ctxT(t), func(st discordtest.Stats) bool { return st.Heartbeats >= 2 }); err != nil {
					t.Fatal(err)
				}
				c.ws.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
				if _, data, err := c.ws.ReadMessage(); err == nil {
					t.Fatalf("heartbeat answered with ACKs off: %s", data)
				}
				srv.SetHeartbeatACK(true)
				c.closeWith(websocket.CloseNormalClosure)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := discordtest.NewServer(t, discordtest.Options{})
			ctx := ctxT(t)
			c, session := identifyRaw(t, srv)
			c.send(map[string]any{"op": 1, "d": 1})
			if p, _ := c.read(); p.Op != 11 {
				t.Fatalf("want ACK, got %+v", p)
			}
			tt.leave(t, srv, c)
			if err := srv.WaitDisconnected(ctx); err != nil {
				t.Fatal(err)
			}
			if codes := srv.ClientCloseCodes(); len(codes) != 1 || codes[0] != tt.code {
				t.Errorf("close codes %v, want [%d]", codes, tt.code)
			}
			srv.Dispatch("WHILE_DOWN", map[string]any{"n": 2})

			c2 := dialRaw(t, srv)
			c2.send(map[string]any{"op": 6, "d": map[string]any{"token": srv.Token(), "session_id": session, "seq": 1}})
			if tt.resumable {
				c2.expectDispatch("WHILE_DOWN", 2)
				c2.expectDispatch("RESUMED", 3)
				if err := srv.WaitResumed(ctx); err != nil {
					t.Fatal(err)
				}
				if st := srv.Stats(); st.Identifies != 1 || st.Resumed != 1 || st.Replayed != 1 || st.Connections != 2 {
					t.Errorf("stats %+v", st)
				}
				return
			}
			if p, _ := c2.read(); p.Op != 9 || string(p.D) != "false" {
				t.Fatalf("want op 9 false, got %+v", p)
			}
			c2.send(identifyPayload(srv))
			// A new session starts at sequence 1; the old one's event is gone.
			p := c2.expectDispatch("READY", 1)
			if strings.Contains(string(p.D), session) {
				t.Errorf("new READY reuses the ended session %s", session)
			}
			if st := srv.Stats(); st.Identifies != 2 || st.Resumed != 0 || st.Replayed != 0 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

// readClose reads until the server's close frame and returns its code. It
// does not answer the close, as discordgo does not.
func (c *rawConn) readClose() int {
	c.t.Helper()
	c.ws.SetCloseHandler(func(int, string) error { return nil })
	c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, _, err := c.ws.ReadMessage()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		if err != nil {
			c.t.Fatalf("read: %v, want a close frame", err)
		}
	}
}

// TestCloseConnection: each close code does to the session what Discord's
// table says, and a client that reconnects after a code Discord says not to
// reconnect after is reported.
func TestCloseConnection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code      int
		resumable bool
		final     bool
	}{
		{code: 4000, resumable: true},
		{code: 4008, resumable: true},
		{code: 4007},
		{code: 4009},
		{code: 4004, final: true},
		{code: 4010, final: true},
		{code: 4014, final: true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			t.Parallel()
			tb := &captureTB{TB: t}
			srv := discordtest.NewServer(tb, discordtest.Options{})
			c, session := identifyRaw(t, srv)
			c.send(map[string]any{"op": 1, "d": 1})
			if p, _ := c.read(); p.Op != 11 {
				t.Fatalf("want ACK, got %+v", p)
			}
			if err := srv.CloseConnection(tt.code, "test"); err != nil {
				t.Fatal(err)
			}
			if got := c.readClose(); got != tt.code {
				t.Fatalf("close code %d, want %d", got, tt.code)
			}
			// discordgo answers any close with a close of its own, code
			// 1000: as the reply to Discord's close, it ends nothing.
			c.closeWith(websocket.CloseNormalClosure)
			if err := srv.WaitDisconnected(ctxT(t)); err != nil {
				t.Fatal(err)
			}
			c2 := dialRaw(t, srv)
			if tt.final {
				if errs := tb.errors(); len(errs) != 1 || !strings.Contains(errs[0], fmt.Sprintf("after close %d", tt.code)) {
					t.Errorf("reconnecting after %d: reported %q", tt.code, errs)
				}
				return
			}
			c2.send(map[string]any{"op": 6, "d": map[string]any{"token": srv.Token(), "session_id": session, "seq": 1}})
			p, _ := c2.read()
			if tt.resumable {
				if p.Op != 0 || p.T == nil || *p.T != "RESUMED" {
					t.Errorf("after %d: %+v, want RESUMED", tt.code, p)
				}
			} else if p.Op != 9 || string(p.D) != "false" {
				t.Errorf("after %d: %+v, want op 9 false", tt.code, p)
			}
			if errs := tb.errors(); len(errs) != 0 {
				t.Errorf("reported %q", errs)
			}
		})
	}
}

func TestRevokeToken(t *testing.T) {
	t.Parallel()
	tb := &captureTB{TB: t}
	srv := discordtest.NewServer(tb, discordtest.Options{})
	s := newSession(t, srv)
	if _, err := s.User("@me"); err != nil {
		t.Fatal(err)
	}
	c, _ := identifyRaw(t, srv)
	c.send(map[string]any{"op": 1, "d": 1})
	if p, _ := c.read(); p.Op != 11 {
		t.Fatalf("want ACK, got %+v", p)
	}
	srv.RevokeToken()
	if got := c.readClose(); got != 4004 {
		t.Errorf("close code %d, want 4004", got)
	}
	_, err := s.User("@me")
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response.StatusCode != http.StatusUnauthorized {
		t.Errorf("REST with a revoked token: %v", err)
	}
	c2 := dialRaw(t, srv)
	c2.send(identifyPayload(srv))
	if got := c2.readClose(); got != 4004 {
		t.Errorf("IDENTIFY with a revoked token: close %d, want 4004", got)
	}
	if errs := tb.errors(); len(errs) != 1 || !strings.Contains(errs[0], "after close 4004") {
		t.Errorf("reported %q", errs)
	}
}

func TestRefuseIdentifies(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	srv.RefuseIdentifies(2)
	c := dialRaw(t, srv)
	for range 2 {
		c.send(identifyPayload(srv))
		if p, _ := c.read(); p.Op != 9 || string(p.D) != "false" {
			t.Fatalf("want op 9 false, got %+v", p)
		}
	}
	c.send(identifyPayload(srv))
	c.expectDispatch("READY", 1)
	if st := srv.Stats(); st.Identifies != 3 || st.InvalidSessions != 2 || st.Ready != 1 || st.Connections != 1 {
		t.Errorf("stats %+v", st)
	}
	ids := srv.Identifies()
	if len(ids) != 3 || ids[0].Time.IsZero() || ids[2].Time.Before(ids[0].Time) {
		t.Errorf("identify times %+v", ids)
	}
}

func TestRefuseConnections(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	srv.RefuseConnections(1)
	_, resp, err := websocket.DefaultDialer.Dial(srv.GatewayURL()+"/?v=9&encoding=json", nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("first dial: %v, %+v; want 503", err, resp)
	}
	c := dialRaw(t, srv)
	c.send(identifyPayload(srv))
	c.expectDispatch("READY", 1)
	if st := srv.Stats(); st.Refused != 1 || st.Connections != 1 {
		t.Errorf("stats %+v", st)
	}
}

// TestGlobalRateLimit: after a global 429 every route but the interaction
// ones is refused until retry_after has passed.
func TestGlobalRateLimit(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := newSession(t, srv)
	s.ShouldRetryOnRateLimit = false
	const limit = 300 * time.Millisecond
	srv.RateLimitGlobalOnce("GET", "/users/@me", limit)
	checkGlobal := func(what string, err error) {
		t.Helper()
		var rl *discordgo.RateLimitError
		if !errors.As(err, &rl) || rl.RetryAfter <= 0 || rl.RetryAfter > limit {
			t.Errorf("%s: %v, want a 429 within %v", what, err, limit)
		}
		reqs := srv.Requests()
		if last := reqs[len(reqs)-1]; !strings.Contains(string(last.Response), `"global":true`) {
			t.Errorf("%s: answered %s, want the global limit", what, last.Response)
		}
	}
	_, err := s.User("@me")
	checkGlobal("the request that started it", err)
	_, err = s.ChannelMessageSend("42", "hello")
	checkGlobal("another route meanwhile", err)
	// Interaction webhooks are exempt: this one is unknown, not limited.
	_, err = s.FollowupMessageCreate(&discordgo.Interaction{AppID: srv.Options().AppID, Token: "t"}, false, &discordgo.WebhookParams{Content: "x"})
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response.StatusCode != http.StatusNotFound {
		t.Errorf("interaction webhook during the global limit: %v, want 404", err)
	}
	req, err := srv.WaitRequest(ctxT(t), discordtest.Match("GET", "/users/@me"))
	if err != nil || req.Header.Get("Authorization") == "" || req.Status != http.StatusTooManyRequests {
		t.Fatalf("first request %+v, %v", req, err)
	}
	// The limit runs from when the fake answered, a little after the
	// request arrived.
	time.Sleep(time.Until(req.Time.Add(limit + 20*time.Millisecond)))
	if _, err := s.User("@me"); err != nil {
		t.Errorf("after the global limit: %v", err)
	}
}
