package bot

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/index"
)

// MaxQuestionLength is the longest question the /ask option accepts; Discord
// enforces it in the client.
const MaxQuestionLength = 500

// command is one slash command: its definition for Discord and its handler.
type command struct {
	def    *discordgo.ApplicationCommand
	handle func(ctx context.Context, r *request) (reply, error)
	// metric names the command in logs and metrics; "" is its name.
	metric string
}

// commandTable is every command the bot has: the slash commands, whose
// names stay ASCII and whose descriptions and option names are localised
// for zh-TW and zh-CN, and the message command, whose name is localised.
// All of them can be used everywhere (see everywhere).
func (b *Bot) commandTable() []command {
	en := textsFor(index.English)
	minNumber := 1.0
	cmds := []command{
		{
			def: &discordgo.ApplicationCommand{
				Name: "ask", Description: en.AskDesc,
				DescriptionLocalizations: localizations(func(t *texts) string { return t.AskDesc }),
				Options: []*discordgo.ApplicationCommandOption{
					{
						Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: en.AskQuestion,
						NameLocalizations:        *localizations(func(t *texts) string { return t.AskQuestionName }),
						DescriptionLocalizations: *localizations(func(t *texts) string { return t.AskQuestion }),
						Required:                 true, Autocomplete: true, MaxLength: MaxQuestionLength,
					},
					{
						Type: discordgo.ApplicationCommandOptionBoolean, Name: "private", Description: en.AskPrivate,
						NameLocalizations:        *localizations(func(t *texts) string { return t.AskPrivateName }),
						DescriptionLocalizations: *localizations(func(t *texts) string { return t.AskPrivate }),
					},
				},
			},
			handle: b.ask,
		},
		{
			def: &discordgo.ApplicationCommand{
				Name: "quote", Description: en.QuoteDesc,
				DescriptionLocalizations: localizations(func(t *texts) string { return t.QuoteDesc }),
				Options: []*discordgo.ApplicationCommandOption{{
					Type: discordgo.ApplicationCommandOptionInteger, Name: "number", Description: en.QuoteNumber,
					NameLocalizations:        *localizations(func(t *texts) string { return t.QuoteNumberName }),
					DescriptionLocalizations: *localizations(func(t *texts) string { return t.QuoteNumber }),
					MinValue:                 &minNumber, MaxValue: float64(len(b.article.Passages)),
				}},
			},
			handle: b.quote,
		},
		{
			def: &discordgo.ApplicationCommand{
				Name: "topics", Description: en.TopicsDesc,
				DescriptionLocalizations: localizations(func(t *texts) string { return t.TopicsDesc }),
			},
			handle: b.topics,
		},
		{
			def: &discordgo.ApplicationCommand{
				Name: "about", Description: en.AboutDesc,
				DescriptionLocalizations: localizations(func(t *texts) string { return t.AboutDesc }),
			},
			handle: b.about,
		},
		b.messageCommand(),
	}
	for _, c := range cmds {
		everywhere(c.def)
	}
	return cmds
}

// Commands returns the definitions to register with Discord.
func (b *Bot) Commands() []*discordgo.ApplicationCommand {
	defs := make([]*discordgo.ApplicationCommand, len(b.commands))
	for i, c := range b.commands {
		defs[i] = c.def
	}
	return defs
}

// components maps the first part of a button's custom ID to its handler.
// command is the command named name in the table, or nil.
func (b *Bot) command(name string) *command {
	for i := range b.commands {
		if b.commands[i].def.Name == name {
			return &b.commands[i]
		}
	}
	return nil
}

func (b *Bot) component(kind string) func(ctx context.Context, r *request, args []string) (reply, error) {
	switch kind {
	case "more":
		return b.more
	case "ctx":
		return b.context
	case "fb":
		return b.feedback
	case "topic":
		return b.topic
	case "quote":
		return b.randomQuote
	case shareKind:
		return b.share
	}
	return nil
}
