package bot

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/internal/language"
)

// Mention answers a message that mentions the bot, as a reply to it. It
// returns nil for messages the bot must ignore: its own, other bots', and
// those that do not mention it.
func (b *Bot) Mention(ctx context.Context, m *discordgo.Message, self string) *discordgo.MessageSend {
	if m.Author == nil || m.Author.Bot || m.Author.ID == self || self == "" || !Mentions(m, self) {
		return nil
	}
	question := strings.TrimSpace(strings.NewReplacer("<@"+self+">", " ", "<@!"+self+">", " ").Replace(m.Content))
	r := &request{user: m.Author.ID, lang: language.For("", question)}
	start := b.now()
	rt := b.route(kindMention, "mention")
	rep := b.run(r, start, &rt.metric, func() (reply, error) { return rt.handle(ctx, r, []string{question}) })
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

// mention answers the question a mention asks: args[0].
func (b *Bot) mention(ctx context.Context, r *request, args []string) (reply, error) {
	return b.answer(ctx, r, args[0])
}
