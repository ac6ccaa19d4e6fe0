package report

import (
	"encoding/csv"
	"io"
	"strconv"
)

// CSVHeader is the header of WriteCSV's output.
var CSVHeader = []string{"section", "key", "label", "metric", "value"}

// WriteCSV writes r as one long ("tidy") table: one number per row, so a
// spreadsheet pivot or a SQL import handles every section alike. Columns:
//
//	section  summary, totals, client, model, provider, status_class,
//	         error_type, denial, security, disabled_key, anomaly_client,
//	         cache, degraded, top_by_cost, top_by_requests,
//	         management_action, management_actor, managed_key
//	key      the row's subject: client key fingerprint, model, provider,
//	         error type, upstream key fingerprint...; empty for summary,
//	         totals and security
//	label    the client key's label, or the provider of a disabled key
//	metric   requests, errors, prompt_tokens, completion_tokens,
//	         cached_tokens, cache_hits, cost_usd, count, rank, or a summary
//	         field (window_since, first, days, lines_read...)
//	value    the number, or an RFC 3339 time for time metrics
//
// Rows follow the report's order. Text cells that a spreadsheet would
// take for a formula are prefixed with a quote.
func (r *Report) WriteCSV(w io.Writer) error {
	c := &csvWriter{w: csv.NewWriter(w)}
	c.row(CSVHeader...)
	c.summary(r)
	c.usage("totals", "", "", r.Totals)
	for _, u := range r.Clients {
		c.usage("client", u.ClientKey, u.Label, u.Usage)
	}
	for _, u := range r.Models {
		c.usage("model", u.Name, "", u.Usage)
	}
	for _, u := range r.Providers {
		c.usage("provider", u.Name, "", u.Usage)
	}
	c.counts("status_class", r.StatusClasses)
	c.counts("error_type", r.Errors)
	c.counts("denial", r.Denials)
	s := r.Security
	for _, m := range []struct {
		name string
		n    int64
	}{
		{"blocked_requests", s.BlockedRequests}, {"prompt_redactions", s.PromptRedactions},
		{"response_redactions", s.ResponseRedactions}, {"key_disables", s.KeyDisables},
		{"anomaly_blocks", s.AnomalyBlocks}, {"denials", s.Denials},
	} {
		c.value("security", "", "", m.name, formatInt(m.n))
	}
	for _, k := range s.DisabledKeys {
		c.value("disabled_key", k.Key, k.Provider, "count", formatInt(k.Count))
	}
	for _, a := range s.AnomalyClients {
		c.value("anomaly_client", a.ClientKey, a.Label, "count", formatInt(a.Count))
	}
	c.counts("cache", r.Cache)
	c.counts("degraded", r.Degraded)
	c.top("top_by_cost", r.TopClientsByCost)
	c.top("top_by_requests", r.TopClientsByRequests)
	c.counts("management_action", r.Management.Actions)
	c.counts("management_actor", r.Management.Actors)
	for _, k := range r.Management.Keys {
		c.value("managed_key", k.ClientKey, "", "created", formatInt(k.Created))
		c.value("managed_key", k.ClientKey, "", "updated", formatInt(k.Updated))
		c.value("managed_key", k.ClientKey, "", "revoked", formatInt(k.Revoked))
	}
	c.w.Flush()
	if c.err != nil {
		return c.err
	}
	return c.w.Error()
}

type csvWriter struct {
	w   *csv.Writer
	err error
}

func (c *csvWriter) row(cells ...string) {
	if c.err == nil {
		c.err = c.w.Write(cells)
	}
}

func (c *csvWriter) value(section, key, label, metric, value string) {
	c.row(section, defuse(key), defuse(label), metric, value)
}

func (c *csvWriter) summary(r *Report) {
	times := []struct{ metric, value string }{
		{"window_since", formatTime(r.Window.Since)}, {"window_until", formatTime(r.Window.Until)},
		{"first", formatTime(r.Coverage.First)}, {"last", formatTime(r.Coverage.Last)},
	}
	for _, t := range times {
		if t.value != "" {
			c.value("summary", "", "", t.metric, t.value)
		}
	}
	l := r.Lines
	for _, m := range []struct {
		metric string
		n      int64
	}{
		{"days", int64(r.Coverage.Days)}, {"lines_read", l.Read}, {"lines_audit", l.Audit},
		{"lines_security", l.Security}, {"lines_other", l.Other}, {"lines_malformed", l.Malformed},
		{"lines_outside_window", l.OutsideWindow}, {"lines_management", l.Management},
	} {
		c.value("summary", "", "", m.metric, formatInt(m.n))
	}
}

func (c *csvWriter) usage(section, key, label string, u Usage) {
	for _, m := range []struct {
		metric string
		n      int64
	}{
		{"requests", u.Requests}, {"errors", u.Errors}, {"prompt_tokens", u.PromptTokens},
		{"completion_tokens", u.CompletionTokens}, {"cached_tokens", u.CachedTokens}, {"cache_hits", u.CacheHits},
	} {
		c.value(section, key, label, m.metric, formatInt(m.n))
	}
	c.value(section, key, label, "cost_usd", formatCost(u.CostUSD))
}

func (c *csvWriter) counts(section string, counts []Count) {
	for _, n := range counts {
		c.value(section, n.Name, "", "count", formatInt(n.Count))
	}
}

func (c *csvWriter) top(section string, clients []ClientUsage) {
	for i, u := range clients {
		c.value(section, u.ClientKey, u.Label, "rank", strconv.Itoa(i+1))
		c.value(section, u.ClientKey, u.Label, "cost_usd", formatCost(u.CostUSD))
		c.value(section, u.ClientKey, u.Label, "requests", formatInt(u.Requests))
	}
}

// defuse keeps a spreadsheet from evaluating a cell (CSV injection): a
// model name is client input.
func defuse(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}
