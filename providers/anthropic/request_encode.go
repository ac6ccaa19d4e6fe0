package anthropic

import "strconv"

// encodeRequest writes a Messages request body by hand. It is what
// Marshal(w) writes, byte for byte (request_encode_test.go compares the
// two), without encoding/json's reflection and without re-scanning every
// nested value: the MarshalJSON methods of wireSystem and wireMessage made
// encoding/json validate and compact each turn once per nesting level.
// Measured (BenchmarkEncodeRequest, the agent-loop request of
// BenchmarkToAnthropic, fastest of 8 interleaved runs on a loaded 2-core VM,
// 2026-12): 3.9 µs and 1 allocation here, 45 µs and 25 allocations with
// encoding/json; every run of this encoder beat every run of encoding/json.
// That is most of the 50 µs translation budget, so the encoder stays.
//
// ok is false when a value is one encoding/json rejects (raw JSON that is
// not valid, a NaN or infinite float): the caller then uses marshal, so
// even the error stays what it was.
func encodeRequest(w *wireRequest) (_ []byte, ok bool) {
	b := make([]byte, 0, requestSizeHint(w))
	b = append(b, `{"model":`...)
	b = appendString(b, w.Model)
	b = append(b, `,"max_tokens":`...)
	b = strconv.AppendInt(b, int64(w.MaxTokens), 10)
	if len(w.System) > 0 {
		b = append(b, `,"system":`...)
		if len(w.System) == 1 && w.System[0].Type == "text" {
			b = appendString(b, w.System[0].Text) // wireSystem's one-string form
		} else if b, ok = appendBlocks(b, w.System); !ok {
			return nil, false
		}
	}
	b = append(b, `,"messages":`...)
	if b, ok = appendArray(b, w.Messages, appendMessage); !ok {
		return nil, false
	}
	if w.Metadata != nil {
		b = append(b, `,"metadata":{`...)
		b = appendStringMember(b, `"user_id":`, w.Metadata.UserID)
		b = append(b, '}')
	}
	if len(w.StopSequences) > 0 {
		b = append(b, `,"stop_sequences":[`...)
		for i, s := range w.StopSequences {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, s)
		}
		b = append(b, ']')
	}
	if w.Stream {
		b = append(b, `,"stream":true`...)
	}
	if w.Temperature != nil {
		b = append(b, `,"temperature":`...)
		if b, ok = appendFloat(b, *w.Temperature); !ok {
			return nil, false
		}
	}
	if w.TopK != nil {
		b = append(b, `,"top_k":`...)
		b = strconv.AppendInt(b, int64(*w.TopK), 10)
	}
	if w.TopP != nil {
		b = append(b, `,"top_p":`...)
		if b, ok = appendFloat(b, *w.TopP); !ok {
			return nil, false
		}
	}
	if len(w.Tools) > 0 {
		b = append(b, `,"tools":`...)
		if b, ok = appendArray(b, w.Tools, appendTool); !ok {
			return nil, false
		}
	}
	if tc := w.ToolChoice; tc != nil {
		b = append(b, `,"tool_choice":{"type":`...)
		b = appendString(b, tc.Type)
		b = appendStringMember(b, `,"name":`, tc.Name)
		if tc.DisableParallelToolUse {
			b = append(b, `,"disable_parallel_tool_use":true`...)
		}
		b = append(b, '}')
	}
	if t := w.Thinking; t != nil {
		b = append(b, `,"thinking":{"type":`...)
		b = appendString(b, t.Type)
		if t.BudgetTokens != 0 {
			b = append(b, `,"budget_tokens":`...)
			b = strconv.AppendInt(b, int64(t.BudgetTokens), 10)
		}
		b = append(b, '}')
	}
	if oc := w.OutputConfig; oc != nil {
		b = append(b, `,"output_config":{`...)
		b = appendStringMember(b, `"effort":`, oc.Effort)
		b = append(b, '}')
	}
	return append(b, '}'), true
}

// appendArray writes items as encoding/json writes a slice (null when
// nil), each with appendItem; an item it cannot write fails the whole.
func appendArray[T any](b []byte, items []T, appendItem func([]byte, *T) ([]byte, bool)) (_ []byte, ok bool) {
	if items == nil {
		return append(b, "null"...), true
	}
	b = append(b, '[')
	for i := range items {
		if i > 0 {
			b = append(b, ',')
		}
		if b, ok = appendItem(b, &items[i]); !ok {
			return nil, false
		}
	}
	return append(b, ']'), true
}

// appendMessage writes a turn as wireMessage.MarshalJSON does: a turn that
// is one text block uses the API's string shorthand.
func appendMessage(b []byte, m *wireMessage) (_ []byte, ok bool) {
	b = append(b, `{"role":`...)
	b = appendString(b, m.Role)
	b = append(b, `,"content":`...)
	if len(m.Content) == 1 && m.Content[0].Type == "text" {
		b = appendString(b, m.Content[0].Text)
	} else if b, ok = appendBlocks(b, m.Content); !ok {
		return nil, false
	}
	return append(b, '}'), true
}

