package gateway_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/bot/gateway"
	"github.com/interviewbot/interviewbot/internal/discordtest"
)

// askMessage is the message command's name, as registered.
const askMessage = "Ask the interview"

// checkEverywhere checks that every command can be used in servers, the
// bot's DMs and other DMs, installed to a server or to a member's account.
func checkEverywhere(t *testing.T, cmds []*discordgo.ApplicationCommand) {
	t.Helper()
	for _, c := range cmds {
		if c.Contexts == nil || !slices.Equal(*c.Contexts, []discordgo.InteractionContextType{0, 1, 2}) {
			t.Errorf("%q: contexts %v, want [0 1 2]", c.Name, c.Contexts)
		}
		if c.IntegrationTypes == nil || !slices.Equal(*c.IntegrationTypes, []discordgo.ApplicationIntegrationType{0, 1}) {
			t.Errorf("%q: integration types %v, want [0 1]", c.Name, c.IntegrationTypes)
		}
	}
}

// TestGatewayRegistrationPayload reads the registration as sent, field by
// field, so that a default filled in by a decoder cannot hide a missing
// one: slash commands say "type": 1, the message command is type 3 with
// localised names and no description, and all carry contexts and
// integration types.
func TestGatewayRegistrationPayload(t *testing.T) {
	t.Parallel()
	e := startGateway(t, gwSetup{})
	if _, err := e.srv.WaitRequest(ctxFor(t), discordtest.Match("PUT", "/applications/{app}/guilds/{guild}/commands")); err != nil {
		t.Fatal(err)
	}
	regs := e.srv.Registrations()
	if len(regs) != 1 || regs[0].Scope != gwGuild {
		t.Fatalf("registrations %+v, want one in guild %s", regs, gwGuild)
	}
	var cmds []map[string]any
	if err := json.Unmarshal(regs[0].JSON, &cmds); err != nil {
		t.Fatal(err)
	}
	byName := map[string]map[string]any{}
	for _, c := range cmds {
		byName[c["name"].(string)] = c
	}
	tests := []struct {
		name     string
		typ      float64
		names    map[string]string // name_localizations
		describe bool
	}{
		{"ask", 1, map[string]string{}, true},
		{"quote", 1, map[string]string{}, true},
		{"topics", 1, map[string]string{}, true},
		{"about", 1, map[string]string{}, true},
		{askMessage, 3, map[string]string{"zh-TW": "問訪談", "zh-CN": "问访谈"}, false},
	}
	if len(cmds) != len(tests) {
		t.Errorf("%d commands registered, want %d", len(cmds), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := byName[tt.name]
			if !ok {
				t.Fatalf("not registered: %s", regs[0].JSON)
			}
			if typ, ok := c["type"].(float64); !ok || typ != tt.typ {
				t.Errorf("type %v, want %v given explicitly", c["type"], tt.typ)
			}
			if got := c["contexts"]; !jsonEqual(got, []any{0.0, 1.0, 2.0}) {
				t.Errorf("contexts %v, want [0 1 2]", got)
			}
			if got := c["integration_types"]; !jsonEqual(got, []any{0.0, 1.0}) {
				t.Errorf("integration_types %v, want [0 1]", got)
			}
			desc, _ := c["description"].(string)
			if tt.describe != (desc != "") {
				t.Errorf("description %q", desc)
			}
			for locale, want := range tt.names {
				names, _ := c["name_localizations"].(map[string]any)
				if names[locale] != want {
					t.Errorf("name in %s = %v, want %q", locale, names[locale], want)
				}
			}
		})
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestGatewayMessageCommand uses "Ask the interview" on messages of every
// kind: questions get the outcome /ask would give, in public, under a link
// to the message and pinging no one; messages that cannot be asked get a
// notice only the member sees. Every reply is an interaction response: the
// bot never posts in the channel itself, so the command works where it is
// not a member (user installs, DMs).
func TestGatewayMessageCommand(t *testing.T) {
	t.Parallel()
	e := startGateway(t, gwSetup{publicURL: "https://bot.example.com/"})
	other := &discordgo.User{ID: "1400000000000000009", Username: "member"}
	tests := []struct {
		name, locale, guild string
		ctx                 discordgo.InteractionContextType
		target              *discordgo.Message
		wantEmbed           string // the embed's author, or title, starts so; "" for no embed
		wantLink            bool   // the embed links to the passage on the site
		wantNotice          string // an ephemeral notice containing this
		wantContent         string
	}{
		{name: "answer in a server", locale: "zh-TW", guild: gwGuild, ctx: 0,
			target:    &discordgo.Message{Author: other, Content: "<@1400000000000000002> 研究員為什麼在乎算力?"},
			wantEmbed: "📝", wantLink: true},
		{name: "answer in a DM, user install", locale: "en-US", ctx: 2,
			target:    &discordgo.Message{Author: other, Content: "Why do researchers care about compute?"},
			wantEmbed: "🎙️", wantLink: true},
		{name: "unsure", locale: "en-US", guild: gwGuild,
			target:    &discordgo.Message{Author: other, Content: "what's the weather on Mars?"},
			wantEmbed: "🤔 The interview may not answer", wantLink: true},
		{name: "none", locale: "en-US", guild: gwGuild,
			target:    &discordgo.Message{Author: other, Content: "who won the world cup in 1998"},
			wantEmbed: "🤔"},
		{name: "chat", locale: "en-US", guild: gwGuild,
			target:      &discordgo.Message{Author: other, Content: "thanks!"},
			wantContent: "You're welcome"},
		{name: "embed only", locale: "en-US", guild: gwGuild,
			target:     &discordgo.Message{Author: other, Embeds: []*discordgo.MessageEmbed{{Title: "a link preview"}}},
			wantNotice: "no text I can ask about"},
		{name: "only mentions", locale: "zh-CN", guild: gwGuild,
			target:     &discordgo.Message{Author: other, Content: "<@1400000000000000002> <#1300000000000000002>"},
			wantNotice: "没有可以提问的文字"},
		{name: "over-long", locale: "zh-TW", guild: gwGuild,
			target:     &discordgo.Message{Author: other, Content: strings.Repeat("算力", bot.MaxQuestionLength)},
			wantNotice: "太長"},
	}
	// The group returns once its parallel subtests are done: then every
	// request they caused has been made.
	t.Run("group", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				i := e.srv.MessageCommand(askMessage, tt.guild, gwChannel, tt.locale, tt.target)
				i["context"] = int(tt.ctx)
				if tt.guild == "" {
					i["authorizing_integration_owners"] = map[string]any{"1": discordtest.TestUserID}
				}
				in := e.srv.DispatchInteraction(i)
				target := in.ApplicationCommandData().TargetID
				r := e.reply(t, in)
				if r.Type != discordgo.InteractionResponseChannelMessageWithSource {
					t.Fatalf("response type %d", r.Type)
				}
				ephemeral := r.Data.Flags&discordgo.MessageFlagsEphemeral != 0
				if tt.wantNotice != "" {
					if !ephemeral || !strings.Contains(r.Data.Content, tt.wantNotice) || len(r.Data.Embeds) != 0 {
						t.Errorf("want an ephemeral notice with %q: %+v", tt.wantNotice, r.Data)
					}
					return
				}
				if ephemeral {
					t.Errorf("the answer is ephemeral: %+v", r.Data)
				}
				guild := tt.guild
				if guild == "" {
					guild = "@me"
				}
				link := "https://discord.com/channels/" + guild + "/" + gwChannel + "/" + target
				if !strings.HasPrefix(r.Data.Content, "↪️ Answering "+link) && !strings.HasPrefix(r.Data.Content, "↪️ 回答 "+link) {
					t.Errorf("content %q does not start with the link to %s", r.Data.Content, link)
				}
				if !strings.Contains(r.Data.Content, tt.wantContent) {
					t.Errorf("content %q, want %q in it", r.Data.Content, tt.wantContent)
				}
				if tt.wantEmbed == "" {
					return
				}
				if len(r.Data.Embeds) != 1 {
					t.Fatalf("%d embeds", len(r.Data.Embeds))
				}
				emb := r.Data.Embeds[0]
				head := emb.Title
				if emb.Author != nil {
					head = emb.Author.Name
				}
				if !strings.HasPrefix(head, tt.wantEmbed) {
					t.Errorf("embed %q, want it to start with %q", head, tt.wantEmbed)
				}
				if linked := strings.HasPrefix(emb.URL, "https://bot.example.com/p/"); linked != tt.wantLink {
					t.Errorf("embed URL %q: want a link to the passage %v", emb.URL, tt.wantLink)
				}
			})
		}
	})
	n := 0
	for _, r := range e.srv.Requests() {
		if strings.HasPrefix(r.Path, "/channels/") {
			t.Errorf("%s %s: an interaction must be answered through its own response", r.Method, r.Path)
		}
		if strings.HasPrefix(r.Path, "/interactions/") {
			n++
		}
	}
	if n != len(tests) {
		t.Errorf("%d interaction callbacks, want %d", n, len(tests))
	}
}

