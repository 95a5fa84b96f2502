package index_test

import (
	"context"
	"testing"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
)

func BenchmarkBuild(b *testing.B) {
	a, err := data.Load()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ix, err := index.NewWithOptions(a, index.Options{})
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

func BenchmarkSearch(b *testing.B) {
	ix := newIndex(b)
	for _, bc := range []struct{ name, q string }{
		{"zh-Hant", "小扎為什麼說研究員更在乎GPU?"},
		{"zh-Hans", "数据中心为什么要用帐篷来建"},
		{"en", "Is there a ceiling on how much Meta will spend on capex?"},
		{"short", "Hyperion?"},
		{"offtopic", "What's the weather in Paris tomorrow?"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ix.Search(context.Background(), index.Request{Question: bc.q, Limit: 3}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSuggest(b *testing.B) {
	ix := newIndex(b)
	b.ReportAllocs()
	for b.Loop() {
		ix.Suggest(context.Background(), "hyper", index.English, 25)
	}
}

// BenchmarkSearchCached is a question asked again: the common case in a
// busy community.
func BenchmarkSearchCached(b *testing.B) {
	a, err := data.Load()
	if err != nil {
		b.Fatal(err)
	}
	ix, err := index.New(a)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.Search(context.Background(), index.Request{Question: "小扎為什麼說研究員更在乎GPU?", Limit: 3}); err != nil {
			b.Fatal(err)
		}
	}
}
