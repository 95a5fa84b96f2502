package index

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/index/internal/logit"
)

//go:generate go test -run ^TestModel$ -update

// Whether to answer. Two small models read the same features of a question
// and of its best passages: one says whether the message is small talk,
// the other how likely the best passages answer it. Both are logistic
// regressions fitted on questions written apart from the passages and
// labelled by hand (testdata/blind-train.jsonl); model.go holds their
// weights, written by `go generate` and checked by TestModel. The
// thresholds below were chosen on another set (testdata/blind-tune.jsonl).
const (
	// chatThreshold: at or above, small talk.
	chatThreshold = 0.4
	// answerThreshold: at or above, the passages answer; unsureThreshold:
	// at or above, the closest passage is shown with a caveat.
	answerThreshold = 0.5
	unsureThreshold = 0.15
	// answerDepth is how many top hits may vouch for an answer.
	answerDepth = 3
)

// The features, in the order the models weigh them.
const (
	fCoverage       = iota // coverage of the best hit
	fBestCoverage          // the best coverage among the top hits
	fCovered               // log(1 + the weight that best one covers)
	fContent               // log(1 + the weight of the question's content)
	fUnknown               // share of that weight in words the interview never uses
	fUnits                 // log(1 + content words: Chinese characters, English words)
	fScore                 // log(1 + the best score)
	fMargin                // how far the best score is ahead of the second, 0 to 1
	fChinese               // share of the content weight that is Chinese
	fTextCoverage          // coverage of the best hit by its own text
	fAidsCoverage          // coverage of the best hit by its search aids
	fKindAsked             // asks when, how much, how big, who, how old or where
	fKindMissing           // asks for a kind of answer no top hit gives
	fChat                  // share of the message that words of small talk make up
	fYou                   // speaks to the bot: you, 你, bot, 机器人
	fNoContent             // nothing left once asking, filler and small talk are taken out
	fUnknownWords          // log(1 + words the interview never uses)
	fRarestCovered         // the best hit covers the question's rarest known word
	fMissingKnown          // the weightiest known word the best hit leaves out
	fMissingUnknown        // the weightiest word the interview never uses
	fRawCoverage           // the best coverage of the whole question, asking and filler too
	fUnknownNames          // names and model numbers the interview never mentions (H100, DeepSeek)
	nFeatures
)

// featureNames name the features in model.go.
var featureNames = [nFeatures]string{
	"coverage", "best coverage", "covered", "content", "unknown", "units", "score", "margin",
	"chinese", "text coverage", "aids coverage", "kind asked", "kind missing", "chat",
	"you", "no content", "unknown words", "rarest covered", "missing known", "missing unknown",
	"raw coverage", "unknown names",
}

type features [nFeatures]float64

// model is a fitted logistic regression over the features.
type model struct {
	bias    float64
	weights [nFeatures]float64
}

func (m *model) prob(f *features) float64 {
	z := m.bias
	for i, w := range m.weights {
		z += w * f[i]
	}
	return logit.Sigmoid(z)
}

