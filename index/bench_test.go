package index_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

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

// BenchmarkVersusPlainBleve runs the same questions through the project's
// index and through a plain bleve index (default mapping, the passages'
// text and English rendering, built in one batch, one MatchQuery per
// question) and reports the project's cost as a multiple of plain bleve's:
// index build plus every question, as a process answering a batch does.
func BenchmarkVersusPlainBleve(b *testing.B) {
	a, err := data.Load()
	if err != nil {
		b.Fatal(err)
	}
	var qs []string
	for _, f := range []string{"testdata/dev.jsonl", "testdata/tune.jsonl", "testdata/holdout.jsonl"} {
		for _, q := range loadEval(b, f) {
			qs = append(qs, q.Question)
		}
	}
	ctx := context.Background()
	var ours, plain time.Duration
	for b.Loop() {
		start := time.Now()
		ix, err := index.NewWithOptions(a, index.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range qs {
			if _, err := ix.Search(ctx, index.Request{Question: q, Limit: 3}); err != nil && !errors.Is(err, index.ErrEmpty) {
				b.Fatal(err)
			}
		}
		ix.Close()
		ours += time.Since(start)

		start = time.Now()
		pb := plainBleve(b, a)
		for _, q := range qs {
			sr := bleve.NewSearchRequestOptions(query.NewMatchQuery(q), 3, 0, false)
			if _, err := pb.SearchInContext(ctx, sr); err != nil {
				b.Fatal(err)
			}
		}
		pb.Close()
		plain += time.Since(start)
	}
	b.ReportMetric(float64(ours)/float64(plain), "ratio")
	b.ReportMetric(float64(ours.Microseconds())/float64(b.N), "ours-µs/run")
	b.ReportMetric(float64(plain.Microseconds())/float64(b.N), "plain-µs/run")
}

func plainBleve(b *testing.B, a *data.Article) bleve.Index {
	pb, err := bleve.NewMemOnly(bleve.NewIndexMapping())
	if err != nil {
		b.Fatal(err)
	}
	batch := pb.NewBatch()
	for _, p := range a.Passages {
		if err := batch.Index(p.ID, map[string]string{"text": p.Text, "english": p.English}); err != nil {
			b.Fatal(err)
		}
	}
	if err := pb.Batch(batch); err != nil {
		b.Fatal(err)
	}
	return pb
}
