package sharedstate

import (
	"time"

	"github.com/redis/go-redis/v9"
)

// Rate limits use GCRA, the generic cell rate algorithm, which is a token
// bucket stored as a single instant instead of a level and a timestamp.
//
// A limit of L units per minute has emission interval T = 60s/L (the time
// one unit takes to refill) and capacity L (the burst). Its only state is
// TAT, the theoretical arrival time: the instant at which the bucket will
// be full again. Relation to the in-process bucket (security.tokenBucket):
//
//	level(now) = L - (max(TAT, now) - now) / T    tokens available
//
// so a missing key (or TAT <= now) is a full bucket, and TAT - now = 60s an
// empty one. A request costing n units, at time now:
//
//	newTAT = max(TAT, now) + n*T
//	allowed  iff  newTAT - now <= 60s             (level >= n)
//	when allowed: TAT = newTAT
//	when denied:  nothing changes, retryAfter = newTAT - now - 60s
//
// retryAfter is exactly when the bucket will hold n units, so a retry then
// succeeds unless someone else took them first. n > L is never allowed (the
// in-process limiter answers 413 for it); it is reported without asking Redis.
//
// Corrections after the fact (Adjust): taking d more units moves TAT forward
// by d*T but at most to now + 120s (a debt of one minute's worth, the same
// floor as the in-process bucket); giving d units back moves TAT back by d*T
// but not before now (never above a full bucket).
//
// Exact arithmetic. Time is in microseconds since the Unix epoch. T is not
// a whole number of microseconds in general (L = 7 gives 8571428.57µs), so
// TAT is kept as a whole part t (µs) plus a remainder r in [0, L): TAT = t +
// r/L µs. Go computes n*T = q + r'/L exactly in int64 (n*60e6 = q*L + r')
// and the script only adds and compares integers below 2^53, which Lua's
// doubles represent exactly. Rounding, where needed, is up: a retry-after
// is never too early. This matches the in-process bucket to the microsecond.
//
// Atomicity. One script checks every limit of a request (requests and
// tokens per minute) and takes from all of them or none, in one round trip;
// Redis runs scripts one at a time, so instances cannot interleave.
//
// Clock. "now" comes from the calling instance (Config.Now), which keeps
// the algorithm testable with a fake clock; instances' clocks must be NTP-
// synchronised. A skew of s lets the faster instance see its buckets about
// s*L/60 units fuller; with NTP's milliseconds this is negligible.
//
// Storage: a hash {t, r, p} (p = the limit the remainder is expressed in;
// after a limit change the remainder is rounded up to a whole µs), with a
// PEXPIRE at TAT: an expired key is a full bucket, so Redis holds only the
// buckets that are not full.

// Bounds keeping the fixed-point arithmetic within int64 and within Lua's
// exact integer range.
const (
	microsPerMinute = int64(time.Minute / time.Microsecond)
	// MaxPerMinute is the largest limit enforced; larger ones are treated
	// as unlimited (they would not limit anything in practice).
	MaxPerMinute = 10_000_000_000
)

// step is n*T for a limit, split into whole microseconds and a remainder in
// units of 1/perMinute µs.
type step struct{ micros, rem int64 }

// emission returns n*T for n units of a perMinute limit. n is clamped to
// [0, 2*perMinute]: more than that saturates the bucket either way.
func emission(n, perMinute int64) step {
	n = min(max(n, 0), 2*perMinute)
	units := n * microsPerMinute // <= 2e10 * 6e7 = 1.2e18 < 2^63
	return step{micros: units / perMinute, rem: units % perMinute}
}

// gcraLib holds the helpers shared by both scripts.
//
//	load(key, pm, now) -> t, r : current TAT, or now when the bucket is full
//	save(key, t, r, pm, now)   : store TAT, or delete the key when full
const gcraLib = `
local MINUTE = 60000000
local function num(x) return string.format('%.0f', x) end
local function load(key, pm, now)
  local v = redis.call('HMGET', key, 't', 'r', 'p')
  local t, r, p = tonumber(v[1]), tonumber(v[2]) or 0, tonumber(v[3])
  if t == nil then return now, 0 end
  if r > 0 and p ~= pm then t, r = t + 1, 0 end
  if t < now then return now, 0 end
  return t, r
end
local function save(key, t, r, pm, now)
  if t < now or (t == now and r == 0) then
    redis.call('DEL', key)
    return
  end
  redis.call('HSET', key, 't', num(t), 'r', num(r), 'p', num(pm))
  redis.call('PEXPIRE', key, num(math.floor((t - now) / 1000) + 1))
end
`

// allowScript checks and takes from every bucket of a request, or none.
//
// KEYS[i]: bucket i. ARGV[1]: now (µs). ARGV[2+3(i-1)..]: per-minute limit
// L, and n*T as whole µs q and remainder r (0 <= r < L).
// Returns {1, 0, -1} when allowed, {0, retry µs, index of the bucket with
// the longest wait (0-based)} when denied.
var allowScript = redis.NewScript(gcraLib + `
local now = tonumber(ARGV[1])
local next_t, next_r = {}, {}
local worst, worst_i = 0, -1
for i = 1, #KEYS do
  local base = 2 + 3 * (i - 1)
  local pm, q, r = tonumber(ARGV[base]), tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2])
  local t, rem = load(KEYS[i], pm, now)
  t, rem = t + q, rem + r
  if rem >= pm then t, rem = t + 1, rem - pm end
  local wait = t - now - MINUTE
  if rem > 0 then wait = wait + 1 end
  if wait > worst then worst, worst_i = wait, i - 1 end
  next_t[i], next_r[i] = t, rem
end
if worst > 0 then return {0, worst, worst_i} end
for i = 1, #KEYS do
  save(KEYS[i], next_t[i], next_r[i], tonumber(ARGV[2 + 3 * (i - 1)]), now)
end
return {1, 0, -1}
`)

// adjustScript corrects one bucket after the fact.
//
// KEYS[1]: bucket. ARGV: now (µs), limit L, sign (1 take, -1 give back),
// and the amount as whole µs q and remainder r.
var adjustScript = redis.NewScript(gcraLib + `
local now, pm = tonumber(ARGV[1]), tonumber(ARGV[2])
local sign, q, r = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local t, rem = load(KEYS[1], pm, now)
if sign > 0 then
  t, rem = t + q, rem + r
  if rem >= pm then t, rem = t + 1, rem - pm end
  local cap = now + 2 * MINUTE
  if t > cap or (t == cap and rem > 0) then t, rem = cap, 0 end
else
  t, rem = t - q, rem - r
  if rem < 0 then t, rem = t - 1, rem + pm end
  if t < now then t, rem = now, 0 end
end
save(KEYS[1], t, rem, pm, now)
return 1
`)
