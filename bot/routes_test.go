package bot

import (
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/internal/language"
)

func TestCustomID(t *testing.T) {
	tests := []struct {
		name string
		kind string
		lang language.Lang
		args []string
		want string
	}{
		{"joined", idContext, language.Traditional, []string{"i60"}, "ctx:tw:i60"},
		{"too long is cut", idFeedback, language.English, []string{"up", strings.Repeat("x", 200)}, "fb:en:up:" + strings.Repeat("x", 91)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := customID(tt.kind, tt.lang, tt.args...)
			if got != tt.want || len(got) > maxCustomID {
				t.Errorf("customID = %q (%d), want %q", got, len(got), tt.want)
			}
		})
	}
}

// TestCustomIDRoundTrip: what a button's custom ID carries comes back as it
// went in, for every kind of button the bot makes and every language.
func TestCustomIDRoundTrip(t *testing.T) {
	args := map[string][]string{
		idMore:     {"4", "i59.s01.i01"},
		idContext:  {"i60"},
		idFeedback: {"down", "i05"},
		idTopic:    {"gpu"},
		idQuote:    {},
		idShare:    {"a", "i61.i62.s06"},
	}
	for _, kind := range []string{idMore, idContext, idFeedback, idTopic, idQuote, idShare} {
		for _, lang := range []language.Lang{language.English, language.Traditional, language.Simplified} {
			t.Run(kind+"-"+langCode[lang], func(t *testing.T) {
				id := customID(kind, lang, args[kind]...)
				got, ok := parseCustomID(id)
				if !ok || got.kind != kind || got.lang != lang || !slices.Equal(got.args, args[kind]) {
					t.Errorf("parseCustomID(%q) = %+v, %v; want %s %v %v", id, got, ok, kind, lang, args[kind])
				}
			})
		}
	}
	t.Run("more page", func(t *testing.T) {
		id := moreID(language.Simplified, 7, []string{"i01", "i02"})
		got, ok := parseCustomID(id)
		if !ok || got.kind != idMore || got.lang != language.Simplified || !slices.Equal(got.args, []string{"7", "i01.i02"}) {
			t.Errorf("parseCustomID(%q) = %+v, %v", id, got, ok)
		}
	})
	t.Run("no language", func(t *testing.T) {
		if got, ok := parseCustomID("ctx"); ok || got.kind != "ctx" {
			t.Errorf("parseCustomID(\"ctx\") = %+v, %v; want kind ctx and false", got, ok)
		}
	})
}

// TestRouteTable: every route is one entry, named once, with its handler
// and metric label; every command has a definition under its own name, and
// every button kind the renderer makes has a route.
func TestRouteTable(t *testing.T) {
	a, err := testArticle()
	if err != nil {
		t.Fatal(err)
	}
	b := New(Config{Article: a})
	seen := map[[2]any]bool{}
	for _, rt := range b.routes {
		key := [2]any{rt.kind, rt.name}
		if seen[key] {
			t.Errorf("route %v %q twice", rt.kind, rt.name)
		}
		seen[key] = true
		if rt.handle == nil || rt.metric == "" {
			t.Errorf("route %q lacks a handler or a metric label", rt.name)
		}
		if (rt.kind == kindCommand) != (rt.def != nil) {
			t.Errorf("route %q: a definition is for commands, and every command has one", rt.name)
		}
		if rt.def != nil && rt.def.Name != rt.name {
			t.Errorf("route %q registers as %q", rt.name, rt.def.Name)
		}
	}
	for _, kind := range []string{idMore, idContext, idFeedback, idTopic, idQuote, idShare} {
		if b.route(kindComponent, kind) == nil {
			t.Errorf("no route for buttons of kind %q", kind)
		}
	}
	var names []string
	for _, c := range b.Commands() {
		names = append(names, c.Name)
	}
	if want := []string{"ask", "quote", "topics", "about", "Ask the interview"}; !slices.Equal(names, want) {
		t.Errorf("Commands() = %v, want %v", names, want)
	}
}

// TestEphemeral: a deferred response says up front who will see the answer,
// from the route's entry.
func TestEphemeral(t *testing.T) {
	a, err := testArticle()
	if err != nil {
		t.Fatal(err)
	}
	b := New(Config{Article: a})
	command := func(name string, private bool) *discordgo.Interaction {
		d := discordgo.ApplicationCommandInteractionData{Name: name}
		if private {
			d.Options = []*discordgo.ApplicationCommandInteractionDataOption{{Name: "private", Type: discordgo.ApplicationCommandOptionBoolean, Value: true}}
		}
		return &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, Data: d}
	}
	button := func(id string) *discordgo.Interaction {
		return &discordgo.Interaction{Type: discordgo.InteractionMessageComponent, Data: discordgo.MessageComponentInteractionData{CustomID: id}}
	}
	messageCommand := func(content string) *discordgo.Interaction {
		return &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, Data: discordgo.ApplicationCommandInteractionData{
			Name: "Ask the interview", CommandType: discordgo.MessageApplicationCommand, TargetID: "1",
			Resolved: &discordgo.ApplicationCommandInteractionDataResolved{Messages: map[string]*discordgo.Message{"1": {ID: "1", Content: content}}},
		}}
	}
	tests := []struct {
		name string
		i    *discordgo.Interaction
		want bool
	}{
		{"ask", command("ask", false), false},
		{"ask privately", command("ask", true), true},
		{"quote", command("quote", false), false},
		{"unknown command", command("gone", true), false},
		{"button", button("ctx:en:i01"), true},
		{"unknown button", button("zzz:en"), true},
		{"post to channel", button("share:en:a:i61"), false},
		{"message command", messageCommand("研究員為什麼在乎算力?"), false},
		{"message command on an empty message", messageCommand(""), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := b.ephemeral(tt.i); got != tt.want {
				t.Errorf("ephemeral = %v, want %v", got, tt.want)
			}
		})
	}
}
