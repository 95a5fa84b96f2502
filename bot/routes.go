package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/internal/language"
)

// routeKind is what brings a request to a route.
type routeKind int

const (
	// kindCommand is a slash command, named by its name.
	kindCommand routeKind = iota
	// kindComponent is a button, named by the first part of its custom ID.
	kindComponent
	// kindMention is a message that mentions the bot.
	kindMention
)

// visibility says who sees a route's answer, which a deferred response
// must say before the answer is known.
type visibility int

const (
	// public answers in the channel, for everyone.
	public visibility = iota
	// private answers the member alone (an ephemeral message).
	private
	// askerChooses is public unless the command's "private" option is set.
	askerChooses
)

// handler answers one request. args are what a button's custom ID carries
// after its kind and language, and the question for a mention; nil for a
// command, which reads its options.
type handler func(ctx context.Context, r *request, args []string) (reply, error)

// route is one way into the bot: every command, button and mention is one
// entry of the table, and everything that depends on which it is (the
// handler, who sees the answer, the metric label, the command's definition
// for Discord) is read from its entry.
type route struct {
	kind    routeKind
	name    string
	handle  handler
	visible visibility
	// metric names the route in logs and metrics.
	metric string
	// def is a command's definition for Discord; nil for the others.
	def *discordgo.ApplicationCommand
}

// Custom ID kinds: the first part of a button's custom ID.
const (
	idMore     = "more"
	idContext  = "ctx"
	idFeedback = "fb"
	idTopic    = "topic"
	idQuote    = "quote"
	idShare    = "share" // "Post to channel" under a private answer
)

// MaxQuestionLength is the longest question the /ask option accepts; Discord
// enforces it in the client.
const MaxQuestionLength = 500

// routeTable is every route the bot has. Commands are registered in this
// order; their names stay ASCII, their descriptions and option names are
// localised for zh-TW and zh-CN.
func (b *Bot) routeTable() []route {
	en := textsFor(language.English)
	minNumber := 1.0
	routes := []route{
		{
			kind: kindCommand, name: "ask", handle: b.ask, visible: askerChooses, metric: "ask",
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
		},
		{
			kind: kindCommand, name: "quote", handle: b.quote, visible: public, metric: "quote",
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
		},
		{
			kind: kindCommand, name: "topics", handle: b.topics, visible: public, metric: "topics",
			def: &discordgo.ApplicationCommand{
				Name: "topics", Description: en.TopicsDesc,
				DescriptionLocalizations: localizations(func(t *texts) string { return t.TopicsDesc }),
			},
		},
		{
			kind: kindCommand, name: "about", handle: b.about, visible: public, metric: "about",
			def: &discordgo.ApplicationCommand{
				Name: "about", Description: en.AboutDesc,
				DescriptionLocalizations: localizations(func(t *texts) string { return t.AboutDesc }),
			},
		},
		b.messageRoute(),
		{kind: kindComponent, name: idMore, handle: b.more, visible: private, metric: "button-" + idMore},
		{kind: kindComponent, name: idContext, handle: b.context, visible: private, metric: "button-" + idContext},
		{kind: kindComponent, name: idFeedback, handle: b.feedback, visible: private, metric: "button-" + idFeedback},
		{kind: kindComponent, name: idTopic, handle: b.topic, visible: private, metric: "button-" + idTopic},
		{kind: kindComponent, name: idQuote, handle: b.randomQuote, visible: private, metric: "button-" + idQuote},
		{kind: kindComponent, name: idShare, handle: b.share, visible: public, metric: "button-" + idShare},
		{kind: kindMention, name: "mention", handle: b.mention, visible: public, metric: "mention"},
	}
	for _, rt := range routes {
		if rt.def != nil {
			everywhere(rt.def)
		}
	}
	return routes
}

// route is the route of that kind and name, or nil.
func (b *Bot) route(kind routeKind, name string) *route {
	for i := range b.routes {
		if b.routes[i].kind == kind && b.routes[i].name == name {
			return &b.routes[i]
		}
	}
	return nil
}

