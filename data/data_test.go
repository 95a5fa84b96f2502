package data_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/interviewbot/interviewbot/data"
)

func load(t *testing.T) *data.Article {
	t.Helper()
	a, err := data.Load()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestPassagesCoverTranscript proves that the passages hold every paragraph
// of the transcript exactly once, in order: each non-blank line is either a
// speaker label, the page footer, or part of exactly one passage.
func TestPassagesCoverTranscript(t *testing.T) {
	a := load(t)
	lines := strings.Split(string(data.Transcript()), "\n")
	owner := make([]string, len(lines)+1)
	for _, p := range a.Passages {
		var parts []string
		for n := p.FirstLine; n <= p.LastLine; n++ {
			if owner[n] != "" {
				t.Errorf("line %d is in %s and %s", n, owner[n], p.ID)
			}
			owner[n] = p.ID
			parts = append(parts, strings.TrimFunc(lines[n-1], unicode.IsSpace))
		}
		if got := strings.Join(parts, "\n"); got != p.Text {
			t.Errorf("%s: text %q is not lines %d-%d %q", p.ID, p.Text, p.FirstLine, p.LastLine, got)
		}
	}
	labels, footer := 0, 0
	for i, l := range lines {
		l = strings.TrimFunc(l, unicode.IsSpace)
		switch {
		case l == "":
		case strings.TrimRight(l, ":\uff1a") == "主持人" || strings.TrimRight(l, ":\uff1a") == "扎克伯格":
			labels++
		case l == "– EOF –" || l == "相關文章":
			footer++
		case owner[i+1] == "":
			t.Errorf("line %d is in no passage: %q", i+1, l)
		}
	}
	if labels != 21 || footer != 2 {
		t.Errorf("found %d speaker labels and %d footer lines, want 21 and 2", labels, footer)
	}
	if len(a.Passages) != 88 {
		t.Errorf("%d passages, want 88", len(a.Passages))
	}
}

func TestPassages(t *testing.T) {
	a := load(t)
	ids := map[string]bool{}
	for i, p := range a.Passages {
		t.Run(p.ID, func(t *testing.T) {
			if ids[p.ID] {
				t.Errorf("duplicate id")
			}
			ids[p.ID] = true
			if p.Position != i+1 {
				t.Errorf("position %d, want %d", p.Position, i+1)
			}
			if strings.TrimSpace(p.English) == "" {
				t.Errorf("no English rendering")
			}
			if len(p.Keywords.ZH) == 0 || len(p.Keywords.EN) == 0 || len(p.Questions.ZH) == 0 || len(p.Questions.EN) == 0 {
				t.Errorf("missing search aids")
			}
			switch {
			case p.Section == data.Summary && (p.Speaker != data.SpeakerEditor || p.Turn != 0):
				t.Errorf("summary passage by %s in turn %d", p.Speaker, p.Turn)
			case p.Section == data.Interview && p.Speaker == data.SpeakerZuck && p.Turn > 1:
				q, ok := a.ByID(p.QuestionID)
				if !ok || q.Speaker != data.SpeakerHost || q.Turn != p.Turn-1 {
					t.Errorf("answer's question %q is not the host's previous turn", p.QuestionID)
				}
			}
			if p.Gist && (p.Section != data.Summary || p.Filler) {
				t.Errorf("a key point of the editor's outside the editor's summary, or without content")
			}
			if strings.ContainsRune(p.Text, '\r') || p.Text != strings.TrimFunc(p.Text, unicode.IsSpace) {
				t.Errorf("text keeps stray spaces: %q", p.Text)
			}
		})
	}
}

func TestKnownPassages(t *testing.T) {
	a := load(t)
	tests := []struct {
		name, id, speaker, prefix string
		lines                     [2]int
	}{
		{"title", "s01", data.SpeakerEditor, "孤注一擲", [2]int{1, 1}},
		{"first answer", "i01", data.SpeakerZuck, "很高興來到這裡", [2]int{18, 18}},
		{"three houses run over four lines", "i64", data.SpeakerZuck, "很多人在說搭建基礎設施這件事", [2]int{97, 100}},
		{"farewell", "i74", data.SpeakerZuck, "太棒了", [2]int{114, 114}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := a.ByID(tt.id)
			if !ok {
				t.Fatalf("no passage %s", tt.id)
			}
			if p.Speaker != tt.speaker || !strings.HasPrefix(p.Text, tt.prefix) || p.FirstLine != tt.lines[0] || p.LastLine != tt.lines[1] {
				t.Errorf("got %s lines %d-%d %q", p.Speaker, p.FirstLine, p.LastLine, p.Text)
			}
		})
	}
	var gist []string
	for _, p := range a.Passages {
		if p.Gist {
			gist = append(gist, p.ID)
		}
	}
	if len(gist) < 3 {
		t.Errorf("key points %v: a request for the gist needs at least three", gist)
	}
	if a.Source != "51CTO技術棧" {
		t.Errorf("source %q", a.Source)
	}
}

func TestParseRejectsMismatchedAnnotations(t *testing.T) {
	text := []byte("標題\n\n主持人:\n問題?\n扎克伯格:\n回答。\n")
	topics := []byte(`[{"id":"x","zh":"甲","en":"A"}]`)
	tests := []struct{ name, notes string }{
		{"missing english", `[{"id":"s01","english":"Title"},{"id":"i01","english":"Question?"},{"id":"i02","english":""}]`},
		{"unknown passage", `[{"id":"s01","english":"T"},{"id":"i01","english":"Q"},{"id":"i02","english":"A"},{"id":"i09","english":"?"}]`},
		{"unknown topic", `[{"id":"s01","english":"T","topics":["nope"]},{"id":"i01","english":"Q"},{"id":"i02","english":"A"}]`},
		{"not json", `{`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := data.Parse(text, []byte(tt.notes), topics); err == nil {
				t.Error("no error")
			}
		})
	}
	a, err := data.Parse(text, []byte(`[{"id":"s01","english":"T"},{"id":"i01","english":"Q"},{"id":"i02","english":"A"}]`), topics)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := a.ByID("i02"); p.QuestionID != "i01" || p.Speaker != data.SpeakerZuck {
		t.Errorf("answer %+v", p)
	}
}
