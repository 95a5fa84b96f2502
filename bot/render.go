package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/index/zhconv"
	"github.com/interviewbot/interviewbot/internal/language"
)

// Discord's limits, in characters (runes).
const (
	maxContent     = 2000
	maxTitle       = 256
	maxDescription = 4096
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 2048
	maxEmbedTotal  = 6000
	maxButtonLabel = 80
	maxCustomID    = 100
	maxChoiceName  = 100
	maxChoices     = 25
)

// Embed colours, one per speaker.
const (
	colorZuck   = 0x0866FF
	colorHost   = 0x99AAB5
	colorEditor = 0x43B581
	colorNone   = 0xFAA61A
)

// noPings is set on every message the bot sends: a question that contains
// @everyone or a mention must never ping anyone, and neither must a reply.
func noPings() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// view is what a reply shows, before it becomes an interaction response,
// a webhook edit or a channel message.
type view struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	Ephemeral  bool
}

func (v *view) responseData() *discordgo.InteractionResponseData {
	d := &discordgo.InteractionResponseData{
		Content:         v.Content,
		Embeds:          v.Embeds,
		Components:      v.Components,
		AllowedMentions: noPings(),
	}
	if d.Embeds == nil {
		d.Embeds = []*discordgo.MessageEmbed{}
	}
	if d.Components == nil {
		d.Components = []discordgo.MessageComponent{}
	}
	if v.Ephemeral {
		d.Flags = discordgo.MessageFlagsEphemeral
	}
	return d
}

// renderAnswer formats the reply to a question, by the index's verdict.
// An answer shows the best passage in full, with the host's question and
// the matched words in bold, the next ones compact, and buttons for more
// results, context and feedback; an unsure one the same under a caveat.
func renderAnswer(a *data.Article, res *index.Result, lang language.Lang) view {
	t := textsFor(lang)
	switch {
	case res.Verdict == index.Chat:
		return renderChat(a, res.Greeting, lang)
	case len(res.Hits) == 0 || res.Verdict != index.Answer && res.Verdict != index.Unsure:
		return renderNoAnswer(a, res, lang)
	}
	best := res.Hits[0]
	e := passageEmbed(a, best.Passage, lang, best.Text, best.English)
	if res.Verdict == index.Unsure {
		e.Author = &discordgo.MessageEmbedAuthor{Name: "🤔 " + t.Unsure}
		e.Color = colorNone
	}
	e.Fields = append(e.Fields, hostField(a, best.Passage, lang)...)
	shown := min(pageSize, len(res.Hits))
	if shown > 1 {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{
			Name: t.OtherPassages, Value: compactList(a, res.Hits[1:shown], lang, 2),
		})
	}
	e.Footer.Text = clip(e.Footer.Text+" · "+t.Asked+": "+res.Question, maxFooter)
	var rest []string
	for _, h := range res.Hits[shown:] {
		rest = append(rest, h.Passage.ID)
	}
	return view{
		Embeds:     []*discordgo.MessageEmbed{fitEmbed(e)},
		Components: answerButtons(lang, best.Passage.ID, rest, shown+1),
	}
}

// renderMore formats a later page of results: passages listed compactly.
func renderMore(a *data.Article, lang language.Lang, page []*data.Passage, rest []string, first int) view {
	t := textsFor(lang)
	if len(page) == 0 {
		return view{Content: t.NoMore, Ephemeral: true}
	}
	var b strings.Builder
	for i, p := range page {
		fmt.Fprintf(&b, "**%d.** %s\n%s\n\n", first+i, speakerLine(a, p, lang), clip(escape(passageText(p, lang)), 700))
	}
	e := &discordgo.MessageEmbed{
		Title:       t.More,
		Description: strings.TrimSpace(b.String()),
		Color:       colorZuck,
	}
	var rows []discordgo.MessageComponent
	buttons := []discordgo.MessageComponent{}
	for i, p := range page {
		buttons = append(buttons, discordgo.Button{
			Label: clip(fmt.Sprintf("%s %d", t.Context, first+i), maxButtonLabel), Style: discordgo.SecondaryButton,
			CustomID: customID(idContext, lang, p.ID),
		})
	}
	if len(rest) > 0 {
		buttons = append(buttons, discordgo.Button{
			Label: t.More, Style: discordgo.PrimaryButton, CustomID: moreID(lang, first+len(page), rest),
		})
	}
	rows = append(rows, discordgo.ActionsRow{Components: buttons})
	return view{Embeds: []*discordgo.MessageEmbed{fitEmbed(e)}, Components: rows, Ephemeral: true}
}

