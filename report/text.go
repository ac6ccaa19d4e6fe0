package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText writes r for people: a summary, then one aligned table per
// section. Empty tables print "(none)".
func (r *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	t := &textWriter{w: bw}
	t.summary(r)
	t.usageTable("TOTALS", "", []string{""}, []Usage{r.Totals})
	clientNames := make([]string, len(r.Clients))
	clientUsage := make([]Usage, len(r.Clients))
	for i, c := range r.Clients {
		clientNames[i] = orDash(c.ClientKey) + "\t" + orDash(c.Label)
		clientUsage[i] = c.Usage
	}
	t.usageTable("CLIENT KEYS", "CLIENT KEY\tLABEL", clientNames, clientUsage)
	t.namedTable("MODELS", "MODEL", r.Models)
	t.namedTable("PROVIDERS", "PROVIDER", r.Providers)
	t.counts("RESPONSES BY STATUS CLASS", "CLASS", r.StatusClasses)
	t.counts("ERRORS BY TYPE", "ERROR TYPE", r.Errors)
	t.counts("DENIALS BY TYPE", "ERROR TYPE", r.Denials)
	t.securityTable(r.Security)
	t.counts("CACHE", "RESULT", r.Cache)
	t.counts("DEGRADED ANSWERS", "KIND", r.Degraded)
	t.topTable("TOP CLIENTS BY COST", r.TopClientsByCost)
	t.topTable("TOP CLIENTS BY REQUESTS", r.TopClientsByRequests)
	t.managementTables(r.Management)
	if t.err != nil {
		return t.err
	}
	return bw.Flush()
}

type textWriter struct {
	w   io.Writer
	err error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (t *textWriter) summary(r *Report) {
	t.printf("AI BACKENDS COMPLIANCE REPORT\n")
	since, until := formatTime(r.Window.Since), formatTime(r.Window.Until)
	if since == "" && until == "" {
		t.printf("  window    all entries\n")
	} else {
		t.printf("  window    %s to %s (end excluded)\n", orWord(since, "the beginning"), orWord(until, "the end"))
	}
	if c := r.Coverage; c.Days > 0 {
		t.printf("  covered   %s to %s, %d distinct day(s)\n", formatTime(c.First), formatTime(c.Last), c.Days)
	} else {
		t.printf("  covered   no entries\n")
	}
	l := r.Lines
	t.printf("  lines     %d read: %d audit, %d security events, %d other, %d malformed, %d outside the window, %d management actions\n",
		l.Read, l.Audit, l.Security, l.Other, l.Malformed, l.OutsideWindow, l.Management)
}

func orWord(s, word string) string {
	if s == "" {
		return word
	}
	return s
}

// table writes a titled, tab-aligned table.
func (t *textWriter) table(title, head string, rows []string) {
	t.printf("\n%s\n", title)
	if len(rows) == 0 {
		t.printf("  (none)\n")
		return
	}
	tw := tabwriter.NewWriter(t.w, 0, 0, 2, ' ', 0)
	for _, line := range append([]string{head}, rows...) {
		if t.err == nil {
			_, t.err = fmt.Fprintf(tw, "  %s\n", line)
		}
	}
	if t.err == nil {
		t.err = tw.Flush()
	}
}

const usageHead = "REQUESTS\tERRORS\tPROMPT TOKENS\tCOMPLETION TOKENS\tCACHED TOKENS\tCACHE HITS\tCOST USD"

func usageCells(u Usage) string {
	return strings.Join([]string{formatInt(u.Requests), formatInt(u.Errors), formatInt(u.PromptTokens),
		formatInt(u.CompletionTokens), formatInt(u.CachedTokens), formatInt(u.CacheHits), formatCost(u.CostUSD)}, "\t")
}

// usageTable: names[i] holds the leading cells of row i ("" for none).
func (t *textWriter) usageTable(title, nameHead string, names []string, usage []Usage) {
	head := usageHead
	if nameHead != "" {
		head = nameHead + "\t" + usageHead
	}
	rows := make([]string, len(usage))
	for i, u := range usage {
		rows[i] = usageCells(u)
		if names[i] != "" {
			rows[i] = names[i] + "\t" + rows[i]
		}
	}
	t.table(title, head, rows)
}

func (t *textWriter) namedTable(title, nameHead string, rows []NamedUsage) {
	names := make([]string, len(rows))
	usage := make([]Usage, len(rows))
	for i, r := range rows {
		names[i], usage[i] = orDash(r.Name), r.Usage
	}
	t.usageTable(title, nameHead, names, usage)
}

func (t *textWriter) counts(title, nameHead string, counts []Count) {
	rows := make([]string, len(counts))
	for i, c := range counts {
		rows[i] = orDash(c.Name) + "\t" + formatInt(c.Count)
	}
	t.table(title, nameHead+"\tCOUNT", rows)
}

func (t *textWriter) securityTable(s Security) {
	t.table("SECURITY EVENTS", "EVENT\tCOUNT", []string{
		"blocked requests (sensitive data)\t" + formatInt(s.BlockedRequests),
		"prompt redactions\t" + formatInt(s.PromptRedactions),
		"answer redactions\t" + formatInt(s.ResponseRedactions),
		"upstream keys disabled\t" + formatInt(s.KeyDisables),
		"clients blocked (anomalous rate)\t" + formatInt(s.AnomalyBlocks),
		"requests denied\t" + formatInt(s.Denials),
	})
	keys := make([]string, len(s.DisabledKeys))
	for i, k := range s.DisabledKeys {
		keys[i] = orDash(k.Provider) + "\t" + orDash(k.Key) + "\t" + formatInt(k.Count)
	}
	t.table("DISABLED UPSTREAM KEYS", "PROVIDER\tKEY\tCOUNT", keys)
	clients := make([]string, len(s.AnomalyClients))
	for i, c := range s.AnomalyClients {
		clients[i] = orDash(c.ClientKey) + "\t" + orDash(c.Label) + "\t" + formatInt(c.Count)
	}
	t.table("CLIENTS BLOCKED FOR ANOMALOUS RATE", "CLIENT KEY\tLABEL\tCOUNT", clients)
}

func (t *textWriter) managementTables(m Management) {
	t.counts("MANAGEMENT ACTIONS", "ACTION", m.Actions)
	t.counts("MANAGEMENT ACTIONS BY WHO", "WHO", m.Actors)
	rows := make([]string, len(m.Keys))
	for i, k := range m.Keys {
		rows[i] = orDash(k.ClientKey) + "\t" + formatInt(k.Created) + "\t" + formatInt(k.Updated) + "\t" + formatInt(k.Revoked)
	}
	t.table("MANAGED CLIENT KEYS", "CLIENT KEY\tCREATED\tUPDATED\tREVOKED", rows)
}

func (t *textWriter) topTable(title string, clients []ClientUsage) {
	rows := make([]string, len(clients))
	for i, c := range clients {
		rows[i] = fmt.Sprintf("%d\t%s\t%s\t%s\t%s", i+1, orDash(c.ClientKey), orDash(c.Label),
			formatCost(c.CostUSD), formatInt(c.Requests))
	}
	t.table(title, "RANK\tCLIENT KEY\tLABEL\tCOST USD\tREQUESTS", rows)
}
