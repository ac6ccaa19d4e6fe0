package governance

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sira-ai/caddy-ai-backends/security"
)

// Limits are what a key and a team both carry. Zero means "no limit".
type Limits struct {
	Models            []string `json:"models"`
	RequestsPerMinute int      `json:"requests_per_minute"`
	TokensPerMinute   int      `json:"tokens_per_minute"`
	BudgetUSD         float64  `json:"budget_usd"`
	// BudgetPeriod is a Go duration string ("720h"); empty: never resets.
	BudgetPeriod string `json:"budget_period"`
	MaxTokens    int    `json:"max_tokens"`
}

// Period is BudgetPeriod parsed; validate has accepted it.
func (l Limits) Period() time.Duration {
	d, _ := time.ParseDuration(l.BudgetPeriod)
	return d
}

// config is the security form of the limits.
func (l Limits) config(label string) security.ClientKeyConfig {
	return security.ClientKeyConfig{
		Label: label, AllowedModels: l.Models,
		RequestsPerMinute: l.RequestsPerMinute, TokensPerMinute: l.TokensPerMinute,
		BudgetUSD: l.BudgetUSD, BudgetPeriod: l.Period(), MaxTokens: l.MaxTokens,
	}
}

func (l Limits) validate() error {
	if l.BudgetPeriod != "" {
		d, err := time.ParseDuration(l.BudgetPeriod)
		if err != nil {
			return fieldError("budget_period", "%q is not a duration such as \"720h\"", l.BudgetPeriod)
		}
		if d < 0 {
			return fieldError("budget_period", "must not be negative")
		}
	}
	if err := security.ValidateLimits(l.config("")); err != nil {
		return fieldError(limitField(err.Error()), "%v", err)
	}
	return nil
}

// limitField names the input field a security validation message is about.
func limitField(msg string) string {
	for _, f := range []string{"requests_per_minute", "tokens_per_minute", "max_tokens"} {
		if strings.HasPrefix(msg, f) {
			return f
		}
	}
	switch {
	case strings.HasPrefix(msg, "budget period"):
		return "budget_period"
	case strings.HasPrefix(msg, "budget"):
		return "budget_usd"
	}
	return "models"
}

// Key is a managed client key as stored and as the API shows it. The
// secret is never part of it: only its digest, which is not shown.
type Key struct {
	ID          string            `json:"id"`
	Fingerprint string            `json:"fingerprint"`
	Hash        string            `json:"hash,omitempty"` // hex SHA-256 of the secret; storage only
	Label       string            `json:"label"`
	Owner       string            `json:"owner"`
	Metadata    map[string]string `json:"metadata"`
	Team        string            `json:"team"`
	Limits
	ExpiresAt  *time.Time `json:"expires_at"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	SpendUSD   float64    `json:"spend_usd"`
	// Rev changes with every update, so instances rebuild only what changed.
	Rev uint64 `json:"rev"`
}

// Team groups keys under shared limits and a shared budget.
type Team struct {
	Name string `json:"name"`
	Limits
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	SpendUSD  float64   `json:"spend_usd"`
	Rev       uint64    `json:"rev"`
}

// KeyInput is the body of a create or update: on update, only the fields
// present change (nil pointers are left alone).
type KeyInput struct {
	Label    *string            `json:"label"`
	Owner    *string            `json:"owner"`
	Metadata *map[string]string `json:"metadata"`
	Team     *string            `json:"team"`
	LimitsInput
	// ExpiresAt is RFC 3339; "" clears it.
	ExpiresAt *string `json:"expires_at"`
}

// TeamInput is the body of a team create or update.
type TeamInput struct {
	Name *string `json:"name"`
	LimitsInput
}

// LimitsInput is the Limits part of a key's or a team's body, its fields
// at the body's top level.
type LimitsInput struct {
	Models            *[]string `json:"models"`
	RequestsPerMinute *int      `json:"requests_per_minute"`
	TokensPerMinute   *int      `json:"tokens_per_minute"`
	BudgetUSD         *float64  `json:"budget_usd"`
	BudgetPeriod      *string   `json:"budget_period"`
	MaxTokens         *int      `json:"max_tokens"`
}

// Bounds on free text, so a record stays small and printable.
const (
	maxText         = 200
	maxMetadata     = 32
	maxModelEntries = 256
)

// apply changes the limits the input names; validation comes after.
func (in *LimitsInput) apply(l *Limits) {
	if in.Models != nil {
		l.Models = append([]string{}, (*in.Models)...)
	}
	if in.RequestsPerMinute != nil {
		l.RequestsPerMinute = *in.RequestsPerMinute
	}
	if in.TokensPerMinute != nil {
		l.TokensPerMinute = *in.TokensPerMinute
	}
	if in.BudgetUSD != nil {
		l.BudgetUSD = *in.BudgetUSD
	}
	if in.BudgetPeriod != nil {
		l.BudgetPeriod = *in.BudgetPeriod
	}
	if in.MaxTokens != nil {
		l.MaxTokens = *in.MaxTokens
	}
}

// applyKey changes k by in and validates the result.
func (in *KeyInput) apply(k *Key) error {
	set := func(dst *string, src *string, field string) error {
		if src == nil {
			return nil
		}
		if err := checkText(field, *src); err != nil {
			return err
		}
		*dst = *src
		return nil
	}
	if err := set(&k.Label, in.Label, "label"); err != nil {
		return err
	}
	if err := set(&k.Owner, in.Owner, "owner"); err != nil {
		return err
	}
	if err := set(&k.Team, in.Team, "team"); err != nil {
		return err
	}
	if in.Metadata != nil {
		if len(*in.Metadata) > maxMetadata {
			return fieldError("metadata", "at most %d entries", maxMetadata)
		}
		md := make(map[string]string, len(*in.Metadata))
		for name, v := range *in.Metadata {
			if err := checkText("metadata", name); err != nil {
				return err
			}
			if err := checkText("metadata."+name, v); err != nil {
				return err
			}
			md[name] = v
		}
		k.Metadata = md
	}
	in.LimitsInput.apply(&k.Limits)
	if in.ExpiresAt != nil {
		if *in.ExpiresAt == "" {
			k.ExpiresAt = nil
		} else {
			t, err := time.Parse(time.RFC3339, *in.ExpiresAt)
			if err != nil {
				return fieldError("expires_at", "%q is not an RFC 3339 time such as 2030-01-02T15:04:05Z", *in.ExpiresAt)
			}
			t = t.UTC()
			k.ExpiresAt = &t
		}
	}
	if len(k.Models) > maxModelEntries {
		return fieldError("models", "at most %d entries", maxModelEntries)
	}
	return k.Limits.validate()
}

// checkText refuses text that is too long or would be unsafe to print.
func checkText(field, s string) error {
	if len(s) > maxText {
		return fieldError(field, "longer than %d bytes", maxText)
	}
	if !utf8.ValidString(s) {
		return fieldError(field, "not valid UTF-8")
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return fieldError(field, "contains a control character")
		}
	}
	return nil
}

// validTeamName: team names appear in URLs and storage keys.
func validTeamName(name string) error {
	if name == "" || len(name) > 64 {
		return fieldError("name", "must be 1 to 64 characters")
	}
	for _, c := range name {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '-' && c != '_' && c != '.' {
			return fieldError("name", "%q: use letters, digits, '-', '_' and '.'", name)
		}
	}
	return nil
}

// FieldError is bad input, naming the field.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

func fieldError(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}
