package interactions_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/discordtest"
)

// wait bounds every wait; generous for -race on a loaded machine.
const wait = 20 * time.Second

// sharedIndexOnce is built once: every test searches the same interview,
// and building it under -race takes seconds.
var sharedIndexOnce = sync.OnceValues(func() (*index.Index, error) {
	a, err := data.Load()
	if err != nil {
		return nil, err
	}
	return index.New(a)
})

func sharedIndex(t testing.TB) *index.Index {
	t.Helper()
	ix, err := sharedIndexOnce()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	t.Cleanup(cancel)
	return ctx
}

// waitUntil polls cond, for state the fake cannot wait on.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// answers lists what the fake answered to the requests on route made for
// the interaction whose token is token, in order, and when each arrived.
func answers(srv *discordtest.Server, method, route, token string) (statuses []int, times []time.Time) {
	match := discordtest.Match(method, route)
	for _, r := range srv.Requests() {
		if match(r) && r.Params["token"] == token {
			statuses = append(statuses, r.Status)
			times = append(times, r.Time)
		}
	}
	return statuses, times
}

// editRoute is the webhook route that edits a deferred answer.
const editRoute = "/webhooks/{app}/{token}/messages/@original"
