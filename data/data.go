// Package data holds the interview: the transcript exactly as published, the
// passages parsed from it, and the annotations written for this project (an
// English rendering of every passage, topic labels, keywords and the questions
// each passage answers). Everything is embedded, so the binary needs no files.
package data

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
)

//go:embed transcript.txt
var transcript []byte

//go:embed passages.json
var annotations []byte

//go:embed topics.json
var topicsJSON []byte

// Section is the part of the article a passage comes from.
type Section string

const (
	// Summary is the editor's introduction, before the interview starts.
	Summary Section = "summary"
	// Interview is the edited interview itself.
	Interview Section = "interview"
)

// Speaker names, as the transcript labels them.
const (
	SpeakerEditor = "編者"
	SpeakerHost   = "主持人"
	SpeakerZuck   = "扎克伯格"
)

// speakerEnglish gives each speaker's name in English.
var speakerEnglish = map[string]string{
	SpeakerEditor: "Editor",
	SpeakerHost:   "Host",
	SpeakerZuck:   "Mark Zuckerberg",
}

// Passage is one paragraph of the article: the unit the bot searches and quotes.
type Passage struct {
	ID        string  `json:"id"`
	Section   Section `json:"section"`
	Speaker   string  `json:"speaker"`
	SpeakerEN string  `json:"speaker_en"`
	// Position is the passage's 1-based place among all passages.
	Position int `json:"position"`
	// Turn is the 1-based speaking turn in the interview (0 in the summary);
	// consecutive paragraphs of one answer share a turn.
	Turn int `json:"turn"`
	// FirstLine and LastLine are the 1-based transcript lines it spans.
	FirstLine int    `json:"first_line"`
	LastLine  int    `json:"last_line"`
	Text      string `json:"text"`
	// QuestionID is the id of the host's question that this answer responds
	// to; empty for the summary and for the host's own lines.
	QuestionID string `json:"question_id,omitempty"`

	English string `json:"english"`
	// Filler is a passage with no content of its own (a greeting, a
	// thank-you, a lead-in): it is never an answer on its own merit.
	Filler bool `json:"filler,omitempty"`
	// Gist marks the editor's key points: the answer to a request for the
	// gist of the whole interview (tldr, 一句話總結).
	Gist      bool     `json:"gist,omitempty"`
	Topics    []string `json:"topics,omitempty"`
	Keywords  Aids     `json:"keywords"`
	Questions Aids     `json:"questions"`
}

// Aids are search aids in two languages: Chinese (Traditional script, like
// the transcript; the index folds scripts) and English.
type Aids struct {
	ZH []string `json:"zh,omitempty"`
	EN []string `json:"en,omitempty"`
}

// Topic is one theme of the interview, used by /topics and autocomplete.
type Topic struct {
	ID string `json:"id"`
	// ZH and EN are short labels; Question is what a member would ask.
	ZH         string `json:"zh"`
	EN         string `json:"en"`
	QuestionZH string `json:"question_zh"`
	QuestionEN string `json:"question_en"`
	Emoji      string `json:"emoji,omitempty"`
}

// Article is the whole interview, parsed and annotated.
type Article struct {
	Title    string
	Source   string
	Passages []Passage
	Topics   []Topic
	// Checksum identifies the embedded data (transcript and annotations).
	Checksum string

	byID map[string]int
}

// ByID returns the passage with the given id.
func (a *Article) ByID(id string) (*Passage, bool) {
	i, ok := a.byID[id]
	if !ok {
		return nil, false
	}
	return &a.Passages[i], true
}

// Index returns the 0-based index of the passage with the given id.
func (a *Article) Index(id string) (int, bool) {
	i, ok := a.byID[id]
	return i, ok
}

// At returns the passage at a 1-based position.
func (a *Article) At(pos int) (*Passage, bool) {
	if pos < 1 || pos > len(a.Passages) {
		return nil, false
	}
	return &a.Passages[pos-1], true
}

// Transcript returns the embedded transcript, verbatim.
func Transcript() []byte { return bytes.Clone(transcript) }

// Load parses the embedded transcript and joins it with the annotations.
func Load() (*Article, error) {
	return Parse(transcript, annotations, topicsJSON)
}

