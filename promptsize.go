package aibackends

import (
	"math"

	"github.com/sira-ai/caddy-ai-backends/catalog"
	"github.com/sira-ai/caddy-ai-backends/internal/sat"
	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/security"
	"github.com/sira-ai/caddy-ai-backends/tokens"
)

// nearLimitFactor bounds how far the character heuristic
// (providers.EstimatePromptTokens: a quarter of the text's bytes, plus a
// little framing) can undercount: a token is at least one byte, so a real
// count is at most about four times the estimate (spaced digits, "1 2 3",
// come close). A prompt whose estimate is under a quarter of every limit it
// meets cannot cross one whatever its real count, so the estimate decides
// nothing there and is kept.
const nearLimitFactor = 4

// promptSize is the prompt-size figure routing and admission decide on.
// It is the character heuristic, which costs nothing, unless the estimate
// comes near a limit the figure decides, where a wrong estimate would let
// an oversized request through or refuse one that fits: then, when the
// model has a tokenizer of its own among those package tokens embeds (the
// OpenAI families), the real count. Tokenizing costs about 2-3 ms per
// 1,000 tokens, far above the translation budget, so it is kept for the
// requests where the answer depends on it.
//
// The limits are: each candidate's context window less the output asked
// for, the client key's tokens_per_minute (a request needing more is
// refused), and the key's remaining budget at the dearest candidate's input
// price.
func (h *Handler) promptSize(req *providers.ChatRequest, ds []*deployment, key *security.ClientKey) int {
	est := estimatePromptTokens(req)
	bound := h.promptBound(req, ds, key, est)
	if bound <= 0 || sat.Mul(est, nearLimitFactor) < bound {
		return est
	}
	enc, ok := ownEncoding(ds)
	if !ok {
		return est
	}
	n, err := tokens.Chat(enc, req)
	if err != nil {
		return est
	}
	return n
}

// promptBound is the smallest prompt-size limit among those promptSize
// lists, or 0 when none applies.
func (h *Handler) promptBound(req *providers.ChatRequest, ds []*deployment, key *security.ClientKey, est int) int {
	bound := 0
	tighten := func(b int) {
		if b > 0 && (bound == 0 || b < bound) {
			bound = b
		}
	}
	out := req.OutputLimit()
	for _, d := range ds {
		if s := d.spec(); s.ContextWindow > 0 && !s.Embeddings {
			tighten(s.ContextWindow - out)
		}
	}
	if key == nil {
		return bound
	}
	if tpm := key.TokensPerMinute(); tpm > 0 {
		tighten(tpm - out) // the reservation holds the output too
	}
	if budget := key.BudgetUSD(); budget > 0 && (bound == 0 || sat.Mul(est, nearLimitFactor) < bound) {
		// Looked at only when no other limit is near already (Spent takes
		// the key's lock). A spent budget refuses whatever the size.
		perMillion := h.maxPrice(ds, catalog.Tokens{Input: 1_000_000})
		if left := budget - key.Spent(); left > 0 && perMillion > 0 {
			tighten(int(min(left/perMillion*1e6, math.MaxInt32)))
		}
	}
	return bound
}

// ownEncoding is the tokenizer every candidate's upstream model uses, when
// it is the model's own and the same for all of them.
func ownEncoding(ds []*deployment) (tokens.Encoding, bool) {
	var enc tokens.Encoding
	for i, d := range ds {
		e, own := tokens.ForModel(d.upstream)
		if !own || (i > 0 && e != enc) {
			return "", false
		}
		enc = e
	}
	return enc, len(ds) > 0
}
