package providers

import (
	"encoding/json"
	"strconv"
)

// The appenders below write messages, deltas and tool calls as json.Marshal
// would, for the answer encoders in response_encode.go. Field order and
// omitempty follow the struct tags in chat.go and response.go; change those
// and these together (the tests and fuzz targets compare with json.Marshal).

// appendMessage appends m like json.Marshal(m).
func appendMessage(dst []byte, m *Message) ([]byte, error) {
	dst = append(dst, `{"role":`...)
	dst = appendJSONString(dst, m.Role)
	dst = append(dst, `,"content":`...)
	dst, err := appendContent(dst, &m.Content)
	if err != nil {
		return dst, err
	}
	dst = appendStringMember(dst, `,"name":`, m.Name)
	if len(m.ToolCalls) > 0 {
		dst = append(dst, `,"tool_calls":`...)
		dst = appendToolCalls(dst, m.ToolCalls)
	}
	dst = appendStringMember(dst, `,"tool_call_id":`, m.ToolCallID)
	dst = appendStringMember(dst, `,"refusal":`, m.Refusal)
	dst = appendStringMember(dst, `,"reasoning_content":`, m.ReasoningContent)
	if len(m.ThinkingBlocks) > 0 {
		dst = append(dst, `,"thinking_blocks":`...)
		dst = appendThinkingBlocks(dst, m.ThinkingBlocks)
	}
	return append(dst, '}'), nil
}

// appendContent appends c like Content.MarshalJSON followed by the compaction
// json.Marshal applies to a Marshaler's output (a no-op on those bytes). Parts
// are rare in answers, so they go through json.Marshal itself: encoding/json
// writes a Marshaler field the same way nested as at the top level.
func appendContent(dst []byte, c *Content) ([]byte, error) {
	switch {
	case c.Parts != nil:
		b, err := json.Marshal(*c)
		if err != nil {
			return dst, err
		}
		return append(dst, b...), nil
	case c.Text == "":
		return append(dst, "null"...), nil
	}
	return appendJSONString(dst, c.Text), nil
}

// appendDelta appends d like json.Marshal(d). Every field is optional, so
// each is written after a comma and the first comma becomes the '{'.
func appendDelta(dst []byte, d *Delta) []byte {
	open := len(dst)
	dst = appendStringMember(dst, `,"role":`, d.Role)
	if d.Content != nil {
		dst = append(dst, `,"content":`...)
		dst = appendJSONString(dst, *d.Content)
	}
	if len(d.ToolCalls) > 0 {
		dst = append(dst, `,"tool_calls":`...)
		dst = appendToolCalls(dst, d.ToolCalls)
	}
	if d.Refusal != nil {
		dst = append(dst, `,"refusal":`...)
		dst = appendJSONString(dst, *d.Refusal)
	}
	if d.ReasoningContent != nil {
		dst = append(dst, `,"reasoning_content":`...)
		dst = appendJSONString(dst, *d.ReasoningContent)
	}
	if len(d.ThinkingBlocks) > 0 {
		dst = append(dst, `,"thinking_blocks":`...)
		dst = appendThinkingBlocks(dst, d.ThinkingBlocks)
	}
	return closeObject(dst, open)
}

// appendThinkingBlocks appends a non-empty blocks like json.Marshal(blocks).
func appendThinkingBlocks(dst []byte, blocks []ThinkingBlock) []byte {
	dst = append(dst, '[')
	for i := range blocks {
		if i > 0 {
			dst = append(dst, ',')
		}
		b := &blocks[i]
		dst = append(dst, `{"type":`...)
		dst = appendJSONString(dst, b.Type)
		thinking := b.Type == "thinking" // both fields always: see ThinkingBlock.MarshalJSON
		if thinking || b.Thinking != "" {
			dst = append(dst, `,"thinking":`...)
			dst = appendJSONString(dst, b.Thinking)
		}
		if thinking || b.Signature != "" {
			dst = append(dst, `,"signature":`...)
			dst = appendJSONString(dst, b.Signature)
		}
		dst = appendStringMember(dst, `,"data":`, b.Data)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// closeObject ends an object whose members were each appended after a comma
// from offset open on: the first comma turns into '{', or "{}" is written
// when no member was.
func closeObject(dst []byte, open int) []byte {
	if len(dst) == open {
		return append(dst, '{', '}')
	}
	dst[open] = '{'
	return append(dst, '}')
}

// appendToolCalls appends a non-empty calls like json.Marshal(calls).
func appendToolCalls(dst []byte, calls []ToolCall) []byte {
	dst = append(dst, '[')
	for i := range calls {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendToolCall(dst, &calls[i])
	}
	return append(dst, ']')
}

// appendToolCall appends t like json.Marshal(t); Index is set in stream
// deltas only.
func appendToolCall(dst []byte, t *ToolCall) []byte {
	open := len(dst)
	if t.Index != nil {
		dst = append(dst, `,"index":`...)
		dst = strconv.AppendInt(dst, int64(*t.Index), 10)
	}
	dst = appendStringMember(dst, `,"id":`, t.ID)
	dst = appendStringMember(dst, `,"type":`, t.Type)
	dst = append(dst, `,"function":{`...)
	if t.Function.Name != "" {
		dst = append(dst, `"name":`...)
		dst = appendJSONString(dst, t.Function.Name)
		dst = append(dst, ',')
	}
	dst = append(dst, `"arguments":`...)
	dst = appendJSONString(dst, t.Function.Arguments)
	dst = append(dst, '}')
	return closeObject(dst, open)
}

// appendStringMember appends a string member that omitempty leaves out
// when empty; member is its name with the colon, and the comma before it
// if one is due (`,"name":`).
func appendStringMember(dst []byte, member, value string) []byte {
	if value == "" {
		return dst
	}
	return appendJSONString(append(dst, member...), value)
}