// TestGatewayMessageCommandDeferred: an answer that takes longer than
// Discord's three seconds allow is deferred in public, like the answer it
// becomes, and the edit carries the link to the message.
func TestGatewayMessageCommandDeferred(t *testing.T) {
	t.Parallel()
	e := startGateway(t, gwSetup{
		search:    func(s bot.Searcher) bot.Searcher { return gwSlowSearcher{Searcher: s, delay: 400 * time.Millisecond} },
		slowAfter: 50 * time.Millisecond,
	})
	target := &discordgo.Message{Author: &discordgo.User{ID: "1400000000000000009"}, Content: "Why do researchers care about compute?"}
	in := e.srv.DispatchInteraction(e.srv.MessageCommand(askMessage, gwGuild, gwChannel, "en-US", target))
	r := e.reply(t, in)
	if r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || r.Data.Flags&discordgo.MessageFlagsEphemeral != 0 {
		t.Fatalf("type %d flags %d, want a public deferral", r.Type, r.Data.Flags)
	}
	edit := waitSent(t, e.srv, discordtest.Match("PATCH", "/webhooks/"+in.AppID+"/"+in.Token+"/messages/@original"))
	if len(edit.Embeds) != 1 || !strings.Contains(edit.Content, "/"+gwChannel+"/"+in.ApplicationCommandData().TargetID) {
		t.Errorf("edit: %+v", edit)
	}
}

