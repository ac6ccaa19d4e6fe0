package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Log names the handler writes (see record.go, security.go, upstreamkeys.go
// and clientkeys.go in the handler package).
const (
	handlerLogger     = "http.handlers.ai_backends"
	auditMessage      = "request"
	managementMessage = "management action" // governance.AuditMessage

	msgSensitivePrompt = "sensitive data in a prompt"
	msgSecretInAnswer  = "secret redacted from a model answer"
	msgKeyDisabled     = "upstream key disabled after an authentication failure"
	msgAnomalyBlocked  = "client blocked for anomalous request rate"
)

// entry holds the fields of an audit entry or security event we use.
type entry struct {
	TS               json.RawMessage `json:"ts"`
	Logger           string          `json:"logger"`
	Msg              string          `json:"msg"`
	ClientKey        string          `json:"client_key"`
	ClientLabel      string          `json:"client_label"`
	Label            string          `json:"label"` // anomaly event
	Model            string          `json:"model"`
	Provider         string          `json:"provider"`
	Deployment       string          `json:"deployment"`
	Key              string          `json:"key"` // key-disabled event
	Status           int             `json:"status"`
	ErrorType        string          `json:"error_type"`
	PromptTokens     int64           `json:"prompt_tokens"`
	CompletionTokens int64           `json:"completion_tokens"`
	CachedTokens     int64           `json:"cached_tokens"`
	CostUSD          float64         `json:"cost_usd"`
	Cache            string          `json:"cache"`
	Degraded         string          `json:"degraded"`
	Action           string          `json:"action"`
	Who              string          `json:"who"`  // management action
	Team             string          `json:"team"` // management action
}

// header is decoded alone when a line fails to decode as an entry: a line
// from another logger may use our field names with other types, and is
// then "other", not malformed.
type header struct {
	Logger string `json:"logger"`
	Msg    string `json:"msg"`
}

type lineKind int

const (
	kindOther lineKind = iota
	kindAudit
	kindSecurity
	kindManagement
)

func classify(logger, msg string) lineKind {
	if !strings.HasPrefix(logger, handlerLogger) {
		return kindOther
	}
	if strings.HasSuffix(logger, ".audit") {
		switch msg {
		case auditMessage:
			return kindAudit
		case managementMessage:
			return kindManagement
		}
		return kindOther
	}
	switch msg {
	case msgSensitivePrompt, msgSecretInAnswer, msgKeyDisabled, msgAnomalyBlocked:
		return kindSecurity
	}
	return kindOther
}

var errBadEntry = errors.New("malformed entry")

// decode parses one line into e (reset first) and classifies it.
func decode(line []byte, e *entry) (lineKind, error) {
	*e = entry{}
	if err := json.Unmarshal(line, e); err != nil {
		var h header
		if json.Unmarshal(line, &h) == nil && classify(h.Logger, h.Msg) == kindOther {
			return kindOther, nil
		}
		return kindOther, errBadEntry
	}
	k := classify(e.Logger, e.Msg)
	if k != kindOther && (e.PromptTokens < 0 || e.CompletionTokens < 0 || e.CachedTokens < 0 ||
		e.CostUSD < 0 || math.IsInf(e.CostUSD, 0) || math.IsNaN(e.CostUSD)) {
		return k, errBadEntry
	}
	return k, nil
}

// Timestamps outside these years are corrupt; the bound also keeps the
// set of covered days small.
var (
	minTS = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTS = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// stringTSLayouts are the textual time formats Caddy's encoder offers
// (time_format rfc3339, rfc3339_nano, iso8601, wall*, common_log).
var stringTSLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.000Z0700",
	"2006/01/02 15:04:05.000000000",
	"2006/01/02 15:04:05.000",
	"2006/01/02 15:04:05",
	"02/Jan/2006:15:04:05 -0700",
}

// parseTS reads "ts": a number (unix seconds by default; milli-, micro-
// or nanoseconds told apart by size, for the unix_*_float and unix_nano
// time formats) or a string in one of stringTSLayouts.
func parseTS(raw json.RawMessage) (time.Time, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return time.Time{}, false
	}
	var t time.Time
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return time.Time{}, false
		}
		ok := false
		for _, layout := range stringTSLayouts {
			if parsed, err := time.Parse(layout, s); err == nil {
				t, ok = parsed, true
				break
			}
		}
		if !ok {
			return time.Time{}, false
		}
	} else {
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil || math.IsNaN(f) || f < 0 || f > 1e20 {
			return time.Time{}, false
		}
		switch {
		case f < 1e11:
			f *= 1e9
		case f < 1e14:
			f *= 1e6
		case f < 1e17:
			f *= 1e3
		}
		sec, frac := math.Modf(f / 1e9)
		t = time.Unix(int64(sec), int64(frac*1e9))
	}
	t = t.UTC()
	if t.Before(minTS) || !t.Before(maxTS) {
		return time.Time{}, false
	}
	return t, true
}

// maxNameLen bounds a name kept in a table: models are client input.
const maxNameLen = 200

// clean makes a logged string safe to keep and print: valid UTF-8, no
// control characters (a model name is client input and could carry
// terminal escapes), at most maxNameLen bytes.
func clean(s string) string {
	needs := len(s) > maxNameLen || !utf8.ValidString(s)
	if !needs {
		for _, r := range s {
			if !unicode.IsPrint(r) {
				needs = true
				break
			}
		}
	}
	if !needs {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "?") {
		if !unicode.IsPrint(r) {
			r = '?'
		}
		if b.Len()+utf8.RuneLen(r) > maxNameLen {
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}
