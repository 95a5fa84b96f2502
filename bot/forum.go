package bot

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/language"
)

// ForumAnswer answers a new post in a forum the bot watches: title is the
// post's title, m its first message. It returns nil unless the interview
// answers the question (verdict answer): an unsure guess, a miss or small
// talk is left to the members, who did not ask the bot. The reply is a
// reply to m that pings nobody, under a line that points to /ask.
func (b *Bot) ForumAnswer(ctx context.Context, title string, m *discordgo.Message) *discordgo.MessageSend {
	if m == nil || m.Author == nil || m.Author.Bot {
		return nil
	}
	question := strings.TrimSpace(strings.TrimSpace(title) + "\n" + messageQuestion(m))
	if r := []rune(question); len(r) > index.MaxQuestionRunes {
		// A long post is still a question: its start says what about.
		question = strings.TrimSpace(string(r[:index.MaxQuestionRunes]))
	}
	r := &request{user: m.Author.ID, lang: language.For("", question)}
	start := b.now()
	var rep reply
	err := safely(func() (err error) { rep, err = b.answer(ctx, r, question); return err })
	outcome := rep.outcome
	if err != nil {
		_, outcome = b.failure(r, err)
	}
	b.record(metricForum, r, outcome, b.now().Sub(start), err)
	if err != nil || rep.res == nil || rep.res.Verdict != index.Answer {
		return nil
	}
	failIfGone := false
	return &discordgo.MessageSend{
		Content:    clip(communityFor(r.lang).ForumHint, maxContent),
		Embeds:     rep.view.Embeds,
		Components: rep.view.Components,
		Reference:  &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: &failIfGone},
		AllowedMentions: &discordgo.MessageAllowedMentions{
			Parse: []discordgo.AllowedMentionType{}, RepliedUser: false,
		},
	}
}
