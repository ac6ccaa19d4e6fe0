package openai

import (
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// wireResponse is what the gateway reads of a Response object relayed from
// a Responses upstream: enough for usage, the audit log and the cache. The
// client receives the upstream's bytes (ChatResponse.Original).
type wireResponse struct {
	ID                string `json:"id"`
	Model             string `json:"model"`
	CreatedAt         int64  `json:"created_at"`
	Status            string `json:"status"`
	IncompleteDetails *struct {
		Reason string `json:"reason"`
	} `json:"incomplete_details"`
	Output []wireOutputItem `json:"output"`
	Usage  *wireUsage       `json:"usage"`
}

type wireOutputItem struct {
	Type    string `json:"type"`
	Content []struct {
		Type    string `json:"type"`
		Text    string `json:"text"`
		Refusal string `json:"refusal"`
	} `json:"content"`
	CallID    string `json:"call_id"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

type wireUsage struct {
	InputTokens        int `json:"input_tokens"`
	OutputTokens       int `json:"output_tokens"`
	TotalTokens        int `json:"total_tokens"`
	InputTokensDetails struct {
		CachedTokens int `json:"cached_tokens"`
	} `json:"input_tokens_details"`
	OutputTokensDetails struct {
		ReasoningTokens int `json:"reasoning_tokens"`
	} `json:"output_tokens_details"`
}

// usage is the unified usage of a Responses usage object (the head reader
// in providers gives it to the gateway; this one is the tests' reference).
func (u *wireUsage) usage() *providers.Usage {
	if u == nil {
		return nil
	}
	out := &providers.Usage{PromptTokens: u.InputTokens, CompletionTokens: u.OutputTokens, TotalTokens: u.TotalTokens}
	if u.InputTokensDetails.CachedTokens > 0 {
		out.PromptTokensDetails = &providers.PromptTokensDetails{CachedTokens: u.InputTokensDetails.CachedTokens}
	}
	if u.OutputTokensDetails.ReasoningTokens > 0 {
		out.CompletionTokensDetails = &providers.CompletionTokensDetails{ReasoningTokens: u.OutputTokensDetails.ReasoningTokens}
	}
	return out
}

// finishReason maps a Response's status to a chat finish reason.
func (r *wireResponse) finishReason(calls bool) string {
	reason := ""
	if r.IncompleteDetails != nil {
		reason = r.IncompleteDetails.Reason
	}
	return finishOfStatus(r.Status, reason, calls)
}

// finishOfStatus maps a Response's status and incomplete_details.reason to
// a chat finish reason; calls says whether it made function calls.
func finishOfStatus(status, incompleteReason string, calls bool) string {
	if status == "incomplete" {
		switch incompleteReason {
		case "max_output_tokens":
			return providers.FinishLength
		case "content_filter":
			return providers.FinishContentFilter
		}
	}
	if calls {
		return providers.FinishToolCalls
	}
	return providers.FinishStop
}

// chatOfResponse is the unified view of a relayed Response object: its
// head (id, model, created_at, usage) now, its message text, refusal and
// function calls as one choice when something reads them (LoadChoices).
// The object itself stays in Original for the Responses client.
func chatOfResponse(raw []byte) (*providers.ChatResponse, error) {
	out, err := providers.DecodeResponsesHead(raw, choicesOfResponse)
	if err != nil {
		return nil, invalidResponse(err)
	}
	return out, nil
}

func invalidResponse(err error) *providers.Error {
	return &providers.Error{Kind: providers.KindUpstream, Message: "upstream answered with an invalid Response object", Err: err}
}

// choicesOfResponse decodes a Response object's output as one choice.
func choicesOfResponse(raw []byte) ([]providers.Choice, error) {
	var r wireResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, invalidResponse(err)
	}
	var msg providers.Message
	msg.Role = "assistant"
	text := ""
	for _, it := range r.Output {
		switch it.Type {
		case "message":
			for _, c := range it.Content {
				switch c.Type {
				case "output_text":
					text += c.Text
				case "refusal":
					msg.Refusal += c.Refusal
				}
			}
		case "function_call":
			msg.ToolCalls = append(msg.ToolCalls, providers.ToolCall{ID: it.CallID, Type: "function",
				Function: providers.FunctionCall{Name: it.Name, Arguments: it.Arguments}})
		}
	}
	msg.Content = providers.TextContent(text)
	return []providers.Choice{{Message: msg, FinishReason: r.finishReason(len(msg.ToolCalls) > 0)}}, nil
}