func renderNoAnswer(a *data.Article, res *index.Result, lang language.Lang) view {
	t := textsFor(lang)
	// Suggest the topics of the closest passages, then the rest.
	var ids []string
	seen := map[string]bool{}
	for _, h := range res.Hits {
		for _, id := range h.Passage.Topics {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	for _, tp := range a.Topics {
		if !seen[tp.ID] {
			ids = append(ids, tp.ID)
		}
	}
	e := &discordgo.MessageEmbed{
		Title:       "🤔 " + t.NoAnswerTitle,
		Description: fmt.Sprintf(t.NoAnswer, clip(escape(res.Question), 300)),
		Color:       colorNone,
	}
	return view{
		Embeds:     []*discordgo.MessageEmbed{fitEmbed(e)},
		Components: topicButtons(a, lang, ids[:min(5, len(ids))]),
	}
}

// ChatText is the bot's reply to small talk, in a reader's language.
func ChatText(g index.Greeting, lang language.Lang) string {
	t := textsFor(lang)
	switch g {
	case index.Hello:
		return t.ChatHello
	case index.Thanks:
		return t.ChatThanks
	case index.Bye:
		return t.ChatBye
	}
	return t.ChatOther
}

// UnsureText is the caveat above the closest passage when the interview may
// not answer a question directly, in a reader's language.
func UnsureText(lang language.Lang) string { return textsFor(lang).Unsure }

// renderChat answers small talk in kind: it greets back or thanks back,
// says what the bot knows, and offers the topics.
func renderChat(a *data.Article, g index.Greeting, lang language.Lang) view {
	msg := ChatText(g, lang)
	ids := make([]string, 0, 5)
	for _, tp := range a.Topics[:min(5, len(a.Topics))] {
		ids = append(ids, tp.ID)
	}
	return view{Content: clip(msg, maxContent), Components: topicButtons(a, lang, ids)}
}

// passageEmbed shows one passage in the reader's language. English readers
// get the English rendering first and the original below it.
func passageEmbed(a *data.Article, p *data.Passage, lang language.Lang, zhSpans, enSpans []index.Span) *discordgo.MessageEmbed {
	t := textsFor(lang)
	var desc string
	switch lang {
	case language.English:
		desc = mark(p.English, enSpans, nil) + "\n\n**" + t.Original + "**\n" + quote(mark(p.Text, zhSpans, nil))
	case language.Simplified:
		desc = mark(p.Text, zhSpans, zhconv.Mainland)
	default:
		desc = mark(p.Text, zhSpans, nil)
	}
	return &discordgo.MessageEmbed{
		Title:       clip(speakerIcon(p)+" "+speakerName(p, lang), maxTitle),
		Description: desc,
		Color:       speakerColor(p),
		Footer:      &discordgo.MessageEmbedFooter{Text: placeLine(a, p, lang)},
	}
}

// renderQuote shows one passage with a button for its context and one for
// another random quote.
func renderQuote(a *data.Article, p *data.Passage, lang language.Lang) view {
	t := textsFor(lang)
	e := passageEmbed(a, p, lang, nil, nil)
	e.Author = &discordgo.MessageEmbedAuthor{Name: "💬 " + t.QuoteTitle}
	e.Fields = append(e.Fields, hostField(a, p, lang)...)
	return view{
		Embeds: []*discordgo.MessageEmbed{fitEmbed(e)},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: t.Context, Style: discordgo.SecondaryButton, CustomID: customID(idContext, lang, p.ID)},
			discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "🎲"}, Style: discordgo.SecondaryButton, CustomID: customID(idQuote, lang)},
		}}},
	}
}

// renderContext shows a passage between its neighbours, with the host's
// question first when the passage answers one.
func renderContext(a *data.Article, p *data.Passage, lang language.Lang) view {
	t := textsFor(lang)
	var b strings.Builder
	if q, ok := a.ByID(p.QuestionID); ok && q.Position < p.Position-1 {
		fmt.Fprintf(&b, "🎤 *%s*\n%s\n\n…\n\n", escape(speakerName(q, lang)), clip(escape(passageText(q, lang)), 900))
	}
	for pos := p.Position - 1; pos <= p.Position+1; pos++ {
		n, ok := a.At(pos)
		if !ok {
			continue
		}
		text := clip(escape(passageText(n, lang)), 1200)
		if n == p {
			text = "**" + strings.ReplaceAll(text, "\n", "**\n**") + "**"
		}
		fmt.Fprintf(&b, "%s *%s*\n%s\n\n", speakerIcon(n), escape(speakerName(n, lang)), text)
	}
	e := &discordgo.MessageEmbed{
		Title:       "📖 " + t.ContextTitle,
		Description: strings.TrimSpace(b.String()),
		Color:       speakerColor(p),
		Footer:      &discordgo.MessageEmbedFooter{Text: placeLine(a, p, lang)},
	}
	var nav []discordgo.MessageComponent
	if prev, ok := a.At(p.Position - 1); ok {
		nav = append(nav, discordgo.Button{Label: "◀ " + t.Previous, Style: discordgo.SecondaryButton, CustomID: customID(idContext, lang, prev.ID)})
	}
	if next, ok := a.At(p.Position + 1); ok {
		nav = append(nav, discordgo.Button{Label: t.Next + " ▶", Style: discordgo.SecondaryButton, CustomID: customID(idContext, lang, next.ID)})
	}
	v := view{Embeds: []*discordgo.MessageEmbed{fitEmbed(e)}, Ephemeral: true}
	if len(nav) > 0 {
		v.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: nav}}
	}
	return v
}

