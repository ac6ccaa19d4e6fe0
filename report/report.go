// Package report builds a compliance report from the ai_backends audit
// log: what each client key, model and provider consumed and cost, how
// requests failed or were refused, and which security events happened.
//
// Generate streams the log one line at a time, so its memory use depends
// on the number of distinct client keys, models and providers (capped by
// Options.MaxGroups), not on the size of the log. Lines that are not JSON,
// or whose fields have the wrong types, are counted as malformed and
// skipped; they never stop the report.
package report

import (
	"time"
)

// Report is the result of Generate. Its JSON field names are stable: tools
// may depend on them. Every list has a fixed order (documented per field)
// and is empty, not null, when there is nothing to list.
type Report struct {
	Window   Window    `json:"window"`
	Lines    LineStats `json:"lines"`
	Coverage Coverage  `json:"coverage"`
	// Totals over every audited request in the window.
	Totals Usage `json:"totals"`
	// Clients, Models and Providers are sorted by name.
	Clients   []ClientUsage `json:"clients"`
	Models    []NamedUsage  `json:"models"`
	Providers []NamedUsage  `json:"providers"`
	// StatusClasses counts responses by class ("2xx", "4xx", ...; "unknown"
	// when no status was logged), sorted by name.
	StatusClasses []Count `json:"status_classes"`
	// Errors counts requests by error_type, sorted by name.
	Errors []Count `json:"errors"`
	// Denials counts the requests the gateway itself refused (client key
	// missing or invalid, model not allowed, rate limit, budget) by
	// error_type: status 401, 403, 413 or 429 before any deployment was
	// chosen. They are also counted in Errors.
	Denials  []Count  `json:"denials"`
	Security Security `json:"security"`
	// Cache counts requests by cache outcome (hit, miss, bypass, stale).
	Cache []Count `json:"cache"`
	// Degraded counts answers served in degraded mode, by kind (stale, alias).
	Degraded []Count `json:"degraded"`
	// TopClientsByCost and TopClientsByRequests hold the Options.TopN
	// biggest clients, ties broken by client key.
	TopClientsByCost     []ClientUsage `json:"top_clients_by_cost"`
	TopClientsByRequests []ClientUsage `json:"top_clients_by_requests"`
	// Management is what operators did to managed client keys and teams.
	Management Management `json:"management"`
}

// Window is the time range asked for; a zero bound is open.
type Window struct {
	Since time.Time `json:"since,omitzero"` // inclusive
	Until time.Time `json:"until,omitzero"` // exclusive
}

// LineStats says what was read. Read counts every non-blank line; each of
// them is then exactly one of Audit, Security, Management, Other,
// Malformed or OutsideWindow.
type LineStats struct {
	Read          int64 `json:"read"`
	Audit         int64 `json:"audit"`
	Security      int64 `json:"security"`
	Management    int64 `json:"management"`
	Other         int64 `json:"other"`     // valid JSON from other loggers
	Malformed     int64 `json:"malformed"` // not JSON, wrong field types, bad ts, or too long
	OutsideWindow int64 `json:"outside_window"`
}

// Coverage is the time span of the entries counted (UTC).
type Coverage struct {
	First time.Time `json:"first,omitzero"`
	Last  time.Time `json:"last,omitzero"`
	// Days is the number of distinct UTC calendar days with an entry.
	Days int `json:"days"`
}

// Usage is what a set of requests consumed. Cache hits and stale answers
// count as requests but add no tokens or cost: nothing was spent upstream.
type Usage struct {
	Requests         int64   `json:"requests"`
	Errors           int64   `json:"errors"` // status >= 400
	PromptTokens     int64   `json:"prompt_tokens"`
	CompletionTokens int64   `json:"completion_tokens"`
	CachedTokens     int64   `json:"cached_tokens"`
	CostUSD          float64 `json:"cost_usd"`
	CacheHits        int64   `json:"cache_hits"` // hit or stale
}

// ClientUsage is the usage of one client key. ClientKey is its
// fingerprint ("" when the gateway was open); Label is the last label
// logged with it.
type ClientUsage struct {
	ClientKey string `json:"client_key"`
	Label     string `json:"label"`
	Usage
}

// NamedUsage is the usage of one model or provider.
type NamedUsage struct {
	Name string `json:"name"`
	Usage
}

// Count is one row of a counting table.
type Count struct {
	Name  string `json:"name"`
	Count int64  `json:"count"`
}

// Security summarizes the security events of the window.
type Security struct {
	// BlockedRequests: prompts refused for holding sensitive data.
	BlockedRequests int64 `json:"blocked_requests"`
	// PromptRedactions: prompts forwarded with sensitive data redacted.
	PromptRedactions int64 `json:"prompt_redactions"`
	// ResponseRedactions: model answers with a secret redacted.
	ResponseRedactions int64 `json:"response_redactions"`
	// KeyDisables: upstream keys disabled after a 401/403.
	KeyDisables int64 `json:"key_disables"`
	// AnomalyBlocks: clients blocked for an anomalous request rate.
	AnomalyBlocks int64 `json:"anomaly_blocks"`
	// Denials: total of Report.Denials.
	Denials int64 `json:"denials"`
	// DisabledKeys lists the upstream keys disabled, by provider then key.
	DisabledKeys []KeyEvents `json:"disabled_keys"`
	// AnomalyClients lists the clients blocked, by client key.
	AnomalyClients []ClientEvents `json:"anomaly_clients"`
}

// KeyEvents counts events about one upstream key (by fingerprint).
type KeyEvents struct {
	Provider string `json:"provider"`
	Key      string `json:"key"`
	Count    int64  `json:"count"`
}

// ClientEvents counts events about one client key.
type ClientEvents struct {
	ClientKey string `json:"client_key"`
	Label     string `json:"label"`
	Count     int64  `json:"count"`
}

// Options tune Generate. The zero value is usable.
type Options struct {
	// Since (inclusive) and Until (exclusive) limit the entries counted; a
	// zero bound is open. See ParseSince and ParseUntil.
	Since, Until time.Time
	// MaxLineBytes: longer lines are counted as malformed and skipped.
	// Default 1 MiB.
	MaxLineBytes int
	// MaxGroups bounds each table (clients, models, providers, error types,
	// ...); further names are summed under "(other)". Default 10000.
	MaxGroups int
	// TopN is the length of the top-client lists. Default 10.
	TopN int
}

// OtherGroup is the name rows beyond Options.MaxGroups are summed under.
const OtherGroup = "(other)"

func (o Options) withDefaults() Options {
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = 1 << 20
	}
	if o.MaxGroups <= 0 {
		o.MaxGroups = 10000
	}
	if o.TopN <= 0 {
		o.TopN = 10
	}
	return o
}
