package bot_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/bot/discordtest"
)

const (
	gwForum      = "1300000000000000020"
	gwOtherForum = "1300000000000000021"
)

// TestGatewayForum opens posts in a watched forum and in another one. Only
// a post the interview answers gets a reply: one, in its thread, replying
// to its first message without pinging, with the line that points to /ask,
// and 👍 and 👎 added under it. An unsure guess, small talk and a miss get
// nothing, and neither does a post in a forum not watched.
func TestGatewayForum(t *testing.T) {
	t.Parallel()
	e := startGateway(t, gwSetup{
		forums:  []string{gwForum},
		discord: discordtest.Options{PrivilegedIntents: discordgo.IntentMessageContent},
	})
	if ids := e.srv.Identifies(); len(ids) != 1 || ids[0].Intents != bot.GatewayIntents|discordgo.IntentMessageContent {
		t.Fatalf("identifies %+v, want one with MESSAGE_CONTENT", ids)
	}
	tests := []struct {
		name, forum, title, content string
		answered                    bool
		wantHint                    string
	}{
		{"answer", gwForum, "算力", "研究員為什麼在乎算力?", true, "沒有幫助?試試用 `/ask`"},
		{"answer in English", gwForum, "Compute", "Why do researchers care about compute?", true, "Not helpful? Try `/ask`"},
		{"unsure", gwForum, "Mars", "what's the weather on Mars?", false, ""},
		{"no answer", gwForum, "Football", "who won the world cup in 1998", false, ""},
		{"small talk", gwForum, "hi", "thanks!", false, ""},
		{"another forum", gwOtherForum, "算力", "研究員為什麼在乎算力?", false, ""},
	}
	threads := map[string]*discordgo.Message{}
	for _, tt := range tests {
		_, starter := e.srv.DispatchForumPost(gwGuild, tt.forum, tt.title, tt.content)
		threads[tt.name] = starter
	}
	for _, tt := range tests {
		if !tt.answered {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			starter := threads[tt.name]
			m := e.waitMessage(t, starter.ChannelID)
			if m.Reference == nil || m.Reference.MessageID != starter.ID {
				t.Errorf("not a reply to the post: %+v", m.Reference)
			}
			if m.AllowedMentions == nil || m.AllowedMentions.RepliedUser == nil || *m.AllowedMentions.RepliedUser {
				t.Errorf("the reply pings the author: %+v", m.AllowedMentions)
			}
			if !strings.HasPrefix(m.Content, tt.wantHint) {
				t.Errorf("content %q, want %q", m.Content, tt.wantHint)
			}
			if len(m.Embeds) != 1 || m.Embeds[0].Author != nil {
				t.Errorf("want one passage, without the unsure caveat: %+v", m.Embeds)
			}
		})
	}
	// Close waits for every reply in flight: after it, nothing else may
	// be sent.
	e.close()
	answered := map[string]string{} // thread → the reply's ID
	for _, r := range e.srv.Requests() {
		if r.Method == "POST" && strings.HasPrefix(r.Path, "/channels/") {
			if _, dup := answered[r.Params["channel"]]; dup {
				t.Errorf("a second reply in thread %s", r.Params["channel"])
			}
			var m struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(r.Response, &m); err != nil {
				t.Fatal(err)
			}
			answered[r.Params["channel"]] = m.ID
		}
	}
	reactions := e.srv.Reactions()
	for _, tt := range tests {
		thread := threads[tt.name].ChannelID
		reply, ok := answered[thread]
		if ok != tt.answered {
			t.Errorf("%s: answered %v, want %v", tt.name, ok, tt.answered)
			continue
		}
		var got []string
		for _, r := range reactions {
			if r.ChannelID == thread && r.MessageID == reply {
				got = append(got, r.Emoji)
			}
		}
		if want := map[bool]string{true: "👍 👎", false: ""}[ok]; strings.Join(got, " ") != want {
			t.Errorf("%s: reactions %q, want %q", tt.name, got, want)
		}
	}
	if lines := strings.Count(e.logs.String(), "command=forum"); lines != len(tests)-1 {
		t.Errorf("%d log lines for the route forum, want one per post in the watched forum (%d)", lines, len(tests)-1)
	}
}

