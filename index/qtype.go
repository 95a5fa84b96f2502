package index

import (
	"strings"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/data"
)

// Question words. "When", "how long", "how much", "how big", "who" and "why"
// ask for a kind of answer, not for passages that share the words: "how
// long until superintelligence" wants the passage that gives a timeline, not
// the one about long-standing values. A question's kind comes from its
// words of asking; a passage's kinds from what its text contains (a span of
// years, an amount, a size, names, a reason). Passages of the kind asked for
// rank higher, and whether the best of them is of that kind is one of the
// things the decision to answer weighs.

// qkind is a kind of question, and of answer; a bit set.
type qkind uint8

const (
	kindTime   qkind = 1 << iota // when, how long
	kindAmount                   // how much, how many
	kindSize                     // how big
	kindWho                      // who
	kindWhy                      // why
	kindAge                      // how old: the interview gives no one's age
	kindPlace                    // where
)

var kindNames = []struct {
	k    qkind
	name string
}{{kindTime, "time"}, {kindAmount, "amount"}, {kindSize, "size"}, {kindWho, "who"}, {kindWhy, "why"}, {kindAge, "age"}, {kindPlace, "place"}}

func (k qkind) String() string {
	var names []string
	for _, n := range kindNames {
		if k&n.k != 0 {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, "+")
}

// asking lists the words that ask for each kind: English whole words on
// the lower-cased question, Chinese anywhere in its canonical form.
var asking = []struct {
	k      qkind
	en, zh []string
}{
	{kindTime,
		[]string{"when", "how long", "how soon", "how fast", "how quickly", "how many years", "how many months", "what year", "timeline", "time line", "timeframe", "time frame", "eta", "by when"},
		[]string{"什么时候", "啥时候", "何时", "几时", "多久", "几年", "多长时间", "哪一年", "哪年", "时间表", "时间线", "时程", "多快", "多少年"}},
	{kindAmount,
		[]string{"how much", "how many", "what amount", "what number", "what figure", "how expensive", "cost"},
		[]string{"多少", "几个", "几位", "几家", "几亿", "多贵", "几成", "几倍"}},
	{kindSize,
		[]string{"how big", "how large", "how huge", "how massive", "what size", "size of", "how many gigawatts", "how many gw", "how many megawatts"},
		[]string{"多大", "规模", "面积", "多少瓦", "多少吉瓦", "多少gw"}},
	{kindWho,
		[]string{"who", "whom", "whose", "which people", "which person", "which researchers", "which companies", "which labs", "which ceos", "what people", "what companies", "what labs"},
		[]string{"谁", "哪些人", "哪位", "哪几个人", "哪些公司", "哪几家", "哪些实验室", "哪几位"}},
	{kindWhy,
		[]string{"why", "how come", "what for"},
		[]string{"为什么", "为啥", "干嘛", "为何", "怎么会", "凭什么"}},
	{kindAge,
		[]string{"how old", "what age", "birthday"},
		[]string{"几岁", "多大年纪", "年龄", "岁数", "生日"}},
	{kindPlace,
		[]string{"where", "what city", "what state", "what country", "what place", "which city", "which state", "which country", "which place"},
		[]string{"哪里", "哪儿", "什么地方", "在哪里", "在哪儿", "在哪边", "在哪个地方", "在哪个城市", "在哪个州", "在哪个国家", "在哪建", "在哪盖", "哪个城市", "哪个州", "哪个国家", "哪个地方", "哪一州"}},
}

// asker finds the kinds a question asks for, in one pass per language.
type asker struct {
	en *phrases          // each phrase stands for its kind, as a one-byte string
	zh []string          // every Chinese phrase...
	zk []qkind           // ...and its kind
	rm *strings.Replacer // Chinese phrases to a space, longest first
}

func newAsker() *asker {
	a := &asker{}
	kind := map[string]qkind{}
	var en, zh []string
	for _, k := range asking {
		for _, w := range k.en {
			kind[w] |= k.k
			en = append(en, w)
		}
		for _, w := range k.zh {
			a.zh = append(a.zh, w)
			a.zk = append(a.zk, k.k)
			zh = append(zh, w)
		}
	}
	a.en = newPhrases(en, func(w string) string { return string(rune(kind[w])) })
	a.rm = strings.NewReplacer(replacing(zh, func(string) string { return " " })...)
	return a
}

// kinds returns the kinds a question asks for, and the question with the
// words that ask for them replaced by spaces: "long" in "how long" says
// when, not what.
func (a *asker) kinds(zh, lower string) (k qkind, zhRest, lowerRest string) {
	ms := a.en.find(lower)
	if len(ms) > 0 {
		var b strings.Builder
		at := 0
		for _, m := range ms {
			k |= qkind(m.value[0])
			b.WriteString(lower[at:m.start])
			b.WriteByte(' ')
			at = m.end
		}
		b.WriteString(lower[at:])
		lower = b.String()
	}
	found := false
	for i, w := range a.zh {
		if strings.Contains(zh, w) {
			k |= a.zk[i]
			found = true
		}
	}
	// 在哪 at the end asks where; inside 在哪个节目 it asks which show
	if t := strings.TrimRightFunc(zh, func(r rune) bool { return !isHan(r) && !isWordRune(r) }); strings.HasSuffix(t, "在哪") {
		k |= kindPlace
		zh = t[:len(t)-len("在哪")]
	}
	if found {
		zh = a.rm.Replace(zh)
	}
	return k, zh, lower
}

// answering lists, for each kind of answer, the words that give it: English
// whole words or phrases in a passage's English rendering, Chinese anywhere
// in its canonical text. Numbers are read apart (answerKinds).
var answering = []struct {
	k      qkind
	en, zh []string
}{
	{kindTime, []string{"soon", "this year", "next year", "last year", "next few years", "next couple of years", "over the next", "over the coming"},
		[]string{"明年", "今年", "未来几年", "几年", "年内", "很快"}},
	{kindAmount, []string{"dollar", "dollars", "billion", "billions", "million", "millions", "thousand", "thousands", "hundred", "hundreds", "dozen", "dozens", "few", "several", "handful"},
		[]string{"美元", "亿", "万", "几十", "数千", "数百", "几位", "少数"}},
	{kindSize, []string{"gw", "gigawatt", "gigawatts", "megawatt", "megawatts", "manhattan", "size", "largest", "biggest", "scale"},
		[]string{"gw", "吉瓦", "兆瓦", "曼哈顿", "规模", "最大"}},
	{kindPlace, []string{"manhattan", "sun valley"}, []string{"曼哈顿", "sun valley"}},
	{kindWhy, []string{"because", "so that", "the reason", "that's why", "which is why", "in order to"},
		[]string{"因为", "因此", "所以", "原因", "之所以", "为了"}},
}

// answerer finds the kinds of answer a passage gives.
type answerer struct {
	en *phrases // each phrase stands for its kind, as a one-byte string
}

func newAnswerer() *answerer {
	kind := map[string]qkind{}
	var en []string
	for _, k := range answering {
		for _, w := range k.en {
			kind[w] |= k.k
			en = append(en, w)
		}
	}
	return &answerer{en: newPhrases(en, func(w string) string { return string(rune(kind[w])) })}
}

func (a *answerer) kinds(p *data.Passage) qkind {
	lower, zh := strings.ToLower(p.English), canonicalZH(p.Text)
	var k qkind
	for _, m := range a.en.find(lower) {
		k |= qkind(m.value[0])
	}
	for _, kw := range answering {
		for _, w := range kw.zh {
			if strings.Contains(zh, w) {
				k |= kw.k
			}
		}
	}
	// numbers: any is an amount; one before years or months, or a year
	// such as 2026, is a time; one before GW is a size
	ws := splitWords(lower)
	for i, w := range ws {
		word := lower[w[0]:w[1]]
		if word[0] < '0' || word[0] > '9' {
			continue
		}
		k |= kindAmount
		switch {
		case len(word) == 4 && (strings.HasPrefix(word, "19") || strings.HasPrefix(word, "20")) && isNumber(word):
			k |= kindTime
		case strings.HasSuffix(word, "gw"):
			k |= kindSize
		case i+1 < len(ws):
			switch next := lower[ws[i+1][0]:ws[i+1][1]]; next {
			case "year", "years", "month", "months":
				k |= kindTime
			}
		}
	}
	if yearAfterNumber(zh) {
		k |= kindTime
	}
	// a capitalised word in mid-sentence names someone or something
	for i := 1; i+1 < len(p.English); i++ {
		c := p.English[i+1]
		if p.English[i] == ' ' && 'A' <= c && c <= 'Z' && strings.ContainsRune("abcdefghijklmnopqrstuvwxyz,;", rune(p.English[i-1])) {
			k |= kindWho
			break
		}
	}
	return k
}

// yearAfterNumber reports whether 年 follows a number in s (2-3年, 7年).
func yearAfterNumber(s string) bool {
	for i := strings.Index(s, "年"); i >= 0; {
		j := i
		for j > 0 {
			r, size := utf8.DecodeLastRuneInString(s[:j])
			if !strings.ContainsRune(" -–到至", r) {
				break
			}
			j -= size
		}
		if j > 0 && '0' <= s[j-1] && s[j-1] <= '9' {
			return true
		}
		next := strings.Index(s[i+len("年"):], "年")
		if next < 0 {
			return false
		}
		i += len("年") + next
	}
	return false
}
