package bot

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/language"
)

// These tests feed interactions as Discord sends them (testdata/interactions)
// to the core, with no transport and no network, and compare the replies to
// golden files (testdata/golden/handle). The searcher is scripted: they are
// about routing, handlers and replies; what search finds is tested in package
// index, and end to end by the transports' tests on a real index.

// testNow is the fake clock's time: nothing here waits on the real one.
var testNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// scripted is a searcher that answers by the question's shape, with real
// passages of the article.
type scripted struct{ a *data.Article }

func (s scripted) Search(_ context.Context, req index.Request) (*index.Result, error) {
	q := strings.TrimSpace(req.Question)
	res := &index.Result{Question: q}
	hits := func(ids ...string) []index.Hit {
		var out []index.Hit
		for _, id := range ids {
			if p, ok := s.a.ByID(id); ok && len(out) < req.Limit {
				out = append(out, index.Hit{Passage: p, Score: 1, Coverage: 1})
			}
		}
		return out
	}
	switch q {
	case "":
		return nil, index.ErrEmpty
	case "panic":
		panic("the searcher broke")
	case "hello":
		res.Verdict, res.Greeting = index.Chat, index.Hello
	case "火星上的天氣怎麼樣":
		res.Verdict, res.Hits = index.None, hits("i01", "i02")
	default:
		res.Verdict, res.Answered, res.Confidence = index.Answer, true, 0.9
		res.Hits = hits("i50", "i51", "i59", "s01", "i01", "i05", "i60")
	}
	return res, nil
}

func (s scripted) Suggest(_ context.Context, typed string, _ language.Lang, n, _ int) []string {
	if typed == "long" {
		// More than Discord takes, each longer than a choice may be.
		out := make([]string, n+5)
		for i := range out {
			out[i] = strings.Repeat("超長的問題", 30)
		}
		return out
	}
	return []string{typed + "ion?", "What is " + typed + "?"}
}

// recorded is what the metrics saw of one request.
type recorded struct{ command, locale, outcome string }

// testMetrics keeps what the bot recorded.
type testMetrics struct {
	mu           sync.Mutex
	interactions []recorded
	autocomplete int
	feedback     []bool
}

func (m *testMetrics) Interaction(command, locale, outcome string, _ time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.interactions = append(m.interactions, recorded{command, locale, outcome})
}
func (m *testMetrics) Search(time.Duration) {}
func (m *testMetrics) Autocomplete() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.autocomplete++
}
func (m *testMetrics) Feedback(up bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.feedback = append(m.feedback, up)
}

func (m *testMetrics) last(t *testing.T) recorded {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.interactions) == 0 {
		t.Fatal("nothing recorded")
	}
	return m.interactions[len(m.interactions)-1]
}

// testArticle is loaded once: the bot only reads it.
var testArticle = sync.OnceValues(data.Load)

// testBot is a Bot on the scripted searcher, a fake clock and a fixed
// random source (quotes pick passage 7).
func testBot(t *testing.T, limiter *Limiter, clock *fakeClock) (*Bot, *testMetrics) {
	t.Helper()
	a, err := testArticle()
	if err != nil {
		t.Fatal(err)
	}
	m := &testMetrics{}
	b := New(Config{
		Searcher: scripted{a}, Article: a, Metrics: m, Limiter: limiter, Version: "v1.2.3",
		Rand: func(int) int { return 6 }, Now: clock.Now,
	})
	return b, m
}

func loadInteraction(t *testing.T, name string) *discordgo.Interaction {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "interactions", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(raw, &i); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &i
}

// checkResponse checks a response against Discord's limits: it is what
// Discord would refuse, whatever the golden file says.
func checkResponse(t *testing.T, resp *discordgo.InteractionResponse) {
	t.Helper()
	d := resp.Data
	if d == nil {
		return
	}
	if resp.Type == discordgo.InteractionApplicationCommandAutocompleteResult {
		if len(d.Choices) > maxChoices {
			t.Errorf("%d choices", len(d.Choices))
		}
		for _, c := range d.Choices {
			if n := utf8.RuneCountInString(c.Name); n == 0 || n > maxChoiceName {
				t.Errorf("choice %q: %d characters", c.Name, n)
			}
		}
		return
	}
	checkView(t, view{Content: d.Content, Embeds: d.Embeds, Components: d.Components})
	if am := d.AllowedMentions; am == nil || am.Parse == nil || len(am.Parse) != 0 || len(am.Users) != 0 || len(am.Roles) != 0 {
		t.Errorf("allowed_mentions %+v: a reply must ping no one", am)
	}
}

