package index

import (
	"math"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
)

// TestRankMatchesBleve checks that scorch used directly, its term searchers
// added up as bleve's disjunction does, gives the passages and scores that
// package bleve's own index and search give for a disjunction of the same
// terms over the same documents: questions of more than ten terms (bleve
// merges those with a heap) and of fewer (with a slice).
func TestRankMatchesBleve(t *testing.T) {
	t.Parallel()
	ix, err := SharedIndex()
	if err != nil {
		t.Fatal(err)
	}
	a := ix.Article()
	b, err := bleve.NewUsing("", newMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	batch := b.NewBatch()
	for i := range a.Passages {
		if err := batch.IndexAdvanced(passageDocument(a.Passages[i].ID, ix.passageText(a, &a.Passages[i]))); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Batch(batch); err != nil {
		t.Fatal(err)
	}
	var many, few bool
	for _, text := range []string{"小扎為什麼說研究員更在乎GPU?", "数据中心为什么要搭帐篷", "How soon does Zuckerberg think superintelligence will arrive?", "Hyperian 5GW", "天氣"} {
		t.Run(text, func(t *testing.T) {
			q := ix.parse(text)
			if len(ix.terms(q)) > searcher.DisjunctionHeapTakeover {
				many = true
			} else {
				few = true
			}
			got, err := ix.match(t.Context(), q)
			if err != nil {
				t.Fatal(err)
			}
			res, err := b.SearchInContext(t.Context(), bleve.NewSearchRequestOptions(query.NewDisjunctionQuery(ix.terms(q)), len(a.Passages), 0, false))
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]float64{}
			for _, h := range res.Hits {
				want[h.ID] = h.Score
			}
			if len(got) != len(want) || len(got) == 0 {
				t.Fatalf("%d passages, bleve finds %d", len(got), len(want))
			}
			for _, h := range got {
				id := a.Passages[h.doc].ID
				if w, ok := want[id]; !ok || math.Abs(w-h.score) > 1e-9*math.Abs(w) {
					t.Errorf("%s: score %v, bleve's %v", id, h.score, w)
				}
			}
		})
	}
	if !many || !few {
		t.Errorf("the questions do not try both of bleve's disjunctions (more than %d terms: %v; fewer: %v)", searcher.DisjunctionHeapTakeover, many, few)
	}
}
