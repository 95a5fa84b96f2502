package bot

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/internal/language"
)

// Metric names of the ways to ask beside /ask, as the routing table and
// the forum answers report them.
const (
	metricAskMessage = "ask-message"
	metricForum      = "forum"
)

// everywhere makes a command usable wherever a member is: in servers that
// installed the app and on the accounts of members who installed it
// themselves (integration types 0 and 1), in servers, in the bot's DMs
// and in other DMs and group DMs (contexts 0, 1 and 2). Where the bot is
// not a member it can still answer: every reply to an interaction is an
// interaction response or a follow-up, never a channel message.
func everywhere(def *discordgo.ApplicationCommand) {
	if def.Type == 0 {
		def.Type = discordgo.ChatApplicationCommand
	}
	def.IntegrationTypes = &[]discordgo.ApplicationIntegrationType{
		discordgo.ApplicationIntegrationGuildInstall, discordgo.ApplicationIntegrationUserInstall,
	}
	def.Contexts = &[]discordgo.InteractionContextType{
		discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM, discordgo.InteractionContextPrivateChannel,
	}
}

// messageRoute is "Ask the interview" in a message's Apps menu: it
// answers another member's message for the channel to see.
func (b *Bot) messageRoute() route {
	name := communityFor(language.English).AskMessage
	return route{
		kind: kindCommand, name: name, handle: b.askMessage, visible: public, metric: metricAskMessage,
		def: &discordgo.ApplicationCommand{
			Type:              discordgo.MessageApplicationCommand,
			Name:              name,
			NameLocalizations: communityLocalizations(func(t *communityTexts) string { return t.AskMessage }),
		},
	}
}

// askMessage answers the text of the message the command was used on, with
// the same outcomes as /ask, under a link to that message: an interaction
// response cannot reference a message the way a channel reply does, and
// the link works where the bot is not a member of the server.
func (b *Bot) askMessage(ctx context.Context, r *request, _ []string) (reply, error) {
	d := r.i.ApplicationCommandData()
	m := targetMessage(d)
	question := messageQuestion(m)
	r.lang = language.For(r.locale, question)
	ct := communityFor(r.lang)
	switch n := utf8.RuneCountInString(question); {
	case n == 0:
		return reply{}, &userError{msg: ct.NoText, outcome: outcomeInvalid}
	case n > MaxQuestionLength:
		return reply{}, &userError{msg: fmt.Sprintf(ct.TooLongMessage, MaxQuestionLength), outcome: outcomeInvalid}
	}
	rep, err := b.answer(ctx, r, question)
	if err != nil {
		return rep, err
	}
	head := fmt.Sprintf(ct.Answering, jumpLink(r.i, m))
	if rep.view.Content != "" {
		head += "\n" + rep.view.Content
	}
	rep.view.Content = clip(head, maxContent)
	return rep, nil
}

// targetMessage is the message a message command was used on, or nil.
func targetMessage(d discordgo.ApplicationCommandInteractionData) *discordgo.Message {
	if d.Resolved == nil || d.TargetID == "" {
		return nil
	}
	return d.Resolved.Messages[d.TargetID]
}

// markup are Discord's mentions and custom emoji: they name, they do not
// ask, and an ID would only add noise to a search.
var markup = regexp.MustCompile(`<(?:@[!&]?|#)[0-9]+>|<a?:[A-Za-z0-9_~]+:[0-9]+>`)

// messageQuestion is the text of m to ask about: its content without
// mentions, or "" when it has none (empty, or only embeds or attachments).
func messageQuestion(m *discordgo.Message) string {
	if m == nil {
		return ""
	}
	return strings.TrimSpace(markup.ReplaceAllString(m.Content, " "))
}

// jumpLink is the address of m in Discord's clients: "@me" stands for the
// server of a DM.
func jumpLink(i *discordgo.Interaction, m *discordgo.Message) string {
	guild, channel, id := i.GuildID, i.ChannelID, ""
	if m != nil {
		id = m.ID
		if m.ChannelID != "" {
			channel = m.ChannelID
		}
		if m.GuildID != "" {
			guild = m.GuildID
		}
	}
	if guild == "" {
		guild = "@me"
	}
	return "https://discord.com/channels/" + guild + "/" + channel + "/" + id
}

// messageNotice says whether a message command will be answered with a
// notice (ephemeral), which a deferred response must say up front.
func messageNotice(i *discordgo.Interaction) bool {
	d := i.ApplicationCommandData()
	if d.CommandType != discordgo.MessageApplicationCommand {
		return false
	}
	n := utf8.RuneCountInString(messageQuestion(targetMessage(d)))
	return n == 0 || n > MaxQuestionLength
}
