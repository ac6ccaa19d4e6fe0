package report

import (
	"cmp"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"time"
)

// Generate reads an audit log (Caddy's JSON log lines) from r and builds
// the report. Only read errors fail it; bad lines are counted.
func Generate(r io.Reader, opts Options) (*Report, error) {
	opts = opts.withDefaults()
	a := newAccumulator(opts)
	lr := newLineReader(r, opts.MaxLineBytes)
	var e entry
	for {
		line, tooLong, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		a.line(line, tooLong, &e)
	}
	return a.report(), nil
}

// groups is a bounded table of usage by name.
type groups[T any] struct {
	rows map[string]*T
	max  int
}

func newGroups[T any](max int) groups[T] { return groups[T]{rows: map[string]*T{}, max: max} }

// get returns the row for name, folding new names into OtherGroup once
// the table is full.
func (g groups[T]) get(name string) (*T, string) {
	if row, ok := g.rows[name]; ok {
		return row, name
	}
	if len(g.rows) >= g.max {
		name = OtherGroup
		if row, ok := g.rows[name]; ok {
			return row, name
		}
	}
	row := new(T)
	g.rows[name] = row
	return row, name
}

// sorted returns the rows by name.
func sorted[T, R any](g groups[T], build func(name string, row *T) R) []R {
	names := make([]string, 0, len(g.rows))
	for name := range g.rows {
		names = append(names, name)
	}
	slices.Sort(names)
	out := make([]R, 0, len(names))
	for _, name := range names {
		out = append(out, build(name, g.rows[name]))
	}
	return out
}

type clientRow struct {
	usage     Usage
	label     string
	labelSeen time.Time
}

type keyRow struct {
	provider, key string
	count         int64
}

type accumulator struct {
	opts      Options
	r         Report
	clients   groups[clientRow]
	models    groups[Usage]
	providers groups[Usage]
	status    groups[int64]
	errors    groups[int64]
	denials   groups[int64]
	cache     groups[int64]
	degraded  groups[int64]
	disabled  groups[keyRow]
	anomaly   groups[clientRow]
	mgmt      managementGroups
	days      []uint64 // bit set of days since minTS
}

func newAccumulator(o Options) *accumulator {
	days := int(maxTS.Sub(minTS)/(24*time.Hour)) + 1
	return &accumulator{
		opts: o, r: Report{Window: Window{Since: o.Since, Until: o.Until}},
		clients: newGroups[clientRow](o.MaxGroups), models: newGroups[Usage](o.MaxGroups),
		providers: newGroups[Usage](o.MaxGroups), status: newGroups[int64](o.MaxGroups),
		errors: newGroups[int64](o.MaxGroups), denials: newGroups[int64](o.MaxGroups),
		cache: newGroups[int64](o.MaxGroups), degraded: newGroups[int64](o.MaxGroups),
		disabled: newGroups[keyRow](o.MaxGroups), anomaly: newGroups[clientRow](o.MaxGroups),
		days: make([]uint64, (days+63)/64), mgmt: newManagementGroups(o.MaxGroups),
	}
}

// line counts one log line.
func (a *accumulator) line(line []byte, tooLong bool, e *entry) {
	if !tooLong && len(trimSpace(line)) == 0 {
		return
	}
	a.r.Lines.Read++
	if tooLong {
		a.r.Lines.Malformed++
		return
	}
	kind, err := decode(line, e)
	if err != nil {
		a.r.Lines.Malformed++
		return
	}
	if kind == kindOther {
		a.r.Lines.Other++
		return
	}
	ts, ok := parseTS(e.TS)
	if !ok {
		a.r.Lines.Malformed++
		return
	}
	if !inWindow(ts, a.opts) {
		a.r.Lines.OutsideWindow++
		return
	}
	a.cover(ts)
	switch kind {
	case kindAudit:
		a.r.Lines.Audit++
		a.audit(e, ts)
	case kindManagement:
		a.r.Lines.Management++
		a.management(e)
	default:
		a.r.Lines.Security++
		a.security(e, ts)
	}
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}

func (a *accumulator) cover(ts time.Time) {
	c := &a.r.Coverage
	if c.First.IsZero() || ts.Before(c.First) {
		c.First = ts
	}
	if ts.After(c.Last) {
		c.Last = ts
	}
	day := int(ts.Sub(minTS) / (24 * time.Hour))
	a.days[day/64] |= 1 << (day % 64)
}

// denialTypes are the error types of the gateway's own refusals (clientkeys.go).
var denialTypes = map[string]bool{"auth": true, "permission": true, "rate_limited": true, "quota": true}