func TestHandle(t *testing.T) {
	tests := []struct {
		name      string
		metric    string // the command label recorded
		outcome   string
		ephemeral bool
	}{
		{"ask-en", "ask", outcomeAnswered, false},
		{"ask-zh-tw-private", "ask", outcomeAnswered, true},
		{"ask-zh-cn-none", "ask", outcomeNoAnswer, false},
		{"ask-chat", "ask", outcomeChat, false},
		{"ask-empty", "ask", outcomeInvalid, true},
		{"ask-searcher-panics", "ask", outcomeError, true},
		{"quote-7", "quote", outcomeOK, false},
		{"quote-random", "quote", outcomeOK, false},
		{"quote-out-of-range", "quote", outcomeInvalid, true},
		{"topics-zh-cn", "topics", outcomeOK, false},
		{"about-en", "about", outcomeOK, false},
		{"unknown-command", "unknown", outcomeInvalid, true},
		{"button-more", "button-more", outcomeOK, true},
		{"button-more-none", "button-more", outcomeOK, true},
		{"button-more-bad", "button-more", outcomeInvalid, true},
		{"button-ctx", "button-ctx", outcomeOK, true},
		{"button-ctx-gone", "button-ctx", outcomeInvalid, true},
		{"button-fb-up-no-locale", "button-fb", outcomeOK, true},
		{"button-fb-sideways", "button-fb", outcomeInvalid, true},
		{"button-topic", "button-topic", outcomeAnswered, true},
		{"button-quote", "button-quote", outcomeOK, true},
		{"button-unknown", "button-unknown", outcomeInvalid, true},
		{"button-no-lang", "button-ctx", outcomeInvalid, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, m := testBot(t, nil, &fakeClock{now: testNow})
			i := loadInteraction(t, tt.name)
			resp := b.Handle(context.Background(), i)
			if resp.Type != discordgo.InteractionResponseChannelMessageWithSource {
				t.Fatalf("response type %d", resp.Type)
			}
			checkResponse(t, resp)
			if got := resp.Data.Flags&discordgo.MessageFlagsEphemeral != 0; got != tt.ephemeral {
				t.Errorf("ephemeral = %v, want %v", got, tt.ephemeral)
			}
			if got := m.last(t); got.command != tt.metric || got.outcome != tt.outcome || got.locale != metricLocale(string(i.Locale)) {
				t.Errorf("recorded %+v, want command %q, outcome %q", got, tt.metric, tt.outcome)
			}
			golden(t, "handle/"+tt.name, resp)
		})
	}
}

func TestHandleFeedbackCounted(t *testing.T) {
	b, m := testBot(t, nil, &fakeClock{now: testNow})
	b.Handle(context.Background(), loadInteraction(t, "button-fb-up-no-locale"))
	b.Handle(context.Background(), loadInteraction(t, "button-fb-sideways"))
	if len(m.feedback) != 1 || !m.feedback[0] {
		t.Errorf("feedback recorded %v, want one up vote", m.feedback)
	}
}

func TestHandlePing(t *testing.T) {
	b, m := testBot(t, nil, &fakeClock{now: testNow})
	resp := b.Handle(context.Background(), loadInteraction(t, "ping"))
	if resp.Type != discordgo.InteractionResponsePong || resp.Data != nil {
		t.Errorf("ping answered %+v, want a bare pong", resp)
	}
	if len(m.interactions) != 0 {
		t.Errorf("a ping was recorded: %+v", m.interactions)
	}
}

func TestHandleAutocomplete(t *testing.T) {
	tests := []struct {
		name    string
		metric  string
		choices int
	}{
		{"autocomplete-en", "ask-autocomplete", 2},
		{"autocomplete-long", "ask-autocomplete", maxChoices},
		{"autocomplete-unknown", "unknown", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, m := testBot(t, nil, &fakeClock{now: testNow})
			resp := b.Handle(context.Background(), loadInteraction(t, tt.name))
			if resp.Type != discordgo.InteractionApplicationCommandAutocompleteResult || len(resp.Data.Choices) != tt.choices {
				t.Fatalf("response %+v, want %d choices", resp, tt.choices)
			}
			checkResponse(t, resp)
			if got := m.last(t); got.command != tt.metric || got.outcome != outcomeOK || m.autocomplete != 1 {
				t.Errorf("recorded %+v and %d autocompletes, want %q ok and 1", got, m.autocomplete, tt.metric)
			}
			golden(t, "handle/"+tt.name, resp)
		})
	}
}

