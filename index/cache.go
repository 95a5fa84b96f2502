package index

import (
	"container/list"
	"sync"
)

// resultCache remembers recent answers. Communities ask the same questions
// again and again (autocomplete hands everyone the same wording), and the
// index never changes while the process runs, so an answer stays right.
// Results are shared between callers, which must not modify them.
type resultCache struct {
	mu    sync.Mutex
	size  int
	order *list.List // front is most recent; values are *cacheEntry
	items map[cacheKey]*list.Element
}

type cacheKey struct {
	question string
	limit    int
}

type cacheEntry struct {
	key cacheKey
	res *Result
}

func newResultCache(size int) *resultCache {
	return &resultCache{size: size, order: list.New(), items: make(map[cacheKey]*list.Element, size)}
}

func (c *resultCache) get(k cacheKey) (*Result, bool) {
	if c == nil || c.size <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cacheEntry).res, true
}

func (c *resultCache) put(k cacheKey, r *Result) {
	if c == nil || c.size <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.order.MoveToFront(e)
		e.Value.(*cacheEntry).res = r
		return
	}
	c.items[k] = c.order.PushFront(&cacheEntry{k, r})
	if c.order.Len() > c.size {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).key)
	}
}
