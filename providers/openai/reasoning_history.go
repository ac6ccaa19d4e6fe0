package openai

import (
	"bytes"
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Reasoning history in a chat request: the gateway returns Anthropic's and
// Gemini's reasoning to OpenAI chat clients that ask for it
// (reasoning_content, and thinking_blocks signed by Anthropic), and such a
// client sends them back with its history. They mean nothing to an OpenAI
// or compatible server, which may reject the unknown message fields: the
// signed blocks are removed before any of them, and reasoning_content too
// before OpenAI itself (compatible servers such as DeepSeek's define it).

// historyFields are the message fields this upstream must not receive.
func (p *Provider) historyFields() []string {
	if p.official {
		return []string{"thinking_blocks", "reasoning_content"}
	}
	return []string{"thinking_blocks"}
}

// carriesReasoningHistory reports whether a message holds one of them.
func (p *Provider) carriesReasoningHistory(msgs []providers.Message) bool {
	for i := range msgs {
		if len(msgs[i].ThinkingBlocks) > 0 || (p.official && msgs[i].ReasoningContent != "") {
			return true
		}
	}
	return false
}

// withoutReasoningHistory is the typed request with those fields cleared,
// for a request encoded anew; the caller's request is not modified.
func (p *Provider) withoutReasoningHistory(req *providers.ChatRequest) *providers.ChatRequest {
	out := *req
	out.Messages = make([]providers.Message, len(req.Messages))
	copy(out.Messages, req.Messages)
	for i := range out.Messages {
		out.Messages[i].ThinkingBlocks = nil
		if p.official {
			out.Messages[i].ReasoningContent = ""
		}
	}
	return &out
}

// stripMessageFields removes the named members from every object of the
// top-level "messages" array of a client's body, keeping all else as sent.
// It runs only for a request that carries them.
func stripMessageFields(body []byte, names []string) ([]byte, error) {
	raw := providers.GetTopLevel(body, "messages")
	var msgs []json.RawMessage
	if raw == nil || json.Unmarshal(raw, &msgs) != nil {
		return body, nil
	}
	var out bytes.Buffer
	out.WriteByte('[')
	for i, m := range msgs {
		for _, name := range names {
			if len(m) > 0 && m[0] == '{' {
				var err error
				if m, err = providers.DeleteTopLevel(m, name); err != nil {
					return nil, err
				}
			}
		}
		if i > 0 {
			out.WriteByte(',')
		}
		out.Write(m)
	}
	out.WriteByte(']')
	return providers.SetTopLevel(body, "messages", out.Bytes())
}
