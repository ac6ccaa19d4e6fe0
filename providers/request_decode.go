package providers

import (
	"encoding/json"
	"strconv"

	"github.com/sira-ai/caddy-ai-backends/internal/jsonscan"
)

// DecodeChatRequest decodes an OpenAI chat request into *req without
// reflection when it has the usual shape — scalar options and messages
// whose members are plain — and reports whether it did. It reports false
// for anything it does not handle exactly as encoding/json would (invalid
// JSON, a repeated messages member, names that only case-insensitive
// matching would accept, messages that are not objects, a value of another
// type than the field's); the caller then resets *req and runs
// json.Unmarshal, which also gives the error to show. Members with nested
// shapes (tools, stop, content parts...) are handed to json.Unmarshal one by
// one, as the full decode would. The body is read in one validating pass
// (jsonscan); every request passes here, and the reflective decoder was its
// largest single cost.
func DecodeChatRequest(body []byte, req *ChatRequest) bool {
	d := requestDecoder{r: jsonscan.Reader{Data: body}}
	sawMessages := false
	return d.r.Object(func(key []byte) bool {
		switch string(key) {
		case "model":
			return d.str(&req.Model)
		case "messages":
			if sawMessages {
				return false // encoding/json would merge the two
			}
			sawMessages = true
			return d.messages(&req.Messages)
		case "max_tokens":
			return d.optionalInt(&req.MaxTokens)
		case "max_completion_tokens":
			return d.optionalInt(&req.MaxCompletionTokens)
		case "top_k":
			return d.optionalInt(&req.TopK)
		case "n":
			return d.optionalInt(&req.N)
		case "seed":
			return d.optionalInt64(&req.Seed)
		case "temperature":
			return d.optionalFloat(&req.Temperature)
		case "top_p":
			return d.optionalFloat(&req.TopP)
		case "presence_penalty":
			return d.optionalFloat(&req.PresencePenalty)
		case "frequency_penalty":
			return d.optionalFloat(&req.FrequencyPenalty)
		case "stream":
			return d.boolean(&req.Stream)
		case "reasoning_effort":
			return d.str(&req.ReasoningEffort)
		case "user":
			return d.str(&req.User)
		case "stop":
			return d.unmarshal(&req.Stop)
		case "stream_options":
			return d.unmarshal(&req.StreamOptions)
		case "tools":
			return d.unmarshal(&req.Tools)
		case "tool_choice":
			return d.unmarshal(&req.ToolChoice)
		case "parallel_tool_calls":
			return d.unmarshal(&req.ParallelToolCalls)
		case "response_format":
			return d.unmarshal(&req.ResponseFormat)
		}
		return d.skipUnknown(key)
	}) && d.r.AtEnd()
}

// requestDecoder reads a chat request's values; each method reads one
// value into its field and reports false to hand the request to
// encoding/json.
type requestDecoder struct {
	r       jsonscan.Reader
	scratch []byte // jsonscan.Unquote's buffer for strings with escapes
}

// skipUnknown passes over the value of a member no field has: encoding/json
// ignores it too, unless its name could match a field case-insensitively.
func (d *requestDecoder) skipUnknown(name []byte) bool {
	return plainName(name) && d.r.Skip(0)
}

// messages reads the messages array into a fresh slice (the member is seen
// once, so there is nothing to merge with). Room for four messages covers
// most requests in one allocation.
func (d *requestDecoder) messages(dst *[]Message) bool {
	if d.r.Null() {
		*dst = nil
		return true
	}
	msgs := make([]Message, 0, 4)
	ok := d.r.Array(func() bool {
		msgs = append(msgs, Message{})
		return d.message(&msgs[len(msgs)-1])
	})
	*dst = msgs
	return ok
}

// message reads one message object; anything else (null included) is
// encoding/json's to decide.
func (d *requestDecoder) message(m *Message) bool {
	return d.r.Object(func(key []byte) bool {
		switch string(key) {
		case "role":
			return d.role(&m.Role)
		case "content":
			if d.r.Peek() == '"' {
				m.Content.Parts = nil
				return d.str(&m.Content.Text)
			}
			v, ok := d.r.Value()
			return ok && m.Content.UnmarshalJSON(v) == nil
		case "name":
			return d.str(&m.Name)
		case "tool_calls":
			return d.unmarshal(&m.ToolCalls)
		case "tool_call_id":
			return d.str(&m.ToolCallID)
		case "refusal":
			return d.str(&m.Refusal)
		case "reasoning_content":
			return d.str(&m.ReasoningContent)
		case "thinking_blocks":
			return d.unmarshal(&m.ThinkingBlocks)
		}
		return d.skipUnknown(key)
	})
}

// str reads a string; null leaves the field as it is, as encoding/json does.
func (d *requestDecoder) str(dst *string) bool {
	if d.r.Null() {
		return true
	}
	raw, escaped, ok := d.r.Quoted()
	if ok {
		*dst = jsonscan.Unquote(raw, escaped, &d.scratch)
	}
	return ok
}

// role returns the known roles as constants: no allocation for the member
// every message has.
func (d *requestDecoder) role(dst *string) bool {
	if d.r.Null() {
		return true
	}
	raw, escaped, ok := d.r.Quoted()
	switch {
	case !ok:
		return false
	case escaped:
		*dst = jsonscan.Unquote(raw, true, &d.scratch)
	case string(raw) == "system":
		*dst = "system"
	case string(raw) == "user":
		*dst = "user"
	case string(raw) == "assistant":
		*dst = "assistant"
	case string(raw) == "tool":
		*dst = "tool"
	case string(raw) == "developer":
		*dst = "developer"
	default:
		*dst = jsonscan.Unquote(raw, false, nil)
	}
	return true
}

// unmarshal hands one member's value to encoding/json, as the full decode
// would for that field.
func (d *requestDecoder) unmarshal(dst any) bool {
	v, ok := d.r.Value()
	return ok && json.Unmarshal(v, dst) == nil
}

// number returns the literal of a number value, or false for anything else.
func (d *requestDecoder) number() ([]byte, bool) {
	if c := d.r.Peek(); c != '-' && (c < '0' || c > '9') {
		return nil, false
	}
	return d.r.Value()
}

// optionalInt reads an integer or null into a pointer field; a float, a
// string or an out-of-range number is encoding/json's type error.
func (d *requestDecoder) optionalInt(dst **int) bool {
	if d.r.Null() {
		*dst = nil
		return true
	}
	v, ok := d.number()
	var n int
	if !ok || intValue(v, &n) != nil {
		return false
	}
	*dst = &n
	return true
}

func (d *requestDecoder) optionalInt64(dst **int64) bool {
	if d.r.Null() {
		*dst = nil
		return true
	}
	v, ok := d.number()
	if !ok {
		return false
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return false
	}
	*dst = &n
	return true
}

func (d *requestDecoder) optionalFloat(dst **float64) bool {
	if d.r.Null() {
		*dst = nil
		return true
	}
	v, ok := d.number()
	if !ok {
		return false
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil {
		return false
	}
	*dst = &f
	return true
}

// boolean reads true or false; null leaves the field as it is.
func (d *requestDecoder) boolean(dst *bool) bool {
	switch {
	case d.r.Literal("true"):
		*dst = true
	case d.r.Literal("false"):
		*dst = false
	default:
		return d.r.Null()
	}
	return true
}
