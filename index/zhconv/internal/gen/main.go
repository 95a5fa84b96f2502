// Command gen writes table.go, the character table behind zhconv.ToSimplified,
// from the Unicode Han Database (Unihan).
//
// Usage (see the go:generate line in package zhconv):
//
//	go run ./internal/gen -unihan /usr/share/unicode -out table.go
//
// -unihan names a directory holding Unihan_Variants.txt and
// Unihan_OtherMappings.txt (each possibly bzip2-compressed, as Debian's
// unicode-data package installs them), or Unicode's Unihan.zip.
//
// The table is not a plain copy of kSimplifiedVariant, because that field
// answers "which characters are simplified forms of this one", while the
// package needs "what does a mainland reader write instead". The rules, in
// order:
//
//  1. A character listed in kTGH (the 2013 通用规范汉字表, the mainland
//     standard character list) is never changed, even when it has a
//     simplified variant: mainland text uses it in its own right, so folding
//     it would damage correct text (乾隆, 著名, 覆盖, 瞭望, 狼藉, 哪吒, 大阪).
//     This covers every character that lists itself as its own simplified
//     variant and is standard (乾, 著, 覆, 瞭, 藉, 夥, 徵). The few in
//     foldAnyway are exceptions: the standard keeps them for a surname or a
//     rare reading only.
//  2. Otherwise the replacement is the first listed variant that is itself
//     in kTGH. Self-listed characters that are not standard (裡, 復, 摺)
//     therefore fold to their other variant (里, 复, 折).
//  3. When no listed variant is in kTGH the character is left alone. Those
//     targets are analogical simplifications in the CJK extension blocks
//     (嚐→U+30207): fonts and input methods lack them, so a mainland reader
//     would see a missing glyph and a mainland query could never match.
//  4. extra adds characters that Unihan does not map (most are variants the
//     1955 异体字 list merged, which Unihan does not count as
//     simplifications: 週, 遊, 淨) or maps only outside the standard (鑑,
//     讚). The generator fails when an entry becomes redundant or unsafe, so
//     the list stays minimal as Unihan evolves.
//
// Chains are resolved so that the table is idempotent: no replacement is
// itself a key.
package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/bzip2"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"hash/fnv"
	"io"
	"log"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// foldAnyway lists standard characters (in kTGH) that ordinary mainland text
// nevertheless writes with their simplified variant; the standard keeps them
// only for a surname or a rare reading.
var foldAnyway = map[rune]string{
	'於': "kept for the surname Yū only; text writes 于",
	'麽': "kept for mó (幺麽) only; 什麽 is 什么",
	'釐': "kept for xī in names only; 釐清 is 厘清",
	'剋': "kept for colloquial kēi only; 剋星 is 克星",
}

