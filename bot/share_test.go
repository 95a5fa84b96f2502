package bot_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/bot/discordtest"
)

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

// TestHTTPShare: over the interactions endpoint, a private answer has the
// share button and a click on it answers with the public copy.
func TestHTTPShare(t *testing.T) {
	t.Parallel()
	e := newEndpoint(t, endpointOptions{})
	private := decodeWire(t, e.post(t, interaction(discordgo.InteractionApplicationCommand, "en-US", askData("Why do researchers care about compute?", true))))
	id, ok := private.Data.button("share:")
	if !ok || private.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("want a private answer with a share button: %+v", private.Data)
	}
	shared := decodeWire(t, e.post(t, interaction(discordgo.InteractionMessageComponent, "en-US", buttonData(id))))
	checkWire(t, shared.Data)
	if shared.Type != discordgo.InteractionResponseChannelMessageWithSource || shared.Data.Flags&discordgo.MessageFlagsEphemeral != 0 ||
		shared.Data.Content != "💬 asked by <@"+discordtest.TestUserID+">" || len(shared.Data.Embeds) != 1 {
		t.Fatalf("want the public copy, credited: %+v", shared.Data)
	}
	if got, want := shared.Data.Embeds[0].Title, private.Data.Embeds[0].Title; got != want {
		t.Errorf("shared %q, private %q", got, want)
	}
	if lines := e.logs.lines("command=button-share"); len(lines) != 1 {
		t.Errorf("%d log lines for button-share, want 1", len(lines))
	}
}
