package gateway_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/bot/gateway"
	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/index/zhconv"
	"github.com/interviewbot/interviewbot/internal/discordtest"
	"github.com/interviewbot/interviewbot/internal/language"
)

// These tests run the real discordgo client, inside a Gateway, against the
// fake Discord of package discordtest. Each Gateway's Close takes about a
// second (discordgo waits after its close frame), so they run in parallel,
// except the ones that count goroutines.

const (
	gwGuild   = "1300000000000000001"
	gwChannel = "1300000000000000002"
	// gwWait bounds every wait; generous for -race on a loaded machine.
	gwWait = 20 * time.Second
)

// gwIndex is built once: every test searches the same interview, and
// building it under -race takes seconds.
var gwIndex = sync.OnceValues(func() (*index.Index, error) {
	a, err := data.Load()
	if err != nil {
		return nil, err
	}
	return index.New(a)
})

func sharedIndex(t testing.TB) *index.Index {
	t.Helper()
	ix, err := gwIndex()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// gwSetup configures startGateway; the zero value is a bot with no rate
// limit and guild commands.
type gwSetup struct {
	discord    discordtest.Options
	search     func(bot.Searcher) bot.Searcher
	limiter    *bot.Limiter
	slowAfter  time.Duration
	guildID    string // "-" for none (global commands); "" for gwGuild
	appID      string
	shardID    int
	shardCount int
	noOpen     bool
	sleep      func(context.Context, time.Duration) error
	forums     []string // ANSWER_FORUMS
	publicURL  string
}

// gwEnv is a Gateway connected to a fake Discord.
type gwEnv struct {
	t       *testing.T
	srv     *discordtest.Server
	gw      *gateway.Gateway
	metrics *gwMetrics
	logs    *gwLog
}

type gwMetrics struct{ reconnects atomic.Int64 }

func (m *gwMetrics) Reconnect() { m.reconnects.Add(1) }

// gwLog sends log lines to the test and keeps them, so that a test can
// check what was logged; lines written after the test are dropped.
type gwLog struct {
	t    testing.TB
	mu   sync.Mutex
	buf  bytes.Buffer
	done bool
}

func (l *gwLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if !l.done {
		l.t.Logf("%s", bytes.TrimRight(p, "\n"))
	}
	return len(p), nil
}

func (l *gwLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func startGateway(t *testing.T, c gwSetup) *gwEnv {
	t.Helper()
	ix := sharedIndex(t)
	logs := &gwLog{t: t}
	// Registered first, so it runs last.
	t.Cleanup(func() {
		logs.mu.Lock()
		logs.done = true
		logs.mu.Unlock()
	})
	srv := discordtest.NewServer(t, c.discord)
	var search bot.Searcher = ix
	if c.search != nil {
		search = c.search(ix)
	}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b := bot.New(bot.Config{Searcher: search, Article: ix.Article(), Logger: log, Limiter: c.limiter, Version: "test", LogQuestions: true, PublicURL: c.publicURL})
	guild := c.guildID
	switch guild {
	case "":
		guild = gwGuild
	case "-":
		guild = ""
	}
	m := &gwMetrics{}
	gw, err := gateway.New(b, gateway.Config{
		Token: srv.Options().Token, AppID: c.appID, GuildID: guild, APIURL: srv.APIURL(),
		ShardID: c.shardID, ShardCount: c.shardCount, SlowAfter: c.slowAfter,
		Logger: log, Metrics: m, Sleep: c.sleep, AnswerForums: c.forums,
	})
	if err != nil {
		t.Fatal(err)
	}
	e := &gwEnv{t: t, srv: srv, gw: gw, metrics: m, logs: logs}
	// Registered after NewServer, so it runs before the server closes.
	t.Cleanup(e.close)
	if !c.noOpen {
		if err := gw.Open(ctxFor(t)); err != nil {
			t.Fatalf("Open: %v", err)
		}
	}
	return e
}

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), gwWait)
	t.Cleanup(cancel)
	return ctx
}

// close closes the gateway (again: Close may be called twice) and checks
// that it let go of Discord and never logged the token.
func (e *gwEnv) close() {
	ctx, cancel := context.WithTimeout(context.Background(), gwWait)
	defer cancel()
	if err := e.gw.Close(ctx); err != nil {
		e.t.Errorf("Close: %v", err)
	}
	if err := e.srv.WaitDisconnected(ctx); err != nil {
		e.t.Errorf("after Close: %v", err)
	}
	if strings.Contains(e.logs.String(), e.srv.Options().Token) {
		e.t.Errorf("the token was logged")
	}
}

// waitUntil polls cond, for state the fake cannot wait on.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(gwWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func strOpt(name, v string) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: v}
}

func (e *gwEnv) command(locale, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	return e.srv.DispatchInteraction(&discordgo.Interaction{
		Type: discordgo.InteractionApplicationCommand, GuildID: gwGuild, ChannelID: gwChannel,
		Locale: discordgo.Locale(locale),
		Data:   discordgo.ApplicationCommandInteractionData{Name: name, Options: opts},
	})
}

