package cache

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitForWaiters spins until n callers wait on key's call, so tests know
// every follower has joined before the leader's call is released.
func waitForWaiters(t *testing.T, g *Group, key string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		g.mu.Lock()
		c := g.calls[key]
		got := 0
		if c != nil {
			got = c.waiters
		}
		g.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d waiters on %q, want %d", got, key, n)
		}
		runtime.Gosched()
	}
}

type result struct {
	e      *Entry
	shared bool
	err    error
}

// callConcurrently starts n concurrent g.Do(key, fn) calls and returns once
// all of them wait on the one call, so that fn can be released knowing every
// caller has joined; each caller's outcome arrives on the returned channel.
func callConcurrently(t *testing.T, g *Group, key string, n int, fn func(context.Context) (*Entry, error)) <-chan result {
	t.Helper()
	results := make(chan result, n)
	for range n {
		startDo(g, context.Background(), key, fn, results)
	}
	waitForWaiters(t, g, key, n)
	return results
}

// startDo runs g.Do(ctx, key, fn) in a goroutine that sends its outcome
// on out.
func startDo(g *Group, ctx context.Context, key string, fn func(context.Context) (*Entry, error), out chan<- result) {
	go func() {
		e, shared, err := g.Do(ctx, key, fn)
		out <- result{e, shared, err}
	}()
}

func TestGroupCollapsesConcurrentCalls(t *testing.T) {
	var g Group
	var runs atomic.Int32
	release := make(chan struct{})
	want := &Entry{Body: []byte("answer")}
	fn := func(ctx context.Context) (*Entry, error) {
		runs.Add(1)
		<-release
		return want, nil
	}
	const n = 50
	results := callConcurrently(t, &g, "k", n, fn)
	close(release)
	sharedCount := 0
	for range n {
		r := <-results
		if r.err != nil || r.e != want {
			t.Fatalf("got %+v", r)
		}
		if r.shared {
			sharedCount++
		}
	}
	if runs.Load() != 1 {
		t.Errorf("fn ran %d times, want 1", runs.Load())
	}
	if sharedCount != n-1 {
		t.Errorf("%d shared results, want %d", sharedCount, n-1)
	}
	if len(g.calls) != 0 {
		t.Errorf("%d calls still listed", len(g.calls))
	}
}

func TestGroupDistinctKeysRunSeparately(t *testing.T) {
	var g Group
	var runs atomic.Int32
	fn := func(context.Context) (*Entry, error) { runs.Add(1); return &Entry{}, nil }
	for _, k := range []string{"a", "b", "a"} {
		if _, shared, err := g.Do(context.Background(), k, fn); err != nil || shared {
			t.Fatalf("Do(%s): shared %v err %v", k, shared, err)
		}
	}
	if runs.Load() != 3 {
		t.Errorf("fn ran %d times, want 3 (sequential calls are not collapsed)", runs.Load())
	}
}

// TestGroupLeaderCancelDoesNotFailFollowers: the first client hanging up
// must not fail the others waiting on the same answer.
func TestGroupLeaderCancelDoesNotFailFollowers(t *testing.T) {
	var g Group
	release := make(chan struct{})
	fnCtxErr := make(chan error, 1)
	want := &Entry{Body: []byte("answer")}
	fn := func(ctx context.Context) (*Entry, error) {
		<-release
		fnCtxErr <- ctx.Err()
		return want, nil
	}
	leaderCtx, cancelLeader := context.WithCancel(context.Background())
	leader := make(chan result, 1)
	startDo(&g, leaderCtx, "k", fn, leader)
	waitForWaiters(t, &g, "k", 1)
	follower := make(chan result, 1)
	startDo(&g, context.Background(), "k", fn, follower)
	waitForWaiters(t, &g, "k", 2)

	cancelLeader()
	if r := <-leader; !errors.Is(r.err, context.Canceled) {
		t.Fatalf("leader got %+v, want context.Canceled", r)
	}
	close(release)
	if err := <-fnCtxErr; err != nil {
		t.Errorf("fn's context ended with the leader: %v", err)
	}
	if r := <-follower; r.err != nil || r.e != want || !r.shared {
		t.Fatalf("follower got %+v", r)
	}
}

