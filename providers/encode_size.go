package providers

// Size hints let the answer encoders allocate their output once: growing a
// slice by doubling copies a long answer several times over, and the final
// copy json.Marshal makes is what the fast path saves. A hint is the strings'
// length plus an eighth for escapes (quotes and newlines in prose), plus room
// for member names and numbers; outgrowing it only costs a regrow.

const (
	headSizeHint     = 96  // id, object, created, model, system_fingerprint, choices names
	usageSizeHint    = 160 // the usage object with both details
	choiceSizeHint   = 96  // index, message/delta, finish_reason, logprobs
	toolCallSizeHint = 64  // index, id, type, function, name, arguments names
)

// headHint starts the hint of an answer or a chunk: the room for member
// names and numbers of the head, its choices and its usage (n), and the
// head's string bytes (s).
func headHint(id, object, model, fingerprint string, choices int, usage *Usage) (n, s int) {
	n = headSizeHint + choiceSizeHint*choices
	if usage != nil {
		n += usageSizeHint
	}
	return n, len(id) + len(object) + len(model) + len(fingerprint)
}

func responseSizeHint(r *ChatResponse) int {
	n, s := headHint(r.ID, r.Object, r.Model, r.SystemFingerprint, len(r.Choices), r.Usage)
	for i := range r.Choices {
		ch := &r.Choices[i]
		m := &ch.Message
		n += toolCallSizeHint * len(m.ToolCalls)
		s += len(ch.FinishReason) + len(ch.Logprobs) + len(m.Role) + len(m.Content.Text) +
			len(m.Name) + len(m.ToolCallID) + len(m.Refusal) + toolCallsStringBytes(m.ToolCalls)
	}
	return n + s + s/8
}

func chunkSizeHint(c *ChatChunk) int {
	n, s := headHint(c.ID, c.Object, c.Model, c.SystemFingerprint, len(c.Choices), c.Usage)
	for i := range c.Choices {
		d := &c.Choices[i].Delta
		n += toolCallSizeHint * len(d.ToolCalls)
		s += len(c.Choices[i].Logprobs) + len(d.Role) + toolCallsStringBytes(d.ToolCalls)
		if d.Content != nil {
			s += len(*d.Content)
		}
		if d.Refusal != nil {
			s += len(*d.Refusal)
		}
		if f := c.Choices[i].FinishReason; f != nil {
			s += len(*f)
		}
	}
	return n + s + s/8
}

func toolCallsStringBytes(calls []ToolCall) int {
	s := 0
	for i := range calls {
		f := &calls[i].Function
		s += len(calls[i].ID) + len(calls[i].Type) + len(f.Name) + len(f.Arguments)
	}
	return s
}
