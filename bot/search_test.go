package bot

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/index/zhconv"
	"github.com/interviewbot/interviewbot/internal/language"
)

// These tests are about what a reply shows for what search finds, so they
// search a real index: odd questions, mentions that must not ping, the
// buttons of real answers, suggestions.

// realIndex is built once: building it under -race takes a fraction of a
// second, every test searches the same interview.
var realIndex = sync.OnceValues(func() (*index.Index, error) {
	a, err := data.Load()
	if err != nil {
		return nil, err
	}
	return index.New(a)
})

// realBot is a Bot on the real index.
func realBot(t *testing.T, search func(Searcher) Searcher) *Bot {
	t.Helper()
	ix, err := realIndex()
	if err != nil {
		t.Fatal(err)
	}
	var s Searcher = ix
	if search != nil {
		s = search(ix)
	}
	return New(Config{Searcher: s, Article: ix.Article(), Version: "test", Now: (&fakeClock{now: testNow}).Now})
}

func askOf(locale, question string, private bool) *discordgo.Interaction {
	opts := []*discordgo.ApplicationCommandInteractionDataOption{{Name: "question", Type: discordgo.ApplicationCommandOptionString, Value: question}}
	if private {
		opts = append(opts, &discordgo.ApplicationCommandInteractionDataOption{Name: "private", Type: discordgo.ApplicationCommandOptionBoolean, Value: true})
	}
	return &discordgo.Interaction{
		Type: discordgo.InteractionApplicationCommand, Locale: discordgo.Locale(locale),
		Member: &discordgo.Member{User: &discordgo.User{ID: "1200000000000000001"}},
		Data:   discordgo.ApplicationCommandInteractionData{Name: "ask", Options: opts},
	}
}

func commandOf(locale, name string) *discordgo.Interaction {
	return &discordgo.Interaction{
		Type: discordgo.InteractionApplicationCommand, Locale: discordgo.Locale(locale),
		Member: &discordgo.Member{User: &discordgo.User{ID: "1200000000000000001"}},
		Data:   discordgo.ApplicationCommandInteractionData{Name: name},
	}
}

func clickOf(locale, customID string) *discordgo.Interaction {
	return &discordgo.Interaction{
		Type: discordgo.InteractionMessageComponent, Locale: discordgo.Locale(locale),
		Member: &discordgo.Member{User: &discordgo.User{ID: "1200000000000000001"}},
		Data:   discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent},
	}
}

func autocompleteOf(locale, typed string) *discordgo.Interaction {
	return &discordgo.Interaction{
		Type: discordgo.InteractionApplicationCommandAutocomplete, Locale: discordgo.Locale(locale),
		Member: &discordgo.Member{User: &discordgo.User{ID: "1200000000000000001"}},
		Data: discordgo.ApplicationCommandInteractionData{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: "question", Type: discordgo.ApplicationCommandOptionString, Value: typed, Focused: true},
		}},
	}
}

// shown is everything in a reply that Discord renders as Markdown, where a
// mention would show (and, in content, ping).
func shown(content string, embeds []*discordgo.MessageEmbed) string {
	var b strings.Builder
	b.WriteString(content)
	for _, e := range embeds {
		b.WriteString("\n" + e.Title + "\n" + e.Description)
		for _, f := range e.Fields {
			b.WriteString("\n" + f.Name + "\n" + f.Value)
		}
	}
	return b.String()
}

// buttonWith is the custom ID of the first button whose ID starts with
// prefix.
func buttonWith(t *testing.T, d *discordgo.InteractionResponseData, prefix string) string {
	t.Helper()
	var ids []string
	for _, c := range d.Components {
		row, ok := c.(discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, b := range row.Components {
			if btn, ok := b.(discordgo.Button); ok {
				if strings.HasPrefix(btn.CustomID, prefix) {
					return btn.CustomID
				}
				ids = append(ids, btn.CustomID)
			}
		}
	}
	t.Fatalf("no %s button in %v", prefix, ids)
	return ""
}

var failedText = regexp.MustCompile(`went wrong|出了點問題|出了点问题`)

func TestOddQuestions(t *testing.T) {
	b := realBot(t, nil)
	tests := []struct {
		name, locale, q string
		want            string // in the content, when the answer is a notice
	}{
		{"empty", "en-US", "", "empty"},
		{"blank", "zh-TW", " \t\n ", "空"},
		{"6000 characters", "en-US", strings.Repeat("compute ", 750), "too long"},
		{"6000 Chinese characters", "zh-CN", strings.Repeat("算力", 3000), "太长"},
		{"control characters", "en-US", "compute\x00\x07\x1b[31m\u202e\ufeff?", ""},
		{"only control characters", "en-US", "\x00\x01\x02", ""},
		{"markdown", "en-US", "**compute** `GPU` ||spoiler|| [link](https://example.com) # title", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.Handle(context.Background(), askOf(tt.locale, tt.q, false))
			if r.Type != discordgo.InteractionResponseChannelMessageWithSource {
				t.Fatalf("type %d", r.Type)
			}
			checkResponse(t, r)
			text := shown(r.Data.Content, r.Data.Embeds)
			if failedText.MatchString(text) {
				t.Fatalf("an error reply: %q", text)
			}
			if tt.want != "" && !strings.Contains(r.Data.Content, tt.want) {
				t.Errorf("content %q, want %q in it", r.Data.Content, tt.want)
			}
			if tt.want == "" && len(r.Data.Embeds) == 0 && r.Data.Content == "" {
				t.Errorf("empty reply")
			}
		})
	}
}

