package index

import (
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Requests for the gist: "tldr", "一句話總結", "give me the 3 main
// takeaways". A message that asks for the gist of the whole interview, and
// names nothing in it, shares no words with any answer, yet the article
// has one: the editor's key points (data.Passage.Gist). Such a message is
// answered with them. A request for the gist of one part ("summary of the
// capex part") names what it is about, and is searched like any question.

// gistAsking are the words that ask for the gist: English whole words and
// phrases, Chinese anywhere.
var gistAsking = struct{ en, zh []string }{
	en: []string{
		"tldr", "tl dr", "summary", "summarize", "summarise", "summarized", "summarised", "summarizing", "summarising",
		"sum up", "sum it up", "sums up", "recap", "gist", "nutshell", "overview", "highlights", "eli5", "cliff notes", "cliffs notes",
		"main points", "main point", "key points", "key point", "important points", "important point", "bullet points",
		"takeaways", "takeaway", "main message", "main idea", "main ideas", "short version", "in one sentence", "in a sentence",
		"what is it about", "what's it about", "whats it about", "what was it about", "what is this about", "what's this about", "whats this about",
		"what is the interview about", "what's the interview about", "whats the interview about", "what was the interview about",
		"what is this interview about", "what's this interview about", "what is the article about", "what's the article about",
		"most important", "editor's note", "editors note", "editor note", "editor's intro", "editors intro", "editor's introduction",
	},
	zh: []string{
		"總結", "摘要", "重點", "概括", "概述", "太長不看", "懶人包", "精華", "要點", "大意", "歸納", "劃重點", "簡單說說", "簡單講講",
		"一句話", "講了啥", "講了什麼", "說了啥", "說了什麼", "在講什麼", "在講啥", "講什麼", "講啥", "主要內容", "在說什麼", "在說啥", "最重要", "編者按",
	},
}

// gistSelf are the words a request for the gist may use besides: the
// interview itself, its speaker, and how short or how many points.
var gistSelf = struct{ en, zh []string }{
	en: []string{
		"interview", "article", "video", "text", "piece", "talk", "conversation", "transcript", "whole", "entire", "thing", "all",
		"zuck", "zuckerberg", "mark", "he", "him", "his", "it", "this", "that", "please", "pls", "plz", "quick", "quickly",
		"short", "brief", "briefly", "simple", "simply", "give", "tell", "me", "us", "can", "could", "you", "u", "what", "whats",
		"is", "was", "are", "main", "most", "important", "key", "points", "point", "one", "two", "three", "four", "five",
		"few", "couple", "sentence", "sentences", "line", "lines", "bullet", "bullets", "list", "words", "word", "in", "of",
		"for", "about", "say", "said", "says", "editor", "editors", "intro", "introduction", "note", "write", "wrote",
	},
	zh: []string{
		"採訪", "訪談", "訪問", "文章", "這篇", "整篇", "全文", "影片", "視頻", "節目", "內容", "小扎", "扎克伯格", "祖克柏",
		"扎哥", "全部", "整個", "主要", "幾個", "幾點", "句話", "報告", "這個", "這次", "一下", "幫我", "給我", "求", "簡單", "編者", "寫",
	},
}

// gistChars are the characters of counting and listing that a request for
// the gist may leave (五句話, 三個點), besides stopChars.
const gistChars = "一二三四五六七八九十兩幾個點條句話篇"

// gister tells requests for the gist.
type gister struct {
	askEN, selfEN *phrases
	askZH         []string
	selfZH        *strings.Replacer
	chars         string // gistChars, folded
}

func newGister(zhFold, enFold folder) *gister {
	g := &gister{}
	fold := func(ws []string) []string {
		out := make([]string, len(ws))
		for i, w := range ws {
			out[i] = zhFold.apply(canonicalZH(w))
		}
		return out
	}
	foldEN := func(ws []string) []string {
		out := make([]string, len(ws))
		for i, w := range ws {
			out[i] = enFold.apply(w)
		}
		return out
	}
	space := func(string) string { return " " }
	askEN := foldEN(gistAsking.en)
	g.askEN = newPhrases(askEN, space)
	g.selfEN = newPhrases(append(askEN, foldEN(gistSelf.en)...), space)
	g.askZH = fold(gistAsking.zh)
	for _, r := range gistChars {
		g.chars += zhFold.apply(canonicalZH(string(r)))
	}
	g.selfZH = strings.NewReplacer(replacing(append(slices.Clone(g.askZH), fold(gistSelf.zh)...), space)...)
	return g
}

// asksGist reports whether q asks for the gist of the whole interview: words
// that ask for it, and nothing that is not filler, counting or the
// interview itself.
func (ix *Index) asksGist(q *question) bool {
	g := ix.gister
	asksZH := slices.ContainsFunc(g.askZH, func(w string) bool { return strings.Contains(q.zh, w) })
	if !asksZH && !g.askEN.has(q.lower) {
		return false
	}
	for _, r := range ix.lex.stripZH(g.selfZH.Replace(q.zh)) {
		if isHan(r) && !strings.ContainsRune(stopChars, r) && !strings.ContainsRune(g.chars, r) {
			return false
		}
	}
	return !hasContent(ix.en, ix.lex, ix.lex.stripEN(g.selfEN.replace(q.lower)))
}

// hasContent reports whether English text has a word that is neither
// filler nor a number.
func hasContent(en analysis.Analyzer, l *lexicon, text string) bool {
	for _, tok := range en.Analyze([]byte(text)) {
		if t := string(tok.Term); !l.stopWord(t) && !isNumber(t) && !HasHan(t) {
			return true
		}
	}
	return false
}
