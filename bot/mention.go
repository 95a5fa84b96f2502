package bot

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/index"
)

// Mention answers a message that mentions the bot, as a reply to it. It
// returns nil for messages the bot must ignore: its own, other bots', and
// those that do not mention it.
func (b *Bot) Mention(ctx context.Context, m *discordgo.Message, self string) *discordgo.MessageSend {
	if m.Author == nil || m.Author.Bot || m.Author.ID == self || self == "" || !Mentions(m, self) {
		return nil
	}
	question := strings.TrimSpace(strings.NewReplacer("<@"+self+">", " ", "<@!"+self+">", " ").Replace(m.Content))
	r := &request{user: m.Author.ID, lang: index.LangFor("", question)}
	start := b.now()
	var rep reply
	err := safely(func() (err error) { rep, err = b.answer(ctx, r, question); return err })
	outcome := rep.outcome
	if err != nil {
		rep, outcome = b.failure(r, err)
	}
	b.record("mention", r, outcome, b.now().Sub(start), err)
	failIfGone := false
	return &discordgo.MessageSend{
		Content:    rep.view.Content,
		Embeds:     rep.view.Embeds,
		Components: rep.view.Components,
		// The reply still goes out if the question was deleted meanwhile.
		Reference: &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: &failIfGone},
		AllowedMentions: &discordgo.MessageAllowedMentions{
			Parse: []discordgo.AllowedMentionType{}, RepliedUser: false,
		},
	}
}

// Mentions reports whether m mentions the bot whose user ID is self.
func Mentions(m *discordgo.Message, self string) bool {
	for _, u := range m.Mentions {
		if u != nil && u.ID == self {
			return true
		}
	}
	return strings.Contains(m.Content, "<@"+self+">") || strings.Contains(m.Content, "<@!"+self+">")
}
