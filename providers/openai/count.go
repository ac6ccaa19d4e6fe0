package openai

import (
	"context"
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/dialects/responses"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// CountTokens asks {base_url}/responses/input_tokens, which OpenAI (and an
// openai_compatible server with responses_api) answers with the exact input
// count. The body is the client's Responses body when it spoke Responses,
// else a Responses body built from the chat request. A server without the
// Responses API has no counting endpoint: KindUnsupported, and the caller
// counts locally.
func (p *Provider) CountTokens(ctx context.Context, t providers.Target, req *providers.ChatRequest) (int, error) {
	if !p.ServesResponses() {
		return 0, providers.Unsupported(p.Name, "openai_compatible", "token counting")
	}
	var body []byte
	var err error
	if req.Original.Is(providers.FormatOpenAIResponses) {
		body, err = patchModel(req.Original.Body, t.Model)
		for _, k := range []string{"stream", "store", "max_output_tokens", "background"} {
			if err == nil && providers.GetTopLevel(body, k) != nil {
				body, err = providers.DeleteTopLevel(body, k)
			}
		}
	} else {
		body, err = countBody(t.Model, req)
	}
	if err != nil {
		return 0, p.requestError(err)
	}
	var out struct {
		InputTokens *int `json:"input_tokens"`
	}
	if _, err := p.call(ctx, t, "/responses/input_tokens", body, &out); err != nil {
		return 0, err
	}
	if out.InputTokens == nil || *out.InputTokens < 0 {
		return 0, &providers.Error{Kind: providers.KindUpstream, Provider: p.Name, Message: "upstream input_tokens answer has no input_tokens"}
	}
	return *out.InputTokens, nil
}

// countBody renders a chat request as a Responses input_tokens body: the
// messages as input items and the function tools.
func countBody(model string, req *providers.ChatRequest) ([]byte, error) {
	type tool struct {
		Type        string          `json:"type"`
		Name        string          `json:"name"`
		Description string          `json:"description,omitempty"`
		Parameters  json.RawMessage `json:"parameters,omitempty"`
	}
	tools := make([]tool, 0, len(req.Tools))
	for _, t := range req.Tools {
		tools = append(tools, tool{"function", t.Function.Name, t.Function.Description, t.Function.Parameters})
	}
	return json.Marshal(struct {
		Model string            `json:"model"`
		Input []json.RawMessage `json:"input"`
		Tools []tool            `json:"tools,omitempty"`
	}{model, responses.HistoryItems(req.Messages), tools})
}

var (
	_ providers.TokenCounter = (*OpenAI)(nil)
	_ providers.TokenCounter = (*Compatible)(nil)
)
