package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/joho/godotenv"
)

// FuzzDotenvProblem: whatever godotenv refuses, dotenvProblem finds, so a
// malformed .env is always reported by line; whatever dotenvProblem passes
// godotenv reads without inventing a nameless variable; and the problem is
// never told in the file's own words.
func FuzzDotenvProblem(f *testing.F) {
	for _, s := range []string{
		"A=1\n", "export A=1\nB: 2\n", "A=\"x\ny\"\n", "A='x'\n# c\n", "A=\"x\\\"\"\n", "A=\"x\\\"\n",
		"A=\"x\" y\n", "A=\"x\" # y\n", "abc\n", "=abc", "A B=1\n", "A!=1\n", "\ufeffA=1\n", "A=1\r\nB=2\r\n",
		"A=1 # c\n", "  # c\n\tA = 1\n", "export\nA=1\n", "A=\"\n", "A=\r", "#",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		src := bytes.ReplaceAll([]byte(s), []byte("\r\n"), []byte("\n"))
		start, line, what := dotenvProblem(src)
		vars, err := godotenv.UnmarshalBytes(src)
		if start < 0 {
			if err != nil {
				t.Fatalf("godotenv refuses %q (%v), dotenvProblem passes it", s, err)
			}
			if _, ok := vars[""]; ok {
				t.Fatalf("dotenvProblem passes %q, which godotenv reads as a nameless variable", s)
			}
			return
		}
		if start > len(src) || line < 1 || line > 1+bytes.Count(src, []byte("\n")) || what == "" {
			t.Fatalf("dotenvProblem(%q) = %d, %d, %q", s, start, line, what)
		}
		if _, err := godotenv.UnmarshalBytes(src[:start]); err != nil {
			t.Fatalf("the part of %q before the problem does not parse: %v", s, err)
		}
		for _, w := range strings.Fields(s) {
			if len(w) >= 8 && strings.Contains(what, w) && !plainName.MatchString(strings.Trim(w, "=:")) {
				t.Fatalf("%q quotes %q from the file", what, w)
			}
		}
	})
}

// TestDotenvExample: the example configuration, copied to .env as it is,
// reads without a problem.
func TestDotenvExample(t *testing.T) {
	src, err := os.ReadFile("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	if start, line, what := dotenvProblem(src); start >= 0 {
		t.Errorf(".env.example line %d: %s", line, what)
	}
	inDir(t, string(src))
	if _, problem := environment(func(string) string { return "" }); problem != nil {
		t.Error(problem)
	}
}