func (e *gwEnv) ask(locale, question string) *discordgo.Interaction {
	return e.command(locale, "ask", strOpt("question", question))
}

// autocomplete is a member typing typed into /ask's question.
func (e *gwEnv) autocomplete(locale, typed string) *discordgo.Interaction {
	return e.srv.DispatchInteraction(&discordgo.Interaction{
		Type: discordgo.InteractionApplicationCommandAutocomplete, GuildID: gwGuild, ChannelID: gwChannel,
		Locale: discordgo.Locale(locale),
		Data: discordgo.ApplicationCommandInteractionData{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: "question", Type: discordgo.ApplicationCommandOptionString, Value: typed, Focused: true},
		}},
	})
}

// reply waits for the first response to in and checks it.
func (e *gwEnv) reply(t testing.TB, in *discordgo.Interaction) wireResponse {
	t.Helper()
	req, err := e.srv.WaitRequest(ctxFor(t), discordtest.Match("POST", "/interactions/"+in.ID+"/"+in.Token+"/callback"))
	if err != nil {
		t.Fatal(err)
	}
	if req.Status >= 300 {
		t.Fatalf("callback answered %d: %s", req.Status, req.Response)
	}
	var r wireResponse
	if err := req.Decode(&r); err != nil {
		t.Fatalf("callback %s: %v", req.JSON, err)
	}
	if r.Data == nil {
		t.Fatalf("callback without data: %s", req.JSON)
	}
	if r.Type == discordgo.InteractionApplicationCommandAutocompleteResult {
		checkChoices(t, r.Data)
	} else {
		checkWire(t, r.Data)
	}
	return r
}

// original is the message an interaction's response created.
func (e *gwEnv) original(t testing.TB, in *discordgo.Interaction) *discordgo.Message {
	t.Helper()
	got, ok := e.srv.Interaction(in.Token)
	if !ok || got.Original == nil {
		t.Fatalf("interaction %s has no response message: %+v", in.ID, got)
	}
	return got.Original
}

// answerButtons are the custom IDs every answer's buttons must have: more
// results, context, 👍 and 👎.
var answerButtons = []*regexp.Regexp{
	regexp.MustCompile(`^more:`), regexp.MustCompile(`^ctx:`),
	regexp.MustCompile(`^fb:[a-z-]+:up:`), regexp.MustCompile(`^fb:[a-z-]+:down:`),
}

var boldRE = regexp.MustCompile(`\*\*([^*]+)\*\*`)

// bold lists the bold spans of s.
func bold(s string) []string {
	var out []string
	for _, m := range boldRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestGatewayConnectAndRegister(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		setup      gwSetup
		route      string
		wantShard  *[2]int
		wantGuilds string
	}{
		{name: "guild commands", setup: gwSetup{}, route: "/applications/{app}/guilds/" + gwGuild + "/commands", wantGuilds: gwGuild},
		{name: "global commands, app ID learnt from READY", setup: gwSetup{guildID: "-"}, route: "/applications/{app}/commands"},
		{name: "configured app ID, compressed", setup: gwSetup{appID: discordtest.DefaultAppID, discord: discordtest.Options{Compress: true}},
			route: "/applications/{app}/guilds/" + gwGuild + "/commands", wantGuilds: gwGuild},
		{name: "shard 1 of 2", setup: gwSetup{shardID: 1, shardCount: 2}, route: "/applications/{app}/guilds/" + gwGuild + "/commands",
			wantShard: &[2]int{1, 2}, wantGuilds: gwGuild},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := startGateway(t, tt.setup)
			if !e.gw.Ready() {
				t.Error("not ready after Open")
			}
			if got := e.gw.BotUserID(); got != discordtest.DefaultBotUserID {
				t.Errorf("BotUserID = %q", got)
			}
			ids := e.srv.Identifies()
			if len(ids) != 1 {
				t.Fatalf("%d identifies", len(ids))
			}
			id := ids[0]
			if id.Intents != gateway.Intents || id.Intents&discordgo.IntentMessageContent != 0 {
				t.Errorf("intents %b, want %b without MESSAGE_CONTENT", id.Intents, gateway.Intents)
			}
			if (id.Shard == nil) != (tt.wantShard == nil) || (id.Shard != nil && *id.Shard != *tt.wantShard) {
				t.Errorf("shard %v, want %v", id.Shard, tt.wantShard)
			}
			if id.Token != "Bot "+e.srv.Options().Token {
				t.Error("IDENTIFY does not carry the bot token")
			}

			req, err := e.srv.WaitRequest(ctxFor(t), discordtest.Match("PUT", tt.route))
			if err != nil {
				t.Fatal(err)
			}
			if req.Status != 200 || req.Params["app"] != discordtest.DefaultAppID {
				t.Fatalf("bulk overwrite %s -> %d %s", req.Path, req.Status, req.Response)
			}
			var cmds []*discordgo.ApplicationCommand
			if err := req.Decode(&cmds); err != nil {
				t.Fatal(err)
			}
			checkCommands(t, cmds)
			if got := e.srv.Commands(tt.wantGuilds); len(got) != 5 {
				t.Errorf("%d commands registered", len(got))
			}
			// Exactly one registration: no POSTs one by one, no second PUT.
			for _, r := range e.srv.Requests() {
				if strings.Contains(r.Path, "/commands") && r.Path != req.Path {
					t.Errorf("unexpected %s %s", r.Method, r.Path)
				}
			}
		})
	}
}

