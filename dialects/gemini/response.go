package gemini

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/internal/sat"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// The GenerateContentResponse the gateway writes. Reference:
// https://ai.google.dev/api/generate-content#generatecontentresponse
type outResponse struct {
	Candidates    []outCandidate `json:"candidates"`
	UsageMetadata *outUsage      `json:"usageMetadata,omitempty"`
	ModelVersion  string         `json:"modelVersion,omitempty"`
	ResponseID    string         `json:"responseId,omitempty"`
}

type outCandidate struct {
	Content      outContent `json:"content"`
	FinishReason string     `json:"finishReason,omitempty"`
	Index        int        `json:"index"`
}

type outContent struct {
	Role  string    `json:"role"`
	Parts []outPart `json:"parts"`
}

type outPart struct {
	Text         *string          `json:"text,omitempty"`
	FunctionCall *outFunctionCall `json:"functionCall,omitempty"`
}

type outFunctionCall struct {
	// ID is the upstream's call id (or the gateway's); a client that
	// echoes it in functionResponse.id is matched by it, one that does not
	// by name and order.
	ID   string          `json:"id,omitempty"`
	Name string          `json:"name"`
	Args json.RawMessage `json:"args"`
}

type outUsage struct {
	PromptTokenCount        int `json:"promptTokenCount"`
	CandidatesTokenCount    int `json:"candidatesTokenCount"`
	TotalTokenCount         int `json:"totalTokenCount"`
	CachedContentTokenCount int `json:"cachedContentTokenCount,omitempty"`
	ThoughtsTokenCount      int `json:"thoughtsTokenCount,omitempty"`
}

// ChatWriter writes chat results as GenerateContentResponse; sse selects
// the alt=sse stream over the streamed JSON array.
type ChatWriter struct{ sse bool }

// NeedsChoices is true: an answer from another provider is re-encoded.
func (ChatWriter) NeedsChoices() bool { return true }

// Relays is true for a Gemini upstream's own answer, which Response sends
// as it came: its candidates need not be decoded.
func (ChatWriter) Relays(resp *providers.ChatResponse) bool {
	return resp != nil && resp.Original.Is(providers.FormatGemini)
}

// Response writes a GenerateContentResponse. A Gemini upstream's own
// answer (resp.Original) goes out as it came, with only modelVersion
// replaced by the public name, so grounding metadata, thought signatures
// and parts added after this release reach the client.
func (ChatWriter) Response(w http.ResponseWriter, resp *providers.ChatResponse, req *providers.ChatRequest) {
	if resp != nil && resp.Original.Is(providers.FormatGemini) {
		name, _ := json.Marshal(req.Model)
		if body, err := providers.SetTopLevel(resp.Original.Body, "modelVersion", name); err == nil {
			dialects.WriteJSON(w, body)
			return
		}
		// Not an object after all: re-encoded from its choices, which
		// were left undecoded for the relay.
		_ = resp.LoadChoices()
	}
	dialects.WriteJSON(w, EncodeResponse(resp, req.Model))
}

// EncodeResponse is a unified answer as a GenerateContentResponse;
// modelVersion is the public model name the client asked for.
func EncodeResponse(resp *providers.ChatResponse, model string) []byte {
	out := outResponse{ModelVersion: model, Candidates: []outCandidate{}}
	if resp != nil {
		out.ResponseID = resp.ID
		out.UsageMetadata = usageOf(resp.Usage)
		for i := range resp.Choices {
			c := &resp.Choices[i]
			cand := outCandidate{Index: c.Index, FinishReason: finishReason(c.FinishReason, len(c.Message.ToolCalls) > 0),
				Content: outContent{Role: "model", Parts: []outPart{}}}
			if text := c.Message.Content.String(); text != "" {
				cand.Content.Parts = append(cand.Content.Parts, outPart{Text: &text})
			}
			for _, tc := range c.Message.ToolCalls {
				cand.Content.Parts = append(cand.Content.Parts, callPart(tc.ID, tc.Function.Name, tc.Function.Arguments))
			}
			out.Candidates = append(out.Candidates, cand)
		}
	}
	b, _ := json.Marshal(out)
	return b
}

// callPart is a function call; arguments that are not a JSON object (a
// model's malformed output) are sent as {"arguments": "<text>"} so the
// client still sees them.
func callPart(id, name, args string) outPart {
	raw := json.RawMessage(bytes.TrimSpace([]byte(args)))
	switch {
	case len(raw) == 0:
		raw = json.RawMessage("{}")
	case raw[0] != '{' || !json.Valid(raw):
		raw, _ = json.Marshal(map[string]string{"arguments": args})
	}
	return outPart{FunctionCall: &outFunctionCall{ID: id, Name: name, Args: raw}}
}

// finishReason maps the unified reason: tool calls end with STOP, as
// Gemini reports them.
func finishReason(r string, calls bool) string {
	switch r {
	case providers.FinishStop, providers.FinishToolCalls, "":
		return "STOP"
	case providers.FinishLength:
		return "MAX_TOKENS"
	case providers.FinishContentFilter:
		return "SAFETY"
	}
	if calls {
		return "STOP"
	}
	return "OTHER"
}

// usageOf: Gemini counts thoughts apart from candidates, so the reasoning
// tokens move from the completion count to thoughtsTokenCount.
func usageOf(u *providers.Usage) *outUsage {
	if u == nil {
		return nil
	}
	reasoning := u.ReasoningTokens()
	cand := sat.Count(sat.Sub(u.CompletionTokens, reasoning))
	total := u.TotalTokens
	if total == 0 {
		total = sat.Add(u.PromptTokens, u.CompletionTokens)
	}
	return &outUsage{PromptTokenCount: u.PromptTokens, CandidatesTokenCount: cand, TotalTokenCount: total,
		CachedContentTokenCount: u.CachedTokens(), ThoughtsTokenCount: reasoning}
}
