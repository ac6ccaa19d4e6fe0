package security

import (
	"container/list"
	"sync"
	"time"
)

// AnomalyDetector temporarily blocks a client whose short-term request rate
// jumps far above its own long-term baseline: the signature of a leaked key
// or a runaway loop, which fixed rate limits (sized for the client's peak)
// catch only late. Clients are keyed by an opaque id, normally the key's
// fingerprint. Memory is bounded by MaxClients. Safe for concurrent use.
type AnomalyDetector struct {
	cfg AnomalyConfig
	now func() time.Time

	mu      sync.Mutex
	clients map[string]*list.Element // values are *clientTraffic
	recency *list.List               // front = most recently seen
}

// clientTraffic is what the detector remembers about one client.
type clientTraffic struct {
	id           string
	firstSeen    time.Time
	short        ewmaRate // horizon cfg.Window
	long         ewmaRate // horizon cfg.Baseline
	blockedUntil time.Time
}

// NewAnomalyDetector makes a detector; now is its clock (nil = time.Now).
func NewAnomalyDetector(cfg AnomalyConfig, now func() time.Time) *AnomalyDetector {
	if now == nil {
		now = time.Now
	}
	return &AnomalyDetector{
		cfg:     cfg.withDefaults(),
		now:     now,
		clients: make(map[string]*list.Element),
		recency: list.New(),
	}
}

// Observe records one request from client and says whether it must be
// refused. A client is blocked for CoolDown once its short-term rate exceeds
// both MinRate and Factor × its long-term baseline; until then reports the
// end of the block, and justBlocked is true only for the request that
// triggered it (so the caller logs one event, not thousands).
//
// Requests refused while blocked are not counted: they never reach upstream,
// and counting them would either teach the baseline that an attack is normal
// or keep a client blocked forever. After the cool-down a client still
// bursting is blocked again within seconds, while a client whose workload
// legitimately grew lets its baseline catch up. A client is judged only after
// it has been seen for one Window, and its rates are corrected for start-up
// bias, so a new client is compared with its own average so far.
func (d *AnomalyDetector) Observe(client string) (blocked bool, until time.Time, justBlocked bool) {
	now := d.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.touch(client, now)
	if now.Before(c.blockedUntil) {
		return true, c.blockedUntil, false
	}
	c.short.add(now, d.cfg.Window)
	c.long.add(now, d.cfg.Baseline)
	age := now.Sub(c.firstSeen)
	if age < d.cfg.Window {
		return false, time.Time{}, false
	}
	rate := c.short.corrected(now, d.cfg.Window, age)
	baseline := c.long.corrected(now, d.cfg.Baseline, age)
	if rate > d.cfg.MinRate && rate > d.cfg.Factor*baseline {
		c.blockedUntil = now.Add(d.cfg.CoolDown)
		return true, c.blockedUntil, true
	}
	return false, time.Time{}, false
}

// Tracked is how many clients the detector currently remembers.
func (d *AnomalyDetector) Tracked() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.clients)
}

// touch returns the client's state, creating it (and forgetting the least
// recently seen client if full) on first sight. Lookups of known clients do
// not allocate.
func (d *AnomalyDetector) touch(client string, now time.Time) *clientTraffic {
	if e, ok := d.clients[client]; ok {
		d.recency.MoveToFront(e)
		return e.Value.(*clientTraffic)
	}
	if len(d.clients) >= d.cfg.MaxClients {
		oldest := d.recency.Back()
		d.recency.Remove(oldest)
		delete(d.clients, oldest.Value.(*clientTraffic).id)
	}
	c := &clientTraffic{id: client, firstSeen: now, short: ewmaRate{at: now}, long: ewmaRate{at: now}}
	d.clients[client] = d.recency.PushFront(c)
	return c
}
