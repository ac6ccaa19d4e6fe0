package aibackends

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// recentCapacity bounds the console's list of recent requests.
const recentCapacity = 256

// recentRequests is a ring of the last requests' audit facts for the
// console. Writers claim a slot with one atomic add and fill it under that
// slot's own lock, so concurrent requests do not wait on each other; the
// entry is a plain copy of strings and numbers the record already holds
// (the routing reasoning is kept as the record's slice and joined only
// when read), so adding allocates nothing.
type recentRequests struct {
	next  atomic.Uint64
	slots [recentCapacity]recentSlot
}

type recentSlot struct {
	mu  sync.Mutex
	seq uint64 // 1 + the claim number; 0 = never written
	e   recentEntry
}

// recentEntry is what the console shows of one request: never a prompt, a
// secret or a key, only the client key's label and fingerprint.
type recentEntry struct {
	Time             time.Time `json:"time"`
	RequestID        string    `json:"request_id"`
	ClientKey        string    `json:"client_key,omitempty"` // fingerprint
	KeyLabel         string    `json:"key_label,omitempty"`
	Endpoint         string    `json:"endpoint"`
	Model            string    `json:"model"`
	Deployment       string    `json:"deployment,omitempty"`
	Status           int       `json:"status"`
	Error            string    `json:"error,omitempty"`
	PromptTokens     int       `json:"prompt_tokens"`
	CompletionTokens int       `json:"completion_tokens"`
	CostUSD          float64   `json:"cost_usd"`
	LatencyMS        float64   `json:"latency_ms"`
	Cache            string    `json:"cache,omitempty"`
	Strategy         string    `json:"strategy,omitempty"`
	Reasoning        string    `json:"reasoning,omitempty"`
	Retries          int       `json:"retries,omitempty"`
	Fallbacks        int       `json:"fallbacks,omitempty"`
	reasoning        []string
}

// processRecent is the process's ring, shared by every handler like
// processActivity.
var processRecent = new(recentRequests)

// add stores e, overwriting the oldest entry once the ring is full.
func (r *recentRequests) add(e *recentEntry) {
	seq := r.next.Add(1)
	s := &r.slots[(seq-1)%recentCapacity]
	s.mu.Lock()
	// A writer that lost a whole lap to faster ones must not overwrite the
	// newer entry already there.
	if s.seq < seq {
		s.seq = seq
		s.e = *e
	}
	s.mu.Unlock()
}

// list returns up to limit entries, newest first.
func (r *recentRequests) list(limit int) []recentEntry {
	if limit <= 0 || limit > recentCapacity {
		limit = recentCapacity
	}
	type seqEntry struct {
		seq uint64
		e   recentEntry
	}
	all := make([]seqEntry, 0, recentCapacity)
	for i := range r.slots {
		s := &r.slots[i]
		s.mu.Lock()
		if s.seq != 0 {
			all = append(all, seqEntry{s.seq, s.e})
		}
		s.mu.Unlock()
	}
	slices.SortFunc(all, func(a, b seqEntry) int { return cmp.Compare(b.seq, a.seq) }) // newest first
	if len(all) > limit {
		all = all[:limit]
	}
	out := make([]recentEntry, len(all))
	for i, se := range all {
		out[i] = se.e
		out[i].Reasoning = strings.Join(se.e.reasoning, "; ")
		out[i].reasoning = nil
	}
	return out
}

// remember adds the finished request to the console's ring; finish calls
// it beside the audit entry, with the same facts.
func (h *Handler) remember(rec *record, dur time.Duration) {
	if h.recent == nil {
		return
	}
	e := recentEntry{
		Time: rec.start, RequestID: rec.id, ClientKey: rec.client, KeyLabel: rec.clientLabel,
		Endpoint: rec.endpoint, Model: rec.model, Status: rec.status, Error: rec.errKind,
		CostUSD: rec.cost, LatencyMS: float64(dur) / float64(time.Millisecond), Cache: rec.cache,
		Strategy: rec.decision.Strategy, reasoning: rec.decision.Reasoning,
		Retries: rec.retries, Fallbacks: rec.fallbacks,
	}
	if rec.deployment != nil {
		e.Deployment = rec.deployment.id
	}
	if rec.usage != nil {
		e.PromptTokens, e.CompletionTokens = rec.usage.PromptTokens, rec.usage.CompletionTokens
	}
	h.recent.add(&e)
}