func (a *accumulator) audit(e *entry, ts time.Time) {
	u := Usage{Requests: 1}
	if e.Status >= 400 {
		u.Errors = 1
	}
	if e.Cache == "hit" || e.Cache == "stale" {
		u.CacheHits = 1
	} else {
		u.PromptTokens, u.CompletionTokens, u.CachedTokens = e.PromptTokens, e.CompletionTokens, e.CachedTokens
		u.CostUSD = e.CostUSD
	}
	a.r.Totals.add(u)
	c, _ := a.clients.get(clean(e.ClientKey))
	c.usage.add(u)
	c.relabel(clean(e.ClientLabel), ts)
	m, _ := a.models.get(clean(e.Model))
	m.add(u)
	p, _ := a.providers.get(clean(e.Provider))
	p.add(u)

	class := "unknown"
	if e.Status >= 100 && e.Status <= 999 {
		class = strconv.Itoa(e.Status/100) + "xx"
	}
	inc(a.status, class)
	errType := clean(e.ErrorType)
	if errType != "" {
		inc(a.errors, errType)
	}
	if e.Deployment == "" && denialTypes[errType] &&
		(e.Status == 401 || e.Status == 403 || e.Status == 413 || e.Status == 429) {
		inc(a.denials, errType)
		a.r.Security.Denials++
	}
	if e.Cache != "" {
		inc(a.cache, clean(e.Cache))
	}
	if e.Degraded != "" {
		inc(a.degraded, clean(e.Degraded))
	}
}

func (a *accumulator) security(e *entry, ts time.Time) {
	s := &a.r.Security
	switch e.Msg {
	case msgSensitivePrompt:
		if e.Action == "blocked" {
			s.BlockedRequests++
		} else {
			s.PromptRedactions++
		}
	case msgSecretInAnswer:
		s.ResponseRedactions++
	case msgKeyDisabled:
		s.KeyDisables++
		provider, key := clean(e.Provider), clean(e.Key)
		row, name := a.disabled.get(provider + "\x00" + key)
		if name == OtherGroup {
			provider, key = OtherGroup, ""
		}
		row.provider, row.key = provider, key
		row.count++
	case msgAnomalyBlocked:
		s.AnomalyBlocks++
		row, _ := a.anomaly.get(clean(e.ClientKey))
		row.usage.Requests++ // the count of blocks
		row.relabel(clean(e.Label), ts)
	}
}

func inc(g groups[int64], name string) {
	n, _ := g.get(name)
	*n++
}

func (u *Usage) add(v Usage) {
	u.Requests += v.Requests
	u.Errors += v.Errors
	u.PromptTokens += v.PromptTokens
	u.CompletionTokens += v.CompletionTokens
	u.CachedTokens += v.CachedTokens
	u.CostUSD += v.CostUSD
	u.CacheHits += v.CacheHits
}

// relabel keeps the label logged last (by ts; on a tie the greater, so
// the result does not depend on line order).
func (c *clientRow) relabel(label string, ts time.Time) {
	if label == "" {
		return
	}
	if c.label == "" || ts.After(c.labelSeen) || (ts.Equal(c.labelSeen) && label > c.label) {
		c.label, c.labelSeen = label, ts
	}
}

// roundCost hides float summation noise (0.30000000000000004) below a
// billionth of a dollar.
func roundCost(x float64) float64 { return math.Round(x*1e9) / 1e9 }

func (u Usage) rounded() Usage { u.CostUSD = roundCost(u.CostUSD); return u }

// report sorts and finishes the tables.
func (a *accumulator) report() *Report {
	r := a.r
	r.Totals = r.Totals.rounded()
	r.Clients = sorted(a.clients, func(name string, c *clientRow) ClientUsage {
		return ClientUsage{ClientKey: name, Label: c.label, Usage: c.usage.rounded()}
	})
	named := func(name string, u *Usage) NamedUsage { return NamedUsage{Name: name, Usage: u.rounded()} }
	r.Models = sorted(a.models, named)
	r.Providers = sorted(a.providers, named)
	count := func(name string, n *int64) Count { return Count{Name: name, Count: *n} }
	r.StatusClasses = sorted(a.status, count)
	r.Errors = sorted(a.errors, count)
	r.Denials = sorted(a.denials, count)
	r.Cache = sorted(a.cache, count)
	r.Degraded = sorted(a.degraded, count)
	r.Security.DisabledKeys = sorted(a.disabled, func(_ string, k *keyRow) KeyEvents {
		return KeyEvents{Provider: k.provider, Key: k.key, Count: k.count}
	})
	r.Security.AnomalyClients = sorted(a.anomaly, func(name string, c *clientRow) ClientEvents {
		return ClientEvents{ClientKey: name, Label: c.label, Count: c.usage.Requests}
	})
	r.Management = a.mgmt.report()
	for _, w := range a.days {
		r.Coverage.Days += popcount(w)
	}
	r.TopClientsByCost = top(r.Clients, a.opts.TopN, func(c ClientUsage) float64 { return c.CostUSD })
	r.TopClientsByRequests = top(r.Clients, a.opts.TopN, func(c ClientUsage) float64 { return float64(c.Requests) })
	return &r
}

func popcount(w uint64) int {
	n := 0
	for ; w != 0; w &= w - 1 {
		n++
	}
	return n
}

// top returns the n clients with the largest metric, ties by client key.
func top(clients []ClientUsage, n int, metric func(ClientUsage) float64) []ClientUsage {
	out := slices.Clone(clients)
	slices.SortStableFunc(out, func(x, y ClientUsage) int {
		if c := cmp.Compare(metric(y), metric(x)); c != 0 {
			return c
		}
		return cmp.Compare(x.ClientKey, y.ClientKey)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
