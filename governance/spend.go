package governance

import (
	"context"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/sat"
)

// Flush adds the spend settled here since the last flush into the stored
// spend document (under the storage lock, so instances add up rather than
// overwrite each other), then brings every local limiter up to the stored
// total, so each instance also sees the others' spend. Pending spend whose
// write fails is kept for the next try.
func (g *Governance) Flush(ctx context.Context) error {
	now := g.opts.Now()
	g.mu.Lock()
	type item struct {
		name    string
		m       *meter
		period  time.Duration
		pending float64
	}
	items := make([]item, 0, len(g.meters))
	for _, k := range g.cur.Keys {
		if m := g.meters["k:"+k.ID]; m != nil {
			items = append(items, item{name: "k:" + k.ID, m: m, period: k.Period()})
		}
	}
	for _, t := range g.cur.Teams {
		if m := g.meters["t:"+t.Name]; m != nil {
			items = append(items, item{name: "t:" + t.Name, m: m, period: t.Period()})
		}
	}
	g.mu.Unlock()
	for i := range items {
		items[i].pending = items[i].m.take()
	}
	var doc spendDoc
	err := withLock(ctx, g.st, spendLock, func() error {
		doc = spendDoc{}
		if _, err := loadJSON(ctx, g.st, spendKey, &doc); err != nil {
			return err
		}
		// Rows this instance does not know (a key another instance just
		// created) are kept as they are.
		keys, teams := doc.Keys, doc.Teams
		if keys == nil {
			keys = map[string]spendRow{}
		}
		if teams == nil {
			teams = map[string]spendRow{}
		}
		changed := false
		for _, it := range items {
			rows, id := keys, it.name[2:]
			old, known := rows[id]
			if it.name[0] == 't' {
				rows = teams
				old, known = rows[id]
			}
			row := old
			if start := periodStart(it.period, now); !row.PeriodStart.Equal(start) {
				row = spendRow{PeriodStart: start, LastUsed: row.LastUsed}
			}
			row.USD = sat.AddUSD(row.USD, it.pending)
			row.LastUsed = max(row.LastUsed, it.m.lastUsed.Load())
			if !known || row != old {
				changed = true
				rows[id] = row
			}
		}
		doc = spendDoc{Keys: keys, Teams: teams}
		if !changed {
			return nil // idle: no write every interval
		}
		return storeJSON(ctx, g.st, spendKey, doc)
	})
	if err != nil {
		for _, it := range items {
			it.m.add(it.pending)
		}
		return err
	}
	for _, it := range items {
		row := doc.Keys[it.name[2:]]
		if it.name[0] == 't' {
			row = doc.Teams[it.name[2:]]
		}
		if n := row.LastUsed; n > it.m.lastUsed.Load() {
			it.m.lastUsed.Store(n)
		}
		g.mu.Lock()
		limiter := it.m.limiter
		g.mu.Unlock()
		if limiter == nil || g.spendReader.Load() != nil {
			continue
		}
		if diff := row.USD - limiter.Spent(); diff > 1e-12 && row.PeriodStart.Equal(periodStart(it.period, g.opts.Now())) {
			limiter.Charge(0, diff)
		}
	}
	g.mu.Lock()
	g.spent = doc
	g.mu.Unlock()
	return nil
}

// spendOf is the current-period spend of a key or team.
func (g *Governance) spendOf(ctx context.Context, m *meter, period time.Duration) float64 {
	if m == nil || m.limiter == nil {
		return 0
	}
	if r := g.spendReader.Load(); r != nil {
		if usd, ok := (*r)(ctx, m.limiter.Fingerprint(), period); ok {
			return usd
		}
	}
	return m.limiter.Spent()
}
