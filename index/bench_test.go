package index_test

import (
	"context"
	"errors"
	"syscall"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/language"
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
		ix.Suggest(context.Background(), "hyper", language.English, 25, choiceRunes)
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
// question), each building its index and answering every question, as a
// process answering a batch does, and reports the project's CPU time as a
// multiple of plain bleve's ("ratio"). The questions are every question of
// the sets but the sealed one, about 2,300, all different.
func BenchmarkVersusPlainBleve(b *testing.B) {
	a, err := data.Load()
	if err != nil {
		b.Fatal(err)
	}
	var qs []string
	seen := map[string]bool{}
	for _, f := range []string{"blind-train", "blind-tune", "dev", "tune", "holdout"} {
		for _, q := range loadEval(b, "testdata/"+f+".jsonl") {
			if !seen[q.Question] {
				seen[q.Question] = true
				qs = append(qs, q.Question)
			}
		}
	}
	ctx := context.Background()
	var ours, plain time.Duration
	for b.Loop() {
		start := cpuTime(b)
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
		ours += cpuTime(b) - start

		start = cpuTime(b)
		pb := plainBleve(b, a)
		for _, q := range qs {
			sr := bleve.NewSearchRequestOptions(query.NewMatchQuery(q), 3, 0, false)
			if _, err := pb.SearchInContext(ctx, sr); err != nil {
				b.Fatal(err)
			}
		}
		pb.Close()
		plain += cpuTime(b) - start
	}
	b.ReportMetric(float64(ours)/float64(plain), "ratio")
	b.ReportMetric(float64(ours.Microseconds())/float64(b.N*len(qs)), "ours-cpu-µs/question")
	b.ReportMetric(float64(plain.Microseconds())/float64(b.N*len(qs)), "plain-cpu-µs/question")
}

// cpuTime is the CPU time the process has used, garbage collection included.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func plainBleve(b *testing.B, a *data.Article) bleve.Index {
	pb, err := bleve.NewUsing("", bleve.NewIndexMapping(), scorch.Name, scorch.Name, nil)
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