// Parse builds an Article from a transcript and its annotations. Every
// passage must have an annotation with an English rendering, and every
// annotation must belong to a passage: a transcript edit that shifts the
// passages is caught here rather than mislabelling answers.
func Parse(text, passagesJSON, topics []byte) (*Article, error) {
	passages, err := split(string(text))
	if err != nil {
		return nil, err
	}
	var notes []Passage
	if err := json.Unmarshal(passagesJSON, &notes); err != nil {
		return nil, fmt.Errorf("parse passage annotations: %w", err)
	}
	var tops []Topic
	if err := json.Unmarshal(topics, &tops); err != nil {
		return nil, fmt.Errorf("parse topics: %w", err)
	}
	topicIDs := map[string]bool{}
	for _, t := range tops {
		if t.ID == "" || t.ZH == "" || t.EN == "" {
			return nil, fmt.Errorf("topic %q: id, zh and en are required", t.ID)
		}
		topicIDs[t.ID] = true
	}
	a := &Article{Passages: passages, Topics: tops, byID: map[string]int{}}
	for i, p := range passages {
		a.byID[p.ID] = i
	}
	seen := map[string]bool{}
	for _, n := range notes {
		i, ok := a.byID[n.ID]
		if !ok {
			return nil, fmt.Errorf("annotation %q: no such passage", n.ID)
		}
		if seen[n.ID] {
			return nil, fmt.Errorf("annotation %q: given twice", n.ID)
		}
		seen[n.ID] = true
		for _, t := range n.Topics {
			if !topicIDs[t] {
				return nil, fmt.Errorf("annotation %q: unknown topic %q", n.ID, t)
			}
		}
		p := &a.Passages[i]
		p.English = strings.TrimSpace(n.English)
		p.Topics, p.Keywords, p.Questions, p.Filler, p.Gist = n.Topics, n.Keywords, n.Questions, n.Filler, n.Gist
	}
	for _, p := range a.Passages {
		if p.English == "" {
			return nil, fmt.Errorf("passage %s (line %d): no English rendering", p.ID, p.FirstLine)
		}
	}
	a.Title = a.Passages[0].Text
	for _, p := range a.Passages {
		if src, ok := strings.CutPrefix(p.Text, "轉自:"); ok {
			a.Source = src
			break
		}
	}
	sum := sha256.New()
	for _, b := range [][]byte{text, passagesJSON, topics} {
		sum.Write(b)
	}
	a.Checksum = hex.EncodeToString(sum.Sum(nil))[:16]
	return a, nil
}

// footer lines close the article page and are not part of the interview.
var footer = map[string]bool{"– EOF –": true, "相關文章": true}

// split turns the transcript into passages. One non-empty line is one
// paragraph, except that an indented line continues the paragraph before it
// when that one ends in a colon or comma: the "three houses" analogy is
// typeset as a lead-in line and three indented clauses. Speaker labels
// ("扎克伯格:") are not passages; they set the speaker of what follows.
func split(text string) ([]Passage, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var (
		out        []Passage
		section    = Summary
		speaker    = SpeakerEditor
		turn       int
		questionID string
		continues  bool
	)
	for i, raw := range lines {
		n := i + 1
		line := strings.TrimFunc(raw, unicode.IsSpace)
		if line == "" || footer[line] {
			continues = false
			continue
		}
		if who, ok := speakerLabel(line); ok {
			section, speaker = Interview, who
			turn++
			continues = false
			continue
		}
		indented := line != raw && unicode.IsSpace([]rune(raw)[0])
		if continues && indented && len(out) > 0 {
			p := &out[len(out)-1]
			p.Text += "\n" + line
			p.LastLine = n
		} else {
			p := Passage{
				Section:   section,
				Speaker:   speaker,
				SpeakerEN: speakerEnglish[speaker],
				Position:  len(out) + 1,
				FirstLine: n,
				LastLine:  n,
				Text:      line,
			}
			if section == Interview {
				p.Turn = turn
			}
			out = append(out, p)
		}
		last := []rune(line)[len([]rune(line))-1]
		continues = strings.ContainsRune(":,:,", last)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("transcript has no passages")
	}
	counts := map[Section]int{}
	for i := range out {
		p := &out[i]
		counts[p.Section]++
		prefix := "s"
		if p.Section == Interview {
			prefix = "i"
		}
		p.ID = fmt.Sprintf("%s%02d", prefix, counts[p.Section])
		switch {
		case p.Speaker == SpeakerHost:
			questionID = p.ID
		case p.Section == Interview && p.Speaker == SpeakerZuck:
			p.QuestionID = questionID
		}
	}
	return out, nil
}

// speakerLabel reports whether a line is a speaker label such as "主持人:".
func speakerLabel(line string) (string, bool) {
	name, ok := strings.CutSuffix(line, ":")
	if !ok {
		name, ok = strings.CutSuffix(line, "\uff1a") // the full-width colon
	}
	if !ok {
		return "", false
	}
	switch name {
	case SpeakerHost, SpeakerZuck:
		return name, true
	}
	return "", false
}