// renderTopics lists the themes of the interview, each a button.
func renderTopics(a *data.Article, lang language.Lang) view {
	t := textsFor(lang)
	var b strings.Builder
	ids := make([]string, 0, len(a.Topics))
	for _, tp := range a.Topics {
		label, q := topicText(tp, lang)
		fmt.Fprintf(&b, "%s **%s**\n%s\n", tp.Emoji, escape(label), escape(q))
		ids = append(ids, tp.ID)
	}
	e := &discordgo.MessageEmbed{
		Title:       "🗂️ " + t.TopicsTitle,
		Description: t.TopicsBody + "\n\n" + strings.TrimSpace(b.String()),
		Color:       colorZuck,
	}
	return view{Embeds: []*discordgo.MessageEmbed{fitEmbed(e)}, Components: topicButtons(a, lang, ids)}
}

// renderAbout says what the bot is and how to use it.
func renderAbout(a *data.Article, lang language.Lang, version string) view {
	t := textsFor(lang)
	e := &discordgo.MessageEmbed{
		Title:       "ℹ️ " + t.AboutTitle,
		Description: fmt.Sprintf(t.About, a.Source),
		Color:       colorZuck,
		Fields: []*discordgo.MessageEmbedField{
			{Name: t.AboutHowTitle, Value: t.AboutHow},
			{Name: t.AboutSource, Value: clip(escape(a.Title), maxFieldValue)},
		},
		Footer: &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("interviewbot %s · %d passages · data %s", version, len(a.Passages), a.Checksum)},
	}
	return view{Embeds: []*discordgo.MessageEmbed{fitEmbed(e)}}
}

// renderNotice is a short ephemeral message: errors, thanks, slow down.
func renderNotice(text string) view {
	return view{Content: clip(text, maxContent), Ephemeral: true}
}

// answerButtons are the buttons under an answer: the next page of results
// (numbered from next), the best passage's context, and feedback on it.
func answerButtons(lang language.Lang, id string, rest []string, next int) []discordgo.MessageComponent {
	t := textsFor(lang)
	more := discordgo.Button{Label: t.More, Style: discordgo.PrimaryButton, CustomID: moreID(lang, next, rest), Disabled: len(rest) == 0}
	if len(rest) == 0 {
		more.CustomID = customID(idMore, lang, "")
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		more,
		discordgo.Button{Label: t.Context, Style: discordgo.SecondaryButton, CustomID: customID(idContext, lang, id)},
		discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton, CustomID: customID(idFeedback, lang, "up", id)},
		discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton, CustomID: customID(idFeedback, lang, "down", id)},
	}}}
}

func topicButtons(a *data.Article, lang language.Lang, ids []string) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	var row []discordgo.MessageComponent
	for _, id := range ids {
		for _, tp := range a.Topics {
			if tp.ID != id {
				continue
			}
			label, _ := topicText(tp, lang)
			b := discordgo.Button{Label: clip(label, maxButtonLabel), Style: discordgo.SecondaryButton, CustomID: customID(idTopic, lang, tp.ID)}
			if tp.Emoji != "" {
				b.Emoji = &discordgo.ComponentEmoji{Name: tp.Emoji}
			}
			row = append(row, b)
		}
		if len(row) == 5 {
			rows = append(rows, discordgo.ActionsRow{Components: row})
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, discordgo.ActionsRow{Components: row})
	}
	if len(rows) > 5 {
		rows = rows[:5]
	}
	return rows
}

func topicText(tp data.Topic, lang language.Lang) (label, question string) {
	return lang.Pick(tp.EN, tp.ZH), lang.Pick(tp.QuestionEN, tp.QuestionZH)
}

// compactList shows passages one line each, numbered from first.
func compactList(a *data.Article, hits []index.Hit, lang language.Lang, first int) string {
	var lines []string
	budget := maxFieldValue / max(len(hits), 1)
	for i, h := range hits {
		head := fmt.Sprintf("**%d.** %s: ", first+i, escape(speakerName(h.Passage, lang)))
		room := budget - utf8.RuneCountInString(head) - 1
		lines = append(lines, head+clip(escape(oneLine(passageText(h.Passage, lang))), max(room, 10)))
	}
	return clip(strings.Join(lines, "\n"), maxFieldValue)
}

