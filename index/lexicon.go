package index

import (
	_ "embed"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Two word lists, written from general knowledge of the three languages,
// not from any question set:
//
//   - filler.txt: words that say nothing about what a question is about:
//     the words of asking (什么, why), filler and slang (其实, tbh, 离谱,
//     ngl), pronouns, generic verbs and nouns (say, 东西). Neither searched
//     for nor weighed in coverage; the question's remaining words are.
//   - chat.txt: words of small talk and of talk with the bot itself
//     (hi, 谢谢, who are you, 你是机器人吗, lol). How much of a message they
//     make up is what tells small talk from a question.
//
// One entry per line, in any script; entries are folded like questions.

//go:embed filler.txt
var fillerList string

//go:embed chat.txt
var chatList string

// stopChars are single Chinese characters of grammar, asking and
// interjection: never weighed on their own. Characters that also begin
// words of the interview's subjects (人 in 人才, 看 in 看法) are not here.
const stopChars = "的了吗呢吧啊呀嘛啦哦么什怎为哪谁几是不对在有和与跟也都就还说这那个会能要想把被给让得地着过很最又再才该可以之其而及或如何请问下一些呗咋啥嗯觉认讲聊谈提他她它你我您妳咱呃咧哇哈哎唉啰喔噢囧欸耶蛤诶阿靠齁酱晕挺蛮屌太真超更好每狂搞瞎扯刚"

// lexicon holds the two lists, folded and split by how they match.
type lexicon struct {
	// filler, to a space
	zhFiller *strings.Replacer // Chinese words of two or more characters
	enFiller *phrases          // English words and phrases, as folded text
	enWords  map[string]bool   // the same English words, stemmed
	// small talk: what it replaces is counted (see chatRunes)
	chatZH, chatSymbols *strings.Replacer
	chatEN              *phrases
	toBotEN             *phrases
}

// chatMark stands in for each character of small talk that chatRunes finds.
const chatMark = "\x00"

func newLexicon(en analysis.Analyzer, zhFold, enFold folder) *lexicon {
	l := &lexicon{enWords: map[string]bool{}}
	// A word of a synonym group is a subject, whatever the lists say
	// (超级 is an intensifier, 超级智能 is not filler).
	var groupHan strings.Builder
	groupLatin := map[string]bool{}
	for _, groups := range [][][]string{zhGroups, enGroups} {
		for _, g := range groups {
			for _, m := range g {
				groupHan.WriteString(m + "\n")
				groupLatin[m] = true
			}
		}
	}
	protected := func(w string) bool {
		return groupLatin[w] || HasHan(w) && strings.Contains(groupHan.String(), w)
	}
	var zh, enFiller []string
	// Small talk says nothing about the interview either: both lists are
	// filler to the search.
	for _, w := range append(lines(fillerList), lines(chatList)...) {
		switch {
		case HasHan(w):
			w = zhFold.apply(canonicalZH(w))
			if utf8.RuneCountInString(w) > 1 && !protected(w) {
				zh = append(zh, w)
			}
		case !plainWords(w):
			// !help, +1: the phrase matcher would hear only "help", "1"
		case !protected(w):
			w = enFold.apply(w)
			if strings.Contains(w, " ") {
				enFiller = append(enFiller, w)
			} else {
				for _, tok := range en.Analyze([]byte(w)) {
					l.enWords[string(tok.Term)] = true
				}
			}
		}
	}
	// Zuckerberg is the subject of nearly every question: his name says
	// nothing about which answer is meant.
	zh = append(zh, zuckerbergZH[0])
	enFiller = append(enFiller, zuckerbergEN[0])
	l.enWords[zuckerbergEN[0]] = true
	l.zhFiller = strings.NewReplacer(replacing(zh, func(string) string { return " " })...)
	l.enFiller = newPhrases(enFiller, func(string) string { return " " })

	var chatZH, chatEN, chatSymbols []string
	for _, w := range lines(chatList) {
		switch {
		case HasHan(w):
			chatZH = append(chatZH, zhFold.apply(canonicalZH(w)))
		case plainWords(w):
			chatEN = append(chatEN, enFold.apply(w))
		case hasWordRune(w) || strings.IndexFunc(w, isASCIIPunct) < 0:
			// words with their punctuation (first!, /help), and emoji,
			// as written; punctuation alone (???) is small talk only
			// alone, which Search sees before any of this
			chatSymbols = append(chatSymbols, w)
		}
	}
	marks := func(w string) string { return strings.Repeat(chatMark, utf8.RuneCountInString(w)) }
	l.chatZH = strings.NewReplacer(replacing(chatZH, marks)...)
	l.chatSymbols = strings.NewReplacer(replacing(chatSymbols, marks)...)
	l.chatEN = newPhrases(chatEN, func(string) string { return "" })
	l.toBotEN = newPhrases(botWordsEN, func(string) string { return "" })
	return l
}

// replacing makes strings.Replacer arguments that replace each word with
// to(word), longest first: the Replacer takes the first listed match at a
// position, and 为什么 must go whole before 什么 can.
func replacing(ws []string, to func(string) string) []string {
	ws = slices.Clone(ws)
	slices.SortStableFunc(ws, longestFirst)
	out := make([]string, 0, 2*len(ws))
	for _, w := range slices.Compact(ws) {
		out = append(out, w, to(w))
	}
	return out
}

// lines returns the non-empty lines of a list, lower case.
func lines(list string) []string {
	var out []string
	for _, line := range strings.Split(list, "\n") {
		if w := strings.TrimSpace(strings.ToLower(line)); w != "" {
			out = append(out, w)
		}
	}
	return out
}

func longestFirst(a, b string) int {
	if len(a) != len(b) {
		return len(b) - len(a)
	}
	return strings.Compare(a, b)
}

func hasWordRune(s string) bool { return strings.IndexFunc(s, isWordRune) >= 0 }

// stripZH replaces the filler words of canonical Chinese s with spaces.
func (l *lexicon) stripZH(s string) string { return l.zhFiller.Replace(s) }

// stripEN replaces the filler words of lower-case s with spaces.
func (l *lexicon) stripEN(s string) string { return l.enFiller.replace(s) }

func (l *lexicon) stopChar(t string) bool {
	return utf8.RuneCountInString(t) == 1 && strings.Contains(stopChars, t)
}

func (l *lexicon) stopWord(t string) bool { return l.enWords[t] }

// chatRunes counts the characters of a question that words of small talk
// make up: the longest entry at each place, in its canonical Chinese, its
// lower-case text and its original text (emoji).
func (l *lexicon) chatRunes(zh, lower, raw string) int {
	return strings.Count(l.chatZH.Replace(zh), chatMark) + l.chatEN.runes(lower) + strings.Count(l.chatSymbols.Replace(raw), chatMark)
}

func isASCIIPunct(r rune) bool { return r < utf8.RuneSelf && !isWordRune(r) && r != ' ' }

// greetings are the small talk the bot answers in kind, by the first
// kind a message has: thanks before hello (hi, thanks!), bye last.
var greetings = []struct {
	g      Greeting
	zh, en []string
}{
	{Thanks, []string{"谢谢", "感谢", "感恩", "多谢", "谢啦", "谢了", "3q", "感激", "🙏"},
		[]string{"thanks", "thank you", "thx", "ty", "tysm", "tyvm", "thank u", "thanx", "appreciate it", "cheers"}},
	{Hello, []string{"你好", "您好", "哈啰", "哈喽", "嗨", "早安", "午安", "早上好", "下午好", "晚上好", "安安", "在吗", "大家好", "👋"},
		[]string{"hi", "hello", "hey", "heya", "hiya", "yo", "sup", "howdy", "gm", "good morning", "good afternoon", "good evening", "hola"}},
	{Bye, []string{"再见", "拜拜", "掰掰", "晚安", "881", "下次见", "先走了"},
		[]string{"bye", "goodbye", "cya", "see ya", "see you", "gn", "good night", "later", "gtg"}},
}

// greeting finds the kind of small talk in a message, lower-cased and in
// canonical Chinese.
func greeting(lower, zh string) Greeting {
	for _, g := range greetings {
		for _, w := range g.zh {
			if strings.Contains(zh, w) {
				return g.g
			}
		}
		for _, w := range g.en {
			if contains(lower, w) {
				return g.g
			}
		}
	}
	return OtherTalk
}

// botWords speak to the bot rather than about the interview.
var (
	botWordsZH = []string{"你", "妳", "您", "机器人", "bot"}
	botWordsEN = []string{"you", "your", "yours", "you're", "youre", "yourself", "u", "ur", "ya", "bot", "bots", "chatbot"}
)

// toBot reports whether a question speaks to the bot: "can you", 你是.
func (l *lexicon) toBot(zh, lower string) bool {
	for _, w := range botWordsZH {
		if strings.Contains(zh, w) {
			return true
		}
	}
	return l.toBotEN.has(lower)
}

// plainWords reports whether s is words and nothing else: letters, digits,
// spaces, hyphens and apostrophes.
func plainWords(s string) bool {
	for _, r := range s {
		if !isWordRune(r) && !strings.ContainsRune(" -'’", r) {
			return false
		}
	}
	return true
}