// features measures a question and its best hits (ranked, with coverage).
func (ix *Index) features(q *question, hits []Hit) features {
	var f features
	s := ix.stats
	var han, unknown, total float64
	units, unknownUnits := len(q.content.units), 0
	for _, u := range q.content.units {
		total += u.weight
		if u.term == "" {
			han += u.weight
		}
		if !u.known {
			unknown += u.weight
			unknownUnits++
			if u.term != "" {
				unknownUnits++ // a word, against characters
			}
		}
	}
	if units == 0 {
		f[fNoContent] = 1
	}
	if ix.lex.toBot(q.zh, q.lower) {
		f[fYou] = 1
	}
	f[fUnknownWords] = math.Log1p(float64(unknownUnits))
	f[fUnknownNames] = float64(ix.unknownNames(q.text))
	f[fContent] = math.Log1p(total)
	f[fUnits] = math.Log1p(float64(units))
	if total > 0 {
		f[fUnknown] = unknown / total
		f[fChinese] = han / total
	}
	if q.kinds&^kindWhy != 0 {
		f[fKindAsked] = 1
		f[fKindMissing] = 1
	}
	if n := visibleRunes(q.text); n > 0 {
		f[fChat] = min(1, float64(ix.lex.chatRunes(q.zh, q.lower, q.text))/float64(n))
	}
	if len(hits) == 0 {
		return f
	}
	f[fScore] = math.Log1p(hits[0].Score)
	if len(hits) > 1 && hits[0].Score > 0 {
		f[fMargin] = (hits[0].Score - hits[1].Score) / hits[0].Score
	}
	if total > 0 {
		doc := hits[0].Passage.Position - 1
		if q.rarest != "" && (s.docs[doc].zh[q.rarest] != 0 || s.docs[doc].en[q.rarest] != 0) {
			f[fRarestCovered] = 1
		}
		s.visit(&q.content, doc, anyPart, func(u *unit, credit float64) {
			switch {
			case !u.known:
				f[fMissingUnknown] = math.Max(f[fMissingUnknown], u.weight)
			case credit < 1:
				f[fMissingKnown] = math.Max(f[fMissingKnown], u.weight*(1-credit))
			}
		})
		f[fCoverage] = hits[0].Coverage
		got, _ := s.covered(&q.content, doc, 1<<partText)
		f[fTextCoverage] = got / total
		got, _ = s.covered(&q.content, doc, 1<<partAids)
		f[fAidsCoverage] = got / total
	}
	for _, h := range hits[:min(answerDepth, len(hits))] {
		f[fRawCoverage] = math.Max(f[fRawCoverage], s.coverage(&q.raw, h.Passage.Position-1))
	}
	for i, h := range hits[:min(answerDepth, len(hits))] {
		if i == 0 || h.Coverage > f[fBestCoverage] {
			f[fBestCoverage] = h.Coverage
			got, _ := s.covered(&q.content, h.Passage.Position-1, anyPart)
			f[fCovered] = math.Log1p(got)
		}
		if q.kinds&ix.kinds[h.Passage.Position-1]&^kindWhy != 0 {
			f[fKindMissing] = 0
		}
	}
	return f
}

// visibleRunes counts the characters of s that are not spaces.
func visibleRunes(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// decide turns the features into a verdict and a confidence: the
// probability that the best passages answer the question.
func decide(f *features) (Verdict, float64) {
	p := answerModel.prob(f)
	switch {
	case chatModel.prob(f) >= chatThreshold:
		return Chat, p
	case p >= answerThreshold:
		return Answer, p
	case p >= unsureThreshold:
		return Unsure, p
	}
	return None, p
}

// unknownNames counts the words of a question that name something the
// interview never mentions: a word in Latin letters with digits (H100,
// GPT-5), capitalised in mid-sentence (Blackwell, DeepSeek), or in Latin
// letters inside Chinese (deepseek 和 qwen). A question about them asks
// for what the interview cannot say.
func (ix *Index) unknownNames(text string) int {
	n := 0
	han := HasHan(text)
	var prev rune = '.'
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) || isHan(r) {
			if !unicode.IsSpace(r) {
				prev = r
			}
			i += size
			continue
		}
		j := i
		digits, upper := false, unicode.IsUpper(r)
		for j < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[j:])
			if !isWordRune(r2) || isHan(r2) {
				break
			}
			digits = digits || unicode.IsDigit(r2)
			j += s2
		}
		w := strings.ToLower(text[i:j])
		midSentence := !strings.ContainsRune(".?!", prev)
		looksLikeName := han || digits && !isNumber(w) || upper && midSentence
		if looksLikeName && !ix.stats.knows(ix.zhFold.apply(w), ix.enFold.apply(w), ix.en) {
			n++
		}
		prev = 'a'
		i = j
	}
	return n
}