func checkCommands(t *testing.T, cmds []*discordgo.ApplicationCommand) {
	t.Helper()
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
		if c.Type == discordgo.ChatApplicationCommand && (c.DescriptionLocalizations == nil || (*c.DescriptionLocalizations)[discordgo.ChineseTW] == "" || (*c.DescriptionLocalizations)[discordgo.ChineseCN] == "") {
			t.Errorf("/%s: description localizations %v", c.Name, c.DescriptionLocalizations)
		}
	}
	checkEverywhere(t, cmds)
	if want := []string{"ask", "quote", "topics", "about", "Ask the interview"}; !slices.Equal(names, want) {
		t.Fatalf("commands %v, want %v", names, want)
	}
	q := cmds[0].Options[0]
	if q.Name != "question" || q.Type != discordgo.ApplicationCommandOptionString || !q.Required || !q.Autocomplete {
		t.Errorf("ask option %+v: want a required string 'question' with autocomplete", q)
	}
	if q.NameLocalizations[discordgo.ChineseTW] != "問題" || q.NameLocalizations[discordgo.ChineseCN] != "问题" {
		t.Errorf("question's localised names %v", q.NameLocalizations)
	}
}

func TestGatewayAsk(t *testing.T) {
	t.Parallel()
	e := startGateway(t, gwSetup{})
	tests := []struct {
		locale, question string
		wantBold         []string // one of them is marked: the words, or their synonyms
		check            func(t *testing.T, desc string)
	}{
		{"zh-TW", "研究員為什麼在乎算力?", []string{"算力", "gpu"}, func(t *testing.T, desc string) {
			if zhconv.ToSimplified(desc) == desc {
				t.Errorf("zh-TW answer is not in Traditional script: %q", desc)
			}
		}},
		{"zh-CN", "研究员为什么在乎算力?", []string{"算力", "gpu"}, func(t *testing.T, desc string) {
			if zhconv.ToSimplified(desc) != desc || !zhconv.IsSimplified(desc) {
				t.Errorf("zh-CN answer is not in Simplified script: %q", desc)
			}
		}},
		{"en-US", "Why do researchers care about compute?", []string{"compute", "gpu"}, func(t *testing.T, desc string) {
			english, original, ok := strings.Cut(desc, "**Original**")
			if !ok || !strings.Contains(original, "\n> ") || !index.HasHan(original) {
				t.Errorf("en-US answer has no quoted original: %q", desc)
			}
			if index.HasHan(english) {
				t.Errorf("en-US answer's first part is not English: %q", english)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			t.Parallel()
			r := e.reply(t, e.ask(tt.locale, tt.question))
			if r.Type != discordgo.InteractionResponseChannelMessageWithSource {
				t.Fatalf("type %d", r.Type)
			}
			if r.Data.Flags&discordgo.MessageFlagsEphemeral != 0 || len(r.Data.Embeds) != 1 {
				t.Fatalf("want one public embed: %+v", r.Data)
			}
			desc := r.Data.Embeds[0].Description
			tt.check(t, desc)
			found := false
			for _, b := range bold(desc) {
				found = found || slices.ContainsFunc(tt.wantBold, func(w string) bool { return strings.Contains(strings.ToLower(b), w) })
			}
			if !found {
				t.Errorf("%q is not in bold: bold spans %q", tt.wantBold, bold(desc))
			}
			for _, want := range answerButtons {
				if !slices.ContainsFunc(r.Data.buttons(), want.MatchString) {
					t.Errorf("no %s button: %v", want, r.Data.buttons())
				}
			}
		})
	}
}

// gwSuggester suggests nothing, or suggests late.
type gwSuggester struct {
	bot.Searcher
	delay time.Duration
}

func (s gwSuggester) Suggest(ctx context.Context, typed string, lang language.Lang, n, maxRunes int) []string {
	if s.delay == 0 {
		return nil
	}
	time.Sleep(s.delay)
	return s.Searcher.Suggest(ctx, typed, lang, n, maxRunes)
}

// An autocomplete result with no choices must still carry an empty list:
// discordgo leaves it out, and Discord refuses the result.
func TestGatewayAutocompleteNoChoices(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup gwSetup
	}{
		{"no suggestions", gwSetup{search: func(s bot.Searcher) bot.Searcher { return gwSuggester{Searcher: s} }}},
		{"suggestions too slow", gwSetup{
			search:    func(s bot.Searcher) bot.Searcher { return gwSuggester{Searcher: s, delay: 300 * time.Millisecond} },
			slowAfter: 30 * time.Millisecond,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := startGateway(t, tt.setup)
			if r := e.reply(t, e.autocomplete("", "GPU")); r.Type != discordgo.InteractionApplicationCommandAutocompleteResult || len(r.Data.Choices) != 0 {
				t.Errorf("got %+v", r)
			}
		})
	}
}