// extra maps traditional or variant characters that are common in Taiwan and
// Hong Kong text but that Unihan leaves without a standard simplified variant.
// Every target must be in kTGH and every source must be outside it.
var extra = map[rune]rune{
	// Merged by the 1955 variant list; Unihan has no kSimplifiedVariant.
	'亙': '亘', '佈': '布', '佔': '占', '侷': '局', '倖': '幸', '倣': '仿',
	'傚': '效', '僱': '雇', '兇': '凶', '冑': '胄', '勦': '剿', '勳': '勋',
	'卹': '恤', '啣': '衔', '唸': '念', '啓': '启', '喫': '吃', '嚥': '咽',
	'嚮': '向', '囌': '苏', '塚': '冢', '妳': '你', '姪': '侄', '孃': '娘',
	'峯': '峰', '崑': '昆', '弔': '吊', '彆': '别', '彫': '雕', '彿': '佛',
	'徬': '彷', '悽': '凄', '慇': '殷', '慼': '戚', '慾': '欲', '捱': '挨',
	'揹': '背', '搾': '榨', '撚': '捻', '敍': '叙', '暱': '昵', '暸': '了',
	'枴': '拐', '梱': '捆', '樑': '梁', '槓': '杠', '櫺': '棂', '歎': '叹',
	'毬': '球', '汎': '泛', '汙': '污', '洩': '泄', '淒': '凄', '淨': '净',
	'湧': '涌', '溼': '湿', '滙': '汇', '煖': '暖', '燄': '焰', '燉': '炖',
	'燬': '毁', '燻': '熏', '爲': '为', '牀': '床', '牠': '它', '牴': '抵',
	'犛': '牦', '珮': '佩', '甕': '瓮', '痠': '酸', '痲': '麻', '痺': '痹',
	'瘉': '愈', '癒': '愈', '癡': '痴', '盃': '杯', '瞇': '眯', '矽': '硅',
	'砲': '炮', '稜': '棱', '箇': '个', '簷': '檐', '籐': '藤', '籤': '签',
	'糢': '模', '紮': '扎', '綑': '捆', '綫': '线', '羣': '群', '羨': '羡',
	'羶': '膻', '脣': '唇', '臥': '卧', '菸': '烟', '蓆': '席', '蔆': '菱',
	'蝨': '虱', '蠍': '蝎', '蠔': '蚝', '衆': '众', '衹': '只', '裏': '里',
	'証': '证', '譁': '哗', '貍': '狸', '踫': '碰', '蹟': '迹', '遊': '游',
	'週': '周', '醃': '腌', '醣': '糖', '阬': '坑', '隄': '堤', '霑': '沾',
	'餽': '馈', '饑': '饥', '鬨': '哄', '鬪': '斗', '鬭': '斗', '鷄': '鸡',
	'麪': '面', '鼇': '鳌', '豔': '艳', '炤': '照',
	// Unihan's only variants are outside the standard; mainland text writes
	// an older, standard character instead.
	'嚐': '尝', '崙': '仑', '嶽': '岳', '巖': '岩', '滷': '卤', '瀰': '弥',
	'糰': '团', '絃': '弦', '綵': '彩', '縴': '纤', '藷': '薯', '襬': '摆',
	'託': '托', '諮': '咨', '譟': '噪', '讚': '赞', '釦': '扣', '銲': '焊',
	'鎗': '枪', '鎚': '锤', '鑑': '鉴', '闇': '暗', '餵': '喂', '鵰': '雕',
	'鹼': '碱',
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("gen: ")
	unihan := flag.String("unihan", "/usr/share/unicode", "directory with Unihan_Variants.txt[.bz2] and Unihan_OtherMappings.txt[.bz2], or Unihan.zip")
	out := flag.String("out", "table.go", "output Go file")
	flag.Parse()

	src, err := generate(*unihan, foldAnyway, extra)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

// generate reads the Unihan files at path and returns the formatted source
// of table.go.
func generate(path string, fold map[rune]string, extra map[rune]rune) ([]byte, error) {
	variants, err := readUnihan(path, "Unihan_Variants.txt")
	if err != nil {
		return nil, err
	}
	mappings, err := readUnihan(path, "Unihan_OtherMappings.txt")
	if err != nil {
		return nil, err
	}
	simp, version, err := parseField(variants, "kSimplifiedVariant")
	if err != nil {
		return nil, err
	}
	tgh, version2, err := parseField(mappings, "kTGH")
	if err != nil {
		return nil, err
	}
	if version != version2 {
		return nil, fmt.Errorf("the Unihan files disagree on the Unicode version: %s and %s", version, version2)
	}
	t, err := build(simp, tgh, fold, extra)
	if err != nil {
		return nil, err
	}
	return render(t, version)
}

// readUnihan returns the contents of name from the directory or zip file at
// path, decompressing name+".bz2" when only that exists.
func readUnihan(path, name string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		zr, err := zip.OpenReader(path)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		f, err := zr.Open(name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer f.Close()
		return io.ReadAll(f)
	}
	p := filepath.Join(path, name)
	data, err := os.ReadFile(p)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return data, err
	}
	f, err := os.Open(p + ".bz2")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(bzip2.NewReader(bufio.NewReader(f)))
}

// parseField returns, for every code point that has field, its values as
// whitespace-separated tokens with any "<source" annotation removed, and the
// Unicode version stated in the file header.
func parseField(data []byte, field string) (map[rune][]string, string, error) {
	m := make(map[rune][]string)
	version := ""
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if v, ok := strings.CutPrefix(line, "# Unicode version: "); ok {
			version = strings.TrimSpace(v)
			continue
		}
		if line == "" || line[0] == '#' {
			continue
		}
		cp, f, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, "", fmt.Errorf("line %d: no tab: %q", n+1, line)
		}
		f, value, ok := strings.Cut(f, "\t")
		if !ok {
			return nil, "", fmt.Errorf("line %d: no value: %q", n+1, line)
		}
		if f != field {
			continue
		}
		r, err := parseCodePoint(cp)
		if err != nil {
			return nil, "", fmt.Errorf("line %d: %w", n+1, err)
		}
		var vals []string
		for _, tok := range strings.Fields(value) {
			tok, _, _ = strings.Cut(tok, "<")
			vals = append(vals, tok)
		}
		m[r] = vals
	}
	if version == "" {
		return nil, "", errors.New("no \"# Unicode version:\" header")
	}
	if len(m) == 0 {
		return nil, "", fmt.Errorf("no %s entries", field)
	}
	return m, version, nil
}

