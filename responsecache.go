package aibackends

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/cache"
	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/metrics"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// CacheConfig configures the response cache.
type CacheConfig struct {
	// TTL of a cached answer. Default: 5m.
	TTL caddy.Duration `json:"ttl,omitempty"`
	// MaxSize of the cache in bytes. Default: 64 MiB.
	MaxSize int64 `json:"max_size,omitempty"`
	// AllRequests caches non-deterministic requests too (temperature > 0).
	AllRequests bool `json:"all_requests,omitempty"`
	// StaleIfError serves an expired answer, up to this long past its TTL,
	// when every provider failed (degraded mode).
	StaleIfError caddy.Duration `json:"stale_if_error,omitempty"`
}

// cacheState pools the cache across reloads with the same size.
type cacheState struct {
	c     *cache.Cache
	group *cache.Group
}

func (s *cacheState) Destruct() error {
	s.c.Close()
	return nil
}

func (h *Handler) provisionCache() error {
	cc := h.Cache
	if cc == nil {
		return nil
	}
	if cc.TTL <= 0 {
		cc.TTL = caddy.Duration(5 * time.Minute)
	}
	if cc.MaxSize <= 0 {
		cc.MaxSize = 64 << 20
	}
	v, err := h.pool.load("cache:"+strconv.FormatInt(cc.MaxSize, 10), func() (caddy.Destructor, error) {
		c, err := cache.New(cc.MaxSize, nil)
		if err != nil {
			return nil, fmt.Errorf("response cache: %v", err)
		}
		return &cacheState{c: c, group: &cache.Group{}}, nil
	})
	if err != nil {
		return err
	}
	h.cache = v.(*cacheState)
	return nil
}

func (st *stores) cacheStatus() any {
	if st.cache == nil {
		return nil
	}
	return st.cache.c.Stats()
}

// cacheBypassed reports whether the client asked not to use the cache.
func cacheBypassed(r *http.Request) bool {
	cc := strings.ToLower(r.Header.Get("Cache-Control"))
	return strings.Contains(cc, "no-cache") || strings.Contains(cc, "no-store")
}

// chatCacheKey returns the cache key for a chat request, or "" when the
// request is not to be cached; it records the cache result either way.
func (h *Handler) chatCacheKey(r *http.Request, rec *record, req *providers.ChatRequest) string {
	if h.cache == nil {
		return ""
	}
	if cacheBypassed(r) || (!h.Cache.AllRequests && !cache.Deterministic(req)) {
		rec.cache = "bypass"
		metrics.IncCache("bypass")
		return ""
	}
	// Scoped per client key: a shared cache would let one client learn
	// from a HIT what another client asked.
	return rec.client + "|" + cache.ChatKey(req)
}

// serveCachedChat answers from a fresh cache entry; false on a miss.
func (h *Handler) serveCachedChat(w http.ResponseWriter, r *http.Request, rec *record, req *providers.ChatRequest, cw dialects.ChatWriter, key string) bool {
	e, fresh, ok := h.cache.c.Get(key)
	if !ok || !fresh {
		if e, ok = h.sharedCacheGet(r.Context(), key); !ok {
			return false
		}
	}
	return h.replay(w, rec, req, cw, e, "hit")
}

// replay writes a cached answer as JSON or, to a streaming client, as SSE.
func (h *Handler) replay(w http.ResponseWriter, rec *record, req *providers.ChatRequest, cw dialects.ChatWriter, e *cache.Entry, result string) bool {
	resp, err := decodeEntry(e)
	if err != nil {
		return false
	}
	rec.cache = result
	metrics.IncCache(result)
	usage := e.Usage
	rec.usage = &usage
	hdr := w.Header()
	hdr.Set("X-AI-Cache", strings.ToUpper(result))
	hdr.Set("X-AI-Provider", e.Provider)
	hdr.Set("X-AI-Cost-USD", "0.00000000")
	if result == "stale" {
		hdr.Set("Warning", `110 - "Response is Stale"`)
	}
	h.noteDroppedReplay(w, rec, req, e.Provider)
	h.auditAnswer(rec, resp)
	if !req.Stream {
		cw.Response(w, resp, req)
		return true
	}
	rec.committed = true
	sink := cw.Stream(w, req)
	for _, c := range cache.ReplayChunks(resp, true) {
		if err := sink.Chunk(c); err != nil {
			return true
		}
	}
	sink.End(nil)
	return true
}

// storeChat caches a successful answer.
func (h *Handler) storeChat(key string, rec *record, resp *providers.ChatResponse) {
	if key == "" || resp == nil || h.cache == nil {
		return
	}
	body := resp.Raw
	if body == nil {
		resp.Object = "chat.completion"
		var err error
		if body, err = providers.MarshalChatResponse(resp); err != nil {
			return
		}
	}
	e := &cache.Entry{Body: body, Model: resp.Model, StoredAt: h.now()}
	if resp.Usage != nil {
		e.Usage = *resp.Usage
	}
	if rec.deployment != nil {
		e.Provider = rec.deployment.up.name
	}
	h.cache.c.Set(key, e, timeDuration(h.Cache.TTL), timeDuration(h.Cache.StaleIfError))
	h.sharedCacheSet(key, e)
	// Ristretto applies writes asynchronously; waiting (microseconds, on a
	// path that just paid for an upstream call) makes the entry visible to
	// the very next request.
	h.cache.c.Wait()
}

// collapsedChat performs a non-streaming upstream call through the
// stampede group: identical concurrent misses make one upstream call.
func (h *Handler) collapsedChat(ctx context.Context, rec *record, key string, call func(ctx context.Context) (*providers.ChatResponse, *providers.Error)) (*cache.Entry, bool, *providers.Error) {
	entry, shared, err := h.cache.group.Do(ctx, key, func(ctx context.Context) (*cache.Entry, error) {
		resp, e := call(ctx)
		if e != nil {
			return nil, e
		}
		// Without Raw the cache holds the answer re-encoded from its
		// choices (a relayed Response object defers them).
		if err := h.loadChoices(resp, resp.Raw == nil); err != nil {
			return nil, err
		}
		h.filterResponse(rec, resp)
		h.storeChat(key, rec, resp)
		body := resp.Raw
		if body == nil {
			body, _ = providers.MarshalChatResponse(resp)
		}
		out := &cache.Entry{Body: body, Model: resp.Model, StoredAt: h.now()}
		if resp.Usage != nil {
			out.Usage = *resp.Usage
		}
		if rec.deployment != nil {
			out.Provider = rec.deployment.up.name
		}
		return out, nil
	})
	if err != nil {
		return nil, shared, providers.Classify(err)
	}
	return entry, shared, nil
}

// staleChat serves an expired answer after every provider failed, when
// stale_if_error allows it.
func (h *Handler) staleChat(w http.ResponseWriter, rec *record, req *providers.ChatRequest, cw dialects.ChatWriter, key string) bool {
	if key == "" || h.Cache.StaleIfError <= 0 {
		return false
	}
	e, _, ok := h.cache.c.Get(key)
	if !ok {
		return false
	}
	rec.degraded = "stale"
	metrics.IncDegraded("stale")
	return h.replay(w, rec, req, cw, e, "stale")
}

// decodeEntry turns a cached chat body back into a response.
func decodeEntry(e *cache.Entry) (*providers.ChatResponse, error) {
	var resp providers.ChatResponse
	if err := json.Unmarshal(e.Body, &resp); err != nil {
		return nil, err
	}
	resp.Raw = e.Body
	return &resp, nil
}
