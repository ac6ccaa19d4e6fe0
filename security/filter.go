package security

import (
	"fmt"
	"strings"
)

// Detector names a kind of sensitive data the Filter can find.
type Detector string

// The detectors. Their order of precedence when findings overlap is
// secret > card > email > phone: the merged finding takes the strongest name.
const (
	DetectEmail  Detector = "email"
	DetectPhone  Detector = "phone"
	DetectCard   Detector = "card"
	DetectSecret Detector = "secret"
)

// Action is what the gateway does with a prompt that contains findings.
type Action string

const (
	// ActionRedact replaces each finding with "[REDACTED:<detector>]" and
	// forwards the request.
	ActionRedact Action = "redact"
	// ActionBlock refuses the request; the caller uses Scan.
	ActionBlock Action = "block"
)

// FilterConfig configures a Filter.
type FilterConfig struct {
	Detectors       []Detector // empty = all
	Action          Action     // empty = ActionRedact
	RedactResponses bool       // also redact credentials in model outputs
}

// Finding locates one piece of sensitive data as a half-open byte range
// [Start, End) of the scanned text. It never holds the value itself, so
// findings are safe to log.
type Finding struct {
	Detector Detector
	Start    int
	End      int
}

// Filter finds and redacts sensitive data. It is immutable and safe for
// concurrent use.
type Filter struct {
	enabled         detectorSet
	action          Action
	redactResponses bool
}

// NewFilter validates cfg and builds a Filter.
func NewFilter(cfg FilterConfig) (*Filter, error) {
	f := &Filter{action: cfg.Action, redactResponses: cfg.RedactResponses}
	if f.action == "" {
		f.action = ActionRedact
	}
	if f.action != ActionRedact && f.action != ActionBlock {
		return nil, fmt.Errorf("unknown sensitive-data action %q (want %q or %q)", cfg.Action, ActionRedact, ActionBlock)
	}
	if len(cfg.Detectors) == 0 {
		f.enabled = allDetectors
	}
	for _, d := range cfg.Detectors {
		bit, ok := detectorBits[d]
		if !ok {
			return nil, fmt.Errorf("unknown sensitive-data detector %q (want email, phone, card or secret)", d)
		}
		f.enabled |= bit
	}
	return f, nil
}

// Action is what to do with a prompt that has findings.
func (f *Filter) Action() Action { return f.action }

// RedactsResponses reports whether model outputs should go through
// RedactSecrets.
func (f *Filter) RedactsResponses() bool { return f.redactResponses }

// Scan finds the enabled kinds of sensitive data in text. Findings are sorted
// and never overlap (overlapping matches are merged). A text without
// findings costs no allocation.
func (f *Filter) Scan(text string) []Finding { return scan(text, f.enabled) }

// Redact replaces every finding with "[REDACTED:<detector>]" and returns the
// new text with the findings (offsets into the original text). Redacting
// never creates a new finding: rescanning the result finds nothing.
func (f *Filter) Redact(text string) (string, []Finding) {
	findings := f.Scan(text)
	return redact(text, findings), findings
}

// RedactSecrets redacts credentials only (whatever detectors are enabled)
// and returns the new text and how many were redacted. It is meant for model
// outputs, where e-mail addresses and phone numbers are usually legitimate
// but a leaked key is not.
func (f *Filter) RedactSecrets(text string) (string, int) {
	findings := scan(text, secretOnly)
	return redact(text, findings), len(findings)
}

// redact builds the redacted text in one allocation.
func redact(text string, findings []Finding) string {
	if len(findings) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + len(findings)*len("[REDACTED:secret]"))
	last := 0
	for _, f := range findings {
		b.WriteString(text[last:f.Start])
		b.WriteString("[REDACTED:")
		b.WriteString(string(f.Detector))
		b.WriteByte(']')
		last = f.End
	}
	b.WriteString(text[last:])
	return b.String()
}
