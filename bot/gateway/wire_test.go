package gateway_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/internal/discordtest"
)

// wireResponse is an interaction callback as sent on the wire.
type wireResponse struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data *wireMessage                      `json:"data"`
}

// wireMessage is a message payload as sent on the wire: a callback's data, a
// webhook edit or a channel message.
type wireMessage struct {
	Content         string                                      `json:"content"`
	Embeds          []*discordgo.MessageEmbed                   `json:"embeds"`
	Components      []wireRow                                   `json:"components"`
	Flags           discordgo.MessageFlags                      `json:"flags"`
	AllowedMentions *wireAllowed                                `json:"allowed_mentions"`
	Choices         []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	Reference       *discordgo.MessageReference                 `json:"message_reference"`
}

type wireAllowed struct {
	Parse       *[]string `json:"parse"`
	Users       []string  `json:"users"`
	Roles       []string  `json:"roles"`
	RepliedUser *bool     `json:"replied_user"`
}

type wireRow struct {
	Type       int          `json:"type"`
	Components []wireButton `json:"components"`
}

type wireButton struct {
	Type     int    `json:"type"`
	Label    string `json:"label"`
	CustomID string `json:"custom_id"`
	Disabled bool   `json:"disabled"`
}

// buttons lists the custom IDs of m's buttons.
func (m *wireMessage) buttons() []string {
	var ids []string
	for _, r := range m.Components {
		for _, b := range r.Components {
			ids = append(ids, b.CustomID)
		}
	}
	return ids
}

// checkWire checks what every message the bot sends must respect:
// Discord's limits (in characters, not bytes) and no pings.
func checkWire(t testing.TB, m *wireMessage) {
	t.Helper()
	if m == nil {
		t.Fatal("no message data")
	}
	if m.AllowedMentions == nil || m.AllowedMentions.Parse == nil || len(*m.AllowedMentions.Parse) != 0 ||
		len(m.AllowedMentions.Users) != 0 || len(m.AllowedMentions.Roles) != 0 {
		t.Errorf("allowed_mentions = %+v, want parse []", m.AllowedMentions)
	}
	if n := utf8.RuneCountInString(m.Content); n > 2000 {
		t.Errorf("content has %d characters", n)
	}
	if len(m.Embeds) > 10 {
		t.Errorf("%d embeds", len(m.Embeds))
	}
	for _, e := range m.Embeds {
		checkEmbed(t, e)
	}
	if len(m.Components) > 5 {
		t.Errorf("%d action rows", len(m.Components))
	}
	for _, r := range m.Components {
		if len(r.Components) > 5 {
			t.Errorf("%d buttons in a row", len(r.Components))
		}
		for _, b := range r.Components {
			if n := utf8.RuneCountInString(b.CustomID); n > 100 || n == 0 {
				t.Errorf("custom_id %q has %d characters", b.CustomID, n)
			}
			if n := utf8.RuneCountInString(b.Label); n > 80 {
				t.Errorf("label %q has %d characters", b.Label, n)
			}
		}
	}
}

func checkEmbed(t testing.TB, e *discordgo.MessageEmbed) {
	t.Helper()
	runes := utf8.RuneCountInString
	total := runes(e.Title) + runes(e.Description)
	if runes(e.Title) > 256 || runes(e.Description) > 4096 {
		t.Errorf("embed title %d, description %d characters", runes(e.Title), runes(e.Description))
	}
	if len(e.Fields) > 25 {
		t.Errorf("%d fields", len(e.Fields))
	}
	for _, f := range e.Fields {
		if runes(f.Name) > 256 || runes(f.Value) > 1024 || f.Value == "" {
			t.Errorf("field %q: name %d, value %d characters", f.Name, runes(f.Name), runes(f.Value))
		}
		total += runes(f.Name) + runes(f.Value)
	}
	if e.Footer != nil {
		if runes(e.Footer.Text) > 2048 {
			t.Errorf("footer has %d characters", runes(e.Footer.Text))
		}
		total += runes(e.Footer.Text)
	}
	if e.Author != nil {
		total += runes(e.Author.Name)
	}
	if total > 6000 {
		t.Errorf("embed has %d characters in all", total)
	}
}

// checkChoices checks an autocomplete result: a list of choices, as
// Discord requires even when empty, within Discord's limits.
func checkChoices(t testing.TB, m *wireMessage) {
	t.Helper()
	if m == nil || m.Choices == nil {
		t.Fatalf("no choices list: %+v", m)
	}
	if len(m.Choices) > 25 {
		t.Errorf("%d choices", len(m.Choices))
	}
	for _, c := range m.Choices {
		v, ok := c.Value.(string)
		if n := utf8.RuneCountInString(c.Name); n == 0 || n > 100 || !ok || utf8.RuneCountInString(v) > 100 {
			t.Errorf("choice %q = %v out of Discord's limits", c.Name, c.Value)
		}
	}
}

// waitSent waits for the request to srv that match picks, a message the bot
// sends (a channel message or a webhook edit), and checks the message.
func waitSent(t testing.TB, srv *discordtest.Server, match func(discordtest.Request) bool) wireMessage {
	t.Helper()
	req, err := srv.WaitRequest(ctxFor(t), match)
	if err != nil {
		t.Fatal(err)
	}
	if req.Status != 200 {
		t.Fatalf("%s %s answered %d: %s", req.Method, req.Path, req.Status, req.Response)
	}
	var m wireMessage
	if err := req.Decode(&m); err != nil {
		t.Fatalf("%s: %v", req.JSON, err)
	}
	checkWire(t, &m)
	return m
}

// button is the custom ID of m's first button that starts with prefix.
func (m *wireMessage) button(prefix string) (string, bool) {
	for _, id := range m.buttons() {
		if strings.HasPrefix(id, prefix) {
			return id, true
		}
	}
	return "", false
}
