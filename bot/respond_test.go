package bot

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/language"
)

func TestEncodeResponse(t *testing.T) {
	tests := []struct {
		name string
		resp *discordgo.InteractionResponse
		want string
	}{
		{"empty autocomplete keeps its list", &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}},
		}, `{"type":8,"data":{"choices":[]}}`},
		{"autocomplete without data", &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		}, `{"type":8,"data":{"choices":[]}}`},
		{"autocomplete with a choice", &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "a", Value: "a"}}},
		}, `{"type":8,"data":{"tts":false,"content":"","components":null,"embeds":null,"choices":[{"name":"a","value":"a"}]}}`},
		{"pong", &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}, `{"type":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EncodeResponse(tt.resp)
			if err != nil {
				t.Fatal(err)
			}
			var a, b any
			if err := json.Unmarshal(got, &a); err != nil {
				t.Fatal(err)
			}
			json.Unmarshal([]byte(tt.want), &b)
			if ga, _ := json.Marshal(a); string(ga) != mustJSON(b) {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// failingResponder fails every response the way net/http does, with the
// callback URL, token included, in the error.
type failingResponder struct{ secret string }

func (f failingResponder) Respond(context.Context, *discordgo.InteractionResponse) error {
	return &url.Error{Op: "Post", URL: "https://discord.com/api/v9/interactions/123/" + f.secret + "/callback", Err: errors.New("connection reset")}
}

func (f failingResponder) EditOriginal(context.Context, *discordgo.WebhookEdit) error {
	return errors.New("not reached")
}

func TestServeErrorsCarryNoToken(t *testing.T) {
	a, err := testArticle()
	if err != nil {
		t.Fatal(err)
	}
	b := New(Config{Article: a})
	r := failingResponder{secret: "aW50ZXJhY3Rpb246c2VjcmV0"}
	err = b.Serve(context.Background(), &discordgo.Interaction{Type: discordgo.InteractionPing}, r, time.Second)
	var ue *url.Error
	if err == nil || strings.Contains(err.Error(), r.secret) || !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("Serve error = %v", err)
	}
	if !errors.As(err, &ue) {
		t.Errorf("the *url.Error is lost: %#v", err)
	}
}

// recordingResponder keeps what was sent, in order.
type recordingResponder struct {
	mu        sync.Mutex
	responses []*discordgo.InteractionResponse
	edits     []*discordgo.WebhookEdit
	// responded gets each response as it is sent, when not nil.
	responded chan *discordgo.InteractionResponse
}

func (r *recordingResponder) Respond(_ context.Context, resp *discordgo.InteractionResponse) error {
	r.mu.Lock()
	r.responses = append(r.responses, resp)
	r.mu.Unlock()
	if r.responded != nil {
		r.responded <- resp
	}
	return nil
}

func (r *recordingResponder) EditOriginal(_ context.Context, edit *discordgo.WebhookEdit) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.edits = append(r.edits, edit)
	return nil
}

// gatedSearcher holds every search until gate is closed, and may move the
// clock while it searches.
type gatedSearcher struct {
	Searcher
	gate    chan struct{}
	clock   *fakeClock
	advance time.Duration
}

func (s gatedSearcher) Search(ctx context.Context, req index.Request) (*index.Result, error) {
	if s.gate != nil {
		<-s.gate
	}
	s.clock.Advance(s.advance)
	return s.Searcher.Search(ctx, req)
}

// TestServeBy: an answer ready in time is the first response; one that is
// not, or is ready only after the deadline by the Bot's clock, is deferred
// (saying up front who will see it) and delivered by an edit; autocomplete,
// which cannot be deferred, answers no choices. No test waits on the wall
// clock: the deadline is the fake clock's.
func TestServeBy(t *testing.T) {
	tests := []struct {
		name string
		file string
		// gated holds the search until the first response is sent.
		gated bool
		// deadline is from the fake clock's now; advance is how far the
		// search moves the clock.
		deadline, advance time.Duration
		wantFirst         discordgo.InteractionResponseType
		wantEphemeral     bool
		wantEdit          bool
		wantChoices       int
	}{
		{name: "in time", file: "ask-en", deadline: time.Hour, wantFirst: discordgo.InteractionResponseChannelMessageWithSource},
		{name: "deadline passed", file: "ask-en", gated: true, deadline: -time.Millisecond,
			wantFirst: discordgo.InteractionResponseDeferredChannelMessageWithSource, wantEdit: true},
		{name: "deadline passed, private", file: "ask-zh-tw-private", gated: true, deadline: -time.Millisecond,
			wantFirst: discordgo.InteractionResponseDeferredChannelMessageWithSource, wantEphemeral: true, wantEdit: true},
		{name: "button deferred", file: "button-topic", gated: true, deadline: -time.Millisecond,
			wantFirst: discordgo.InteractionResponseDeferredChannelMessageWithSource, wantEphemeral: true, wantEdit: true},
		{name: "ready after the deadline", file: "ask-en", deadline: time.Second, advance: 2 * time.Second,
			wantFirst: discordgo.InteractionResponseDeferredChannelMessageWithSource, wantEdit: true},
		{name: "autocomplete too late", file: "autocomplete-en", deadline: -time.Millisecond,
			wantFirst: discordgo.InteractionApplicationCommandAutocompleteResult},
		{name: "autocomplete in time", file: "autocomplete-en", deadline: time.Hour,
			wantFirst: discordgo.InteractionApplicationCommandAutocompleteResult, wantChoices: 2},
		{name: "ping", file: "ping", deadline: -time.Hour, wantFirst: discordgo.InteractionResponsePong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{now: testNow}
			b, _ := testBot(t, nil, clock)
			gs := gatedSearcher{Searcher: b.search, clock: clock, advance: tt.advance}
			r := &recordingResponder{}
			if tt.gated {
				gs.gate = make(chan struct{})
				r.responded = make(chan *discordgo.InteractionResponse, 2)
				go func() {
					<-r.responded
					close(gs.gate)
				}()
			}
			b.search = gs
			i := loadInteraction(t, tt.file)
			if err := b.ServeBy(context.Background(), i, r, clock.Now().Add(tt.deadline), nil); err != nil {
				t.Fatal(err)
			}
			if len(r.responses) != 1 {
				t.Fatalf("%d first responses, want 1", len(r.responses))
			}
			first := r.responses[0]
			if first.Type != tt.wantFirst {
				t.Fatalf("first response type %d, want %d", first.Type, tt.wantFirst)
			}
			if first.Type == discordgo.InteractionApplicationCommandAutocompleteResult && len(first.Data.Choices) != tt.wantChoices {
				t.Errorf("%d choices, want %d", len(first.Data.Choices), tt.wantChoices)
			}
			if first.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource {
				if got := first.Data.Flags&discordgo.MessageFlagsEphemeral != 0; got != tt.wantEphemeral {
					t.Errorf("deferred ephemeral = %v, want %v", got, tt.wantEphemeral)
				}
				if am := first.Data.AllowedMentions; am == nil || len(am.Parse) != 0 {
					t.Errorf("deferred allowed_mentions %+v", am)
				}
			}
			if got := len(r.edits) == 1; got != tt.wantEdit || len(r.edits) > 1 {
				t.Fatalf("%d edits, want edit %v", len(r.edits), tt.wantEdit)
			}
			if tt.wantEdit {
				e := r.edits[0]
				if e.Embeds == nil || len(*e.Embeds) == 0 || e.AllowedMentions == nil || len(e.AllowedMentions.Parse) != 0 {
					t.Errorf("edit %+v: want the answer, pinging no one", e)
				}
			}
		})
	}
}

// slowSuggester holds every suggestion until gate is closed.
type slowSuggester struct {
	Searcher
	gate chan struct{}
}

func (s slowSuggester) Suggest(ctx context.Context, typed string, lang language.Lang, n, maxRunes int) []string {
	<-s.gate
	return s.Searcher.Suggest(ctx, typed, lang, n, maxRunes)
}

// TestServeWaitsForTheAnswer: an autocomplete answered with no choices when
// its deadline passed has its search still running; ServeBy returns only
// once that is over, so that a transport's Close, which waits for ServeBy,
// never returns (and lets the index be closed) while a search runs.
func TestServeWaitsForTheAnswer(t *testing.T) {
	clock := &fakeClock{now: testNow}
	b, _ := testBot(t, nil, clock)
	gate := make(chan struct{})
	b.search = slowSuggester{Searcher: b.search, gate: gate}
	r := &recordingResponder{responded: make(chan *discordgo.InteractionResponse, 1)}
	returned := make(chan error, 1)
	go func() {
		returned <- b.ServeBy(context.Background(), loadInteraction(t, "autocomplete-en"), r, clock.Now(), nil)
	}()
	if resp := <-r.responded; resp.Type != discordgo.InteractionApplicationCommandAutocompleteResult {
		t.Fatalf("first response type %d", resp.Type)
	}
	select {
	case err := <-returned:
		t.Fatalf("ServeBy returned (%v) while the suggestion was still being made", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(gate)
	if err := <-returned; err != nil {
		t.Fatal(err)
	}
}
