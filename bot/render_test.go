package bot

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/index/zhconv"
	"github.com/interviewbot/interviewbot/internal/language"
)

// update rewrites the golden files: go test ./bot -run TestRender -update
var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// renderHit makes a search hit on passage id with the words zh and en
// marked, as the index would.
func renderHit(t *testing.T, a *data.Article, id string, zh, en []string) index.Hit {
	t.Helper()
	p := passage(t, a, id)
	h := index.Hit{Passage: p, Score: 1, Coverage: 0.5}
	spans := func(text string, words []string) []index.Span {
		var out []index.Span
		for _, w := range words {
			if i := strings.Index(text, w); i >= 0 {
				out = append(out, index.Span{Start: i, End: i + len(w)})
			}
		}
		slices.SortFunc(out, func(x, y index.Span) int { return x.Start - y.Start })
		return out
	}
	h.Text, h.English = spans(p.Text, zh), spans(p.English, en)
	return h
}

func passage(t *testing.T, a *data.Article, id string) *data.Passage {
	t.Helper()
	p, ok := a.ByID(id)
	if !ok {
		t.Fatalf("no passage %s", id)
	}
	return p
}

// TestRender compares what the pure render functions produce with the
// golden files in testdata/golden, and checks each against Discord's
// limits. The inputs are built by hand, not searched, so that tuning the
// index does not change them.
func TestRender(t *testing.T) {
	a, err := data.Load()
	if err != nil {
		t.Fatal(err)
	}
	// The answer to "why do researchers care about compute", as the index
	// might find it: six hits, three shown, three left for "More results".
	answer := func(q string) *index.Result {
		zh, en := []string{"研究員", "算力"}, []string{"researchers", "compute"}
		return &index.Result{Question: q, Answered: true, Confidence: 0.8, Verdict: index.Answer, Hits: []index.Hit{
			renderHit(t, a, "i60", zh, en), renderHit(t, a, "s06", zh, en), renderHit(t, a, "i61", zh, en),
			renderHit(t, a, "i59", zh, en), renderHit(t, a, "s01", nil, nil), renderHit(t, a, "i01", nil, nil),
		}}
	}
	noAnswer := &index.Result{Question: "@everyone <@&1400000000000000003> what's the *weather* on Mars?", Confidence: 0.1, Verdict: index.None,
		Hits: []index.Hit{renderHit(t, a, "i01", nil, nil)}}
	tests := []struct {
		name string
		view view
	}{
		{"answer-zh-TW", renderAnswer(a, answer("研究員為什麼在乎算力?"), language.Traditional)},
		{"answer-zh-CN", renderAnswer(a, answer("研究员为什么在乎算力?"), language.Simplified)},
		{"answer-en-US", renderAnswer(a, answer("Why do researchers care about compute?"), language.English)},
		{"answer-one-hit", renderAnswer(a, &index.Result{Question: "算力", Answered: true, Verdict: index.Answer, Confidence: 0.6,
			Hits: []index.Hit{renderHit(t, a, "s06", []string{"算力"}, nil)}}, language.Traditional)},
		{"unsure-en-US", renderAnswer(a, &index.Result{Question: "How many GPUs will Prometheus have?", Verdict: index.Unsure, Confidence: 0.3,
			Hits: []index.Hit{renderHit(t, a, "i50", []string{"prometheus"}, []string{"prometheus"}), renderHit(t, a, "i54", nil, nil)}}, language.English)},
		{"unsure-zh-TW", renderAnswer(a, &index.Result{Question: "Prometheus 會有幾張 GPU?", Verdict: index.Unsure, Confidence: 0.3,
			Hits: []index.Hit{renderHit(t, a, "i50", []string{"prometheus"}, nil)}}, language.Traditional)},
		{"chat-hello-zh-TW", renderAnswer(a, &index.Result{Question: "哈囉", Verdict: index.Chat, Greeting: index.Hello}, language.Traditional)},
		{"chat-thanks-en-US", renderAnswer(a, &index.Result{Question: "thanks!", Verdict: index.Chat, Greeting: index.Thanks}, language.English)},
		{"chat-other-zh-CN", renderAnswer(a, &index.Result{Question: "你是机器人吗", Verdict: index.Chat}, language.Simplified)},
		{"chat-bye-en-US", renderAnswer(a, &index.Result{Question: "bye", Verdict: index.Chat, Greeting: index.Bye}, language.English)},
		{"no-answer-zh-TW", renderNoAnswer(a, noAnswer, language.Traditional)},
		{"no-answer-en-US", renderNoAnswer(a, noAnswer, language.English)},
		{"context-zh-TW", renderContext(a, passage(t, a, "i60"), language.Traditional)},
		{"context-en-US-first", renderContext(a, passage(t, a, "s01"), language.English)},
		{"topics-zh-TW", renderTopics(a, language.Traditional)},
		{"topics-zh-CN", renderTopics(a, language.Simplified)},
		{"topics-en-US", renderTopics(a, language.English)},
		{"about-zh-TW", renderAbout(a, language.Traditional, "v1.2.3")},
		{"about-zh-CN", renderAbout(a, language.Simplified, "v1.2.3")},
		{"about-en-US", renderAbout(a, language.English, "v1.2.3")},
		{"quote-zh-CN", renderQuote(a, passage(t, a, "i60"), language.Simplified)},
		{"quote-en-US", renderQuote(a, passage(t, a, "s01"), language.English)},
		{"more-zh-TW", renderMore(a, language.Traditional, []*data.Passage{passage(t, a, "i59"), passage(t, a, "s01"), passage(t, a, "i01")}, []string{"i61", "s06"}, 5)},
		{"more-en-US-last", renderMore(a, language.English, []*data.Passage{passage(t, a, "i61")}, nil, 8)},
		{"more-en-US-none", renderMore(a, language.English, nil, nil, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkView(t, tt.view)
			golden(t, tt.name, tt.view)
		})
	}
}

