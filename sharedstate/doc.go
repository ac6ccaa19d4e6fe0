// Package sharedstate keeps the state that several gateway instances
// behind one load balancer must agree on in Redis, so that they act as one
// gateway: client rate limits and budgets, a second response-cache tier,
// provider cooldowns after 429, and the breakers that are open somewhere.
//
// Without a configured Redis nothing here is used and every instance keeps
// its own in-process state, as before.
//
// # What is shared
//
//   - Rate limits (AllowAll, Allow, Adjust, Refund): GCRA buckets, one Lua
//     script per request, atomic across instances, with the in-process
//     token bucket's semantics to the microsecond (see gcra.go).
//   - Spend (AddSpend, Spent): per-period integer counters in nano-USD,
//     INCRBY, periods aligned as the in-process budget window.
//   - Response cache (CacheGet, CacheSet): opaque bytes with a TTL, behind
//     the in-process cache.
//   - Provider cooldowns (SetCooldown, Cooldown, Cooldowns): a key per
//     deployment with a PX expiry; a longer cooldown is never shortened.
//   - Breaker states (PublishBreaker, Breakers): each instance's breakers
//     decide for that instance only; their non-closed states are published
//     with an expiry so every status API can show them.
//
// Not shared: breaker decisions, balancer statistics, latency windows, the
// anomaly detector and the upstream key pool, which stay per instance.
//
// # Faults
//
// Every call is bounded by Config.Timeout (dial, write and read included,
// no retries). The first failure marks the Store unhealthy: from then on
// calls fail at once with ErrUnavailable, without touching the network,
// until a background PING (every 200ms while down, every 2s while up)
// succeeds. Callers fall back to their in-process state on any error; for
// limits they may instead refuse requests (Config.FailClosed). The outage
// is logged at most once per 30s, with a line when it ends, and exported as
// ai_shared_state_up and ai_shared_state_errors_total{op} (Collectors).
//
// # Resynchronisation, and what an outage loses
//
// When Redis answers again the Store simply resumes using it; nothing is
// merged, except spend:
//
//   - Spend: AddSpend calls that failed are queued in memory (bounded, per
//     counter) and added, in one MULTI/EXEC, before the Store reports
//     healthy again, so budgets lose nothing while the process lives. A
//     call that timed out may nevertheless have been applied, so it may be
//     counted twice: budgets err on the safe side. Queued amounts die with
//     the process.
//   - Rate limits: usage admitted in-process during the outage is not
//     written back; since buckets refill within a minute, this only means
//     that during an outage each instance enforces the limit on its own
//     (N instances admit up to N times the limit).
//   - Cache: entries written during the outage exist only in the instance
//     that wrote them. A Redis restart without persistence loses the tier,
//     which refills from traffic.
//   - Cooldowns and breaker states: not republished; cooldowns are short
//     and breaker states are refreshed by their owners.
//   - A Redis restart without persistence (the test setup) also resets the
//     buckets (to full) and the spend of the current period; configure
//     Redis persistence (AOF) where budgets matter.
package sharedstate
