package aibackends

import (
	"container/list"
	"sync"

	"github.com/sira-ai/caddy-ai-backends/balance"
	"github.com/sira-ai/caddy-ai-backends/breaker"
)

// unlistedCapacity bounds how many unlisted models one provider keeps
// state for. Clients choose these names, so the bound is what keeps random
// names from growing memory; an evicted model simply starts fresh.
const unlistedCapacity = 256

// unlistedModels is the live state of the "provider/<model>" addresses
// whose model is not configured: one deploymentState per model, so that
// failures of one model never block another, in a least-recently-used set
// of at most unlistedCapacity models. It is pooled like the other states
// (one per provider name and base URL) and so survives reloads.
type unlistedModels struct {
	provider string
	capacity int

	mu      sync.Mutex
	cfg     breaker.Config
	weight  int
	recency list.List                // of *deploymentState, most recent first
	byModel map[string]*list.Element // model name as requested → element
}

func newUnlistedModels(provider string, capacity int) *unlistedModels {
	return &unlistedModels{provider: provider, capacity: capacity, byModel: map[string]*list.Element{}}
}

func (*unlistedModels) Destruct() error { return nil }

// configure applies a (re)loaded config's breaker thresholds and weight to
// every kept state and to the states created from now on.
func (u *unlistedModels) configure(cfg breaker.Config, weight int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.cfg, u.weight = cfg, weight
	for e := u.recency.Front(); e != nil; e = e.Next() {
		st := e.Value.(*deploymentState)
		st.brk.SetConfig(cfg)
		st.endpoint.SetWeight(weight)
	}
}

// get returns the state of model, creating it (and evicting the least
// recently used model when full) on first use.
func (u *unlistedModels) get(model string) *deploymentState {
	u.mu.Lock()
	defer u.mu.Unlock()
	if e, ok := u.byModel[model]; ok {
		u.recency.MoveToFront(e)
		return e.Value.(*deploymentState)
	}
	if u.recency.Len() >= u.capacity {
		if old := u.recency.Back(); old != nil {
			u.recency.Remove(old)
			delete(u.byModel, old.Value.(*deploymentState).model)
		}
	}
	st := &deploymentState{
		id: u.provider + "/" + model, provider: u.provider, model: model,
		brk:      breaker.New(u.cfg, nil),
		endpoint: balance.NewEndpoint(u.weight),
	}
	u.byModel[model] = u.recency.PushFront(st)
	return st
}

// find returns the kept state whose id is id, without changing recency.
func (u *unlistedModels) find(id string) *deploymentState {
	u.mu.Lock()
	defer u.mu.Unlock()
	for e := u.recency.Front(); e != nil; e = e.Next() {
		if st := e.Value.(*deploymentState); st.id == id {
			return st
		}
	}
	return nil
}

// list returns the kept states, most recently used first.
func (u *unlistedModels) list() []*deploymentState {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make([]*deploymentState, 0, u.recency.Len())
	for e := u.recency.Front(); e != nil; e = e.Next() {
		out = append(out, e.Value.(*deploymentState))
	}
	return out
}

// len is the number of models kept.
func (u *unlistedModels) len() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.recency.Len()
}