// livePing is a mention that would ping if Discord parsed it.
var livePing = regexp.MustCompile(`@(everyone|here)|<@[!&]?[0-9]+>`)

func TestNoPings(t *testing.T) {
	const self = "1100000000000000009"
	b := realBot(t, nil)
	questions := []struct{ name, q string }{
		{"everyone", "@everyone what does he say about compute?"},
		{"here", "@here 算力"},
		{"role", "<@&1400000000000000003> 研究員為什麼在乎算力"},
		{"user", "<@1400000000000000004> why GPUs?"},
		{"no answer", "@everyone <@&1400000000000000003> what is the weather on mars"},
	}
	for _, tt := range questions {
		t.Run("ask/"+tt.name, func(t *testing.T) {
			r := b.Handle(context.Background(), askOf("en-US", tt.q, false))
			checkResponse(t, r)
			if s := livePing.FindString(shown(r.Data.Content, r.Data.Embeds)); s != "" {
				t.Errorf("reply shows a live mention %q", s)
			}
		})
		t.Run("mention/"+tt.name, func(t *testing.T) {
			m := b.Mention(context.Background(), &discordgo.Message{
				ID: "1700000000000000001", ChannelID: "1300000000000000002", Content: "<@" + self + "> " + tt.q,
				Author:   &discordgo.User{ID: "1200000000000000001"},
				Mentions: []*discordgo.User{{ID: self, Bot: true}}, MentionEveryone: true,
			}, self)
			if m == nil {
				t.Fatal("not answered")
			}
			if s := livePing.FindString(shown(m.Content, m.Embeds)); s != "" {
				t.Errorf("reply shows a live mention %q", s)
			}
			if am := m.AllowedMentions; am == nil || am.Parse == nil || len(am.Parse) != 0 || am.RepliedUser {
				t.Errorf("allowed_mentions %+v", am)
			}
		})
	}
	t.Run("mention/only a mention", func(t *testing.T) {
		m := b.Mention(context.Background(), &discordgo.Message{
			ID: "1700000000000000002", Content: "<@!" + self + ">", Author: &discordgo.User{ID: "1200000000000000001"},
			Mentions: []*discordgo.User{{ID: self, Bot: true}},
		}, self)
		if m == nil || (m.Content == "" && len(m.Embeds) == 0) {
			t.Errorf("a bare mention got %+v, want a reply", m)
		}
	})
}

