package bedrock

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/providers/anthropic"
)

// maxResponseSize bounds a non-streamed answer.
const maxResponseSize = 32 << 20

// eventStreamType is the Accept of the streaming operations.
const eventStreamType = "application/vnd.amazon.eventstream"

// Chat makes one non-streamed completion: Converse, or InvokeModel with
// the client's own Anthropic body (see RelaysOriginal).
func (b *Bedrock) Chat(ctx context.Context, t providers.Target, req *providers.ChatRequest) (*providers.ChatResponse, error) {
	relay := b.relaying(t, req)
	body, op, err := b.requestBody(t, req, relay, false)
	if err != nil {
		return nil, b.Scrub(err)
	}
	a := b.newAttempt(ctx)
	defer a.end()
	resp, err := b.post(a.ctx, t.Model, op, body, "application/json")
	if err != nil {
		return nil, b.attemptError(a, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseSize+1))
	if err != nil {
		return nil, b.attemptError(a, err)
	}
	if len(raw) > maxResponseSize {
		return nil, b.Scrub(providers.Errorf(providers.KindUpstream, "upstream response larger than %d bytes", maxResponseSize))
	}
	now := time.Now().Unix()
	if relay {
		out, err := anthropic.FromAnthropic(raw, now)
		if err != nil {
			return nil, b.Scrub(err)
		}
		// The /v1/messages client gets Anthropic's own answer, every block.
		out.Original = providers.Original{Format: providers.FormatAnthropicMessages, Body: raw}
		return out, nil
	}
	out, err := fromConverse(raw, requestID(resp.Header), t.Model, now)
	if err != nil {
		return nil, b.Scrub(err)
	}
	return out, nil
}

// ChatStream opens a streamed completion: ConverseStream, or
// InvokeModelWithResponseStream for a relayed Anthropic body. A non-2xx
// answer is returned here, before any chunk.
func (b *Bedrock) ChatStream(ctx context.Context, t providers.Target, req *providers.ChatRequest) (providers.ChatStream, error) {
	relay := b.relaying(t, req)
	body, op, err := b.requestBody(t, req, relay, true)
	if err != nil {
		return nil, b.Scrub(err)
	}
	a := b.newAttempt(ctx)
	resp, err := b.post(a.ctx, t.Model, op, body, eventStreamType)
	if err != nil {
		a.end()
		return nil, b.attemptError(a, err)
	}
	a.pause() // from here the timeout applies between frames
	s := &chatStream{b: b, a: a, body: resp.Body, frames: newFrameReader(resp.Body)}
	now := time.Now().Unix()
	if relay {
		s.claude = anthropic.NewStreamTranslator(now)
	} else {
		s.converse = newStreamTranslator(requestID(resp.Header), t.Model, now)
	}
	return s, nil
}

// RelaysOriginal is true for Anthropic Messages bodies: sent to a Claude
// model they go through InvokeModel as the client wrote them.
func (b *Bedrock) RelaysOriginal(f providers.Format) bool {
	return f == providers.FormatAnthropicMessages
}

// relaying reports whether req goes upstream as the client's own Messages
// body: an Anthropic client asking a Claude model. Other models only speak
// Converse, so such a request is translated.
func (b *Bedrock) relaying(t providers.Target, req *providers.ChatRequest) bool {
	return req.Original.Is(providers.FormatAnthropicMessages) && isClaude(t.Model)
}

// requestBody builds the upstream body and names the operation.
func (b *Bedrock) requestBody(t providers.Target, req *providers.ChatRequest, relay, stream bool) ([]byte, string, error) {
	if !relay && len(req.Untranslatable) > 0 {
		// RelaysOriginal cannot see the model: the gateway sends such a
		// request here for any, but only Claude takes the body as is.
		return nil, "", untranslatable(t.Model, req.Untranslatable)
	}
	if relay {
		body, err := invokeBody(req)
		if stream {
			return body, opInvokeStream, err
		}
		return body, opInvoke, err
	}
	body, err := toConverse(req, converseOptions{Model: t.Model, Budgets: b.ReasoningBudgets, DefaultMaxTokens: b.DefaultMaxTokens})
	if stream {
		return body, opConverseStream, err
	}
	return body, opConverse, err
}

// bedrockAnthropicVersion is the anthropic_version InvokeModel requires in
// a Claude body (the model is in the URL, not the body).
const bedrockAnthropicVersion = `"bedrock-2023-05-31"`

// invokeBody is the client's Messages body with the least change Bedrock
// needs: no model and no stream (both are in the URL), anthropic_version
// added, the client's anthropic-beta flags as anthropic_beta, and a
// max_tokens the handler lowered kept.
func invokeBody(req *providers.ChatRequest) ([]byte, error) {
	body := req.Original.Body
	var err error
	for _, key := range [...]string{"model", "stream"} {
		if providers.GetTopLevel(body, key) != nil {
			if body, err = providers.DeleteTopLevel(body, key); err != nil {
				return nil, invalid("", "request body must be a JSON object")
			}
		}
	}
	if providers.GetTopLevel(body, "anthropic_version") == nil {
		if body, err = providers.SetTopLevel(body, "anthropic_version", []byte(bedrockAnthropicVersion)); err != nil {
			return nil, invalid("", "request body must be a JSON object")
		}
	}
	if req.MaxTokens != nil {
		limit := []byte(strconv.Itoa(*req.MaxTokens))
		if string(providers.GetTopLevel(body, "max_tokens")) != string(limit) {
			if body, err = providers.SetTopLevel(body, "max_tokens", limit); err != nil {
				return nil, invalid("", "request body must be a JSON object")
			}
		}
	}
	if len(req.Original.Beta) > 0 && providers.GetTopLevel(body, "anthropic_beta") == nil {
		beta, _ := json.Marshal(req.Original.Beta)
		if body, err = providers.SetTopLevel(body, "anthropic_beta", beta); err != nil {
			return nil, invalid("", "request body must be a JSON object")
		}
	}
	return body, nil
}

// requestID is Bedrock's request id, the completion id's suffix.
func requestID(h http.Header) string {
	if id := h.Get("X-Amzn-Requestid"); id != "" {
		return id
	}
	return strconv.FormatInt(time.Now().UnixNano(), 36)
}

// attemptError classifies a failure of the attempt: this provider's own
// timeout is KindTimeout, the caller's cancellation stays its own.
func (b *Bedrock) attemptError(a *attempt, err error) error {
	switch {
	case a.timedOut():
		return b.Scrub(&providers.Error{Kind: providers.KindTimeout, Message: "upstream did not answer within " + a.timeout.String(), Err: err})
	case a.parent.Err() != nil:
		return b.Scrub(providers.Classify(a.parent.Err()))
	}
	return b.Scrub(err)
}

// untranslatable refuses a request with fields only a same-format upstream
// honours, sent to a model that takes Converse only. Unsupported, not
// invalid: another deployment of the model may relay it.
func untranslatable(model string, fields []string) *providers.Error {
	field := fields[0]
	param := field
	if i := strings.Index(field, " ("); i > 0 {
		param = field[:i]
	}
	return &providers.Error{Kind: providers.KindUnsupported, Code: "untranslatable_field", Param: param,
		Message: field + ": not supported by " + model + " on provider type bedrock (only Claude models take an Anthropic body as is)"}
}
