package vertex

import (
	"context"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// publisherOf says whose model it is: the publisher configured for it,
// else anthropic for claude-* names and google for the rest.
func (v *Vertex) publisherOf(model string) string {
	if p, ok := v.Publishers[model]; ok {
		return p
	}
	if strings.HasPrefix(model, "claude-") {
		return PublisherAnthropic
	}
	return PublisherGoogle
}

// publisher is the provider serving the target's model, and the target
// with the current access token in place of an api key. The model becomes
// a path segment, so it is checked first (no "/", "..", "%", …).
func (v *Vertex) publisher(ctx context.Context, t providers.Target) (providers.Provider, providers.Target, error) {
	if e := providers.CheckPathModel(t.Model, false); e != nil {
		e.Provider = v.Name
		return nil, t, e
	}
	tok, err := v.tokens.token(ctx)
	if err != nil {
		return nil, t, v.Scrub(err)
	}
	t.APIKey = tok
	if v.publisherOf(t.Model) == PublisherAnthropic {
		return v.claude, t, nil
	}
	return v.gemini, t, nil
}

// RelaysOriginal is true for the formats one of the publishers relays:
// Gemini bodies (Gemini models) and Anthropic Messages bodies (Claude
// models). A request carrying fields only its own format can express,
// sent to the other publisher's model, is refused (relayMismatch).
func (v *Vertex) RelaysOriginal(f providers.Format) bool {
	return f == providers.FormatGemini || f == providers.FormatAnthropicMessages
}

// relayMismatch refuses a request with untranslatable fields bound for a
// model whose publisher would have to translate it: the fields would be
// lost otherwise.
func (v *Vertex) relayMismatch(p providers.Provider, req *providers.ChatRequest) error {
	if len(req.Untranslatable) == 0 || providers.CanRelayOriginal(p, req) {
		return nil
	}
	field := req.Untranslatable[0]
	param, _, _ := strings.Cut(field, " (")
	return &providers.Error{Kind: providers.KindInvalidRequest, Provider: v.Name, Param: param, Code: "untranslatable_field",
		Message: field + ": not supported when " + req.Model + " is served by a model of another API format on Vertex AI " +
			"(only a model that speaks the client's API itself can take it; remove it to use this model)"}
}

// chatPublisher is publisher for a chat request that the publisher can
// serve without losing a field (relayMismatch).
func (v *Vertex) chatPublisher(ctx context.Context, t providers.Target, req *providers.ChatRequest) (providers.Provider, providers.Target, error) {
	p, t, err := v.publisher(ctx, t)
	if err == nil {
		err = v.relayMismatch(p, req)
	}
	return p, t, err
}

// Chat makes one non-streamed chat completion.
func (v *Vertex) Chat(ctx context.Context, t providers.Target, req *providers.ChatRequest) (*providers.ChatResponse, error) {
	p, t, err := v.chatPublisher(ctx, t, req)
	if err != nil {
		return nil, err
	}
	return p.Chat(ctx, t, req)
}

// ChatStream opens a streamed chat completion.
func (v *Vertex) ChatStream(ctx context.Context, t providers.Target, req *providers.ChatRequest) (providers.ChatStream, error) {
	p, t, err := v.chatPublisher(ctx, t, req)
	if err != nil {
		return nil, err
	}
	return p.ChatStream(ctx, t, req)
}

// CountTokens asks the model's publisher: Gemini's countTokens, or
// Claude's count-tokens rawPredict.
func (v *Vertex) CountTokens(ctx context.Context, t providers.Target, req *providers.ChatRequest) (int, error) {
	p, t, err := v.publisher(ctx, t)
	if err != nil {
		return 0, err
	}
	return p.(providers.TokenCounter).CountTokens(ctx, t, req)
}

// HealthCheck gets a token and asks the model's publisher something free:
// a token count for a chat model, one short embedding for an embedding
// model.
func (v *Vertex) HealthCheck(ctx context.Context, t providers.Target) error {
	if isEmbeddingModel(t.Model) {
		_, err := v.Embeddings(ctx, t, &providers.EmbeddingRequest{Model: t.Model, Input: providers.EmbeddingInput{Texts: []string{"ping"}}})
		return err
	}
	_, err := v.CountTokens(ctx, t, &providers.ChatRequest{Model: t.Model,
		Messages: []providers.Message{{Role: "user", Content: providers.TextContent("ping")}}})
	return err
}

// isEmbeddingModel tells Vertex's embedding models by name
// (text-embedding-005, text-multilingual-embedding-002,
// gemini-embedding-001).
func isEmbeddingModel(model string) bool { return strings.Contains(model, "embedding") }
