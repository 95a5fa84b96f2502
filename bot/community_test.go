package bot

import (
	"context"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/language"
)

// communityIndex is built once: building it under -race takes seconds.
var communityIndex = sync.OnceValues(func() (*index.Index, error) {
	a, err := data.Load()
	if err != nil {
		return nil, err
	}
	return index.New(a)
})

func communityBot(t *testing.T) *Bot {
	t.Helper()
	ix, err := communityIndex()
	if err != nil {
		t.Fatal(err)
	}
	return New(Config{Searcher: ix, Article: ix.Article(), PublicURL: "https://bot.example.com/", Version: "test"})
}

const (
	goldenGuild   = "1300000000000000001"
	goldenChannel = "1300000000000000002"
	goldenUser    = "1400000000000000001"
)

func messageCommandOn(locale, content string, embeds ...*discordgo.MessageEmbed) *discordgo.Interaction {
	target := &discordgo.Message{ID: "1700000000000000001", ChannelID: goldenChannel, Content: content, Embeds: embeds,
		Author: &discordgo.User{ID: "1400000000000000009"}}
	return &discordgo.Interaction{
		ID: "1800000000000000001", Type: discordgo.InteractionApplicationCommand, GuildID: goldenGuild, ChannelID: goldenChannel,
		Locale: discordgo.Locale(locale), Member: &discordgo.Member{User: &discordgo.User{ID: goldenUser}},
		Data: discordgo.ApplicationCommandInteractionData{
			Name: "Ask the interview", CommandType: discordgo.MessageApplicationCommand, TargetID: target.ID,
			Resolved: &discordgo.ApplicationCommandInteractionDataResolved{Messages: map[string]*discordgo.Message{target.ID: target}},
		},
	}
}

func askPrivately(locale, question string) *discordgo.Interaction {
	return &discordgo.Interaction{
		ID: "1800000000000000002", Type: discordgo.InteractionApplicationCommand, GuildID: goldenGuild, ChannelID: goldenChannel,
		Locale: discordgo.Locale(locale), Member: &discordgo.Member{User: &discordgo.User{ID: goldenUser}},
		Data: discordgo.ApplicationCommandInteractionData{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: "question", Type: discordgo.ApplicationCommandOptionString, Value: question},
			{Name: "private", Type: discordgo.ApplicationCommandOptionBoolean, Value: true},
		}},
	}
}

func clickOn(locale, customID string) *discordgo.Interaction {
	return &discordgo.Interaction{
		ID: "1800000000000000003", Type: discordgo.InteractionMessageComponent, GuildID: goldenGuild, ChannelID: goldenChannel,
		Locale: discordgo.Locale(locale), Member: &discordgo.Member{User: &discordgo.User{ID: goldenUser}},
		Data: discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent},
	}
}

// shareButton is the custom ID of the share button in resp, or "".
func shareButton(resp *discordgo.InteractionResponse) string {
	for _, row := range resp.Data.Components {
		for _, c := range row.(discordgo.ActionsRow).Components {
			if b, ok := c.(discordgo.Button); ok && strings.HasPrefix(b.CustomID, idShare+":") {
				return b.CustomID
			}
		}
	}
	return ""
}

func forumPost(content string) *discordgo.Message {
	return &discordgo.Message{ID: "1900000000000000001", ChannelID: "1900000000000000001", GuildID: goldenGuild,
		Content: content, Author: &discordgo.User{ID: "1400000000000000009"}}
}

