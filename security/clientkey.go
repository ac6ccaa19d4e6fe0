package security

import (
	"crypto/sha256"
	"fmt"
	"sync"
	"time"
)

// ClientKey is one configured API key with its limits and live usage state.
// It holds the SHA-256 of the secret, never the secret. All methods are safe
// for concurrent use.
type ClientKey struct {
	label       string
	fingerprint string
	hash        [sha256.Size]byte
	models      modelMatcher
	mcpTools    modelMatcher
	maxTokens   int
	budgetUSD   float64
	now         func() time.Time

	// mu guards the live state below; one short critical section per request.
	mu        sync.Mutex
	requests  tokenBucket
	tokens    tokenBucket
	toolCalls tokenBucket // MCP tool calls; separate from model requests
	budget    budgetWindow
	// reservedUSD is the cost estimate held by the inFlight requests that
	// Reserve admitted against the budget and Release has not settled.
	reservedUSD float64
	inFlight    int
}

// newClientKey builds a key from a validated config. The caller passes the
// digest it already computed so the secret is hashed only once.
func newClientKey(cfg ClientKeyConfig, hash [sha256.Size]byte, now func() time.Time) (*ClientKey, error) {
	models, err := newModelMatcher(cfg.AllowedModels)
	if err != nil {
		return nil, err
	}
	mcpTools, err := newModelMatcher(cfg.AllowedMCPTools)
	if err != nil {
		return nil, fmt.Errorf("mcp_tools: %w", err)
	}
	start := now()
	k := &ClientKey{
		mcpTools:    mcpTools,
		toolCalls:   newTokenBucket(cfg.MCPCallsPerMinute, start),
		label:       cfg.Label,
		fingerprint: fingerprintOf(hash),
		hash:        hash,
		models:      models,
		maxTokens:   cfg.MaxTokens,
		budgetUSD:   cfg.BudgetUSD,
		now:         now,
		requests:    newTokenBucket(cfg.RequestsPerMinute, start),
		tokens:      newTokenBucket(cfg.TokensPerMinute, start),
		budget:      newBudgetWindow(cfg.BudgetPeriod, start),
	}
	if k.label == "" {
		k.label = k.fingerprint
	}
	return k, nil
}

// Label is the operator-chosen name of the key, for logs and metrics.
func (k *ClientKey) Label() string { return k.label }

// Fingerprint identifies the key in logs and audit records without revealing
// it; see the package-level Fingerprint.
func (k *ClientKey) Fingerprint() string { return k.fingerprint }

// MaxTokens is the ceiling for a request's max_tokens; 0 means none.
func (k *ClientKey) MaxTokens() int { return k.maxTokens }

// ModelAllowed reports whether this key may use model, a public model name
// or alias (or, for an unresolved name, the string as asked).
func (k *ClientKey) ModelAllowed(model string) bool { return k.models.allows(model) }

// AddressAllowed reports whether this key may address one provider directly
// with addr ("provider/model"): only an allow-list entry naming that
// provider admits it (see modelMatcher.allowsAddress).
func (k *ClientKey) AddressAllowed(addr string) bool { return k.models.allowsAddress(addr) }

// TokensPerMinute is the key's token rate limit, 0 when unlimited: no
// request may need more (see Admit).
func (k *ClientKey) TokensPerMinute() int {
	return int(k.tokens.perMinute) // set from an int: it fits
}

// BudgetUSD is the key's budget per period, 0 when it has none.
func (k *ClientKey) BudgetUSD() float64 { return k.budgetUSD }