// hostField shows the host's question that p answers, if p is an answer.
func hostField(a *data.Article, p *data.Passage, lang language.Lang) []*discordgo.MessageEmbedField {
	q, ok := a.ByID(p.QuestionID)
	if !ok {
		return nil
	}
	return []*discordgo.MessageEmbedField{{
		Name: "🎤 " + textsFor(lang).HostAsked, Value: clip(escape(passageText(q, lang)), maxFieldValue),
	}}
}

// passageText is a passage in the reader's language, plain.
func passageText(p *data.Passage, lang language.Lang) string {
	return lang.Pick(p.English, p.Text)
}

func speakerName(p *data.Passage, lang language.Lang) string {
	return lang.Pick(p.SpeakerEN, p.Speaker)
}

func speakerLine(a *data.Article, p *data.Passage, lang language.Lang) string {
	return speakerIcon(p) + " " + escape(speakerName(p, lang)) + " · " + placeLine(a, p, lang)
}

func speakerIcon(p *data.Passage) string {
	switch p.Speaker {
	case data.SpeakerZuck:
		return "🎙️"
	case data.SpeakerHost:
		return "🎤"
	}
	return "📝"
}

func speakerColor(p *data.Passage) int {
	switch p.Speaker {
	case data.SpeakerZuck:
		return colorZuck
	case data.SpeakerHost:
		return colorHost
	}
	return colorEditor
}

// placeLine says where a passage stands: "Interview · passage 61 of 88".
// Passage ids are for custom IDs and JSON; members see numbers.
func placeLine(a *data.Article, p *data.Passage, lang language.Lang) string {
	t := textsFor(lang)
	section := t.Interview
	if p.Section == data.Summary {
		section = t.Summary
	}
	return section + " · " + fmt.Sprintf(t.Passage, p.Position, len(a.Passages))
}

// mark renders text with the spans in bold, escaped, converted by convert
// (zhconv.Mainland for Simplified readers). The whole text is converted at
// once, so that a word the conversion rewrites (許可權 → 权限) is rewritten
// even when a span starts or ends inside it; each span is then found again
// in the converted text, left to right, and dropped when the conversion
// changed it beyond finding.
func mark(text string, spans []index.Span, convert func(string) string) string {
	if convert == nil {
		convert = func(s string) string { return s }
	}
	full := convert(text)
	var b strings.Builder
	at, prev := 0, 0 // in full; in text
	for _, s := range spans {
		if s.Start < prev || s.End > len(text) || s.Start >= s.End {
			continue
		}
		piece := convert(text[s.Start:s.End])
		i := strings.Index(full[at:], piece)
		if i < 0 {
			continue
		}
		b.WriteString(escape(full[at : at+i]))
		b.WriteString("**" + escape(piece) + "**")
		at += i + len(piece)
		prev = s.End
	}
	b.WriteString(escape(full[at:]))
	return b.String()
}

func quote(s string) string { return "> " + strings.ReplaceAll(s, "\n", "\n> ") }

// escape keeps user and transcript text from being read as Markdown or as a
// mention: the zero-width space after @ stops @everyone from even looking
// like one, on top of allowed_mentions.
func escape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case '\\', '*', '_', '~', '`', '|', '>', '#', '[', ']':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		if r == '@' {
			b.WriteRune('\u200b')
		}
	}
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// clip shortens s to at most n runes, ending in an ellipsis when cut. It
// never leaves half a bold marker or a dangling escape behind.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := string([]rune(s)[:max(n-1, 0)])
	if strings.Count(cut, "**")%2 == 1 {
		cut = cut[:strings.LastIndex(cut, "**")]
	}
	return strings.TrimRight(cut, "\\") + "…"
}

// fitEmbed makes an embed respect every Discord limit, trimming the
// description last-resort so that the total stays under 6000.
func fitEmbed(e *discordgo.MessageEmbed) *discordgo.MessageEmbed {
	e.Title = clip(e.Title, maxTitle)
	e.Description = clip(e.Description, maxDescription)
	for _, f := range e.Fields {
		f.Name = clip(f.Name, maxFieldName)
		f.Value = clip(f.Value, maxFieldValue)
	}
	if e.Footer != nil {
		e.Footer.Text = clip(e.Footer.Text, maxFooter)
	}
	if e.Author != nil {
		e.Author.Name = clip(e.Author.Name, maxTitle)
	}
	if over := embedLen(e) - maxEmbedTotal; over > 0 {
		e.Description = clip(e.Description, max(utf8.RuneCountInString(e.Description)-over, 1))
	}
	return e
}

// embedLen counts an embed the way Discord does for the 6000 limit.
func embedLen(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	if e.Author != nil {
		n += utf8.RuneCountInString(e.Author.Name)
	}
	return n
}
