package interactions_test

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/internal/discordtest"
)

// askMessage is the message command's name, as registered.
const askMessage = "Ask the interview"

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