// appendBlocks writes content blocks (null for a nil slice, as encoding/json).
func appendBlocks(b []byte, blocks []Block) ([]byte, bool) {
	return appendArray(b, blocks, appendBlock)
}

// appendBlock writes one block with Block's field order and omitempty
// rules (a thinking block as Block.MarshalJSON writes it). Input and
// Content are raw JSON: compacted, as encoding/json does, unless the block
// says they already are (see Block.compact).
func appendBlock(b []byte, x *Block) (_ []byte, ok bool) {
	if x.Type == "thinking" {
		return appendThinkingBlock(b, x), true
	}
	b = append(b, `{"type":`...)
	b = appendString(b, x.Type)
	b = appendStringMember(b, `,"text":`, x.Text)
	if s := x.Source; s != nil {
		b = append(b, `,"source":{"type":`...)
		b = appendString(b, s.Type)
		b = appendStringMember(b, `,"media_type":`, s.MediaType)
		b = appendStringMember(b, `,"data":`, s.Data)
		b = appendStringMember(b, `,"url":`, s.URL)
		b = append(b, '}')
	}
	b = appendStringMember(b, `,"id":`, x.ID)
	b = appendStringMember(b, `,"name":`, x.Name)
	if len(x.Input) > 0 {
		b = append(b, `,"input":`...)
		if b, ok = appendRaw(b, x.Input, x.compact); !ok {
			return nil, false
		}
	}
	b = appendStringMember(b, `,"tool_use_id":`, x.ToolUseID)
	if len(x.Content) > 0 {
		b = append(b, `,"content":`...)
		if b, ok = appendRaw(b, x.Content, x.compact); !ok {
			return nil, false
		}
	}
	if x.IsError {
		b = append(b, `,"is_error":true`...)
	}
	b = appendStringMember(b, `,"thinking":`, x.Thinking)
	b = appendStringMember(b, `,"signature":`, x.Signature)
	b = appendStringMember(b, `,"data":`, x.Data)
	return append(b, '}'), true
}

// appendThinkingBlock writes a thinking block as Block.MarshalJSON does:
// type, thinking and signature always, data when set.
func appendThinkingBlock(b []byte, x *Block) []byte {
	b = append(b, `{"type":`...)
	b = appendString(b, x.Type)
	b = append(b, `,"thinking":`...)
	b = appendString(b, x.Thinking)
	b = append(b, `,"signature":`...)
	b = appendString(b, x.Signature)
	b = appendStringMember(b, `,"data":`, x.Data)
	return append(b, '}')
}

func appendTool(b []byte, t *Tool) (_ []byte, ok bool) {
	b = append(b, '{')
	if t.Type != "" {
		b = append(b, `"type":`...)
		b = appendString(b, t.Type)
		b = append(b, ',')
	}
	b = append(b, `"name":`...)
	b = appendString(b, t.Name)
	b = appendStringMember(b, `,"description":`, t.Description)
	if len(t.InputSchema) > 0 {
		b = append(b, `,"input_schema":`...)
		if b, ok = appendCompact(b, t.InputSchema); !ok {
			return nil, false
		}
	}
	return append(b, '}'), true
}

// appendRaw writes raw JSON: as is when it is known to be compact and
// valid (made by this package), compacted otherwise.
func appendRaw(b, raw []byte, compact bool) ([]byte, bool) {
	if compact {
		return append(b, raw...), true
	}
	return appendCompact(b, raw)
}

// requestSizeHint estimates the body size, so that a request carrying a
// large image or tool result is not copied over and over while it grows.
func requestSizeHint(w *wireRequest) int {
	n := 256 + len(w.Model)
	for i := range w.System {
		n += blockSizeHint(&w.System[i])
	}
	for i := range w.Messages {
		n += 32
		for j := range w.Messages[i].Content {
			n += blockSizeHint(&w.Messages[i].Content[j])
		}
	}
	for i := range w.Tools {
		t := &w.Tools[i]
		n += 64 + len(t.Name) + len(t.Description) + len(t.InputSchema)
	}
	for _, s := range w.StopSequences {
		n += 4 + len(s)
	}
	return n
}

func blockSizeHint(x *Block) int {
	n := 48 + len(x.Text) + len(x.ID) + len(x.Name) + len(x.Input) + len(x.ToolUseID) + len(x.Content) +
		len(x.Thinking) + len(x.Signature) + len(x.Data)
	if s := x.Source; s != nil {
		n += 64 + len(s.Data) + len(s.URL)
	}
	return n
}

// appendStringMember appends a string member that omitempty leaves out
// when empty; member is its name with the colon, and the comma before it
// if one is due (`,"name":`).
func appendStringMember(b []byte, member, value string) []byte {
	if value == "" {
		return b
	}
	return appendString(append(b, member...), value)
}