// waitMessage waits for the bot's message in channel.
func (e *gwEnv) waitMessage(t testing.TB, channel string) wireMessage {
	t.Helper()
	return waitSent(t, e.srv, discordtest.Match("POST", "/channels/"+channel+"/messages"))
}

func TestGatewayMention(t *testing.T) {
	t.Parallel()
	e := startGateway(t, gwSetup{})
	self := e.gw.BotUserID()
	me := &discordgo.User{ID: self, Username: discordtest.DefaultBotUsername, Bot: true}
	other := &discordgo.User{ID: "1400000000000000001", Username: "otherbot", Bot: true}
	ignored := []struct {
		name string
		m    *discordgo.Message
	}{
		{"another bot", &discordgo.Message{Author: other, Content: "<@" + self + "> 算力", Mentions: []*discordgo.User{me}}},
		{"itself", &discordgo.Message{Author: me, Content: "<@" + self + "> 算力", Mentions: []*discordgo.User{me}}},
		{"no mention", &discordgo.Message{Content: "研究員為什麼在乎算力?"}},
		{"someone else mentioned", &discordgo.Message{Content: "<@1400000000000000002> 算力", Mentions: []*discordgo.User{{ID: "1400000000000000002"}}}},
	}
	for _, tt := range ignored {
		tt.m.ChannelID, tt.m.GuildID = "1300000000000000010", gwGuild
		e.srv.DispatchMessageCreate(tt.m)
	}
	tests := []struct {
		name, channel, content string
		nick                   bool
	}{
		{"mention", "1300000000000000011", "<@" + self + "> 研究員為什麼在乎算力?", false},
		{"nickname mention", "1300000000000000012", "<@!" + self + "> why do researchers care about compute?", false},
		{"only a mention", "1300000000000000013", "<@" + self + ">", false},
	}
	sent := map[string]*discordgo.Message{}
	for _, tt := range tests {
		sent[tt.channel] = e.srv.DispatchMessageCreate(&discordgo.Message{
			ChannelID: tt.channel, GuildID: gwGuild, Content: tt.content, Mentions: []*discordgo.User{me},
		})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := e.waitMessage(t, tt.channel)
			q := sent[tt.channel]
			if m.Reference == nil || m.Reference.MessageID != q.ID || m.Reference.ChannelID != tt.channel {
				t.Errorf("not a reply to %s: %+v", q.ID, m.Reference)
			}
			if m.AllowedMentions == nil || m.AllowedMentions.RepliedUser == nil || *m.AllowedMentions.RepliedUser {
				t.Errorf("the reply pings the asker: %+v", m.AllowedMentions)
			}
			if len(m.Embeds) == 0 && m.Content == "" {
				t.Error("empty reply")
			}
		})
	}
	// Close waits for every reply in flight: after it, nothing else may
	// have been sent.
	e.close()
	n := 0
	for _, r := range e.srv.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/messages") {
			n++
			if r.Params["channel"] == "1300000000000000010" {
				t.Errorf("answered an ignored message: %s", r.JSON)
			}
		}
	}
	if n != len(tests) {
		t.Errorf("%d messages sent, want %d", n, len(tests))
	}
}

// gwSlowSearcher answers like the index, late, and says when a search
// starts.
type gwSlowSearcher struct {
	bot.Searcher
	delay   time.Duration
	started chan<- struct{}
}

func (s gwSlowSearcher) Search(ctx context.Context, req index.Request) (*index.Result, error) {
	if s.started != nil {
		s.started <- struct{}{}
	}
	time.Sleep(s.delay)
	return s.Searcher.Search(ctx, req)
}