// Commands returns the definitions to register with Discord.
func (b *Bot) Commands() []*discordgo.ApplicationCommand {
	var defs []*discordgo.ApplicationCommand
	for _, rt := range b.routes {
		if rt.kind == kindCommand {
			defs = append(defs, rt.def)
		}
	}
	return defs
}

// expired answers a request no route takes: a command no longer
// registered, or a button from an older version.
func expired(_ context.Context, r *request, _ []string) (reply, error) {
	return reply{}, &userError{msg: textsFor(r.lang).Expired, outcome: outcomeInvalid}
}

// resolve finds the route of interaction r.i and the reader's language: the
// handler, its args, and the metric label. What no route takes gets
// expired, counted as "unknown" or "button-unknown" so that made-up
// interactions cannot grow the metrics' label values.
func (b *Bot) resolve(r *request) (handler, []string, string) {
	i := r.i
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		d := i.ApplicationCommandData()
		r.lang = language.For(r.locale, optionString(d.Options, "question"))
		if rt := b.route(kindCommand, d.Name); rt != nil {
			return rt.handle, nil, rt.metric
		}
		return expired, nil, "unknown"
	case discordgo.InteractionMessageComponent:
		id, ok := parseCustomID(i.MessageComponentData().CustomID)
		r.lang = language.For(r.locale, "")
		if r.locale == "" && ok {
			r.lang = id.lang
		}
		rt := b.route(kindComponent, id.kind)
		if rt == nil {
			return expired, nil, "button-unknown"
		}
		if !ok {
			return expired, nil, rt.metric
		}
		return rt.handle, id.args, rt.metric
	}
	r.lang = language.For(r.locale, "")
	return expired, nil, "unknown"
}

// ephemeral says whether the answer to i will be ephemeral, which a deferred
// response must say up front.
func (b *Bot) ephemeral(i *discordgo.Interaction) bool {
	switch i.Type {
	case discordgo.InteractionMessageComponent:
		// Every button answers the member alone, even one whose kind is
		// unknown (its answer says it has expired), but the one that posts
		// a private answer to the channel.
		return !isShare(i)
	case discordgo.InteractionApplicationCommand:
		d := i.ApplicationCommandData()
		rt := b.route(kindCommand, d.Name)
		if rt == nil {
			return false
		}
		if messageNotice(i) {
			return true
		}
		switch rt.visible {
		case private:
			return true
		case askerChooses:
			return optionBool(d.Options, "private")
		}
	}
	return false
}

// customIDParts is what a button's custom ID carries:
// "kind:lang:arg:arg...".
type customIDParts struct {
	kind string
	lang language.Lang
	args []string
}

// customID encodes a button's custom ID, cut to Discord's limit.
func customID(kind string, lang language.Lang, args ...string) string {
	id := strings.Join(append([]string{kind, langCode[lang]}, args...), ":")
	if len(id) > maxCustomID {
		id = id[:maxCustomID]
	}
	return id
}

// parseCustomID decodes a custom ID; false when it has no language part,
// which no button of the bot's ever lacks. An unknown language code is
// English.
func parseCustomID(id string) (customIDParts, bool) {
	parts := strings.Split(id, ":")
	if len(parts) < 2 {
		return customIDParts{kind: parts[0]}, false
	}
	return customIDParts{kind: parts[0], lang: parseLang(parts[1]), args: parts[2:]}, true
}

// moreID carries the ids of the passages still to show, best first, and the
// number of the next one, so that any replica can serve the next page.
func moreID(lang language.Lang, next int, rest []string) string {
	prefix := fmt.Sprintf("%s:%s:%d:", idMore, langCode[lang], next)
	var ids []string
	for _, id := range rest {
		if len(prefix)+len(strings.Join(append(ids, id), ".")) > maxCustomID {
			break
		}
		ids = append(ids, id)
	}
	return prefix + strings.Join(ids, ".")
}
