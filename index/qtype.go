package index

import (
	"regexp"
	"strings"

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
		[]string{"什么时候", "啥时候", "何时", "几时", "多久", "几年", "多长时间", "哪一年", "哪年", "时间表", "时间线", "多快", "多少年"}},
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

// answering finds the kinds of answer a passage gives, in its English
// rendering (lower case) and its canonical Chinese.
var answering = []struct {
	k      qkind
	en, zh *regexp.Regexp
}{
	{kindTime,
		regexp.MustCompile(`\b\d+\s*(?:-|–|to|or)?\s*\d*\s*(?:years?|months?)\b|\b(?:19|20)\d\d\b|\bnext (?:few |couple of )?(?:years?|months?)\b|\b(?:this|next|last) year\b|\bsoon\b|\bover the (?:next|coming)\b`),
		regexp.MustCompile(`\d+\s*[-–到至]?\s*\d*\s*年|明年|今年|未来几年|几年|年内|很快`)},
	{kindAmount,
		regexp.MustCompile(`\$\s*\d|\bdollars?\b|\b(?:billions?|millions?|thousands?|hundreds?|dozens?)\b|\b\d+\b|\b(?:few|several|handful)\b`),
		regexp.MustCompile(`\d|美元|亿|万|几十|数千|数百|几位|少数`)},
	{kindSize,
		regexp.MustCompile(`\bgw\b|\d\s*gw\b|gigawatts?|megawatts?|manhattan|\bsize\b|\blargest\b|\bbiggest\b|\bscale\b`),
		regexp.MustCompile(`gw|吉瓦|兆瓦|曼哈顿|规模|最大`)},
	{kindWho, nil, nil}, // names: see passageKinds
	{kindPlace,
		regexp.MustCompile(`\bmanhattan\b|\bsun valley\b`),
		regexp.MustCompile(`曼哈顿|sun valley`)},
	{kindWhy,
		regexp.MustCompile(`\bbecause\b|\bso that\b|\bthe reason\b|\bthat's why\b|\bwhich is why\b|\bin order to\b`),
		regexp.MustCompile(`因为|因此|所以|原因|之所以|为了`)},
}

// properName is a capitalised word in the middle of an English sentence:
// a person, a company or a place.
var properName = regexp.MustCompile(`[a-z,;] (?:[A-Z][a-z]+)`)

func passageKinds(p *data.Passage) qkind {
	lower, zh := strings.ToLower(p.English), canonicalZH(p.Text)
	var k qkind
	for _, a := range answering {
		if a.en != nil && (a.en.MatchString(lower) || a.zh.MatchString(zh)) {
			k |= a.k
		}
	}
	if properName.MatchString(p.English) {
		k |= kindWho
	}
	return k
}
