// Package cache is the gateway's response cache: an exact-match store of
// complete OpenAI-format answers (chat completions and single embeddings),
// keyed by a canonical hash of the request.
//
// Three concerns live here, each small:
//
//   - Cache wraps a ristretto cache whose cost is bytes, so max_size bounds
//     memory. Every entry carries its own freshness window, judged with an
//     injected clock, and may be kept past it for a stale window so the
//     handler can serve it when every upstream failed (stale_if_error).
//   - ChatKey and EmbeddingKey turn a request into a key that ignores what
//     cannot change the answer (whitespace, member order, user, stream) and
//     keeps everything that can, including fields the gateway does not know.
//   - Group collapses identical concurrent misses into one upstream call, and
//     ReplayChunks turns a cached completion into the chunk sequence a
//     streaming client expects.
//
// The package knows nothing about Caddy or HTTP: the handler decides what is
// cacheable (see Deterministic), owns the cache across config reloads and
// writes the responses.
package cache
