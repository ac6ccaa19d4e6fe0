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

func responseSizeHint(r *ChatResponse) int {
	n := headSizeHint + choiceSizeHint*len(r.Choices)
	if r.Usage != nil {
		n += usageSizeHint
	}
	s := len(r.ID) + len(r.Object) + len(r.Model) + len(r.SystemFingerprint)
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
	n := headSizeHint + choiceSizeHint*len(c.Choices)
	if c.Usage != nil {
		n += usageSizeHint
	}
	s := len(c.ID) + len(c.Object) + len(c.Model) + len(c.SystemFingerprint)
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