// firstDiff shows where two texts part, line by line.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n  want " + wl + "\n  got  " + gl
		}
	}
	return "(only in length)"
}

// checkView checks a view against Discord's limits.
// passageIDText is a passage id (i59, s01) in text a member sees: ids
// belong in custom IDs and JSON only.
var passageIDText = regexp.MustCompile(`\b[si][0-9]{2}\b`)

func checkView(t *testing.T, v view) {
	t.Helper()
	if n := utf8.RuneCountInString(v.Content); n > maxContent {
		t.Errorf("content: %d characters", n)
	}
	if v.Content == "" && len(v.Embeds) == 0 {
		t.Error("nothing to show")
	}
	noID := func(where, text string) {
		if passageIDText.MatchString(text) {
			t.Errorf("%s shows a passage id: %q", where, text)
		}
	}
	noID("content", v.Content)
	for _, e := range v.Embeds {
		checkEmbedLimits(t, e)
		noID("title", e.Title)
		noID("description", e.Description)
		if e.Footer != nil {
			noID("footer", e.Footer.Text)
		}
		for _, f := range e.Fields {
			noID("field", f.Name+" "+f.Value)
			if f.Value == "" {
				t.Errorf("field %q is empty", f.Name)
			}
		}
	}
	if len(v.Components) > 5 {
		t.Errorf("%d rows", len(v.Components))
	}
	for _, c := range v.Components {
		row, ok := c.(discordgo.ActionsRow)
		if !ok || len(row.Components) > 5 || len(row.Components) == 0 {
			t.Errorf("row %#v", c)
			continue
		}
		for _, b := range row.Components {
			btn, ok := b.(discordgo.Button)
			if !ok {
				t.Errorf("not a button: %#v", b)
				continue
			}
			if n := utf8.RuneCountInString(btn.CustomID); n == 0 || n > maxCustomID {
				t.Errorf("custom ID %q: %d characters", btn.CustomID, n)
			}
			if n := utf8.RuneCountInString(btn.Label); n > maxButtonLabel {
				t.Errorf("label %q: %d characters", btn.Label, n)
			}
			noID("button", btn.Label)
			if btn.Label == "" && btn.Emoji == nil {
				t.Errorf("button %q shows nothing", btn.CustomID)
			}
		}
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		name string
		s    string
		n    int
		want string
	}{
		{"short", "abc", 5, "abc"},
		{"exact", "abcde", 5, "abcde"},
		{"cut", "abcdef", 5, "abcd…"},
		{"Chinese by characters, not bytes", "研究員為什麼在乎算力", 5, "研究員為…"},
		{"Chinese that fits in characters but not bytes", "研究員為什麼在乎算力", 10, "研究員為什麼在乎算力"},
		{"emoji", "👍👎👍👎👍👎", 3, "👍👎…"},
		{"half a bold marker", "ab **bold** cd", 6, "ab …"},
		{"whole bold kept", "**ab** cdefgh", 8, "**ab** …"},
		{"dangling escape", `abc\*def`, 5, "abc…"},
		{"one", "abc", 1, "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := clip(tt.s, tt.n)
			if got != tt.want {
				t.Errorf("clip(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
			}
			if utf8.RuneCountInString(got) > tt.n {
				t.Errorf("clip(%q, %d) has %d characters", tt.s, tt.n, utf8.RuneCountInString(got))
			}
			if !utf8.ValidString(got) {
				t.Errorf("clip(%q, %d) = %q is not UTF-8", tt.s, tt.n, got)
			}
		})
	}
}

