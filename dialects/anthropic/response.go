package anthropic

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
	wire "github.com/sira-ai/caddy-ai-backends/providers/anthropic"
)

// outMessage is a Message object as the gateway writes it to Anthropic
// clients; the field order follows the API reference.
type outMessage struct {
	ID           string     `json:"id"`
	Type         string     `json:"type"`
	Role         string     `json:"role"`
	Model        string     `json:"model"`
	Content      []outBlock `json:"content"`
	StopReason   *string    `json:"stop_reason"`
	StopSequence *string    `json:"stop_sequence"`
	Usage        outUsage   `json:"usage"`
}

// outBlock is a text, tool_use, thinking or redacted_thinking block; Text
// is a pointer so that the empty text of content_block_start is written.
// The fields of thinking blocks sit behind a pointer, which keeps the
// common blocks' events as small as they were.
type outBlock struct {
	Type  string          `json:"type"`
	Text  *string         `json:"text,omitempty"`
	ID    string          `json:"id,omitempty"`
	Name  string          `json:"name,omitempty"`
	Input json.RawMessage `json:"input,omitempty"`
	*thinkingFields
}

// thinkingFields are a thinking block's text and signature (pointers, so
// that content_block_start writes them empty) or a redacted_thinking
// block's data.
type thinkingFields struct {
	Thinking  *string `json:"thinking,omitempty"`
	Signature *string `json:"signature,omitempty"`
	Data      string  `json:"data,omitempty"`
}

type outUsage struct {
	InputTokens              int `json:"input_tokens"`
	CacheCreationInputTokens int `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     int `json:"cache_read_input_tokens"`
	OutputTokens             int `json:"output_tokens"`
}

// EncodeMessagesResponse renders a unified completion as an Anthropic
// Message for a /v1/messages client that did not enable thinking; see
// encodeMessage.
func EncodeMessagesResponse(resp *providers.ChatResponse, model string) []byte {
	return encodeMessage(resp, model, reasoningView{})
}

// reasoningView says whether an answer shows its reasoning (the client
// enabled thinking, as Anthropic shows thinking only then) and where the
// reasoning came from (providers.ChatRequest.ReasoningSource).
type reasoningView struct {
	show   bool
	source providers.ReasoningFamily
}

// viewOf is the reasoning view a request asks for.
func viewOf(req *providers.ChatRequest) reasoningView {
	if req == nil {
		return reasoningView{}
	}
	return reasoningView{show: req.IncludeReasoning, source: req.ReasoningSource}
}

// encodeMessage renders a unified completion as an Anthropic Message. model
// is the public model name the client asked for. The first choice is used:
//
//	reasoning (shown)   → first: the thinking and redacted_thinking blocks as
//	                      the provider signed them, or else one thinking block
//	                      with the reasoning text and the gateway's mark
//	                      (thinking_signature.go)
//	content text        → a text block; tool_calls → tool_use blocks (arguments parsed into input)
//	finish_reason       → stop_reason: stop → end_turn, length → max_tokens,
//	                      tool_calls → tool_use, content_filter → refusal
//	usage               → input_tokens = prompt − cached − cache write,
//	                      cache_read_input_tokens, cache_creation_input_tokens,
//	                      output_tokens (completion tokens, reasoning included)
//
// stop_sequence is always null: the unified format does not say which
// sequence matched.
func encodeMessage(resp *providers.ChatResponse, model string, view reasoningView) []byte {
	out := outMessage{Type: "message", Role: "assistant", Model: model, Content: []outBlock{}}
	finish := ""
	if resp != nil {
		out.ID = messageID(resp.ID)
		out.Usage = anthropicUsage(resp.Usage)
		if len(resp.Choices) > 0 {
			ch := resp.Choices[0]
			finish = ch.FinishReason
			if view.show {
				out.Content = appendThinking(out.Content, &ch.Message, view.source)
			}
			text := ch.Message.Content.String()
			if text == "" {
				text = ch.Message.Refusal
			}
			if text != "" {
				out.Content = append(out.Content, outBlock{Type: "text", Text: &text})
			}
			for _, tc := range ch.Message.ToolCalls {
				out.Content = append(out.Content, outBlock{Type: "tool_use", ID: toolUseID(tc.ID),
					Name: tc.Function.Name, Input: wire.ToolInput(tc.Function.Arguments)})
			}
		}
	} else {
		out.ID = messageID("")
	}
	stop := stopReason(finish, len(out.Content) > 0 && out.Content[len(out.Content)-1].Type == "tool_use")
	out.StopReason = &stop
	b, _ := wire.Marshal(out)
	return b
}

// stopReason maps OpenAI's finish_reason to Anthropic's stop_reason. A
// response that ends in tool calls is tool_use whatever the finish reason
// said (Gemini reports STOP for calls).
func stopReason(finish string, endsInToolUse bool) string {
	switch finish {
	case providers.FinishLength:
		return "max_tokens"
	case providers.FinishContentFilter:
		return "refusal"
	case providers.FinishToolCalls, "function_call":
		return "tool_use"
	}
	if endsInToolUse {
		return "tool_use"
	}
	return "end_turn"
}

// anthropicUsage converts OpenAI-convention usage back: Anthropic's
// input_tokens excludes cache reads and writes.
func anthropicUsage(u *providers.Usage) outUsage {
	if u == nil {
		return outUsage{}
	}
	cached := u.CachedTokens()
	return outUsage{
		InputTokens:              max(u.PromptTokens-cached-u.CacheWriteTokens, 0),
		CacheCreationInputTokens: u.CacheWriteTokens,
		CacheReadInputTokens:     cached,
		OutputTokens:             u.CompletionTokens,
	}
}

// messageID keeps an Anthropic id, prefixes any other with msg_, and makes
// one up when there is none.
func messageID(id string) string {
	switch {
	case strings.HasPrefix(id, "msg_"):
		return id
	case id == "":
		return "msg_" + randomHex(12)
	}
	return "msg_" + id
}

// toolUseID keeps a tool call's id, or makes one up when it has none.
func toolUseID(id string) string {
	if id == "" {
		return "toolu_" + randomHex(12)
	}
	return id
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// EncodeError renders a classified error in Anthropic's error envelope, for
// /v1/messages clients (the status is e.HTTPStatus()).
func EncodeError(e *providers.Error) []byte {
	if e == nil {
		e = providers.Errorf(providers.KindInternal, "unknown error")
	}
	return e.AnthropicBody()
}
