package answer

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/language"
)

func newIndex(t *testing.T) *index.Index {
	t.Helper()
	a, err := data.Load()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.New(a)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// keys returns the keys of a JSON object in the order they are written.
func keys(t *testing.T, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", b)
	}
	var out []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, k.(string))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestContract pins the field names and their order: tools that read
// ask -json and /api/ask depend on both.
func TestContract(t *testing.T) {
	ix := newIndex(t)
	res, err := ix.Search(context.Background(), index.Request{Question: "Hyperion 要擴到多大?", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Marshal(New(ix.Article(), "Hyperion 要擴到多大?", res, nil, "zh-CN"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(keys(t, b), ","), "question,answered,verdict,confidence,passages,locale"; got != want {
		t.Errorf("answer keys %s, want %s", got, want)
	}
	var a struct{ Passages []json.RawMessage }
	if err := json.Unmarshal(b, &a); err != nil || len(a.Passages) == 0 {
		t.Fatalf("passages: %v %s", err, b)
	}
	want := "id,speaker,speaker_en,section,position,text,english,asked,score,coverage,highlights,localized"
	if got := strings.Join(keys(t, a.Passages[0]), ","); got != want {
		t.Errorf("passage keys %s, want %s", got, want)
	}
}

func TestNew(t *testing.T) {
	ix := newIndex(t)
	a := ix.Article()
	search := func(q string) *index.Result {
		res, err := ix.Search(context.Background(), index.Request{Question: q, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	tests := []struct {
		name    string
		got     Answer
		verdict string
		check   func(t *testing.T, got Answer)
	}{
		{"answer", New(a, "小扎為什麼說研究員更在乎GPU?", search("小扎為什麼說研究員更在乎GPU?"), nil, ""), "answer", func(t *testing.T, got Answer) {
			if !got.Answered || len(got.Passages) != 3 || got.Error != "" || got.Locale != "" {
				t.Errorf("got %+v", got)
			}
			p := got.Passages[0]
			if p.Localized != "" || len(p.Highlights) == 0 || p.Asked == "" {
				t.Errorf("best passage %+v: want highlights and the host's question, no localized text", p)
			}
			for _, h := range p.Highlights {
				if !strings.Contains(p.Text, h) {
					t.Errorf("highlight %q is not in the text", h)
				}
			}
		}},
		{"chat has no passages", New(a, "hi", search("hi"), nil, "en"), "chat", func(t *testing.T, got Answer) {
			if got.Answered || len(got.Passages) != 0 || got.Passages == nil {
				t.Errorf("got %+v, want an empty list of passages", got)
			}
		}},
		{"english locale", New(a, "Hyperion?", search("Hyperion?"), nil, "en"), "answer", func(t *testing.T, got Answer) {
			for _, p := range got.Passages {
				if p.Localized != p.English {
					t.Errorf("%s: localized %.30q, want the English", p.ID, p.Localized)
				}
			}
		}},
		{"simplified locale", New(a, "Hyperion?", search("Hyperion?"), nil, "zh-CN"), "answer", func(t *testing.T, got Answer) {
			for _, p := range got.Passages {
				if p.Localized != language.Simplified.Pick(p.English, p.Text) {
					t.Errorf("%s: localized %.30q, want the Simplified", p.ID, p.Localized)
				}
			}
		}},
		{"empty", New(a, "  ", nil, index.ErrEmpty, ""), "none", func(t *testing.T, got Answer) {
			if got.Question != "  " || !strings.Contains(got.Error, "empty") || got.Passages == nil {
				t.Errorf("got %+v", got)
			}
		}},
		{"too long is clipped", New(a, strings.Repeat("字", 5000), nil, index.ErrTooLong, ""), "none", func(t *testing.T, got Answer) {
			if got.Question != strings.Repeat("字", 100)+"…" || !strings.Contains(got.Error, "1000") {
				t.Errorf("got %.120q %q", got.Question, got.Error)
			}
		}},
		{"other errors say so", New(a, "q", nil, errors.New("disk on fire"), ""), "none", func(t *testing.T, got Answer) {
			if got.Error != "the search failed: disk on fire" {
				t.Errorf("error %q", got.Error)
			}
		}},
		{"refused", Refused("q", "slow down", "en"), "none", func(t *testing.T, got Answer) {
			if got.Error != "slow down" || got.Locale != "en" || got.Answered || got.Passages == nil {
				t.Errorf("got %+v", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got.Verdict != tt.verdict {
				t.Errorf("verdict %q, want %q", tt.got.Verdict, tt.verdict)
			}
			tt.check(t, tt.got)
		})
	}
}

func TestMarshalEscapesControls(t *testing.T) {
	for _, tt := range []struct{ name, q, want string }{
		{"escape", "a\x1b[2Jb", `a\u001b[2Jb`},
		{"del", "a\x7fb", `a\u007fb`},
		{"c1", "a\u009bb", `a\u009bb`},
		{"bidi", "a\u202eb\u2066c", `a\u202eb\u2066c`},
		{"plain", "研究員 GPU", "研究員 GPU"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Marshal(Refused(tt.q, "x", ""))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), `"question":"`+tt.want+`"`) {
				t.Errorf("got %s, want the question as %s", b, tt.want)
			}
			var back Answer
			if err := json.Unmarshal(b, &back); err != nil || back.Question != tt.q {
				t.Errorf("decodes to %q (%v), want %q", back.Question, err, tt.q)
			}
		})
	}
}

func TestReadingLocale(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"", "", true}, {"zh-TW", "zh-TW", true}, {"zh_tw", "zh-TW", true}, {"zh-HK", "zh-TW", true},
		{"zh-Hant", "zh-TW", true}, {"zh-Hant-HK", "zh-TW", true}, {"zh-Hans", "zh-CN", true},
		{"zh-Hans-SG", "zh-CN", true}, {"zh", "zh-CN", true}, {"zh-SG", "zh-CN", true}, {"en-US", "en", true},
		{" EN ", "en", true}, {"fr", "", false}, {"zh-XX", "", false}, {"en-", "", false}, {"*", "", false},
		{"english", "", false},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ReadingLocale(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ReadingLocale(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}