func TestEscape(t *testing.T) {
	tests := []struct {
		name, s, want string
	}{
		{"plain", "hello 世界", "hello 世界"},
		{"everyone", "@everyone", "@\u200beveryone"},
		{"here", "hi @here", "hi @\u200bhere"},
		{"role", "<@&1400000000000000003>", "<@\u200b&1400000000000000003\\>"},
		{"user", "<@!1400000000000000004>", "<@\u200b!1400000000000000004\\>"},
		{"bold and italics", "*a* _b_ **c**", `\*a\* \_b\_ \*\*c\*\*`},
		{"code and spoiler", "`x` ||y||", "\\`x\\` \\|\\|y\\|\\|"},
		{"heading and quote", "# t\n> q", `\# t` + "\n" + `\> q`},
		{"link", "[x](https://example.com)", `\[x\](https://example.com)`},
		{"strike", "~~x~~", `\~\~x\~\~`},
		{"backslash", `a\b`, `a\\b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := escape(tt.s); got != tt.want {
				t.Errorf("escape(%q) = %q, want %q", tt.s, got, tt.want)
			}
		})
	}
}

// checkEmbedLimits checks e against Discord's limits, in characters.
func checkEmbedLimits(t *testing.T, e *discordgo.MessageEmbed) {
	t.Helper()
	runes := utf8.RuneCountInString
	if runes(e.Title) > maxTitle || runes(e.Description) > maxDescription || embedLen(e) > maxEmbedTotal {
		t.Errorf("title %d, description %d, total %d characters", runes(e.Title), runes(e.Description), embedLen(e))
	}
	for _, f := range e.Fields {
		if runes(f.Name) > maxFieldName || runes(f.Value) > maxFieldValue {
			t.Errorf("field: name %d, value %d characters", runes(f.Name), runes(f.Value))
		}
	}
	if e.Footer != nil && runes(e.Footer.Text) > maxFooter {
		t.Errorf("footer %d characters", runes(e.Footer.Text))
	}
	if e.Author != nil && runes(e.Author.Name) > maxTitle {
		t.Errorf("author %d characters", runes(e.Author.Name))
	}
}

func TestFitEmbed(t *testing.T) {
	zh := func(n int) string { return strings.Repeat("算", n) }
	field := func(name, value string) *discordgo.MessageEmbedField {
		return &discordgo.MessageEmbedField{Name: name, Value: value}
	}
	tests := []struct {
		name string
		e    *discordgo.MessageEmbed
		// keep: the description is left whole.
		keep bool
	}{
		{"small", &discordgo.MessageEmbed{Title: "t", Description: zh(100)}, true},
		// 4000 Chinese characters are 12000 bytes: limits are in characters.
		{"long in bytes, fine in characters", &discordgo.MessageEmbed{Title: "t", Description: zh(4000)}, true},
		{"description too long", &discordgo.MessageEmbed{Title: zh(300), Description: zh(5000)}, false},
		{"fields too long", &discordgo.MessageEmbed{Description: "d", Fields: []*discordgo.MessageEmbedField{field(zh(300), zh(2000))}}, true},
		{"total over 6000", &discordgo.MessageEmbed{
			Title: zh(256), Description: zh(4096),
			Fields: []*discordgo.MessageEmbedField{field("a", zh(1024)), field("b", zh(1024))},
			Footer: &discordgo.MessageEmbedFooter{Text: zh(3000)}, Author: &discordgo.MessageEmbedAuthor{Name: zh(300)},
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			desc := tt.e.Description
			e := fitEmbed(tt.e)
			checkEmbedLimits(t, e)
			if (e.Description == desc) != tt.keep {
				t.Errorf("description kept = %v, want %v", e.Description == desc, tt.keep)
			}
		})
	}
}

func TestMoreID(t *testing.T) {
	ids := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, fmt.Sprintf("i%02d", i))
		}
		return out
	}
	tests := []struct {
		name string
		lang language.Lang
		next int
		rest []string
		keep int // how many ids travel in the button
	}{
		{"none", language.English, 2, nil, 0},
		{"few", language.Traditional, 4, []string{"i59", "s01", "i01"}, 3},
		{"more than fit", language.Simplified, 4, ids(40), -1},
		{"long ids", language.English, 100, []string{strings.Repeat("x", 60), strings.Repeat("y", 60)}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := moreID(tt.lang, tt.next, tt.rest)
			if n := utf8.RuneCountInString(id); n > maxCustomID {
				t.Fatalf("moreID is %d characters: %q", n, id)
			}
			parts := strings.Split(id, ":")
			if len(parts) != 4 || parts[0] != "more" || parseLang(parts[1]) != tt.lang || parts[2] != strconv.Itoa(tt.next) {
				t.Fatalf("moreID = %q", id)
			}
			var got []string
			if parts[3] != "" {
				got = strings.Split(parts[3], ".")
			}
			if !slices.Equal(got, tt.rest[:len(got)]) {
				t.Errorf("ids %v are not the first of %v, in order", got, tt.rest)
			}
			if tt.keep >= 0 && len(got) != tt.keep {
				t.Errorf("%d ids kept, want %d", len(got), tt.keep)
			}
			if tt.keep < 0 && maxCustomID-len(id) > len(tt.rest[len(got)])+1 {
				t.Errorf("%q stops while %q would still fit", id, tt.rest[len(got)])
			}
		})
	}
}

// TestMarkConvertsWholeWords checks that a Simplified reader gets mainland
// words even where a highlight starts or ends inside one.
func TestMarkConvertsWholeWords(t *testing.T) {
	tests := []struct {
		name, text string
		spans      []index.Span
		want       string
	}{
		{"span inside a rewritten word is dropped", "擴充套件至5GW", []index.Span{{Start: 0, End: len("擴充")}}, "扩展至5GW"},
		{"span over a whole word", "超級智慧很近", []index.Span{{Start: 0, End: len("超級智慧")}}, "**超级智能**很近"},
		{"span beside a rewritten word", "我的許可權範圍有多大", []index.Span{{Start: len("我的許可權"), End: len("我的許可權範圍")}}, "我的权限**范围**有多大"},
		{"no spans", "資料中心", nil, "数据中心"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mark(tt.text, tt.spans, zhconv.Mainland); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// golden compares v, as JSON, with testdata/golden/name.json; with
// -update it writes the file.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got := buf.Bytes(); !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update if the change is intended):\n%s", path, firstDiff(string(want), string(got)))
	}
}
