package cache

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// Group collapses identical concurrent cache misses into one upstream call
// (stampede protection). The zero value is ready to use.
//
// The call runs in its own goroutine, detached from any one caller: it
// keeps the first caller's context values (logger, trace) but not its
// cancellation or deadline, so the client that happened to arrive first
// hanging up does not fail everyone waiting on the same answer. Each caller
// waits with its own context and returns ctx.Err() as soon as it ends. When
// the last waiting caller has gone, the call's context is cancelled, so an
// answer nobody waits for is not paid for, and a later caller starts a new
// call instead of joining the abandoned one.
//
// fn should store its answer in the Cache before returning: the call is
// forgotten as soon as fn returns, and callers arriving after that look in
// the cache first.
type Group struct {
	// Timeout bounds each call when positive. The call has no deadline of
	// its own otherwise: the provider timeouts inside fn bound it.
	Timeout time.Duration

	mu    sync.Mutex
	calls map[string]*call
}

// call is one in-flight fn shared by its waiters.
type call struct {
	done    chan struct{} // closed when entry and err are set
	entry   *Entry
	err     error
	waiters int // callers still waiting; guarded by Group.mu
	cancel  context.CancelFunc
}

// PanicError is returned to every waiter when fn panicked. The panic is
// not re-raised: fn runs in a goroutine of its own, where a panic would
// stop the whole server rather than fail one request.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("cache: shared call panicked: %v", e.Value) }

// Do returns the result of fn for key, running fn at most once at a time
// per key: callers arriving while a call for key is in flight wait for its
// result instead of starting their own. shared is true when the result
// came from a call another caller started. The entry is shared by all
// waiters: treat it as read-only.
func (g *Group) Do(ctx context.Context, key string, fn func(ctx context.Context) (*Entry, error)) (e *Entry, shared bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	g.mu.Lock()
	if g.calls == nil {
		g.calls = make(map[string]*call)
	}
	c, shared := g.calls[key]
	if shared {
		c.waiters++
	} else {
		c = g.start(ctx, key, fn)
	}
	g.mu.Unlock()

	select {
	case <-c.done:
		return c.entry, shared, c.err
	case <-ctx.Done():
		g.leave(key, c)
		return nil, shared, ctx.Err()
	}
}

// start launches fn for key; g.mu is held.
func (g *Group) start(ctx context.Context, key string, fn func(ctx context.Context) (*Entry, error)) *call {
	callCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	if g.Timeout > 0 {
		var cancelTimeout context.CancelFunc
		callCtx, cancelTimeout = context.WithTimeout(callCtx, g.Timeout)
		parentCancel := cancel
		cancel = func() { cancelTimeout(); parentCancel() }
	}
	c := &call{done: make(chan struct{}), waiters: 1, cancel: cancel}
	g.calls[key] = c
	go g.run(callCtx, key, c, fn)
	return c
}

// run executes fn, publishes its result and forgets the call.
func (g *Group) run(ctx context.Context, key string, c *call, fn func(ctx context.Context) (*Entry, error)) {
	defer c.cancel()
	func() {
		defer func() {
			if v := recover(); v != nil {
				c.entry, c.err = nil, &PanicError{Value: v, Stack: debug.Stack()}
			}
		}()
		c.entry, c.err = fn(ctx)
	}()
	g.mu.Lock()
	if g.calls[key] == c {
		delete(g.calls, key)
	}
	g.mu.Unlock()
	close(c.done)
}

// leave records that a waiter gave up; the last one out cancels the call
// and unlists it so newcomers start afresh.
func (g *Group) leave(key string, c *call) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c.waiters--
	if c.waiters > 0 {
		return
	}
	if g.calls[key] == c {
		delete(g.calls, key)
	}
	c.cancel()
}