func TestGroupFollowerCancelReturnsPromptly(t *testing.T) {
	var g Group
	release := make(chan struct{})
	want := &Entry{}
	fn := func(context.Context) (*Entry, error) { <-release; return want, nil }
	leader := make(chan result, 1)
	startDo(&g, context.Background(), "k", fn, leader)
	waitForWaiters(t, &g, "k", 1)
	ctx, cancel := context.WithCancel(context.Background())
	follower := make(chan result, 1)
	startDo(&g, ctx, "k", fn, follower)
	waitForWaiters(t, &g, "k", 2)
	cancel()
	// fn is still blocked: the follower must return anyway.
	if r := <-follower; !errors.Is(r.err, context.Canceled) || !r.shared {
		t.Fatalf("follower got %+v", r)
	}
	waitForWaiters(t, &g, "k", 1)
	close(release)
	if r := <-leader; r.err != nil || r.e != want {
		t.Fatalf("leader got %+v", r)
	}
}

func TestGroupErrorReachesEveryone(t *testing.T) {
	var g Group
	release := make(chan struct{})
	boom := errors.New("upstream down")
	fn := func(context.Context) (*Entry, error) { <-release; return nil, boom }
	const n = 10
	results := callConcurrently(t, &g, "k", n, fn)
	close(release)
	for range n {
		if r := <-results; !errors.Is(r.err, boom) || r.e != nil {
			t.Fatalf("got %+v, want the shared error", r)
		}
	}
	// A failed call is not remembered: the next caller tries again.
	if _, shared, err := g.Do(context.Background(), "k", func(context.Context) (*Entry, error) { return &Entry{}, nil }); err != nil || shared {
		t.Fatalf("retry after error: shared %v err %v", shared, err)
	}
}

// TestGroupAbandonedCallIsCancelled: when every caller has gone, the call's
// context ends (nobody pays for an unwanted answer) and a newcomer starts a
// fresh call rather than joining the abandoned one.
func TestGroupAbandonedCallIsCancelled(t *testing.T) {
	var g Group
	cancelled := make(chan struct{})
	fn := func(ctx context.Context) (*Entry, error) {
		<-ctx.Done()
		close(cancelled)
		return nil, ctx.Err()
	}
	ctx1, cancel1 := context.WithCancel(context.Background())
	ctx2, cancel2 := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, ctx := range []context.Context{ctx1, ctx2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := g.Do(ctx, "k", fn); !errors.Is(err, context.Canceled) {
				t.Errorf("caller got %v", err)
			}
		}()
	}
	waitForWaiters(t, &g, "k", 2)
	cancel1()
	waitForWaiters(t, &g, "k", 1)
	select {
	case <-cancelled:
		t.Fatal("call cancelled while a caller still waits")
	default:
	}
	cancel2()
	<-cancelled
	wg.Wait()

	e, shared, err := g.Do(context.Background(), "k", func(context.Context) (*Entry, error) { return &Entry{Model: "new"}, nil })
	if err != nil || shared || e.Model != "new" {
		t.Fatalf("newcomer got %+v shared %v err %v", e, shared, err)
	}
}

func TestGroupDoneContextDoesNotStart(t *testing.T) {
	var g Group
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := g.Do(ctx, "k", func(context.Context) (*Entry, error) {
		t.Error("fn ran for a finished context")
		return nil, nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
}

type ctxKey struct{}

func TestGroupKeepsLeaderValues(t *testing.T) {
	var g Group
	ctx := context.WithValue(context.Background(), ctxKey{}, "trace-1")
	_, _, err := g.Do(ctx, "k", func(ctx context.Context) (*Entry, error) {
		if ctx.Value(ctxKey{}) != "trace-1" {
			t.Error("leader's context values lost")
		}
		if _, ok := ctx.Deadline(); ok {
			t.Error("call has a deadline without Timeout")
		}
		return &Entry{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestGroupTimeout(t *testing.T) {
	g := Group{Timeout: time.Millisecond}
	_, _, err := g.Do(context.Background(), "k", func(ctx context.Context) (*Entry, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want deadline exceeded", err)
	}
}

func TestGroupPanicBecomesError(t *testing.T) {
	var g Group
	release := make(chan struct{})
	fn := func(context.Context) (*Entry, error) { <-release; panic("bad provider") }
	results := callConcurrently(t, &g, "k", 2, fn)
	close(release)
	for range 2 {
		r := <-results
		var pe *PanicError
		if !errors.As(r.err, &pe) || pe.Value != "bad provider" || len(pe.Stack) == 0 {
			t.Fatalf("got %+v, want a PanicError", r)
		}
	}
}
