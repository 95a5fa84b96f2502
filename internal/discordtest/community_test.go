package discordtest_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/internal/discordtest"
)

// TestPrivilegedIntents: an IDENTIFY that asks for a privileged intent the
// application is not allowed is closed with 4014; one that is allowed it,
// or asks for none, gets READY.
func TestPrivilegedIntents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		allowed  discordgo.Intent
		intents  discordgo.Intent
		want4014 bool
	}{
		{"none asked", 0, discordgo.IntentsGuilds | discordgo.IntentGuildMessages, false},
		{"message content not allowed", 0, discordgo.IntentsGuilds | discordgo.IntentMessageContent, true},
		{"members not allowed", discordgo.IntentMessageContent, discordgo.IntentGuildMembers, true},
		{"message content allowed", discordgo.IntentMessageContent, discordgo.IntentsGuilds | discordgo.IntentMessageContent, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := discordtest.NewServer(t, discordtest.Options{PrivilegedIntents: tt.allowed})
			c := dialRaw(t, srv)
			p := identifyPayload(srv)
			p["d"].(map[string]any)["intents"] = int(tt.intents)
			c.send(p)
			if tt.want4014 {
				if code := c.readClose(); code != 4014 {
					t.Errorf("close %d, want 4014", code)
				}
				if n := srv.Stats().Disallowed; n != 1 {
					t.Errorf("Stats.Disallowed = %d", n)
				}
				return
			}
			c.expectDispatch("READY", 1)
		})
	}
}

// TestContextMenuCommands: Discord refuses a description or options on a
// message command, and contexts or integration types out of range; it takes
// a message command with localised names, and the fake records the payload.
func TestContextMenuCommands(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := newSession(t, srv)
	app := srv.Options().AppID
	everywhere := &[]discordgo.InteractionContextType{0, 1, 2}
	installs := &[]discordgo.ApplicationIntegrationType{0, 1}
	bad := []struct {
		name string
		cmd  *discordgo.ApplicationCommand
	}{
		{"description", &discordgo.ApplicationCommand{Type: discordgo.MessageApplicationCommand, Name: "Ask", Description: "x"}},
		{"options", &discordgo.ApplicationCommand{Type: discordgo.MessageApplicationCommand, Name: "Ask",
			Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "q", Description: "q"}}}},
		{"context 3", &discordgo.ApplicationCommand{Name: "ask", Description: "x", Contexts: &[]discordgo.InteractionContextType{0, 3}}},
		{"integration type 2", &discordgo.ApplicationCommand{Name: "ask", Description: "x", IntegrationTypes: &[]discordgo.ApplicationIntegrationType{2}}},
		{"long localised name", &discordgo.ApplicationCommand{Type: discordgo.MessageApplicationCommand, Name: "Ask",
			NameLocalizations: &map[discordgo.Locale]string{discordgo.ChineseTW: "問問問問問問問問問問問問問問問問問問問問問問問問問問問問問問問問問"}}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.ApplicationCommandBulkOverwrite(app, "", []*discordgo.ApplicationCommand{tt.cmd})
			var re *discordgo.RESTError
			if !errors.As(err, &re) || re.Message == nil || re.Message.Code != 50035 {
				t.Errorf("want 50035 Invalid Form Body, got %v", err)
			}
		})
	}
	good := []*discordgo.ApplicationCommand{
		{Type: discordgo.ChatApplicationCommand, Name: "ask", Description: "Ask", Contexts: everywhere, IntegrationTypes: installs},
		{Type: discordgo.MessageApplicationCommand, Name: "Ask the interview", Contexts: everywhere, IntegrationTypes: installs,
			NameLocalizations: &map[discordgo.Locale]string{discordgo.ChineseTW: "問訪談"}},
	}
	if _, err := s.ApplicationCommandBulkOverwrite(app, "77", good); err != nil {
		t.Fatal(err)
	}
	regs := srv.Registrations()
	if len(regs) != 1 || regs[0].Scope != "77" {
		t.Fatalf("registrations %+v", regs)
	}
	var sent []map[string]any
	if err := json.Unmarshal(regs[0].JSON, &sent); err != nil || len(sent) != 2 || sent[1]["type"] != 3.0 {
		t.Errorf("recorded %s, %v", regs[0].JSON, err)
	}
	// The message command reaches the client as Discord sends it.
	target := &discordgo.Message{ID: "1700000000000000001", Content: "why compute?"}
	in := srv.DispatchInteraction(srv.MessageCommand("Ask the interview", "77", "88", "zh-TW", target))
	d := in.ApplicationCommandData()
	if d.CommandType != discordgo.MessageApplicationCommand || d.TargetID != target.ID || d.Resolved == nil ||
		d.Resolved.Messages[target.ID] == nil || d.Resolved.Messages[target.ID].Content != target.Content || d.ID != srv.Commands("77")[1].ID {
		t.Errorf("message command %+v", d)
	}
}

// TestForumPostAndReactions: a forum post is a new thread and its first
// message, whose content needs MESSAGE_CONTENT; reactions need a message
// that exists in that channel.
func TestForumPostAndReactions(t *testing.T) {
	t.Parallel()
	for _, allowed := range []bool{false, true} {
		name := map[bool]string{false: "without message content", true: "with message content"}[allowed]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			opts := discordtest.Options{}
			intents := discordgo.IntentsGuilds | discordgo.IntentGuildMessages
			if allowed {
				opts.PrivilegedIntents = discordgo.IntentMessageContent
				intents |= discordgo.IntentMessageContent
			}
			srv := discordtest.NewServer(t, opts)
			s := newSession(t, srv)
			s.Identify.Intents = intents
			threads := make(chan *discordgo.ThreadCreate, 1)
			messages := make(chan *discordgo.MessageCreate, 1)
			s.AddHandler(func(_ *discordgo.Session, e *discordgo.ThreadCreate) { threads <- e })
			s.AddHandler(func(_ *discordgo.Session, e *discordgo.MessageCreate) { messages <- e })
			open(t, srv, s)
			thread, starter := srv.DispatchForumPost("77", "99", "A title", "A question?")
			tc := recv(t, threads)
			mc := recv(t, messages)
			if tc.ID != thread.ID || tc.ParentID != "99" || !tc.NewlyCreated || tc.Name != "A title" || tc.Type != discordgo.ChannelTypeGuildPublicThread {
				t.Errorf("THREAD_CREATE %+v", tc.Channel)
			}
			want := map[bool]string{false: "", true: "A question?"}[allowed]
			if mc.ID != thread.ID || mc.ChannelID != thread.ID || mc.Content != want || starter.Content != want {
				t.Errorf("MESSAGE_CREATE %+v, want content %q", mc.Message, want)
			}
			if err := s.MessageReactionAdd(thread.ID, starter.ID, "👍"); err != nil {
				t.Fatal(err)
			}
			if err := s.MessageReactionAdd(thread.ID, "1", "👍"); err == nil {
				t.Error("a reaction on an unknown message was accepted")
			}
			if got := srv.Reactions(); len(got) != 1 || got[0] != (discordtest.Reaction{ChannelID: thread.ID, MessageID: starter.ID, Emoji: "👍"}) {
				t.Errorf("reactions %+v", got)
			}
		})
	}
}
