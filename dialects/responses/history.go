package responses

import (
	"encoding/json"
	"time"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// A conversation the gateway stored can continue on an OpenAI upstream that
// never saw it, and an answer OpenAI gave can be stored for a later turn on
// another provider. These helpers bridge the two sides.

// WithHistory returns the pass-through body for a request whose
// previous_response_id the gateway resolved itself: previous_response_id
// removed and the stored conversation (prior) put before the request's own
// input, as input items. The rest of the body is left as the client sent it.
func (r *Request) WithHistory(body []byte, prior []providers.Message) ([]byte, error) {
	items := HistoryItems(prior)
	for _, it := range r.Input {
		if r.InputString {
			b, _ := json.Marshal(struct {
				Role    string          `json:"role"`
				Content json.RawMessage `json:"content"`
			}{"user", it.Raw})
			items = append(items, b)
			continue
		}
		items = append(items, it.Raw)
	}
	input, err := json.Marshal(items)
	if err != nil {
		return nil, err
	}
	out, err := providers.DeleteTopLevel(body, "previous_response_id")
	if err != nil {
		return nil, err
	}
	return providers.SetTopLevel(out, "input", input)
}

// HistoryItems renders unified messages as Responses input items: system,
// user and assistant text as messages (images as input_image parts), tool
// calls as function_call items, tool results as function_call_output items.
func HistoryItems(msgs []providers.Message) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(msgs))
	add := func(v any) {
		if b, err := json.Marshal(v); err == nil {
			out = append(out, b)
		}
	}
	type message struct {
		Role    string `json:"role"`
		Content any    `json:"content"`
	}
	for i := range msgs {
		m := &msgs[i]
		switch m.Role {
		case "tool":
			add(struct {
				Type   string `json:"type"`
				CallID string `json:"call_id"`
				Output string `json:"output"`
			}{"function_call_output", m.ToolCallID, m.Content.String()})
		case "assistant":
			if text := m.Content.String(); text != "" {
				add(message{"assistant", text})
			}
			for _, tc := range m.ToolCalls {
				add(struct {
					Type      string `json:"type"`
					CallID    string `json:"call_id"`
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				}{"function_call", tc.ID, tc.Function.Name, tc.Function.Arguments})
			}
		default:
			if !m.Content.HasImage() {
				add(message{m.Role, m.Content.String()})
				continue
			}
			parts := make([]any, 0, len(m.Content.Parts))
			for _, p := range m.Content.Parts {
				if p.Type == "image_url" && p.ImageURL != nil {
					parts = append(parts, struct {
						Type     string `json:"type"`
						ImageURL string `json:"image_url"`
						Detail   string `json:"detail,omitempty"`
					}{"input_image", p.ImageURL.URL, p.ImageURL.Detail})
				} else if p.Type == "text" {
					parts = append(parts, struct {
						Type string `json:"type"`
						Text string `json:"text"`
					}{"input_text", p.Text})
				}
			}
			add(message{m.Role, parts})
		}
	}
	return out
}

// NewStoredFromJSON is NewStored for a Response object an OpenAI upstream
// returned (pass-through): body is kept as the client received it, and its
// message and function_call output items extend the conversation.
func NewStoredFromJSON(req *Request, body []byte, prior []providers.Message, created time.Time) (*Stored, error) {
	var resp struct {
		Output []struct {
			Type      string `json:"type"`
			CallID    string `json:"call_id"`
			Name      string `json:"name"`
			Arguments string `json:"arguments"`
			Content   []struct {
				Type    string `json:"type"`
				Text    string `json:"text"`
				Refusal string `json:"refusal"`
			} `json:"content"`
		} `json:"output"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, &providers.Error{Kind: providers.KindUpstream, Message: "upstream answered with an invalid Response object", Err: err}
	}
	r := &Response{}
	for _, o := range resp.Output {
		switch o.Type {
		case "message":
			item := OutputItem{Type: "message"}
			for _, c := range o.Content {
				switch c.Type {
				case "output_text":
					item.Content = append(item.Content, OutputContent{Type: c.Type, Text: c.Text})
				case "refusal":
					item.Content = append(item.Content, OutputContent{Type: c.Type, Text: c.Refusal})
				}
			}
			r.Output = append(r.Output, item)
		case "function_call":
			r.Output = append(r.Output, OutputItem{Type: o.Type, CallID: o.CallID, Name: o.Name, Arguments: o.Arguments})
		}
	}
	msgs := make([]providers.Message, 0, len(prior)+len(req.Input)+1)
	msgs = append(msgs, prior...)
	msgs = appendItems(msgs, req.Input)
	msgs = append(msgs, r.OutputMessages()...)
	return &Stored{Response: body, Input: listedInput(req.Input, NewID), Messages: msgs, Created: created}, nil
}
