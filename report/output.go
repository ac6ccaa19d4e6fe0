package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Formats are the output formats Write knows, the default first.
var Formats = []string{"text", "json", "csv"}

// Write renders r in the named format ("text", "json" or "csv").
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case "", "text":
		return r.WriteText(w)
	case "json":
		return r.WriteJSON(w)
	case "csv":
		return r.WriteCSV(w)
	}
	return fmt.Errorf("unknown report format %q (want text, json or csv)", format)
}

// WriteJSON writes r as one indented JSON document (see Report for the
// field names).
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// formatCost prints dollars with the precision costs are kept at.
func formatCost(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }

func formatInt(n int64) string { return strconv.FormatInt(n, 10) }

// formatTime prints a bound or coverage time; zero is "".
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
