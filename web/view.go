package web

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/index/zhconv"
	"github.com/interviewbot/interviewbot/internal/language"
)

// What a page shows is built here, as plain values, by pure functions; the
// templates only lay it out, and html/template escapes every string.

// seg is a piece of text, marked when it matched the question, or
// emphasised.
type seg struct {
	Text     string
	Mark, Em bool
}

// text is a passage's text in one language: its lang attribute and its
// pieces.
type text struct {
	Lang string
	Segs []seg
}

// marked cuts s into pieces at spans (byte offsets into s, sorted, not
// overlapping; any other is skipped), converting each piece with convert
// when it is not nil. Converting piece by piece keeps the spans, which are
// offsets into the original, in place.
func marked(s string, spans []index.Span, convert func(string) string) []seg {
	if convert == nil {
		convert = func(s string) string { return s }
	}
	var out []seg
	at := 0
	for _, sp := range spans {
		if sp.Start < at || sp.End > len(s) || sp.Start >= sp.End {
			continue
		}
		if sp.Start > at {
			out = append(out, seg{Text: convert(s[at:sp.Start])})
		}
		out = append(out, seg{Text: convert(s[sp.Start:sp.End]), Mark: true})
		at = sp.End
	}
	if at < len(s) || len(out) == 0 {
		out = append(out, seg{Text: convert(s[at:])})
	}
	return out
}

// emphasis turns the bot's *emphasis* into emphasised pieces, so that its
// words read the same on the site without the asterisks.
func emphasis(s string) []seg {
	parts := strings.Split(s, "*")
	if len(parts)%2 == 0 { // an odd number of asterisks: not markup
		return []seg{{Text: s}}
	}
	var out []seg
	for i, p := range parts {
		if p != "" {
			out = append(out, seg{Text: p, Em: i%2 == 1})
		}
	}
	return out
}

// passageView is one passage as a reader reads it.
type passageView struct {
	T           *texts
	N           int
	Anchor      string // its id in the transcript: "p12"
	Href        string // its page, scrolled to it
	Role        string // zuck, host or editor: how it is styled
	Speaker     string
	SpeakerLang string
	Place       string
	// Main is what the reader reads; Second, for English readers the
	// original beneath it, for Chinese readers the English rendering.
	Main, Second *text
	SecondLabel  string
	// Asked is the host's question this passage answers, if it is an
	// answer.
	Asked *askedView
	// Short is Main, plain and clipped, for lists.
	Short string
	// Label, when set, says what the passage is to the one it stands by:
	// "The host asked".
	Label string
}

type askedView struct {
	Text *text
	Href string
}

// view builds the view of p for rd, with the matched words zh (in
// p.Text) and en (in p.English) marked. second adds the other language
// for a Chinese reader too (English readers always get the original).
func view(a *data.Article, rd reader, p *data.Passage, zh, en []index.Span, second bool) passageView {
	t := textsFor(rd.lang)
	v := passageView{
		T: t, N: p.Position, Anchor: anchor(p.Position), Href: passageHref(rd, p.Position),
		Role: role(p), Speaker: rd.lang.Pick(p.SpeakerEN, p.Speaker), SpeakerLang: htmlLang[rd.lang],
		Place: place(a, p, rd.lang),
	}
	original := &text{Lang: htmlLang[language.Traditional], Segs: marked(p.Text, zh, nil)}
	english := &text{Lang: htmlLang[language.English], Segs: marked(p.English, en, nil)}
	switch rd.lang {
	case language.English:
		v.Main, v.Second, v.SecondLabel = english, original, t.Original
	case language.Simplified:
		v.Main = &text{Lang: htmlLang[language.Simplified], Segs: marked(p.Text, zh, zhconv.Mainland)}
	default:
		v.Main = original
	}
	if second && rd.lang != language.English {
		v.Second, v.SecondLabel = english, t.English
	}
	v.Short = clip(oneLine(rd.lang.Pick(p.English, p.Text)), 160)
	if q, ok := a.ByID(p.QuestionID); ok {
		v.Asked = &askedView{
			Text: &text{Lang: htmlLang[rd.lang], Segs: []seg{{Text: rd.lang.Pick(q.English, q.Text)}}},
			Href: passageHref(rd, q.Position),
		}
	}
	return v
}

func anchor(n int) string { return "p" + strconv.Itoa(n) }

// passageHref is the page of passage n, scrolled to it.
func passageHref(rd reader, n int) string {
	return rd.link("/p/"+strconv.Itoa(n), anchor(n))
}

func role(p *data.Passage) string {
	switch p.Speaker {
	case data.SpeakerZuck:
		return "zuck"
	case data.SpeakerHost:
		return "host"
	}
	return "editor"
}

// place says where a passage stands: "Interview · passage 61 of 88".
func place(a *data.Article, p *data.Passage, lang language.Lang) string {
	t := textsFor(lang)
	section := t.Interview
	if p.Section == data.Summary {
		section = t.Summary
	}
	return fmt.Sprintf(t.Place, section, p.Position, len(a.Passages))
}

// topicView is a topic, a link that asks its question.
type topicView struct {
	Emoji, Label, Question, Href string
}

// topics lists the topics with the given ids, in that order; all of them
// when ids is nil.
func topics(a *data.Article, rd reader, ids []string) []topicView {
	var out []topicView
	add := func(tp data.Topic) {
		q := rd.lang.Pick(tp.QuestionEN, tp.QuestionZH)
		out = append(out, topicView{
			Emoji: tp.Emoji, Label: rd.lang.Pick(tp.EN, tp.ZH), Question: q,
			Href: rd.link("/ask", "", "q", q),
		})
	}
	if ids == nil {
		for _, tp := range a.Topics {
			add(tp)
		}
		return out
	}
	for _, id := range ids {
		for _, tp := range a.Topics {
			if tp.ID == id {
				add(tp)
			}
		}
	}
	return out
}

// suggestedTopics are the topics to offer when the interview has no
// answer: those of the closest passages first, then the others, as the
// bot offers them.
func suggestedTopics(a *data.Article, hits []index.Hit) []string {
	var ids []string
	seen := map[string]bool{}
	for _, h := range hits {
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
	return ids
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// clip shortens s to at most n characters, ending in "…" when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:n-1])) + "…"
}