func TestGatewayDeferred(t *testing.T) {
	t.Parallel()
	e := startGateway(t, gwSetup{
		search:    func(s bot.Searcher) bot.Searcher { return gwSlowSearcher{Searcher: s, delay: 400 * time.Millisecond} },
		slowAfter: 50 * time.Millisecond,
	})
	tests := []struct {
		name      string
		in        func() *discordgo.Interaction
		ephemeral bool
	}{
		{"public", func() *discordgo.Interaction { return e.ask("zh-TW", "研究員為什麼在乎算力?") }, false},
		{"private", func() *discordgo.Interaction {
			return e.command("en-US", "ask", strOpt("question", "compute"),
				&discordgo.ApplicationCommandInteractionDataOption{Name: "private", Type: discordgo.ApplicationCommandOptionBoolean, Value: true})
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := tt.in()
			r := e.reply(t, in)
			if r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
				t.Fatalf("type %d, want 5 (deferred)", r.Type)
			}
			if got := r.Data.Flags&discordgo.MessageFlagsEphemeral != 0; got != tt.ephemeral {
				t.Errorf("deferred ephemeral = %v, want %v", got, tt.ephemeral)
			}
			edit := waitSent(t, e.srv, discordtest.Match("PATCH", "/webhooks/"+in.AppID+"/"+in.Token+"/messages/@original"))
			if len(edit.Embeds) != 1 {
				t.Errorf("edit: %+v", edit)
			}
			orig := e.original(t, in)
			if orig.Flags&(1<<7) != 0 || len(orig.Embeds) != 1 {
				t.Errorf("the answer did not replace the 'thinking' message: %+v", orig)
			}
		})
	}
}

func TestGatewayResilience(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		discord discordtest.Options
		// disrupt breaks the connection; the bot must come back, and an
		// interaction dispatched right after must be answered.
		disrupt func(t *testing.T, e *gwEnv)
		// recovered waits for the new session.
		recovered func(*discordtest.Server, context.Context) error
		identify  int // IDENTIFYs in all
		replay    bool
		// lost: the interaction dispatched during the disruption may never
		// be delivered, so it is not waited for. discordgo answers op 9 by
		// identifying anew even when Discord says the session is
		// resumable, so what Discord queued for the old session is gone
		// and a member sees "interaction failed". (Whether the fake queued
		// it for the old session or the new one depends on who is faster,
		// the test or discordgo's IDENTIFY, so the loss is not asserted.)
		lost bool
	}{
		{name: "dropped connection", discord: discordtest.Options{Compress: true},
			disrupt: func(t *testing.T, e *gwEnv) {
				if err := e.srv.DropConnection(); err != nil {
					t.Fatal(err)
				}
			}, recovered: (*discordtest.Server).WaitResumed, identify: 1, replay: true},
		{name: "op 7 reconnect",
			disrupt: func(t *testing.T, e *gwEnv) {
				if err := e.srv.SendReconnect(); err != nil {
					t.Fatal(err)
				}
			}, recovered: (*discordtest.Server).WaitResumed, identify: 1},
		{name: "op 9 resumable",
			disrupt: func(t *testing.T, e *gwEnv) {
				if err := e.srv.SendInvalidSession(true); err != nil {
					t.Fatal(err)
				}
			}, recovered: (*discordtest.Server).WaitReady, identify: 2, lost: true},
		{name: "op 9 not resumable",
			disrupt: func(t *testing.T, e *gwEnv) {
				if err := e.srv.SendInvalidSession(false); err != nil {
					t.Fatal(err)
				}
			}, recovered: (*discordtest.Server).WaitReady, identify: 2},
		// discordgo calls a connection a zombie after five intervals with
		// no ACK. The interval is short so that it is found soon, and long
		// enough that a test machine busy with the race detector and other
		// tests never stalls the ACKs for five of them by itself: at 100 ms
		// a spurious reconnect before the disruption lost the first
		// question now and then under load.
		{name: "missed heartbeat ACKs", discord: discordtest.Options{HeartbeatInterval: 300 * time.Millisecond},
			disrupt: func(t *testing.T, e *gwEnv) {
				ctx := ctxFor(t)
				if _, err := e.srv.WaitStats(ctx, func(st discordtest.Stats) bool { return st.HeartbeatACKs >= 2 }); err != nil {
					t.Fatal(err)
				}
				e.srv.SetHeartbeatACK(false)
				if _, err := e.srv.WaitStats(ctx, func(st discordtest.Stats) bool { return st.Connections >= 2 }); err != nil {
					t.Fatal(err)
				}
				e.srv.SetHeartbeatACK(true)
			},
			// discordgo closes a zombie with 1000, which ends the session:
			// its RESUME gets op 9 and it identifies again.
			recovered: (*discordtest.Server).WaitReady, identify: 2},
	}
	var cases []subtest
	for _, tt := range tests {
		cases = append(cases, subtest{tt.name, func(t *testing.T) {
			// The IDENTIFY after op 9 waits its turn: on the test clock,
			// no time.
			e := startGateway(t, gwSetup{discord: tt.discord, sleep: newClock(false).sleep})
			ctx := ctxFor(t)
			if r := e.reply(t, e.ask("en-US", "compute")); len(r.Data.Embeds) == 0 {
				t.Fatal("not answered before the disruption")
			}
			if err := e.srv.WaitSettled(ctx); err != nil {
				t.Fatal(err)
			}
			tt.disrupt(t, e)
			in := e.ask("zh-TW", "算力")
			if err := tt.recovered(e.srv, ctx); err != nil {
				t.Fatal(err)
			}
			if !tt.lost {
				if r := e.reply(t, in); len(r.Data.Embeds) == 0 {
					t.Fatalf("not answered across the disruption: %+v", r.Data)
				}
			}
			if r := e.reply(t, e.ask("zh-CN", "算力")); len(r.Data.Embeds) == 0 {
				t.Fatalf("not answered after the disruption: %+v", r.Data)
			}
			waitUntil(t, "readiness", e.gw.Ready)
			waitUntil(t, "a counted reconnect", func() bool { return e.metrics.reconnects.Load() >= 1 })
			st := e.srv.Stats()
			if st.Identifies != tt.identify {
				t.Errorf("%d IDENTIFYs, want %d (stats %+v)", st.Identifies, tt.identify, st)
			}
			if tt.replay && st.Replayed < 1 {
				t.Errorf("nothing replayed (stats %+v)", st)
			}
			// Registration runs beside the disruption; once it is done, no
			// new READY may register again.
			if _, err := e.srv.WaitRequest(ctx, discordtest.Match("PUT", "/applications/{app}/guilds/"+gwGuild+"/commands")); err != nil {
				t.Fatal(err)
			}
			puts := 0
			for _, r := range e.srv.Requests() {
				if r.Method == "PUT" {
					puts++
				}
			}
			if puts != 1 {
				t.Errorf("commands registered %d times, want once per process", puts)
			}
		}})
	}
	sideBySide(t, cases...)
}

