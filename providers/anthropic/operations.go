package anthropic

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Chat sends one non-streaming Messages request.
func (p *Provider) Chat(ctx context.Context, t providers.Target, req *providers.ChatRequest) (*providers.ChatResponse, error) {
	body, err := p.requestBody(t, req, false)
	if err != nil {
		return nil, p.tag(err)
	}
	resp, err := p.postMessages(ctx, t, body, clientBeta(req))
	if err != nil {
		return nil, err
	}
	raw, err := p.Config.ReadAnswer(resp, providers.MaxResponseSize)
	if err != nil {
		return nil, err
	}
	out, err := FromAnthropic(raw, time.Now().Unix())
	if err != nil {
		return nil, p.tag(err)
	}
	if relaying(req) {
		// A /v1/messages client gets Anthropic's own answer, every block
		// (thinking and its signature included) as the upstream sent it.
		out.Original = providers.Original{Format: providers.FormatAnthropicMessages, Body: raw}
	}
	return out, nil
}

// RelaysOriginal is true for Anthropic Messages bodies: requestBody sends
// them on with only the model, max_tokens and stream patched.
func (p *Provider) RelaysOriginal(f providers.Format) bool {
	return f == providers.FormatAnthropicMessages
}

// relaying reports whether the request goes upstream as the client's own
// Messages body, so the answer can go back to that client as is.
func relaying(req *providers.ChatRequest) bool {
	return req.Original.Is(providers.FormatAnthropicMessages)
}

// ChatStream sends one streaming Messages request. A non-2xx answer is
// returned here, before any chunk; the stream reads one event per Next.
func (p *Provider) ChatStream(ctx context.Context, t providers.Target, req *providers.ChatRequest) (providers.ChatStream, error) {
	body, err := p.requestBody(t, req, true)
	if err != nil {
		return nil, p.tag(err)
	}
	resp, events, cancel, err := p.PostEventStream(ctx, func(ctx context.Context) (*http.Response, error) {
		return p.postMessages(ctx, t, body, clientBeta(req))
	})
	if err != nil {
		return nil, err
	}
	return &chatStream{p: p, cancel: cancel, body: resp.Body, sse: events,
		tr: NewStreamTranslator(time.Now().Unix()), relay: relaying(req)}, nil
}

// requestBody is the translated request, or the client's own Anthropic body
// (a /v1/messages request, req.Original) with model, stream and a lowered
// max_tokens set, so cache_control, thinking, documents, server tools and
// fields the gateway does not know reach Anthropic untouched.
func (p *Provider) requestBody(t providers.Target, req *providers.ChatRequest, stream bool) ([]byte, error) {
	if !relaying(req) {
		return ToAnthropic(req, Options{Model: t.Model, DefaultMaxTokens: p.DefaultMaxTokens, Stream: stream, Budgets: p.ReasoningBudgets})
	}
	body := req.Original.Body
	var err error
	if t.Model != "" {
		if body, err = providers.SetTopLevel(body, "model", appendString(nil, t.Model)); err != nil {
			return nil, invalid("", "request body must be a JSON object")
		}
	}
	// The handler may lower max_tokens (a configured cap): keep that.
	if req.MaxTokens != nil {
		limit := []byte(strconv.Itoa(*req.MaxTokens))
		if !bytes.Equal(providers.GetTopLevel(body, "max_tokens"), limit) {
			if body, err = providers.SetTopLevel(body, "max_tokens", limit); err != nil {
				return nil, invalid("", "request body must be a JSON object")
			}
		}
	}
	switch current := string(providers.GetTopLevel(body, "stream")); {
	case stream && current != "true":
		body, err = providers.SetTopLevel(body, "stream", []byte("true"))
	case !stream && current != "" && current != "false":
		body, err = providers.DeleteTopLevel(body, "stream")
	}
	if err != nil {
		return nil, invalid("", "request body must be a JSON object")
	}
	return body, nil
}

// clientBeta is the anthropic-beta values of a client that spoke
// Anthropic's format; other clients' requests carry none.
func clientBeta(req *providers.ChatRequest) []string {
	if req.Original.Format != providers.FormatAnthropicMessages {
		return nil
	}
	return req.Original.Beta
}

// tag names this provider in a classified error and scrubs every
// credential the provider sends from it: each error this provider returns
// passes through here (upstream messages and stream error events included).
func (p *Provider) tag(err error) *providers.Error { return p.Config.Scrub(err) }
