package bot_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/bot/discordtest"
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

// TestHTTPMessageCommand sends the message command to the interactions
// endpoint, signed: the same answer and notices as over the gateway.
func TestHTTPMessageCommand(t *testing.T) {
	t.Parallel()
	e := newEndpoint(t, endpointOptions{})
	tests := []struct {
		name, content string
		wantEmbeds    int
		wantEphemeral bool
	}{
		{"answer", "研究員為什麼在乎算力?", 1, false},
		{"empty", "", 0, true},
		{"over-long", strings.Repeat("compute ", bot.MaxQuestionLength), 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := map[string]any{
				"id": "1700000000000000001", "channel_id": "1300000000000000001", "content": tt.content,
				"author": map[string]any{"id": "1400000000000000009", "username": "member"}, "embeds": []any{},
				"attachments": []any{}, "mentions": []any{}, "timestamp": "2026-01-01T00:00:00Z",
			}
			data := map[string]any{
				"id": "1600000000000000002", "name": askMessage, "type": 3, "target_id": "1700000000000000001",
				"resolved": map[string]any{"messages": map[string]any{"1700000000000000001": target}},
			}
			w := decodeWire(t, e.post(t, interaction(discordgo.InteractionApplicationCommand, "zh-TW", data)))
			if w.Type != discordgo.InteractionResponseChannelMessageWithSource {
				t.Fatalf("type %d", w.Type)
			}
			checkWire(t, w.Data)
			if got := w.Data.Flags&discordgo.MessageFlagsEphemeral != 0; got != tt.wantEphemeral || len(w.Data.Embeds) != tt.wantEmbeds {
				t.Errorf("ephemeral %v with %d embeds, want %v with %d: %+v", got, len(w.Data.Embeds), tt.wantEphemeral, tt.wantEmbeds, w.Data)
			}
			if !tt.wantEphemeral && !strings.Contains(w.Data.Content, "/1300000000000000001/1700000000000000001") {
				t.Errorf("no link to the message: %q", w.Data.Content)
			}
		})
	}
	if lines := e.logs.lines("command=ask-message"); len(lines) != len(tests) {
		t.Errorf("%d log lines name the route ask-message, want %d", len(lines), len(tests))
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
