package zhconv

import (
	"bytes"
	"cmp"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestToSimplified(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"ascii", "GPU cluster, 8x H100 (v2)!", "GPU cluster, 8x H100 (v2)!"},
		{"already simplified", "数据中心和集群", "数据中心和集群"},
		{"hong kong data centre", "數據中心", "数据中心"},
		{"characters only, no vocabulary", "資料中心", "资料中心"},
		{"internet by character", "網際網路", "网际网路"},
		{"cluster by character", "叢集", "丛集"},
		{"裡 is not standard, folds to 里", "這裡", "这里"},
		{"裏 (Unihan gap) folds to 里", "這裏", "这里"},
		{"後 folds to 后", "後來", "后来"},
		{"皇后 is already simplified", "皇后", "皇后"},
		{"髮 folds to 发", "頭髮", "头发"},
		{"發 folds to 发", "發展", "发展"},
		{"麵 folds to 面", "麵包", "面包"},
		{"著 is standard and stays", "著名的著作", "著名的著作"},
		{"著 particle stays at character level", "隨著", "随著"},
		{"乾 stays", "乾隆", "乾隆"},
		{"覆 stays", "覆蓋", "覆盖"},
		{"復 folds to 复", "恢復", "恢复"},
		{"摺 folds to 折", "摺疊", "折叠"},
		{"於 folds despite being standard", "位於", "位于"},
		{"麼", "什麼", "什么"},
		{"哪吒 keeps 吒", "哪吒", "哪吒"},
		{"大阪 keeps 阪", "大阪", "大阪"},
		{"週 (1955 variant list)", "週末", "周末"},
		{"遊 (1955 variant list)", "遊戲", "游戏"},
		{"淨 (1955 variant list)", "乾淨", "乾净"},
		{"鑑 maps to standard 鉴, not an extension character", "鑑定", "鉴定"},
		{"讚 maps to standard 赞", "稱讚", "称赞"},
		{"嚐 maps to standard 尝", "品嚐", "品尝"},
		{"臺 and 颱", "臺灣颱風", "台湾台风"},
		{"first of several variants", "老闆的手錶", "老板的手表"},
		{"supplementary plane source", "𨭎", "𬭳"},
		{"fullwidth and CJK punctuation", "「你好」，世界！", "「你好」，世界！"},
		{"mixed", "用 Go 寫的伺服器，支援 HTTP/2。", "用 Go 写的伺服器，支援 HTTP/2。"},
		{"emoji", "🙂讓我們開始🙂", "🙂让我们开始🙂"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ToSimplified(tt.in); got != tt.want {
				t.Errorf("ToSimplified(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMainland(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"ascii", "plain ASCII text", "plain ASCII text"},
		{"data centre, Taiwan", "資料中心", "数据中心"},
		{"data centre, Hong Kong", "數據中心", "数据中心"},
		{"data", "資料", "数据"},
		{"internet", "網際網路", "互联网"},
		{"network", "網路", "网络"},
		{"extension", "擴充套件", "扩展"},
		{"cluster", "叢集", "集群"},
		{"personal superintelligence", "個人超級智慧", "个人超级智能"},
		{"smart glasses", "智慧眼鏡", "智能眼镜"},
		{"wisdom stays", "人類的智慧", "人类的智慧"},
		{"release", "釋出新模型", "发布新模型"},
		{"user interface, longest match", "使用者介面", "用户界面"},
		{"user", "使用者", "用户"},
		{"interface", "介面", "界面"},
		{"software and hardware", "軟體和硬體", "软件和硬件"},
		{"message", "訊息", "消息"},
		{"access rights", "我的許可權範圍有多大", "我的权限范围有多大"},
		{"algorithm", "演算法", "算法"},
		{"computer stays", "計算機", "计算机"},
		{"connection", "連線", "连接"},
		{"information", "資訊", "信息"},
		{"project", "專案", "项目"},
		{"supports", "支援", "支持"},
		{"community", "社群", "社区"},
		{"social media", "社群媒體", "社交媒体"},
		{"by means of, then program", "透過程式", "通过程序"},
		{"video", "影片", "视频"},
		{"equation is pinned", "方程式", "方程式"},
		{"server", "伺服器", "服务器"},
		{"chip", "晶片", "芯片"},
		{"mobile device", "行動裝置", "移动设备"},
		{"cloud computing", "雲端運算", "云计算"},
		{"cloud stays", "雲端", "云端"},
		{"digital transformation", "數位轉型", "数字化转型"},
		{"several experts stays", "數位專家", "数位专家"},
		{"most are located in", "大多數位於北京", "大多数位于北京"},
		{"quality stays", "品質", "品质"},
		{"immediately stays", "即時生效", "即时生效"},
		{"router after internet", "網際網路路由器", "互联网路由器"},
		{"mainland internet router untouched", "互联网路由器", "互联网路由器"},
		{"mainland 网 + 路由器 untouched", "无线网路由器", "无线网路由器"},
		{"network router", "網路路由器", "网络路由器"},
		{"media faces", "媒介面臨挑戰", "媒介面临挑战"},
		{"mollusc", "軟體動物", "软体动物"},
		{"乾淨", "很乾淨", "很干净"},
		{"乾隆 stays", "乾隆皇帝", "乾隆皇帝"},
		{"著 particle", "隨著時間", "随着时间"},
		{"著 in 著名 stays", "著名", "著名"},
		{"裡", "在這裡", "在这里"},
		{"後", "之後", "之后"},
		{"髮", "理髮", "理发"},
		{"麵", "牛肉麵", "牛肉面"},
		{"mixed script and ASCII",
			"我們在資料中心部署了 1000 張 GPU 的叢集，透過網際網路釋出模型。",
			"我们在数据中心部署了 1000 张 GPU 的集群，通过互联网发布模型。"},
		{"already mainland", "我们在数据中心部署集群。", "我们在数据中心部署集群。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Mainland(tt.in)
			if got != tt.want {
				t.Errorf("Mainland(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Mainland(got); again != got {
				t.Errorf("Mainland not idempotent on %q: %q then %q", tt.in, got, again)
			}
		})
	}
}

// paragraph is about 200 characters (195) of Taiwan-style Traditional Chinese,
// the kind of text the transcripts contain.
const paragraph = "我們的資料中心今年擴建了兩倍，新的叢集有一萬張繪圖處理器，" +
	"透過高速網路連線。使用者可以在介面上即時看到訓練進度，也能下載擴充套件。" +
	"團隊認為個人超級智慧會在十年內出現，所以把大部分預算投入演算法研究與晶片設計。" +
	"我們也會釋出開放原始碼的軟體，讓社群一起改進伺服器的效能與品質。" +
	"這些專案都支援行動裝置，影片與訊息會同步到雲端，網際網路上的資訊也會自動整理。" +
	"演算法的訓練資料也會定期更新，謝謝大家。"

func TestIdempotent(t *testing.T) {
	inputs := []string{
		paragraph,
		Mainland(paragraph),
		"網際網路路路由",
		"丛丛集",
		"资料料",
		"使用者介面面",
		"透過過程式式",
	}
	for _, in := range inputs {
		t.Run(in, func(t *testing.T) {
			once := Mainland(in)
			if twice := Mainland(once); twice != once {
				t.Errorf("Mainland(%q) = %q, but Mainland of that = %q", in, once, twice)
			}
			s := ToSimplified(in)
			if s2 := ToSimplified(s); s2 != s {
				t.Errorf("ToSimplified not idempotent: %q then %q", s, s2)
			}
		})
	}
}

func TestInvalidUTF8(t *testing.T) {
	// Invalid bytes pass through byte for byte; only whole valid characters
	// around them change.
	tests := []struct {
		name, in, simplified, mainland string
	}{
		{"lone 0xff", "\xff資料\xff", "\xff资料\xff", "\xff数据\xff"},
		{"truncated lead before a character", "\xe8資料", "\xe8资料", "\xe8数据"},
		{"truncated sequence at end", "資料\xe8\xb3", "资料\xe8\xb3", "数据\xe8\xb3"},
		{"lone continuation bytes", "\x80\xbf網路\x80", "\x80\xbf网路\x80", "\x80\xbf网络\x80"},
		{"surrogate encoding", "\xed\xa0\x80叢集", "\xed\xa0\x80丛集", "\xed\xa0\x80集群"},
		{"overlong slash", "\xc0\xaf資", "\xc0\xaf资", "\xc0\xaf资"},
		{"only invalid", "\xff\xfe\xfd", "\xff\xfe\xfd", "\xff\xfe\xfd"},
		{"real U+FFFD is kept", "\uFFFD資料", "\uFFFD资料", "\uFFFD数据"},
		{"invalid inside a vocabulary word", "資\xff料", "资\xff料", "资\xff料"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ToSimplified(tt.in); got != tt.simplified {
				t.Errorf("ToSimplified(%q) = %q, want %q", tt.in, got, tt.simplified)
			}
			got := Mainland(tt.in)
			if got != tt.mainland {
				t.Errorf("Mainland(%q) = %q, want %q", tt.in, got, tt.mainland)
			}
			if again := Mainland(got); again != got {
				t.Errorf("Mainland not idempotent: %q then %q", got, again)
			}
		})
	}
}

func TestNoAllocationWhenUnchanged(t *testing.T) {
	for _, in := range []string{"", "plain ASCII", "数据中心和集群，计算机", "著名的乾隆"} {
		t.Run(in, func(t *testing.T) {
			if n := testing.AllocsPerRun(100, func() { _ = ToSimplified(in) }); n != 0 {
				t.Errorf("ToSimplified allocates %v times", n)
			}
			if n := testing.AllocsPerRun(100, func() { _ = Mainland(in) }); n != 0 {
				t.Errorf("Mainland allocates %v times", n)
			}
		})
	}
	if n := testing.AllocsPerRun(100, func() { _ = ToSimplified(paragraph) }); n > 1 {
		t.Errorf("ToSimplified(paragraph) allocates %v times, want 1", n)
	}
}

func TestTableInvariants(t *testing.T) {
	// The bitmap and the pairs must agree on every character.
	for r := rune(0); r <= 0x10FFFF; r++ {
		want, wantOK := rune(0), false
		if i, found := slices.BinarySearchFunc(simplifiedTable[:], r, func(p pair, r rune) int { return cmp.Compare(p.from, r) }); found {
			want, wantOK = simplifiedTable[i].to, true
		}
		if got, ok := simplify(r); got != want || ok != wantOK {
			t.Fatalf("simplify(%U) = %U, %v; the pairs say %U, %v", r, got, ok, want, wantOK)
		}
	}
	tab := simplifiedTable[:]
	for i, p := range tab {
		if i > 0 && tab[i-1].from >= p.from {
			t.Errorf("table not strictly sorted at %d: %c then %c", i, tab[i-1].from, p.from)
		}
		if p.from < utf8.RuneSelf || !utf8.ValidRune(p.from) || !utf8.ValidRune(p.to) {
			t.Errorf("bad pair %U→%U", p.from, p.to)
		}
		if p.from == p.to {
			t.Errorf("identity pair %c", p.from)
		}
		// ToSimplified is idempotent only if no replacement is itself a key.
		if _, ok := simplify(p.to); ok {
			t.Errorf("%c→%c, but %c is itself mapped", p.from, p.to, p.to)
		}
	}
}

func TestVocabularyInvariants(t *testing.T) {
	v := vocabulary[:]
	for i, e := range v {
		if i > 0 && v[i-1].from >= e.from {
			t.Errorf("vocabulary not sorted by from at %q, %q", v[i-1].from, e.from)
		}
		if e.from == "" || e.to == "" || !utf8.ValidString(e.from) || !utf8.ValidString(e.to) {
			t.Errorf("bad entry %q→%q", e.from, e.to)
		}
		if r, n := utf8.DecodeRuneInString(e.from); n != 3 || keyFirst(e.from) != r {
			t.Errorf("entry %q must start with a three-byte character (keyFirst decodes only those)", e.from)
		}
		if n := utf8.RuneCountInString(e.from); n > maxKeyRunes {
			t.Errorf("from %q has %d characters; raise maxKeyRunes", e.from, n)
		}
		if s := ToSimplified(e.from); s != e.from {
			t.Errorf("from %q is not in ToSimplified form (%q): it can never match", e.from, s)
		}
		if s := ToSimplified(e.to); s != e.to {
			t.Errorf("to %q is not in ToSimplified form (%q)", e.to, s)
		}
	}
}

// TestVocabularyIdempotent runs Mainland twice on every pair of entries and
// pieces of entries, and on every entry between two of their characters: the
// inputs where a replacement can form another entry with its neighbours.
//
// The inputs are millions, so the pairs and each entry's surroundings are
// parallel subtests. The surroundings take seconds under the race detector,
// which has nothing to find in a function without goroutines: they are
// checked without it (CI runs this test so, as a step of its own).
func TestVocabularyIdempotent(t *testing.T) {
	t.Parallel()
	pieceSet := map[string]bool{}
	runeSet := map[string]bool{}
	for _, e := range vocabulary {
		for _, w := range []string{e.from, e.to} {
			for i := range w {
				pieceSet[w[i:]] = true
				pieceSet[w[:i]] = true
			}
			pieceSet[w] = true
			for _, r := range w {
				runeSet[string(r)] = true
			}
		}
	}
	delete(pieceSet, "")
	var pieces []string
	for p := range pieceSet {
		pieces = append(pieces, p)
	}
	check := func(t *testing.T, s string) {
		once := Mainland(s)
		if once == s {
			return // Mainland of once is then once again
		}
		if twice := Mainland(once); twice != once {
			t.Errorf("not idempotent: %q → %q → %q", s, once, twice)
		}
	}
	t.Run("pairs", func(t *testing.T) {
		t.Parallel()
		for _, a := range pieces {
			for _, b := range pieces {
				check(t, a+b)
			}
		}
	})
	if testing.Short() {
		return
	}
	if raceDetector {
		t.Log("each entry's surroundings are checked without -race")
		return
	}
	for _, e := range vocabulary {
		t.Run(e.from, func(t *testing.T) {
			t.Parallel()
			for a := range runeSet {
				for b := range runeSet {
					check(t, a+e.from+b)
				}
			}
		})
	}
}

// TestVocabularyDigest makes a change to the vocabulary visible: folded text
// in an index built before the change no longer matches, so Version must
// change with it.
func TestVocabularyDigest(t *testing.T) {
	const (
		wantRevision = "2"
		wantDigest   = 0x9de209253181c1d6
	)
	h := fnv.New64a()
	for _, e := range vocabulary {
		h.Write([]byte(e.from + "\x00" + e.to + "\x00"))
	}
	if got := h.Sum64(); got != wantDigest || vocabularyRevision != wantRevision {
		t.Errorf("vocabulary digest %#x, revision %q; want %#x, %q.\n"+
			"If you changed vocabulary, bump vocabularyRevision and update wantRevision and wantDigest here.",
			got, vocabularyRevision, uint64(wantDigest), wantRevision)
	}
}

// unihanDir returns the directory with the Unihan files, as installed by
// Debian's unicode-data package, or "" when they are absent.
func unihanDir() string {
	dir := os.Getenv("ZHCONV_UNIHAN")
	if dir == "" {
		dir = "/usr/share/unicode"
	}
	for _, name := range []string{"Unihan_Variants.txt", "Unihan_OtherMappings.txt"} {
		_, err1 := os.Stat(filepath.Join(dir, name))
		_, err2 := os.Stat(filepath.Join(dir, name+".bz2"))
		if err1 != nil && err2 != nil {
			return ""
		}
	}
	return dir
}

// TestTableCurrent regenerates table.go from the Unihan files on this machine
// and compares it with the committed one.
func TestTableCurrent(t *testing.T) {
	dir := unihanDir()
	if dir == "" {
		t.Skip("Unihan files not found in /usr/share/unicode (apt-get install unicode-data, or set ZHCONV_UNIHAN); not checking that table.go is current")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not in PATH; not checking that table.go is current")
	}
	out := filepath.Join(t.TempDir(), "table.go")
	cmd := exec.Command(goTool, "run", "./internal/gen", "-unihan", dir, "-out", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generator failed: %v\n%s", err, msg)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("table.go")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gotVersion := headerVersion(got)
	if gotVersion != unihanVersion {
		t.Skipf("the installed Unihan is version %s but table.go was generated from %s; run go generate to move to it", gotVersion, unihanVersion)
	}
	t.Errorf("table.go is stale: run go generate ./index/zhconv (generated %d bytes, committed %d)", len(got), len(want))
}

func headerVersion(src []byte) string {
	_, rest, ok := strings.Cut(string(src), "const unihanVersion = \"")
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, "\"")
	return v
}

func BenchmarkToSimplified(b *testing.B) {
	b.SetBytes(int64(len(paragraph)))
	b.ReportAllocs()
	for b.Loop() {
		_ = ToSimplified(paragraph)
	}
}

func BenchmarkMainland(b *testing.B) {
	b.SetBytes(int64(len(paragraph)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Mainland(paragraph)
	}
}

func BenchmarkMainlandUnchanged(b *testing.B) {
	s := Mainland(paragraph)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Mainland(s)
	}
}

// TestVocabularyTerminates proves that rewrite ends, and ends within its
// budget, for any input. It ranks characters in levels: level 1 holds the
// characters that no replacement adds (as 演 in 演算法→算法); an entry that
// removes one of them is settled; level 2 holds the characters that only
// settled entries add, and so on. If every entry is settled this way, each
// replacement removes a character of some level and adds only characters of
// later levels, so the text's multiset of levels strictly decreases and
// rewriting ends (Dershowitz–Manna ordering). Counting replacements level by
// level bounds their number.
func TestVocabularyTerminates(t *testing.T) {
	type diff struct {
		e              entry
		removed, added map[rune]int
	}
	var pending []diff
	maxAdded := 0
	for _, e := range vocabulary {
		if e.from == e.to {
			continue
		}
		d := diff{e, map[rune]int{}, map[rune]int{}}
		for _, r := range e.from {
			d.removed[r]++
		}
		for _, r := range e.to {
			if d.removed[r] > 0 {
				d.removed[r]--
			} else {
				d.added[r]++
			}
		}
		n := 0
		for _, c := range d.added {
			n += c
		}
		maxAdded = max(maxAdded, n)
		pending = append(pending, d)
	}
	// perLevel[k] bounds the replacements at level k per character of input:
	// each removes a level-k character, which came from the input (at most
	// one per input character) or was added by an earlier-level replacement
	// (at most maxAdded each).
	var perLevel []float64
	earlier := 0.0
	for len(pending) > 0 {
		added := map[rune]bool{}
		for _, d := range pending {
			for r, c := range d.added {
				if c > 0 {
					added[r] = true
				}
			}
		}
		var rest []diff
		for _, d := range pending {
			settled := false
			for r, c := range d.removed {
				if c > 0 && !added[r] {
					settled = true
				}
			}
			if !settled {
				rest = append(rest, d)
			}
		}
		if len(rest) == len(pending) {
			var names []string
			for _, d := range rest {
				names = append(names, d.e.from+"→"+d.e.to)
			}
			t.Fatalf("cannot prove that rewriting ends: each of these entries only removes characters another one adds: %s", strings.Join(names, ", "))
		}
		n := 1 + float64(maxAdded)*earlier
		perLevel = append(perLevel, n)
		earlier += n
		pending = rest
	}
	// Only characters of three or more bytes take part, so the number of
	// replacements is at most earlier*len(s)/3; rewrite allows 4*len(s).
	if earlier/3 > 4 {
		t.Errorf("up to %.0f replacements per character (levels %v) exceed rewrite's budget of 4 per byte", earlier, perLevel)
	}
	t.Logf("levels %v, at most %.0f replacements per input character", perLevel, earlier)
}

// TestLongInputs covers inputs long enough to grow every internal buffer,
// including runs where each replacement creates the next one.
func TestLongInputs(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"cascade to the left", strings.Repeat("演", 5000) + "演算法", "算法"},
		{"cascade leaving a tail", strings.Repeat("丛", 5000) + "集", "集群" + strings.Repeat("群", 4999)},
		{"many replacements", strings.Repeat("資料", 5000), strings.Repeat("数据", 5000)},
		{"growing replacements", strings.Repeat("數位轉型", 5000), strings.Repeat("数字化转型", 5000)},
		{"pinned words", strings.Repeat("網際網路路", 5000), strings.Repeat("互联网路", 5000)},
		{"paragraphs", strings.Repeat(paragraph, 100), strings.Repeat(Mainland(paragraph), 100)},
		{"invalid bytes between", strings.Repeat("資\xff料\xe8演算法", 3000), strings.Repeat("资\xff料\xe8算法", 3000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Mainland(tt.in)
			if got != tt.want {
				t.Errorf("Mainland of %d bytes: got %d bytes starting %q, want %d bytes starting %q",
					len(tt.in), len(got), got[:min(30, len(got))], len(tt.want), tt.want[:min(30, len(tt.want))])
			}
			if again := Mainland(got); again != got {
				t.Error("not idempotent")
			}
		})
	}
}
