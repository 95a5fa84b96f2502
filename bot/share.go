package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/language"
)

// Verdicts as a share button's custom ID carries them.
const (
	shareAnswer = "a"
	shareUnsure = "u"
)

// shareID encodes what a shared answer shows: "share:lang:verdict:ids",
// the passages best first, as many as fit in Discord's 100 characters.
// Like every custom ID it carries all the button needs, so that any
// replica can post the answer.
func shareID(lang language.Lang, verdict index.Verdict, hits []index.Hit) string {
	v := shareAnswer
	if verdict == index.Unsure {
		v = shareUnsure
	}
	prefix := customID(idShare, lang, v) + ":"
	var ids []string
	for _, h := range hits {
		if len(prefix)+len(strings.Join(append(ids, h.Passage.ID), ".")) > maxCustomID {
			break
		}
		ids = append(ids, h.Passage.ID)
	}
	return prefix + strings.Join(ids, ".")
}

// parseShare decodes the arguments of a share button (its custom ID after
// "share:lang:") back into the result it shows; false when they name no
// passage or no verdict it knows.
func parseShare(a *data.Article, args []string) (*index.Result, bool) {
	if len(args) != 2 {
		return nil, false
	}
	res := &index.Result{}
	switch args[0] {
	case shareAnswer:
		res.Verdict = index.Answer
	case shareUnsure:
		res.Verdict = index.Unsure
	default:
		return nil, false
	}
	for _, id := range strings.Split(args[1], ".") {
		if p, ok := a.ByID(id); ok {
			res.Hits = append(res.Hits, index.Hit{Passage: p})
		}
	}
	return res, len(res.Hits) > 0
}

// isShare says whether i is a click on "Post to channel", whose answer is
// public, unlike every other button's.
func isShare(i *discordgo.Interaction) bool {
	return strings.HasPrefix(i.MessageComponentData().CustomID, idShare+":")
}

// addShare puts "Post to channel" under a private answer that shows
// passages; a notice or small talk has nothing worth posting.
func (b *Bot) addShare(rep *reply, lang language.Lang) {
	res := rep.res
	if res == nil || len(res.Hits) == 0 || (res.Verdict != index.Answer && res.Verdict != index.Unsure) {
		return
	}
	rep.view.Components = append(rep.view.Components, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{
			Label: clip(communityFor(lang).Share, maxButtonLabel), Style: discordgo.SuccessButton,
			Emoji: &discordgo.ComponentEmoji{Name: "📢"}, CustomID: shareID(lang, res.Verdict, res.Hits),
		},
	}})
}

// share posts a private answer for the channel to see, credited to the
// member who asked (the one who can see the button) without pinging them.
// It is an interaction response, so it works where the bot is not a
// member; it counts against the member's rate limit like a question.
func (b *Bot) share(_ context.Context, r *request, args []string) (reply, error) {
	res, ok := parseShare(b.article, args)
	if !ok {
		return reply{}, &userError{msg: textsFor(r.lang).Expired, outcome: outcomeInvalid}
	}
	if err := b.allow(r); err != nil {
		return reply{}, err
	}
	return reply{view: b.renderShared(res, r.lang, r.user), outcome: verdictOutcome(res.Verdict)}, nil
}

// renderShared is the public copy of a private answer: the same passages
// and buttons, with the asker's credit above.
func (b *Bot) renderShared(res *index.Result, lang language.Lang, user string) view {
	best := res.Hits[0].Passage
	v := renderAnswer(b.article, res, lang)
	if e := v.Embeds[0]; e.Footer != nil {
		// The question stayed private: the footer says where the passage
		// stands, not what was asked.
		e.Footer.Text = placeLine(b.article, best, lang)
	}
	b.link(&v, best)
	if snowflakeID(user) {
		v.Content = fmt.Sprintf(communityFor(lang).SharedBy, "<@"+user+">")
	}
	return v
}

// link makes the title of a view's first embed open passage p on the web
// site, when the site's address is known.
func (b *Bot) link(v *view, p *data.Passage) {
	if b.site == "" || len(v.Embeds) == 0 || p == nil {
		return
	}
	v.Embeds[0].URL = b.site + "/p/" + strconv.Itoa(p.Position)
}

// snowflakeID says whether s is a Discord ID, safe to put in a mention.
func snowflakeID(s string) bool {
	if len(s) == 0 || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
