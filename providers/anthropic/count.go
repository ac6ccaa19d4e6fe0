package anthropic

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// countOnlyFields are Messages fields that count_tokens refuses ("Extra
// inputs are not permitted"): they shape the answer, not the input.
var countOnlyFields = []string{"max_tokens", "stream", "temperature", "top_p", "top_k",
	"stop_sequences", "metadata", "service_tier"}

// CountTokens asks Anthropic's POST /v1/messages/count_tokens. The body is
// the client's own Messages body when it spoke Anthropic (so images,
// documents, cache_control and thinking count as Anthropic counts them),
// else the translated request; either way with the model set and the
// fields count_tokens refuses removed.
func (p *Provider) CountTokens(ctx context.Context, t providers.Target, req *providers.ChatRequest) (int, error) {
	body, err := p.requestBody(t, req, false)
	if err != nil {
		return 0, p.tag(err)
	}
	for _, k := range countOnlyFields {
		if providers.GetTopLevel(body, k) == nil {
			continue
		}
		if body, err = providers.DeleteTopLevel(body, k); err != nil {
			return 0, p.tag(invalid("", "request body must be a JSON object"))
		}
	}
	resp, err := p.post(ctx, p.countTokensURL(), t, body, clientBeta(req))
	if err != nil {
		return 0, err
	}
	raw, err := p.Config.ReadAnswer(resp, 1<<20)
	if err != nil {
		return 0, err
	}
	var out struct {
		InputTokens *int `json:"input_tokens"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.InputTokens == nil || *out.InputTokens < 0 {
		return 0, p.tag(&providers.Error{Kind: providers.KindUpstream, Message: "upstream count_tokens answer has no input_tokens", Err: err})
	}
	return *out.InputTokens, nil
}

// countTokensURL is the count_tokens endpoint beside the Messages endpoint.
func (p *Provider) countTokensURL() string {
	return strings.TrimSuffix(p.messagesURL(), "/messages") + "/messages/count_tokens"
}

var _ providers.TokenCounter = (*Provider)(nil)