func parseCodePoint(s string) (rune, error) {
	hex, ok := strings.CutPrefix(s, "U+")
	if !ok {
		return 0, fmt.Errorf("bad code point %q", s)
	}
	v, err := strconv.ParseUint(hex, 16, 32)
	if err != nil || v > 0x10FFFF {
		return 0, fmt.Errorf("bad code point %q", s)
	}
	return rune(v), nil
}

// table is the result of applying the rules: mapping plus counts for the
// generated header.
type table struct {
	m                            map[rune]rune
	fromUnihan, fromExtra        int
	keptStandard, keptNoStandard int
}

// build applies the rules in the package comment to the kSimplifiedVariant
// and kTGH fields; fold and extra are foldAnyway and extra, passed in so that
// tests can use small inputs.
func build(simp, tghField map[rune][]string, fold map[rune]string, extra map[rune]rune) (*table, error) {
	standard := func(r rune) bool { _, ok := tghField[r]; return ok }
	t := &table{m: make(map[rune]rune)}
	for from, vals := range simp {
		if standard(from) {
			if _, ok := fold[from]; !ok {
				t.keptStandard++
				continue
			}
		}
		to := rune(-1)
		for _, v := range vals {
			r, err := parseCodePoint(v)
			if err != nil {
				return nil, fmt.Errorf("kSimplifiedVariant of U+%04X: %w", from, err)
			}
			if r != from && standard(r) {
				to = r
				break
			}
		}
		if to < 0 {
			t.keptNoStandard++
			continue
		}
		t.m[from] = to
		t.fromUnihan++
	}
	for from, why := range fold {
		if !standard(from) || t.m[from] == 0 {
			return nil, fmt.Errorf("foldAnyway %c (%s): no longer a standard character with a standard simplified variant; remove it", from, why)
		}
	}
	for from, to := range extra {
		switch {
		case standard(from):
			return nil, fmt.Errorf("extra %c→%c: %c is a standard character; remove the entry", from, to, from)
		case !standard(to):
			return nil, fmt.Errorf("extra %c→%c: %c is not a standard character", from, to, to)
		case t.m[from] != 0:
			return nil, fmt.Errorf("extra %c→%c: Unihan now maps %c to %c; remove the entry", from, to, from, t.m[from])
		}
		t.m[from] = to
		t.fromExtra++
	}
	// Resolve chains (a→b, b→c) so that one lookup gives the final form.
	for from, to := range t.m {
		seen := 0
		for next, ok := t.m[to]; ok; next, ok = t.m[to] {
			if seen++; seen > 8 {
				return nil, fmt.Errorf("cycle through %c", from)
			}
			to = next
		}
		t.m[from] = to
	}
	return t, nil
}

