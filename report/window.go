package report

import (
	"fmt"
	"strings"
	"time"
)

// ParseSince reads the start of a report window: RFC 3339, or a date
// (2006-01-02, UTC midnight). "" is an open start.
func ParseSince(s string) (time.Time, error) {
	t, _, err := parseBound(s)
	return t, err
}

// ParseUntil reads the exclusive end of a report window. A date alone
// includes that whole day (the bound is the next UTC midnight), which is
// what "--until 2025-01-31" means to a reader. "" is an open end.
func ParseUntil(s string) (time.Time, error) {
	t, dateOnly, err := parseBound(s)
	if dateOnly {
		t = t.AddDate(0, 0, 1)
	}
	return t, err
}

func parseBound(s string) (time.Time, bool, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), false, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true, nil
	}
	return time.Time{}, false, fmt.Errorf("time %q: want RFC 3339 (2006-01-02T15:04:05Z) or a date (2006-01-02)", s)
}

// inWindow reports whether t falls in [since, until).
func inWindow(t time.Time, o Options) bool {
	if !o.Since.IsZero() && t.Before(o.Since) {
		return false
	}
	if !o.Until.IsZero() && !t.Before(o.Until) {
		return false
	}
	return true
}