// TestGatewayForumIntentRefused runs with forum answers asked for but the
// Message Content intent not allowed: Discord closes the IDENTIFY with
// 4014, the bot says how to switch the intent on, identifies without it and
// keeps answering everything else; forum posts get no reply.
func TestGatewayForumIntentRefused(t *testing.T) {
	t.Parallel()
	e := startGateway(t, gwSetup{forums: []string{gwForum}})
	ids := e.srv.Identifies()
	if len(ids) != 2 || ids[0].Intents&discordgo.IntentMessageContent == 0 || ids[1].Intents != bot.GatewayIntents {
		t.Fatalf("identifies %+v: want one with MESSAGE_CONTENT, then one without", ids)
	}
	if n := e.srv.Stats().Disallowed; n != 1 {
		t.Errorf("%d IDENTIFYs closed with 4014, want 1", n)
	}
	if !e.gw.Ready() {
		t.Error("not ready")
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, "Bot → Privileged Gateway Intents → Message Content Intent") {
		t.Errorf("no warning that says how to switch the intent on:\n%s", logs)
	}
	_, starter := e.srv.DispatchForumPost(gwGuild, gwForum, "算力", "研究員為什麼在乎算力?")
	r := e.reply(t, e.ask("en-US", "Why do researchers care about compute?"))
	if len(r.Data.Embeds) != 1 {
		t.Errorf("/ask after the refusal: %+v", r.Data)
	}
	e.close()
	for _, req := range e.srv.Requests() {
		if strings.HasPrefix(req.Path, "/channels/"+starter.ChannelID) {
			t.Errorf("answered a forum post without the intent: %s %s", req.Method, req.Path)
		}
	}
	select {
	case <-e.gw.Done():
		t.Errorf("the gateway gave up: %v", e.gw.Err())
	default:
	}
}

// TestGatewayForumIntentRevoked: the Message Content intent is switched off
// in the Developer Portal while the bot runs. The next IDENTIFY (after an
// op 9 that ends the session) is closed with 4014; the bot warns, connects
// again without the intent, and keeps answering /ask, without forum answers.
func TestGatewayForumIntentRevoked(t *testing.T) {
	t.Parallel()
	// The IDENTIFY after op 9 waits its turn: on the test clock, no time.
	e := startGateway(t, gwSetup{
		forums:  []string{gwForum},
		discord: discordtest.Options{PrivilegedIntents: discordgo.IntentMessageContent},
		sleep:   newClock(false).sleep,
	})
	ctx := ctxFor(t)
	if err := e.srv.WaitSettled(ctx); err != nil {
		t.Fatal(err)
	}
	e.srv.SetPrivilegedIntents(0)
	if err := e.srv.SendInvalidSession(false); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "an IDENTIFY without MESSAGE_CONTENT", func() bool {
		ids := e.srv.Identifies()
		return len(ids) >= 3 && ids[len(ids)-1].Intents == bot.GatewayIntents
	})
	if err := e.srv.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if n := e.srv.Stats().Disallowed; n != 1 {
		t.Errorf("%d IDENTIFYs closed with 4014, want 1", n)
	}
	if !strings.Contains(e.logs.String(), "Bot → Privileged Gateway Intents → Message Content Intent") {
		t.Errorf("no warning that says how to switch the intent on:\n%s", e.logs.String())
	}
	_, starter := e.srv.DispatchForumPost(gwGuild, gwForum, "算力", "研究員為什麼在乎算力?")
	if r := e.reply(t, e.ask("en-US", "Why do researchers care about compute?")); len(r.Data.Embeds) != 1 {
		t.Errorf("/ask after the refusal: %+v", r.Data)
	}
	e.close()
	for _, req := range e.srv.Requests() {
		if strings.HasPrefix(req.Path, "/channels/"+starter.ChannelID) {
			t.Errorf("answered a forum post without the intent: %s %s", req.Method, req.Path)
		}
	}
	select {
	case <-e.gw.Done():
		t.Errorf("the gateway gave up: %v", e.gw.Err())
	default:
	}
}
