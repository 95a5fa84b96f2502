package bot

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/language"
)

// Outcomes of an interaction, as logged and counted.
const (
	outcomeAnswered    = "answered"
	outcomeUnsure      = "unsure"
	outcomeNoAnswer    = "no-answer"
	outcomeChat        = "chat"
	outcomeRateLimited = "rate-limited"
	outcomeInvalid     = "invalid"
	outcomeError       = "error"
	outcomeOK          = "ok"
)

// hitsPerAnswer is how many passages one answer fetches: the first page
// shows pageSize, the rest travel in the "More results" button.
const (
	hitsPerAnswer = 15
	pageSize      = 3
)

// request is one interaction, decoded.
type request struct {
	i      *discordgo.Interaction
	lang   language.Lang
	locale string
	user   string
	// question is set by handlers that answer one, for the log.
	question string
}

// reply is what a handler produces.
type reply struct {
	view    view
	outcome string
	// res is the search result an answer shows, for the share button.
	res *index.Result
}

// userError is an error the asker caused and can fix; its message is shown.
type userError struct {
	msg     string
	outcome string
}

func (e *userError) Error() string { return e.msg }

// Handle answers one interaction and returns the response to send. It never
// fails: errors become a friendly ephemeral reply and a log line (see run),
// so that no interaction ends in "This interaction failed".
func (b *Bot) Handle(ctx context.Context, i *discordgo.Interaction) *discordgo.InteractionResponse {
	start := b.now()
	r := &request{i: i, locale: string(i.Locale), user: userID(i)}
	switch i.Type {
	case discordgo.InteractionPing:
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}
	case discordgo.InteractionApplicationCommandAutocomplete:
		return b.suggest(ctx, r, start)
	}
	var (
		handle handler
		args   []string
		metric = "unknown"
	)
	rep := b.run(r, start, &metric, func() (reply, error) {
		handle, args, metric = b.resolve(r)
		return handle(ctx, r, args)
	})
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: rep.view.responseData(),
	}
}

// run is the one path every interaction and mention takes once its route is
// known: the handler runs safely, a failure becomes the reply the member
// sees, and the outcome is recorded under *metric, which handle may set.
func (b *Bot) run(r *request, start time.Time, metric *string, handle func() (reply, error)) reply {
	var rep reply
	err := safely(func() (err error) { rep, err = handle(); return err })
	outcome := rep.outcome
	if err != nil {
		rep, outcome = b.failure(r, err)
	}
	b.record(*metric, r, outcome, b.now().Sub(start), err)
	return rep
}

// suggest answers an autocomplete interaction, counted apart from the
// answers: it never fails, and returns no choices rather than an error.
func (b *Bot) suggest(ctx context.Context, r *request, start time.Time) *discordgo.InteractionResponse {
	name := r.i.ApplicationCommandData().Name
	metric := "unknown"
	if b.route(kindCommand, name) != nil {
		metric = name + "-autocomplete"
	}
	var resp *discordgo.InteractionResponse
	err := safely(func() error { resp = b.autocomplete(ctx, r); return nil })
	b.metrics.Autocomplete()
	outcome := outcomeOK
	if err != nil {
		resp, outcome = &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult}, outcomeError
	}
	b.record(metric, r, outcome, b.now().Sub(start), err)
	return resp
}

// record is the one metric and the one log line of each interaction or
// mention. The question is logged only when asked for (privacy by default).
func (b *Bot) record(name string, r *request, outcome string, took time.Duration, err error) {
	b.metrics.Interaction(name, metricLocale(r.locale), outcome, took)
	attrs := []any{"command", name, "locale", r.locale, "outcome", outcome, "took_ms", float64(took.Microseconds()) / 1000}
	if b.logQs && r.question != "" {
		attrs = append(attrs, "question", r.question)
	}
	if err != nil && outcome == outcomeError {
		b.log.Error("interaction", append(attrs, "err", err)...)
		return
	}
	b.log.Info("interaction", attrs...)
}

// safely runs a handler, turning a panic into an error: one bad
// interaction or mention must not take the process, and every other
// member, down.
func safely(handle func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panic: %v", p)
		}
	}()
	return handle()
}