func TestGatewayWrongToken(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	const token = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.wrong1.not-the-token-discord-knows"
	b := bot.New(bot.Config{Searcher: sharedIndex(t), Article: sharedIndex(t).Article()})
	gw, err := gateway.New(b, gateway.Config{Token: token, APIURL: srv.APIURL()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), gwWait)
	defer cancel()
	err = gw.Open(ctx)
	if err == nil || !strings.Contains(err.Error(), "4004") || !strings.Contains(err.Error(), "Reset Token") {
		t.Errorf("Open = %v, want the 4004 close explained", err)
	}
	if err != nil && strings.Contains(err.Error(), token) {
		t.Error("the error shows the token")
	}
	if err := gw.Close(ctx); err != nil {
		t.Errorf("Close after a failed Open: %v", err)
	}
	if gw.Ready() {
		t.Error("ready without a session")
	}
}

// A gateway that accepts the connection and then says nothing must not
// hang Open: discordgo reads HELLO without a deadline. Open gives up when
// its context ends, whether that is during the handshake or before the
// websocket is even dialled (a connection dialled after the abandonment
// is refused, or nothing would ever close it).
func TestGatewaySilentServer(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	mux := http.NewServeMux()
	var base string
	mux.HandleFunc("GET /api/v9/gateway", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"url":%q}`, "ws"+strings.TrimPrefix(base, "http")+"/ws")
	})
	// discordgo adds a slash to the URL it is given.
	mux.HandleFunc("/ws/", func(w http.ResponseWriter, r *http.Request) {
		up := websocket.Upgrader{}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		<-release
	})
	hs := httptest.NewServer(mux)
	base = hs.URL
	t.Cleanup(hs.Close)
	t.Cleanup(func() { close(release) })

	for _, tt := range []struct {
		name    string
		timeout time.Duration
	}{
		{"abandoned in the handshake", 300 * time.Millisecond},
		{"abandoned before the dial", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := bot.New(bot.Config{Searcher: sharedIndex(t), Article: sharedIndex(t).Article()})
			gw, err := gateway.New(b, gateway.Config{Token: "x", APIURL: hs.URL + "/api/v9"})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
			defer cancel()
			start := time.Now()
			opened := make(chan error, 1)
			go func() { opened <- gw.Open(ctx) }()
			select {
			case err := <-opened:
				if err == nil || !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("Open = %v, want the handshake abandoned", err)
				}
			case <-time.After(gwWait):
				t.Fatalf("Open still waits for HELLO %v after its context ended", gwWait)
			}
			if took := time.Since(start); took > 3*time.Second {
				t.Errorf("Open took %v", took)
			}
			if err := gw.Close(context.Background()); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

func TestNewGatewayRefuses(t *testing.T) {
	t.Parallel()
	b := bot.New(bot.Config{Searcher: sharedIndex(t), Article: sharedIndex(t).Article()})
	tests := []struct {
		name string
		cfg  gateway.Config
	}{
		{"no token", gateway.Config{}},
		{"only the prefix", gateway.Config{Token: "Bot "}},
		{"shard out of range", gateway.Config{Token: "x", ShardID: 2, ShardCount: 2}},
		{"negative shard", gateway.Config{Token: "x", ShardID: -1}},
		{"bad API URL", gateway.Config{Token: "x", APIURL: "ftp://example.com/api"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := gateway.New(b, tt.cfg); err == nil {
				t.Error("NewGateway accepted it")
			}
		})
	}
}

func TestGatewayCloseDuringReconnect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		disrupt func(t *testing.T, e *gwEnv)
	}{
		// discordgo's heartbeat goroutine, started at the end of Open,
		// writes at once; a Close before that write used to make it
		// reconnect behind Close's back.
		{"right after Open", func(*testing.T, *gwEnv) {}},
		{"while resuming", func(t *testing.T, e *gwEnv) {
			if err := e.srv.DropConnection(); err != nil {
				t.Fatal(err)
			}
		}},
		{"after op 7", func(t *testing.T, e *gwEnv) {
			if err := e.srv.SendReconnect(); err != nil {
				t.Fatal(err)
			}
		}},
	}
	var cases []subtest
	for _, tt := range tests {
		cases = append(cases, subtest{tt.name, func(t *testing.T) {
			e := startGateway(t, gwSetup{discord: discordtest.Options{HeartbeatInterval: 200 * time.Millisecond}})
			tt.disrupt(t, e)
			e.close()
			conns := e.srv.Stats().Connections
			// Long enough for discordgo's old reconnect loop (1 s backoff)
			// and for several heartbeats.
			time.Sleep(1500 * time.Millisecond)
			if st := e.srv.Stats(); st.Live != 0 || st.Connections != conns {
				t.Errorf("the session came back after Close: %+v", st)
			}
			if e.gw.Ready() {
				t.Error("ready after Close")
			}
		}})
	}
	sideBySide(t, cases...)
}

// subtest is a named subtest for sideBySide.
type subtest struct {
	name string
	run  func(t *testing.T)
}

// sideBySide runs the subtests at once. Unlike t.Parallel subtests they do
// not wait for one of -parallel's slots (two, on a two-core machine): a
// Gateway test spends its time asleep in discordgo's one-second Close, not
// on a core.
func sideBySide(t *testing.T, tests ...subtest) {
	t.Helper()
	var wg sync.WaitGroup
	for _, tt := range tests {
		wg.Go(func() { t.Run(tt.name, tt.run) })
	}
	wg.Wait()
}

// labelled counts the goroutines that carry the pprof label key, and
// describes them. A goroutine inherits the labels of the one that starts
// it, so a test that labels its own goroutine can count every goroutine
// it started, directly or not, while other tests run beside it.
func labelled(key string) (n int, stacks string) {
	var b bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&b, 1)
	var out strings.Builder
	for group := range strings.SplitSeq(b.String(), "\n\n") {
		if !strings.Contains(group, "# labels: ") || !strings.Contains(group, `"`+key+`"`) {
			continue
		}
		for line := range strings.SplitSeq(group, "\n") {
			if count, _, ok := strings.Cut(line, " @ "); ok {
				if c, err := strconv.Atoi(count); err == nil {
					n += c
				}
				break
			}
		}
		out.WriteString(group + "\n\n")
	}
	return n, out.String()
}

// goroutinesGone waits for every goroutine labelled key to end, and shows
// their stacks when some do not.
func goroutinesGone(t *testing.T, key string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, stacks := labelled(key)
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%d goroutines still running:\n%s", n, stacks)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestGatewayShutdown: Close delivers what is in flight, ends every wait,
// and leaves no goroutine behind: it counts those its cases started, by
// their label, beside the tests that run in parallel.
func TestGatewayShutdown(t *testing.T) {
	t.Parallel()
	sharedIndex(t) // built outside the label: the index's workers live on
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"reply in flight is delivered", func(t *testing.T) {
			started := make(chan struct{}, 1)
			e := startGateway(t, gwSetup{
				search: func(s bot.Searcher) bot.Searcher {
					return gwSlowSearcher{Searcher: s, delay: 700 * time.Millisecond, started: started}
				},
				slowAfter: 10 * time.Second,
			})
			in := e.ask("en-US", "compute")
			<-started
			closed := make(chan error, 1)
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), gwWait)
				defer cancel()
				closed <- e.gw.Close(ctx)
			}()
			waitUntil(t, "Close to begin", func() bool { return !e.gw.Ready() })
			late := e.ask("en-US", "GPU")
			if err := <-closed; err != nil {
				t.Fatalf("Close: %v", err)
			}
			when := time.Now()
			r := e.reply(t, in)
			if len(r.Data.Embeds) == 0 {
				t.Errorf("the reply in flight: %+v", r.Data)
			}
			req, _ := e.srv.WaitRequest(ctxFor(t), discordtest.Match("POST", "/interactions/"+in.ID+"/{token}/callback"))
			if req.Time.After(when) {
				t.Error("Close returned before the reply in flight was delivered")
			}
			if got, _ := e.srv.Interaction(late.Token); got.Acknowledged {
				t.Error("answered an interaction that arrived after Close began")
			}
		}},
		{"idle", func(t *testing.T) {
			e := startGateway(t, gwSetup{})
			e.reply(t, e.ask("zh-TW", "算力"))
			e.close()
		}},
		{"after reconnects", func(t *testing.T) {
			e := startGateway(t, gwSetup{discord: discordtest.Options{HeartbeatInterval: 200 * time.Millisecond}})
			ctx := ctxFor(t)
			for range 2 {
				if err := e.srv.WaitSettled(ctx); err != nil {
					t.Fatal(err)
				}
				if err := e.srv.DropConnection(); err != nil {
					t.Fatal(err)
				}
				if err := e.srv.WaitResumed(ctx); err != nil {
					t.Fatal(err)
				}
			}
			e.close()
		}},
		{"waiting out rate limits when Close begins", func(t *testing.T) {
			e := startGateway(t, gwSetup{
				search:    func(s bot.Searcher) bot.Searcher { return gwSlowSearcher{Searcher: s, delay: 100 * time.Millisecond} },
				slowAfter: 20 * time.Millisecond,
				noOpen:    true,
			})
			// Registration waits out a minute-long global limit, which
			// interactions escape. A first response asked to wait a minute
			// gives up at once; a deferred answer's edit asked to wait 25 s
			// waits. Close ends every wait.
			e.srv.RateLimitGlobalOnce("PUT", "/applications/{app}/guilds/"+gwGuild+"/commands", time.Minute)
			e.srv.RateLimitOnce("POST", "/interactions/{id}/first-response-429/callback", time.Minute)
			e.srv.RateLimitOnce("PATCH", "/webhooks/{app}/edit-429/messages/@original", 25*time.Second)
			if err := e.gw.Open(ctxFor(t)); err != nil {
				t.Fatal(err)
			}
			first := e.askAs("first-response-429", "compute")
			deferred := e.askAs("edit-429", "compute")
			e.waitLogged(t, "reply to interaction", first.ID, "rate limit")
			e.waitLogged(t, "retrying", "PUT")
			e.waitLogged(t, "retrying", "PATCH")
			// And an IDENTIFY held back after op 9, for a second or more.
			if err := e.srv.SendInvalidSession(false); err != nil {
				t.Fatal(err)
			}
			e.waitLogged(t, "identifying anew after a wait")
			closeQuickly(t, e)
			if line := e.waitLogged(t, "reply to interaction", deferred.ID); !strings.Contains(line, "shutting down") {
				t.Errorf("logged %q, want the edit given up for the shutdown", line)
			}
		}},
		{"Discord gone, reconnect failing", func(t *testing.T) {
			c := newClock(true)
			e := startGateway(t, gwSetup{sleep: c.sleep})
			if err := e.srv.WaitSettled(ctxFor(t)); err != nil {
				t.Fatal(err)
			}
			e.srv.Close()
			c.next(t) // a failed attempt, then backoff
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), gwWait)
			defer cancel()
			if err := e.gw.Close(ctx); err != nil {
				t.Errorf("Close: %v", err)
			}
			if took := time.Since(start); took > 3*time.Second {
				t.Errorf("Close took %v", took)
			}
		}},
	}
	// Side by side, each in a subtest whose cleanups close its gateway and
	// its fake: then every goroutine any of them started must be gone.
	const label = "gateway-shutdown-test"
	cases := make([]subtest, len(tests))
	for i, tt := range tests {
		cases[i] = subtest{tt.name, tt.run}
	}
	pprof.Do(context.Background(), pprof.Labels(label, "1"), func(context.Context) {
		sideBySide(t, cases...)
	})
	goroutinesGone(t, label)
}

// closeQuickly closes the gateway and fails if that takes longer than
// discordgo's own second and a bit.
func closeQuickly(t *testing.T, e *gwEnv) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), gwWait)
	defer cancel()
	start := time.Now()
	if err := e.gw.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Close took %v", took)
	}
}

// TestGatewayRegistrationRetries: when registering the commands fails, the
// next READY (a new session) registers them again. (That a READY after a
// registration that worked leaves the commands alone is checked by
// TestGatewayResilience.)
func TestGatewayRegistrationRetries(t *testing.T) {
	t.Parallel()
	e := startGateway(t, gwSetup{noOpen: true, sleep: newClock(false).sleep})
	route := "/applications/{app}/guilds/" + gwGuild + "/commands"
	e.srv.FailOnce("PUT", route, http.StatusForbidden, 50001, "Missing Access")
	if err := e.gw.Open(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	puts := func() (statuses []int) {
		for _, r := range e.srv.Requests() {
			if r.Method == "PUT" {
				statuses = append(statuses, r.Status)
			}
		}
		return statuses
	}
	waitUntil(t, "a failed registration", func() bool {
		return len(puts()) == 1 && strings.Contains(e.logs.String(), "register commands")
	})
	if err := e.srv.SendInvalidSession(false); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "registration after the new READY", func() bool { return len(puts()) >= 2 })
	if got := puts(); !slices.Equal(got, []int{http.StatusForbidden, http.StatusOK}) {
		t.Errorf("PUT statuses %v, want [403 200]", got)
	}
}