// TestButtons clicks every button of real replies, as the member who got
// them would.
func TestButtons(t *testing.T) {
	b := realBot(t, nil)
	ctx := context.Background()
	answer := b.Handle(ctx, askOf("zh-TW", "研究員為什麼在乎算力?", false)).Data
	topics := b.Handle(ctx, commandOf("en-US", "topics")).Data
	quote := b.Handle(ctx, commandOf("zh-CN", "quote")).Data
	tests := []struct {
		name   string
		locale string
		from   *discordgo.InteractionResponseData
		prefix string
		check  func(t *testing.T, d *discordgo.InteractionResponseData)
	}{
		{"more", "zh-TW", answer, "more:", func(t *testing.T, d *discordgo.InteractionResponseData) {
			// The answer showed results 1 to 3.
			if len(d.Embeds) != 1 || !strings.Contains(d.Embeds[0].Title, "更多結果") || !strings.HasPrefix(d.Embeds[0].Description, "**4.**") {
				t.Errorf("more: %+v", d.Embeds)
			}
		}},
		{"context", "zh-TW", answer, "ctx:", func(t *testing.T, d *discordgo.InteractionResponseData) {
			if len(d.Embeds) != 1 || !strings.Contains(d.Embeds[0].Title, "上下文") {
				t.Errorf("context: %+v", d.Embeds)
			}
		}},
		{"feedback up", "zh-TW", answer, "fb:tw:up:", func(t *testing.T, d *discordgo.InteractionResponseData) {
			if !strings.Contains(d.Content, "👍") {
				t.Errorf("thanks: %q", d.Content)
			}
		}},
		{"feedback down", "zh-TW", answer, "fb:tw:down:", func(t *testing.T, d *discordgo.InteractionResponseData) {
			if !strings.Contains(d.Content, "👎") {
				t.Errorf("thanks: %q", d.Content)
			}
		}},
		{"topic", "en-US", topics, "topic:", func(t *testing.T, d *discordgo.InteractionResponseData) {
			if len(d.Embeds) != 1 || d.Embeds[0].Description == "" {
				t.Errorf("topic: %+v", d)
			}
		}},
		{"another quote", "zh-CN", quote, "quote:", func(t *testing.T, d *discordgo.InteractionResponseData) {
			if len(d.Embeds) != 1 || !zhconv.IsSimplified(d.Embeds[0].Description+d.Embeds[0].Author.Name) {
				t.Errorf("quote: %+v", d.Embeds)
			}
		}},
		{"quote's context", "zh-CN", quote, "ctx:", func(t *testing.T, d *discordgo.InteractionResponseData) {
			if len(d.Embeds) != 1 || !strings.Contains(d.Embeds[0].Title, "上下文") {
				t.Errorf("context: %+v", d.Embeds)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.Handle(ctx, clickOf(tt.locale, buttonWith(t, tt.from, tt.prefix)))
			if r.Type != discordgo.InteractionResponseChannelMessageWithSource {
				t.Fatalf("type %d", r.Type)
			}
			checkResponse(t, r)
			if r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
				t.Error("a button's answer is for the one who clicked: want it ephemeral")
			}
			tt.check(t, r.Data)
		})
	}
}

func TestAutocomplete(t *testing.T) {
	b := realBot(t, nil)
	tests := []struct{ name, locale, typed string }{
		{"nothing typed", "en-US", ""},
		{"english", "en-US", "GPU"},
		{"traditional", "zh-TW", "算力"},
		{"simplified", "zh-CN", "数据中心"},
		{"very long", "zh-TW", strings.Repeat("超級智慧", 40)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.Handle(context.Background(), autocompleteOf(tt.locale, tt.typed))
			if r.Type != discordgo.InteractionApplicationCommandAutocompleteResult {
				t.Fatalf("type %d", r.Type)
			}
			checkResponse(t, r)
			if tt.typed != "" && len(r.Data.Choices) == 0 {
				t.Errorf("no suggestions for %q", tt.typed)
			}
		})
	}
}

// panicker panics in every search and suggestion.
type panicker struct{ Searcher }

func (panicker) Search(context.Context, index.Request) (*index.Result, error) {
	panic("search exploded")
}

func (panicker) Suggest(context.Context, string, language.Lang, int, int) []string {
	panic("suggest exploded")
}

// TestHandlerPanics proves that a panic answering a command, an
// autocomplete or a mention becomes a reply, not a crashed process.
func TestHandlerPanics(t *testing.T) {
	b := realBot(t, func(s Searcher) Searcher { return panicker{s} })
	ctx := context.Background()
	r := b.Handle(ctx, askOf("en-US", "compute", false))
	if !failedText.MatchString(r.Data.Content) || r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("/ask: %q, flags %d; want a private apology", r.Data.Content, r.Data.Flags)
	}
	r = b.Handle(ctx, autocompleteOf("en-US", "gpu"))
	if r.Type != discordgo.InteractionApplicationCommandAutocompleteResult || (r.Data != nil && len(r.Data.Choices) != 0) {
		t.Errorf("autocomplete: %+v; want no choices", r)
	}
	if !EmptyAutocomplete(r) {
		t.Error("a failed autocomplete is not sent as an empty list")
	}
	const self = "1100000000000000009"
	m := b.Mention(ctx, &discordgo.Message{
		ID: "1700000000000000001", Content: "<@" + self + "> compute?", Author: &discordgo.User{ID: "1200000000000000001"},
		Mentions: []*discordgo.User{{ID: self, Bot: true}},
	}, self)
	if m == nil || !failedText.MatchString(fmt.Sprint(m.Content)) {
		t.Errorf("mention: %+v, want an apology", m)
	}
}