// failure turns an error into the reply the member sees.
func (b *Bot) failure(r *request, err error) (reply, string) {
	var ue *userError
	if errors.As(err, &ue) {
		return reply{view: renderNotice(ue.msg)}, ue.outcome
	}
	return reply{view: renderNotice(textsFor(r.lang).Failed)}, outcomeError
}

// searchError maps search errors to what the asker should hear.
func searchError(t *texts, err error) error {
	switch {
	case errors.Is(err, index.ErrEmpty):
		return &userError{msg: t.Empty, outcome: outcomeInvalid}
	case errors.Is(err, index.ErrTooLong):
		return &userError{msg: fmt.Sprintf(t.TooLong, index.MaxQuestionRunes), outcome: outcomeInvalid}
	}
	return fmt.Errorf("search: %w", err)
}

func (b *Bot) allow(r *request) error {
	ok, wait := b.limiter.Allow(r.user)
	if ok {
		return nil
	}
	secs := int(math.Ceil(wait.Seconds()))
	return &userError{msg: fmt.Sprintf(textsFor(r.lang).SlowDown, max(secs, 1)), outcome: outcomeRateLimited}
}

// answer searches for a question and renders the first page.
func (b *Bot) answer(ctx context.Context, r *request, question string) (reply, error) {
	r.question = question
	if err := b.allow(r); err != nil {
		return reply{}, err
	}
	start := b.now()
	res, err := b.search.Search(ctx, index.Request{Question: question, Limit: hitsPerAnswer})
	b.metrics.Search(b.now().Sub(start))
	if err != nil {
		return reply{}, searchError(textsFor(r.lang), err)
	}
	v := renderAnswer(b.article, res, r.lang)
	if (res.Verdict == index.Answer || res.Verdict == index.Unsure) && len(res.Hits) > 0 {
		b.link(&v, res.Hits[0].Passage)
	}
	return reply{view: v, outcome: verdictOutcome(res.Verdict), res: res}, nil
}

func (b *Bot) ask(ctx context.Context, r *request, _ []string) (reply, error) {
	d := r.i.ApplicationCommandData()
	rep, err := b.answer(ctx, r, optionString(d.Options, "question"))
	if optionBool(d.Options, "private") {
		rep.view.Ephemeral = true
		b.addShare(&rep, r.lang)
	}
	return rep, err
}

func (b *Bot) quote(_ context.Context, r *request, _ []string) (reply, error) {
	n := int(optionInt(r.i.ApplicationCommandData().Options, "number"))
	if n == 0 {
		n = 1 + b.randN(len(b.article.Passages))
	}
	p, ok := b.article.At(n)
	if !ok {
		return reply{}, &userError{msg: fmt.Sprintf("1–%d", len(b.article.Passages)), outcome: outcomeInvalid}
	}
	v := renderQuote(b.article, p, r.lang)
	b.link(&v, p)
	return reply{view: v, outcome: outcomeOK}, nil
}

func (b *Bot) randomQuote(_ context.Context, r *request, _ []string) (reply, error) {
	p, _ := b.article.At(1 + b.randN(len(b.article.Passages)))
	v := renderQuote(b.article, p, r.lang)
	b.link(&v, p)
	v.Ephemeral = true
	return reply{view: v, outcome: outcomeOK}, nil
}

func (b *Bot) topics(_ context.Context, r *request, _ []string) (reply, error) {
	return reply{view: renderTopics(b.article, r.lang), outcome: outcomeOK}, nil
}

func (b *Bot) about(_ context.Context, r *request, _ []string) (reply, error) {
	return reply{view: renderAbout(b.article, r.lang, b.version), outcome: outcomeOK}, nil
}

// verdictOutcome names a verdict in logs and metrics.
func verdictOutcome(v index.Verdict) string {
	switch v {
	case index.Answer:
		return outcomeAnswered
	case index.Unsure:
		return outcomeUnsure
	case index.Chat:
		return outcomeChat
	}
	return outcomeNoAnswer
}

// more shows the next page of an answer: args are the number of the first
// passage on the page and the ids still to show.
func (b *Bot) more(_ context.Context, r *request, args []string) (reply, error) {
	if len(args) < 2 {
		return reply{view: renderNotice(textsFor(r.lang).NoMore), outcome: outcomeOK}, nil
	}
	var first int
	if _, err := fmt.Sscan(args[0], &first); err != nil || first < 1 {
		return reply{}, &userError{msg: textsFor(r.lang).Expired, outcome: outcomeInvalid}
	}
	var page []*data.Passage
	var rest []string
	for _, id := range strings.Split(args[1], ".") {
		p, ok := b.article.ByID(id)
		if !ok {
			continue
		}
		if len(page) < pageSize {
			page = append(page, p)
		} else {
			rest = append(rest, id)
		}
	}
	return reply{view: renderMore(b.article, r.lang, page, rest, first), outcome: outcomeOK}, nil
}

