package security

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// ClientKeyConfig describes one API key that callers may present to the
// gateway, and the limits that apply to it. Zero values mean "no limit".
type ClientKeyConfig struct {
	// Label names the key in logs and metrics; it defaults to the key's
	// fingerprint. It is never shown to the caller.
	Label string
	// Key is the secret itself, already resolved from any placeholder.
	Key string
	// AllowedModels lists the models this key may use; empty allows all.
	// An entry ending in "*" matches every model starting with the text
	// before it ("gpt-4o*", or "*" for everything).
	AllowedModels []string
	// RequestsPerMinute caps the request rate; 0 = unlimited.
	RequestsPerMinute int
	// TokensPerMinute caps the token rate (prompt + completion); 0 = unlimited.
	TokensPerMinute int
	// BudgetUSD caps spending per BudgetPeriod; 0 = unlimited.
	BudgetUSD float64
	// BudgetPeriod is the budget window (24h, 720h, ...). Windows are aligned
	// to multiples of the period since the zero time, so 24h resets at UTC
	// midnight and 168h on Monday 00:00 UTC. 0 = the budget never resets.
	BudgetPeriod time.Duration
	// MaxTokens is the ceiling for a request's max_tokens; 0 = none.
	MaxTokens int
	// AllowedMCPTools lists the MCP gateway names ("server__tool", also
	// used for prompts and resources) this key may see and call, with the
	// same "*" rules as AllowedModels; empty allows all.
	AllowedMCPTools []string
	// MCPCallsPerMinute caps the key's MCP tool calls; 0 = unlimited.
	MCPCallsPerMinute int
}

// maxPerMinute bounds RPM and TPM so that the token buckets' fixed-point
// arithmetic can never overflow; no real deployment needs more per key.
const maxPerMinute = 1_000_000_000

// validate reports the first configuration mistake. Messages never contain
// the secret, since they end up in startup logs.
func (c ClientKeyConfig) validate() error {
	switch {
	case c.Key == "":
		return errors.New("key is empty")
	case strings.TrimSpace(c.Key) != c.Key:
		// KeyFromRequest trims what clients send, so such a key could never match.
		return errors.New("key has leading or trailing whitespace")
	case c.RequestsPerMinute < 0 || c.RequestsPerMinute > maxPerMinute:
		return fmt.Errorf("requests_per_minute %d is out of range [0, %d]", c.RequestsPerMinute, maxPerMinute)
	case c.TokensPerMinute < 0 || c.TokensPerMinute > maxPerMinute:
		return fmt.Errorf("tokens_per_minute %d is out of range [0, %d]", c.TokensPerMinute, maxPerMinute)
	case c.MCPCallsPerMinute < 0 || c.MCPCallsPerMinute > maxPerMinute:
		return fmt.Errorf("mcp_calls_per_minute %d is out of range [0, %d]", c.MCPCallsPerMinute, maxPerMinute)
	case c.BudgetUSD < 0 || math.IsNaN(c.BudgetUSD) || math.IsInf(c.BudgetUSD, 0):
		return fmt.Errorf("budget %v must be a finite amount >= 0", c.BudgetUSD)
	case c.BudgetPeriod < 0:
		return fmt.Errorf("budget period %v must not be negative", c.BudgetPeriod)
	case c.MaxTokens < 0:
		return fmt.Errorf("max_tokens %d must not be negative", c.MaxTokens)
	}
	return nil
}
