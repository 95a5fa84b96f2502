package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// variants builds a kSimplifiedVariant field from "from:to to" specs.
func variants(specs ...string) map[rune][]string {
	m := map[rune][]string{}
	for _, s := range specs {
		from, tos, _ := strings.Cut(s, ":")
		var vals []string
		for _, r := range tos {
			if r != ' ' {
				vals = append(vals, fmt.Sprintf("U+%04X", r))
			}
		}
		m[[]rune(from)[0]] = vals
	}
	return m
}

func standard(chars string) map[rune][]string {
	m := map[rune][]string{}
	for _, r := range chars {
		m[r] = []string{"2013:0001"}
	}
	return m
}

func TestBuildRules(t *testing.T) {
	simp := variants(
		"資:资",  // plain
		"乾:乾干", // self-listed and standard: kept
		"裡:裡里", // self-listed, not standard: other variant
		"嚐:𰈇",  // only variant outside the standard: kept
		"靦:䩄腼", // first variant outside the standard: first standard one
		"於:于",  // standard, but in the fold-anyway list
		"幺:么",  // standard: kept
		"薴:苧",  // chain through a fold-anyway character
		"苧:苎",
	)
	tgh := standard("资干乾里腼于於么幺苎苧")
	fold := map[rune]string{'於': "test", '苧': "test"}
	extra := map[rune]rune{'週': '周'}
	tgh['周'] = nil

	tab, err := build(simp, tgh, fold, extra)
	if err != nil {
		t.Fatal(err)
	}
	want := map[rune]rune{'資': '资', '裡': '里', '靦': '腼', '於': '于', '週': '周', '薴': '苎', '苧': '苎'}
	if len(tab.m) != len(want) {
		t.Errorf("got %d pairs %q, want %d", len(tab.m), tab.m, len(want))
	}
	for from, to := range want {
		if tab.m[from] != to {
			t.Errorf("%c → %c, want %c", from, tab.m[from], to)
		}
	}
}

func TestBuildRejectsStaleLists(t *testing.T) {
	simp := variants("資:资", "於:于")
	tgh := standard("资于於周")
	tests := []struct {
		name  string
		fold  map[rune]string
		extra map[rune]rune
		want  string
	}{
		{"extra already mapped", nil, map[rune]rune{'資': '资'}, "Unihan now maps"},
		{"extra target not standard", nil, map[rune]rune{'週': '週'}, "not a standard character"},
		{"extra source standard", nil, map[rune]rune{'周': '于'}, "is a standard character"},
		{"fold not needed", map[rune]string{'資': "x"}, nil, "foldAnyway"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := build(simp, tgh, tt.fold, tt.extra)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParseField(t *testing.T) {
	data := "# Unicode version: 15.0.0\n#\nU+4E7E\tkSimplifiedVariant\tU+4E7E U+5E72\nU+4E7E\tkTraditionalVariant\tU+4E7E\nU+5C0F\tkSemanticVariant\tU+5C0F<kMatthews\n"
	m, v, err := parseField([]byte(data), "kSimplifiedVariant")
	if err != nil {
		t.Fatal(err)
	}
	if v != "15.0.0" || len(m) != 1 || strings.Join(m['乾'], " ") != "U+4E7E U+5E72" {
		t.Errorf("got %v %q", m, v)
	}
	if _, _, err := parseField([]byte("U+4E7E\tkSimplifiedVariant\tU+5E72\n"), "kSimplifiedVariant"); err == nil {
		t.Error("missing version header accepted")
	}
}

func TestGenerateFromDirectory(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("# Unicode version: 99.0.0\n"+body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Unihan_Variants.txt", "U+8CC7\tkSimplifiedVariant\tU+8D44\nU+9031\tkSemanticVariant\tU+5468\n")
	write("Unihan_OtherMappings.txt", "U+8D44\tkTGH\t2013:0001\n")
	// The production lists name real characters the toy data lacks.
	src, err := generate(dir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DO NOT EDIT", `unihanVersion = "99.0.0"`, "{'資', '资'}"} {
		if !strings.Contains(string(src), want) {
			t.Errorf("output lacks %q:\n%s", want, src)
		}
	}
}