func (b *Bot) context(_ context.Context, r *request, args []string) (reply, error) {
	p, ok := b.passageArg(args, 0)
	if !ok {
		return reply{}, &userError{msg: textsFor(r.lang).Expired, outcome: outcomeInvalid}
	}
	v := renderContext(b.article, p, r.lang)
	b.link(&v, p)
	return reply{view: v, outcome: outcomeOK}, nil
}

func (b *Bot) feedback(_ context.Context, r *request, args []string) (reply, error) {
	p, ok := b.passageArg(args, 1)
	if !ok || (args[0] != "up" && args[0] != "down") {
		return reply{}, &userError{msg: textsFor(r.lang).Expired, outcome: outcomeInvalid}
	}
	up := args[0] == "up"
	b.metrics.Feedback(up)
	b.log.Info("feedback", "passage", p.ID, "up", up, "locale", r.locale)
	t := textsFor(r.lang)
	msg := t.ThanksDown
	if up {
		msg = t.ThanksUp
	}
	return reply{view: renderNotice(msg), outcome: outcomeOK}, nil
}

// topic answers a topic's question, for the member who clicked it.
func (b *Bot) topic(ctx context.Context, r *request, args []string) (reply, error) {
	for _, tp := range b.article.Topics {
		if len(args) > 0 && tp.ID == args[0] {
			_, q := topicText(tp, r.lang)
			rep, err := b.answer(ctx, r, q)
			rep.view.Ephemeral = true
			return rep, err
		}
	}
	return reply{}, &userError{msg: textsFor(r.lang).Expired, outcome: outcomeInvalid}
}

func (b *Bot) passageArg(args []string, i int) (*data.Passage, bool) {
	if i >= len(args) {
		return nil, false
	}
	return b.article.ByID(args[i])
}

// autocomplete suggests questions as the member types. Discord gives it
// three seconds and no way to defer, so it only ever does in-memory work.
func (b *Bot) autocomplete(ctx context.Context, r *request) *discordgo.InteractionResponse {
	d := r.i.ApplicationCommandData()
	typed := ""
	for _, o := range d.Options {
		if o != nil && o.Focused && o.Type == discordgo.ApplicationCommandOptionString {
			typed, _ = o.Value.(string)
		}
	}
	r.lang = language.For(r.locale, typed)
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	for _, s := range b.search.Suggest(ctx, typed, r.lang, maxChoices, maxChoiceName) {
		s = clip(s, maxChoiceName)
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: s, Value: s})
		if len(choices) == maxChoices {
			break
		}
	}
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}
}

// metricLocale keeps the locale label's values few: the three languages the
// bot speaks by name, everything else as "other".
func metricLocale(l string) string {
	switch l {
	case "zh-TW", "zh-CN", "en-US", "en-GB":
		return l
	case "":
		return "none"
	}
	return "other"
}

func userID(i *discordgo.Interaction) string {
	switch {
	case i.Member != nil && i.Member.User != nil:
		return i.Member.User.ID
	case i.User != nil:
		return i.User.ID
	}
	return ""
}

func optionString(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) string {
	for _, o := range opts {
		if o != nil && o.Name == name && o.Type == discordgo.ApplicationCommandOptionString {
			if s, ok := o.Value.(string); ok {
				return s
			}
		}
	}
	return ""
}

func optionBool(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) bool {
	for _, o := range opts {
		if o != nil && o.Name == name && o.Type == discordgo.ApplicationCommandOptionBoolean {
			v, _ := o.Value.(bool)
			return v
		}
	}
	return false
}

func optionInt(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) int64 {
	for _, o := range opts {
		if o != nil && o.Name == name && o.Type == discordgo.ApplicationCommandOptionInteger {
			if f, ok := o.Value.(float64); ok && f >= math.MinInt32 && f <= math.MaxInt32 {
				return int64(f)
			}
		}
	}
	return 0
}