func render(t *table, version string) ([]byte, error) {
	keys := make([]rune, 0, len(t.m))
	for r := range t.m {
		keys = append(keys, r)
	}
	slices.Sort(keys)

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by \"go run ./internal/gen\" from Unihan %s; DO NOT EDIT.\n\n", version)
	fmt.Fprintf(&b, "package zhconv\n\n")
	fmt.Fprintf(&b, "// unihanVersion is the Unicode version of the Unihan data behind simplifiedTable.\n")
	fmt.Fprintf(&b, "const unihanVersion = %q\n\n", version)
	h := fnv.New32a()
	for _, r := range keys {
		fmt.Fprintf(h, "%d:%d\n", r, t.m[r])
	}
	fmt.Fprintf(&b, "// tableID names this table's contents, for Version: it changes with any\n")
	fmt.Fprintf(&b, "// pair, including edits to the generator's lists.\n")
	fmt.Fprintf(&b, "const tableID = \"%s-%08x\"\n\n", version, h.Sum32())
	fmt.Fprintf(&b, "// simplifiedTable maps a character to the form a mainland reader writes,\n")
	fmt.Fprintf(&b, "// sorted by from for binary search. %d pairs come from kSimplifiedVariant and\n", t.fromUnihan)
	fmt.Fprintf(&b, "// %d from the generator's extra list; %d characters with a simplified variant\n", t.fromExtra, t.keptStandard)
	fmt.Fprintf(&b, "// are left alone because they are standard (kTGH) characters, and %d because\n", t.keptNoStandard)
	fmt.Fprintf(&b, "// none of their variants is.\n")
	fmt.Fprintf(&b, "//\n")
	fmt.Fprintf(&b, "// Derived from the Unicode Character Database (Unihan) and modified: filtered\n")
	fmt.Fprintf(&b, "// and supplemented as internal/gen documents. See UNICODE-LICENSE.txt.\n")
	fmt.Fprintf(&b, "var simplifiedTable = [...]pair{\n")
	writeRows(&b, len(keys), 8, func(i int) string { return fmt.Sprintf("{%s, %s},", quote(keys[i]), quote(t.m[keys[i]])) })
	b.WriteString("}\n\n")

	// The bitmap gives an O(1) answer for the blocks that hold almost every
	// character of real text; the pairs stay as the reviewable source of
	// truth and the fallback elsewhere.
	words := (bitmapLimit - bitmapBase + 63) / 64
	bitmap := make([]uint64, words)
	rank := make([]int, words)
	below := 0
	for _, r := range keys {
		switch {
		case r < bitmapBase:
			below++
		case r < bitmapLimit:
			bitmap[(r-bitmapBase)/64] |= 1 << ((r - bitmapBase) % 64)
		}
	}
	for i, n := 0, below; i < words; i++ {
		rank[i] = n
		n += bits.OnesCount64(bitmap[i])
	}
	fmt.Fprintf(&b, "// The range covered by simplifiedBits.\n")
	fmt.Fprintf(&b, "const (\n\tbitmapBase  = %#x\n\tbitmapLimit = %#x\n)\n\n", bitmapBase, bitmapLimit)
	fmt.Fprintf(&b, "// simplifiedBits has bit r-%#x set when simplifiedTable has a pair from r,\n", bitmapBase)
	fmt.Fprintf(&b, "// for %#x <= r < %#x (CJK Extension A and Unified Ideographs).\n", bitmapBase, bitmapLimit)
	fmt.Fprintf(&b, "var simplifiedBits = [...]uint64{\n")
	writeRows(&b, words, 4, func(i int) string { return fmt.Sprintf("%#016x,", bitmap[i]) })
	b.WriteString("}\n\n")
	fmt.Fprintf(&b, "// simplifiedRank[i] is the index in simplifiedTable of the first pair\n")
	fmt.Fprintf(&b, "// counted by simplifiedBits[i].\n")
	fmt.Fprintf(&b, "var simplifiedRank = [...]uint16{\n")
	writeRows(&b, words, 12, func(i int) string { return fmt.Sprintf("%d,", rank[i]) })
	b.WriteString("}\n\n")

	// The targets that are not also sources let IsSimplified tell
	// Simplified text from text that has no Traditional characters only
	// because it is short.
	var targets []rune
	seen := map[rune]bool{}
	for _, r := range keys {
		to := t.m[r]
		if _, isSource := t.m[to]; !isSource && to != r && !seen[to] {
			seen[to] = true
			targets = append(targets, to)
		}
	}
	sort.Slice(targets, func(i, j int) bool { return targets[i] < targets[j] })
	fmt.Fprintf(&b, "// simplifiedTargets are the simplified forms in simplifiedTable that are\n")
	fmt.Fprintf(&b, "// not themselves converted, sorted.\n")
	fmt.Fprintf(&b, "var simplifiedTargets = [...]rune{\n")
	writeRows(&b, len(targets), 16, func(i int) string { return quote(targets[i]) + "," })
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

// writeRows writes n array elements, perRow to a line.
func writeRows(b *bytes.Buffer, n, perRow int, elem func(i int) string) {
	for i := range n {
		if i%perRow == 0 {
			b.WriteString("\t")
		}
		b.WriteString(elem(i))
		if i%perRow == perRow-1 || i == n-1 {
			b.WriteString("\n")
		} else {
			b.WriteString(" ")
		}
	}
}

// The range covered by simplifiedBits, written into the table for
// zhconv.go.
const (
	bitmapBase  = 0x3400
	bitmapLimit = 0xA000
)

// quote writes the character itself so that the table can be reviewed by
// eye, falling back to an escape for anything a terminal might not show.
func quote(r rune) string {
	q := strconv.QuoteRune(r)
	if strings.HasPrefix(q, `'\`) {
		return fmt.Sprintf("0x%04X", r)
	}
	return q
}
