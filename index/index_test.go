package index_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/language"
)

// newIndex returns the shared real index without a result cache, so that
// tests and benchmarks exercise the search itself.
func newIndex(t testing.TB) *index.Index {
	t.Helper()
	ix, err := index.SharedIndex()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestClean(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		err            error
	}{
		{"plain", "Hyperion?", "Hyperion?", nil},
		{"spaces folded", "  小扎 \t 說了\n什麼 ", "小扎 說了 什麼", nil},
		{"full-width folded", "ＧＰＵ支配權", "GPU支配權", nil},
		{"control characters dropped", "GPU\x00\x07\x1b[31m?", "GPU [31m?", nil},
		{"invalid utf-8", "GPU\xff\xfe為何", "GPU 為何", nil},
		{"mentions removed", "<@123456789012345678> <@&42> @everyone @here 小扎怎麼看 Llama 4?", "小扎怎麼看 Llama 4?", nil},
		{"zero-width removed", "Hype\u200brion", "Hyperion", nil},
		{"empty", "", "", index.ErrEmpty},
		{"only punctuation", " ?!。 ", "", index.ErrEmpty},
		{"only a mention", "<@123456789012345678>", "", index.ErrEmpty},
		{"too long", strings.Repeat("長", index.MaxQuestionRunes+1), "", index.ErrTooLong},
		{"huge", strings.Repeat("a ", 100000), "", index.ErrTooLong},
		{"at the limit", strings.Repeat("長", index.MaxQuestionRunes), strings.Repeat("長", index.MaxQuestionRunes), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := index.Clean(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	ix := newIndex(t)
	ctx := context.Background()
	tests := []struct {
		name, question string
		answered       bool
		top            string // a passage id expected in the top 3, if any
	}{
		{"traditional", "小扎為什麼說研究員更在乎GPU?", true, "i61"},
		{"simplified with mainland words", "数据中心为什么要搭帐篷", true, "i48"},
		{"hong kong wording", "數據中心為什麼用帳篷", true, "i48"},
		{"english", "Why build data centers in tents?", true, "i48"},
		{"short name", "Hyperion?", true, "i50"},
		{"misspelt name", "Hyperian?", true, "i50"},
		{"query syntax is plain text", `+Hyperion -"Prometheus" (5GW)~ ^2 * title:x`, true, "i50"},
		{"how it ended", "How did the interview wrap up?", true, "i74"},
		{"how it opened", "訪談一開頭小扎說了什麼", true, "i01"},
		{"weather", "What's the weather in Paris tomorrow?", false, ""},
		{"python", "怎麼安裝 Python?", false, ""},
		// no passage gives anyone's age, whatever words a question shares
		{"an age", "how old is zuck", false, ""},
		{"an age, in Chinese", "小扎今年幾歲了", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ix.Search(ctx, index.Request{Question: tt.question, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			if res.Answered != tt.answered {
				t.Errorf("answered %v (confidence %.2f), want %v", res.Answered, res.Confidence, tt.answered)
			}
			if tt.top == "" {
				return
			}
			var ids []string
			for _, h := range res.Hits {
				ids = append(ids, h.Passage.ID)
			}
			if !slices.Contains(ids, tt.top) {
				t.Errorf("top 3 %v, want %s among them", ids, tt.top)
			}
		})
	}
}

func TestSearchLimitsAndHighlights(t *testing.T) {
	t.Parallel()
	ix := newIndex(t)
	ctx := context.Background()
	six, err := ix.Search(ctx, index.Request{Question: "Hyperion 5GW", Limit: 6})
	if err != nil {
		t.Fatal(err)
	}
	three, err := ix.Search(ctx, index.Request{Question: "Hyperion 5GW", Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(six.Hits) != 6 || len(three.Hits) != 3 {
		t.Fatalf("got %d and %d hits", len(six.Hits), len(three.Hits))
	}
	for i, h := range three.Hits {
		if h.Passage != six.Hits[i].Passage {
			t.Errorf("hit %d is %s with limit 3, %s with limit 6", i, h.Passage.ID, six.Hits[i].Passage.ID)
		}
	}
	if three.Verdict != six.Verdict || three.Confidence != six.Confidence {
		t.Errorf("limit 3: %s (confidence %.3f), limit 6: %s (%.3f)", three.Verdict, three.Confidence, six.Verdict, six.Confidence)
	}
	best := six.Hits[0]
	var marked []string
	for _, s := range best.Text {
		marked = append(marked, best.Passage.Text[s.Start:s.End])
	}
	if !slices.Contains(marked, "Hyperion") {
		t.Errorf("marked %q in %q, want Hyperion", marked, best.Passage.Text)
	}
	for _, s := range append(best.Text, best.English...) {
		if s.Start >= s.End {
			t.Errorf("empty span %v", s)
		}
	}
}

func TestSearchConcurrent(t *testing.T) {
	t.Parallel()
	ix := newIndex(t)
	questions := []string{"Hyperion?", "小扎怎麼看 Llama 4?", "数据中心", "capex cap", "天氣如何"}
	want := map[string]string{}
	for _, q := range questions {
		res, err := ix.Search(context.Background(), index.Request{Question: q, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		want[q] = res.Hits[0].Passage.ID
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 20 {
				q := questions[(w+i)%len(questions)]
				res, err := ix.Search(context.Background(), index.Request{Question: q, Limit: 1})
				if err != nil || res.Hits[0].Passage.ID != want[q] {
					t.Errorf("%q: %v %v", q, err, res)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestSearchCacheReturnsSameAnswer(t *testing.T) {
	t.Parallel()
	ix := newIndex(t).WithCache(2)
	ctx := context.Background()
	first, _ := ix.Search(ctx, index.Request{Question: "Hyperion?", Limit: 3})
	again, _ := ix.Search(ctx, index.Request{Question: " Hyperion? ", Limit: 3})
	if first != again {
		t.Error("the same cleaned question was searched twice")
	}
	other, _ := ix.Search(ctx, index.Request{Question: "Hyperion?", Limit: 5})
	if other == first || len(other.Hits) != 5 {
		t.Error("a different limit shared the cached answer")
	}
	ix.Search(ctx, index.Request{Question: "GPU", Limit: 3})
	ix.Search(ctx, index.Request{Question: "capex", Limit: 3})
	if evicted, _ := ix.Search(ctx, index.Request{Question: "Hyperion?", Limit: 3}); evicted == first {
		t.Error("the least recently used answer was not evicted")
	}
}

// choiceRunes is as long as a suggestion the bot shows may be.
const choiceRunes = 100

func TestSuggest(t *testing.T) {
	t.Parallel()
	ix := newIndex(t)
	ctx := context.Background()
	tests := []struct {
		name, typed string
		lang        language.Lang
		want        func(string) bool
	}{
		{"topics when empty", "", language.English, func(s string) bool { return s != "" }},
		{"english prefix", "hyper", language.English, func(s string) bool { return strings.Contains(strings.ToLower(s), "hyperion") }},
		{"traditional", "資料中心", language.Traditional, func(s string) bool { return !zhconvSimplifiedOnly(s) }},
		{"simplified", "数据中心", language.Simplified, func(s string) bool { return !strings.ContainsAny(s, "資據為們麼") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ix.Suggest(ctx, tt.typed, tt.lang, 25, choiceRunes)
			if len(got) == 0 || len(got) > 25 {
				t.Fatalf("%d suggestions", len(got))
			}
			if !tt.want(got[0]) {
				t.Errorf("first suggestion %q", got[0])
			}
			seen := map[string]bool{}
			for _, s := range got {
				if utf8.RuneCountInString(s) > choiceRunes || seen[s] {
					t.Errorf("suggestion %q too long or repeated", s)
				}
				seen[s] = true
			}
		})
	}
}

// zhconvSimplifiedOnly reports text in Simplified script.
func zhconvSimplifiedOnly(s string) bool { return strings.ContainsAny(s, "数据为们么") }

// TestFillerPassages checks that a passage with no content of its own (a
// greeting, a thank-you) is found only by a question about how the
// interview opened or ended, never by its own words.
func TestFillerPassages(t *testing.T) {
	t.Parallel()
	ix := newIndex(t)
	a := ix.Article()
	for _, p := range a.Passages {
		if !p.Filler {
			continue
		}
		t.Run(p.ID, func(t *testing.T) {
			res, err := ix.Search(context.Background(), index.Request{Question: p.Text, Limit: index.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				if h.Passage.ID == p.ID {
					t.Errorf("%q found %s among its answers", p.Text, p.ID)
				}
			}
		})
	}
}

// TestGist: a request for the gist of the whole interview, in any of its
// wordings, gets the editor's key points; a request for the gist of one
// part, or a question that only says "summary", is searched as usual.
func TestGist(t *testing.T) {
	t.Parallel()
	ix := newIndex(t)
	var gist []string
	for _, p := range ix.Article().Passages {
		if p.Gist {
			gist = append(gist, p.ID)
		}
	}
	tests := []struct {
		question string
		gist     bool
	}{
		{"tldr", true},
		{"tl;dr pls", true},
		{"give me the 3 main takeaways of the interview", true},
		{"What is the interview about?", true},
		{"一句話總結這篇", true},
		{"这次采访最重要的三个点是啥", true},
		{"求个简单总结", true},
		{"summary of the capex part", false},
		{"小扎對 Llama 4 說了什麼", false},
		{"What did he say about the tents?", false},
		{"Hyperion?", false},
		{"hi", false},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			res, err := ix.Search(context.Background(), index.Request{Question: tt.question, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, h := range res.Hits {
				ids = append(ids, h.Passage.ID)
			}
			got := slices.Equal(ids, gist)
			if got != tt.gist || tt.gist && res.Verdict != index.Answer {
				t.Errorf("%s %v, want the key points %v: %v", res.Verdict, ids, gist, tt.gist)
			}
		})
	}
}