// TestCommunityGolden keeps the replies of the message command, the share
// button and forum answers, as Discord receives them, in golden files, and
// checks each against Discord's limits.
func TestCommunityGolden(t *testing.T) {
	b := communityBot(t)
	ctx := context.Background()
	private := b.Handle(ctx, askPrivately("zh-TW", "研究員為什麼在乎算力?"))
	privateUnsure := b.Handle(ctx, askPrivately("en-US", "what's the weather on Mars?"))
	tests := []struct {
		name string
		v    any
	}{
		{"message-answer-zh-TW", b.Handle(ctx, messageCommandOn("zh-TW", "<@1400000000000000002> 研究員為什麼在乎算力?"))},
		{"message-unsure-en-US", b.Handle(ctx, messageCommandOn("en-US", "what's the weather on Mars?"))},
		{"message-no-answer-en-US", b.Handle(ctx, messageCommandOn("en-US", "who won the world cup in 1998"))},
		{"message-chat-zh-CN", b.Handle(ctx, messageCommandOn("zh-CN", "谢谢!"))},
		{"message-no-text-zh-CN", b.Handle(ctx, messageCommandOn("zh-CN", "", &discordgo.MessageEmbed{Title: "preview"}))},
		{"message-too-long-en-US", b.Handle(ctx, messageCommandOn("en-US", strings.Repeat("compute ", MaxQuestionLength)))},
		{"ask-private-zh-TW", private},
		{"share-zh-TW", b.Handle(ctx, clickOn("zh-TW", shareButton(private)))},
		{"share-unsure-en-US", b.Handle(ctx, clickOn("en-US", shareButton(privateUnsure)))},
		{"forum-zh-TW", b.ForumAnswer(ctx, "算力", forumPost("研究員為什麼在乎算力?"))},
		{"forum-en-US", b.ForumAnswer(ctx, "Compute", forumPost("Why do researchers care about compute?"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			switch v := tt.v.(type) {
			case *discordgo.InteractionResponse:
				checkView(t, view{Content: v.Data.Content, Embeds: v.Data.Embeds, Components: v.Data.Components})
				if v.Data.AllowedMentions == nil || v.Data.AllowedMentions.Parse == nil || len(v.Data.AllowedMentions.Parse) != 0 {
					t.Errorf("allowed mentions %+v", v.Data.AllowedMentions)
				}
			case *discordgo.MessageSend:
				if v == nil {
					t.Fatal("no reply")
				}
				checkView(t, view{Content: v.Content, Embeds: v.Embeds, Components: v.Components})
			}
			golden(t, tt.name, tt.v)
		})
	}
}

// TestForumAnswerOnlyAnswers: a forum post gets a reply only when the
// interview answers it; guesses, misses, small talk and bots get none.
func TestForumAnswerOnlyAnswers(t *testing.T) {
	b := communityBot(t)
	bot := forumPost("研究員為什麼在乎算力?")
	bot.Author = &discordgo.User{ID: "1400000000000000008", Bot: true}
	tests := []struct {
		name, title string
		m           *discordgo.Message
		want        bool
	}{
		{"answer", "算力", forumPost("研究員為什麼在乎算力?"), true},
		{"answer in the title only", "Why do researchers care about compute?", forumPost(""), true},
		{"unsure", "Mars", forumPost("what's the weather on Mars?"), false},
		{"no answer", "Football", forumPost("who won the world cup in 1998"), false},
		{"small talk", "", forumPost("thanks!"), false},
		{"empty", "", forumPost(""), false},
		{"a bot's post", "算力", bot, false},
		{"no author", "算力", &discordgo.Message{ID: "1", ChannelID: "1", Content: "算力"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := b.ForumAnswer(context.Background(), tt.title, tt.m)
			if (got != nil) != tt.want {
				t.Fatalf("replied %v, want %v: %+v", got != nil, tt.want, got)
			}
			if got != nil && (got.AllowedMentions == nil || got.AllowedMentions.RepliedUser || len(got.AllowedMentions.Parse) != 0 ||
				got.Reference == nil || got.Reference.MessageID != tt.m.ID) {
				t.Errorf("reply %+v %+v", got.AllowedMentions, got.Reference)
			}
		})
	}
}

// TestShareID: a share button's custom ID stays within 100 characters
// however many passages an answer has, and decodes to the same passages,
// best first; what does not decode is refused.
func TestShareID(t *testing.T) {
	ix, err := communityIndex()
	if err != nil {
		t.Fatal(err)
	}
	a := ix.Article()
	var hits []index.Hit
	for i := range a.Passages {
		hits = append(hits, index.Hit{Passage: &a.Passages[i]})
	}
	tests := []struct {
		name    string
		verdict index.Verdict
		hits    []index.Hit
	}{
		{"one passage", index.Answer, hits[:1]},
		{"three", index.Unsure, hits[5:8]},
		{"every passage", index.Answer, hits},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := shareID(language.Traditional, tt.verdict, tt.hits)
			if n := utf8.RuneCountInString(id); n > maxCustomID {
				t.Fatalf("%q has %d characters", id, n)
			}
			parts := strings.Split(id, ":")
			if parts[0] != idShare || parseLang(parts[1]) != language.Traditional {
				t.Fatalf("%q", id)
			}
			res, ok := parseShare(a, parts[2:])
			if !ok || res.Verdict != tt.verdict || len(res.Hits) == 0 || len(res.Hits) > len(tt.hits) {
				t.Fatalf("%q decodes to %+v, %v", id, res, ok)
			}
			for i, h := range res.Hits {
				if h.Passage != tt.hits[i].Passage {
					t.Errorf("hit %d is %s, want %s", i, h.Passage.ID, tt.hits[i].Passage.ID)
				}
			}
		})
	}
	for _, args := range [][]string{nil, {"a"}, {"a", ""}, {"a", "nope"}, {"z", "i60"}, {"a", "i60", "x"}} {
		if res, ok := parseShare(a, args); ok {
			t.Errorf("parseShare(%q) = %+v", args, res)
		}
	}
}