// TestHandleRateLimit: a member who asks faster than the limiter allows is
// told how long to wait, and may ask again once the clock has moved on.
func TestHandleRateLimit(t *testing.T) {
	clock := &fakeClock{now: testNow}
	b, m := testBot(t, NewLimiter(2, 3*time.Second, clock.Now), clock)
	ask := loadInteraction(t, "ask-en")
	steps := []struct {
		name    string
		advance time.Duration
		outcome string
	}{
		{"first", 0, outcomeAnswered},
		{"second, within the burst", 0, outcomeAnswered},
		{"third, over it", 0, outcomeRateLimited},
		{"one interval later", 3 * time.Second, outcomeAnswered},
		{"again at once", 0, outcomeRateLimited},
	}
	for _, st := range steps {
		clock.Advance(st.advance)
		resp := b.Handle(context.Background(), ask)
		checkResponse(t, resp)
		if got := m.last(t).outcome; got != st.outcome {
			t.Fatalf("%s: outcome %q, want %q", st.name, got, st.outcome)
		}
		if st.outcome == outcomeRateLimited {
			if resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
				t.Errorf("%s: the rate limit notice is public", st.name)
			}
			golden(t, "handle/rate-limited", resp)
		}
	}
	// Another member is not held back by the first.
	other := loadInteraction(t, "ask-en")
	other.Member.User.ID = "1200000000000000002"
	b.Handle(context.Background(), other)
	if got := m.last(t).outcome; got != outcomeAnswered {
		t.Errorf("another member: %q", got)
	}
}

func loadMessage(t *testing.T, name string) *discordgo.Message {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "interactions", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m discordgo.Message
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

// TestMention: a message that mentions the bot is answered as a reply that
// pings no one, through the same path as interactions; messages not for
// the bot are not answered.
func TestMention(t *testing.T) {
	const self = "1100000000000000009"
	b, m := testBot(t, nil, &fakeClock{now: testNow})
	send := b.Mention(context.Background(), loadMessage(t, "mention"), self)
	if send == nil {
		t.Fatal("a mention was not answered")
	}
	if send.Reference == nil || send.Reference.MessageID != "1700000000000000001" {
		t.Errorf("reference %+v: not a reply to the question", send.Reference)
	}
	if am := send.AllowedMentions; am == nil || am.Parse == nil || len(am.Parse) != 0 || am.RepliedUser {
		t.Errorf("allowed_mentions %+v: a reply must ping no one", am)
	}
	checkView(t, view{Content: send.Content, Embeds: send.Embeds, Components: send.Components})
	if got := m.last(t); got.command != "mention" || got.outcome != outcomeAnswered || got.locale != "none" {
		t.Errorf("recorded %+v", got)
	}
	golden(t, "handle/"+"mention", send)

	ignored := []struct {
		name   string
		change func(*discordgo.Message)
	}{
		{"another bot", func(m *discordgo.Message) { m.Author.Bot = true }},
		{"itself", func(m *discordgo.Message) { m.Author.ID = self }},
		{"not mentioned", func(m *discordgo.Message) { m.Mentions, m.Content = nil, "What is Hyperion?" }},
		{"no author", func(m *discordgo.Message) { m.Author = nil }},
	}
	for _, tt := range ignored {
		t.Run(tt.name, func(t *testing.T) {
			msg := loadMessage(t, "mention")
			tt.change(msg)
			if send := b.Mention(context.Background(), msg, self); send != nil {
				t.Errorf("answered %+v", send)
			}
		})
	}
	t.Run("searcher panics", func(t *testing.T) {
		msg := loadMessage(t, "mention")
		msg.Content = "<@" + self + "> panic"
		send := b.Mention(context.Background(), msg, self)
		if send == nil || send.Content == "" {
			t.Fatalf("answered %+v, want the friendly failure", send)
		}
		if got := m.last(t); got.command != "mention" || got.outcome != outcomeError {
			t.Errorf("recorded %+v", got)
		}
	})
}