func boolOpt(name string, v bool) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionBoolean, Value: v}
}

// TestGatewayShare asks privately, then posts the answer with "Post to
// channel": the public copy shows the same passage and buttons, credits the
// asker with a mention that pings no one, and has no share button of its
// own. Answers that show no passage, and public ones, have no share button.
func TestGatewayShare(t *testing.T) {
	t.Parallel()
	e := startGateway(t, gwSetup{publicURL: "https://bot.example.com"})
	tests := []struct {
		name, locale, question string
		private                bool
		wantShare              bool
		wantCredit             string
	}{
		{"answer", "zh-TW", "研究員為什麼在乎算力?", true, true, "💬 由 <@" + discordtest.TestUserID + "> 提問"},
		{"unsure", "en-US", "what's the weather on Mars?", true, true, "💬 asked by <@" + discordtest.TestUserID + ">"},
		{"small talk", "en-US", "thanks!", true, false, ""},
		{"no answer", "en-US", "who won the world cup in 1998", true, false, ""},
		{"public answer", "en-US", "Why do researchers care about compute?", false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := e.command(tt.locale, "ask", strOpt("question", tt.question), boolOpt("private", tt.private))
			r := e.reply(t, in)
			if got := r.Data.Flags&discordgo.MessageFlagsEphemeral != 0; got != tt.private {
				t.Fatalf("ephemeral %v, want %v", got, tt.private)
			}
			id, ok := r.Data.button("share:")
			if ok != tt.wantShare {
				t.Fatalf("share button %v, want %v: %v", ok, tt.wantShare, r.Data.buttons())
			}
			if !ok {
				return
			}
			shared := e.reply(t, e.click(tt.locale, e.original(t, in), id))
			if shared.Type != discordgo.InteractionResponseChannelMessageWithSource || shared.Data.Flags&discordgo.MessageFlagsEphemeral != 0 {
				t.Fatalf("want a public message: type %d flags %d", shared.Type, shared.Data.Flags)
			}
			if shared.Data.Content != tt.wantCredit {
				t.Errorf("content %q, want %q", shared.Data.Content, tt.wantCredit)
			}
			if len(shared.Data.Embeds) != 1 || len(r.Data.Embeds) != 1 {
				t.Fatalf("%d embeds shared, %d private", len(shared.Data.Embeds), len(r.Data.Embeds))
			}
			priv, pub := r.Data.Embeds[0], shared.Data.Embeds[0]
			// The private answer marks the words asked about; the question
			// stays private, and so do its marks.
			if strings.ReplaceAll(priv.Description, "**", "") != strings.ReplaceAll(pub.Description, "**", "") {
				t.Errorf("another passage was posted:\nprivate %q\nshared  %q", priv.Description, pub.Description)
			}
			if pub.Title != priv.Title || pub.URL != priv.URL || pub.URL == "" {
				t.Errorf("title %q url %q, want %q %q", pub.Title, pub.URL, priv.Title, priv.URL)
			}
			if (priv.Author == nil) != (pub.Author == nil) {
				t.Errorf("the unsure caveat is lost: private %+v, shared %+v", priv.Author, pub.Author)
			}
			if strings.Contains(pub.Footer.Text, tt.question) {
				t.Errorf("the shared footer shows the private question: %q", pub.Footer.Text)
			}
			for _, want := range answerButtons {
				if !slices.ContainsFunc(shared.Data.buttons(), want.MatchString) {
					t.Errorf("no %s button: %v", want, shared.Data.buttons())
				}
			}
			if _, ok := shared.Data.button("share:"); ok {
				t.Error("the public answer has a share button")
			}
		})
	}
	t.Run("forged", func(t *testing.T) {
		t.Parallel()
		for _, id := range []string{"share:en:a:nope", "share:en:x:i60", "share:en", "share:tw:a:"} {
			r := e.reply(t, e.click("en-US", nil, id))
			if r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(r.Data.Content, "expired") {
				t.Errorf("%s: want the ephemeral expired notice, got %+v", id, r.Data)
			}
		}
	})
}

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
	if ids := e.srv.Identifies(); len(ids) != 1 || ids[0].Intents != gateway.Intents|discordgo.IntentMessageContent {
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
	if len(ids) != 2 || ids[0].Intents&discordgo.IntentMessageContent == 0 || ids[1].Intents != gateway.Intents {
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
	answersWithoutForums(t, e)
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
		return len(ids) >= 3 && ids[len(ids)-1].Intents == gateway.Intents
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
	answersWithoutForums(t, e)
}

// answersWithoutForums checks a gateway that runs without the Message
// Content intent: /ask is answered, a forum post is not, and the gateway
// has not given up. It closes the gateway.
func answersWithoutForums(t *testing.T, e *gwEnv) {
	t.Helper()
	_, starter := e.srv.DispatchForumPost(gwGuild, gwForum, "算力", "研究員為什麼在乎算力?")
	if r := e.reply(t, e.ask("en-US", "Why do researchers care about compute?")); len(r.Data.Embeds) != 1 {
		t.Errorf("/ask without the intent: %+v", r.Data)
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

// click presses the button customID on msg.
func (e *gwEnv) click(locale string, msg *discordgo.Message, customID string) *discordgo.Interaction {
	return e.srv.DispatchInteraction(&discordgo.Interaction{
		Type: discordgo.InteractionMessageComponent, GuildID: gwGuild, ChannelID: gwChannel,
		Locale: discordgo.Locale(locale), Message: msg,
		Data: discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent},
	})
}

// TestGatewayForumMention: a forum post that mentions the bot asked it, so
// it gets the mention's answer (whatever the verdict, an unsure guess too)
// and not a second reply as a forum post.
func TestGatewayForumMention(t *testing.T) {
	t.Parallel()
	e := startGateway(t, gwSetup{
		forums:  []string{gwForum},
		discord: discordtest.Options{PrivilegedIntents: discordgo.IntentMessageContent},
	})
	at := "<@" + e.gw.BotUserID() + "> "
	answered, _ := e.srv.DispatchForumPost(gwGuild, gwForum, "算力", at+"研究員為什麼在乎算力?")
	unsure, _ := e.srv.DispatchForumPost(gwGuild, gwForum, "Mars", at+"what's the weather on Mars?")
	for _, thread := range []string{answered.ID, unsure.ID} {
		m := e.waitMessage(t, thread)
		if strings.Contains(m.Content, "/ask") {
			t.Errorf("thread %s: a forum answer (%q), want the mention's", thread, m.Content)
		}
	}
	e.close()
	replies := map[string]int{}
	for _, r := range e.srv.Requests() {
		if r.Method == "POST" && strings.HasPrefix(r.Path, "/channels/") {
			replies[r.Params["channel"]]++
		}
	}
	for _, thread := range []string{answered.ID, unsure.ID} {
		if replies[thread] != 1 {
			t.Errorf("thread %s: %d replies, want 1", thread, replies[thread])
		}
	}
	if n := strings.Count(e.logs.String(), "command=forum"); n != 0 {
		t.Errorf("%d posts answered as forum posts, want 0", n)
	}
}
