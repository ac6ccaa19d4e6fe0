package cache

import "github.com/sira-ai/caddy-ai-backends/providers"

// The typed encoders below write the parts of a ChatRequest that Raw does
// not supply (a request translated from another format has no Raw). Lists
// are counted and every field is written, absent or not, so the encoding
// stays unambiguous. Empty and missing lists are written alike, because
// the JSON encoding of the request omits empty lists.

func (w *keyWriter) messages(msgs []providers.Message) {
	w.count(len(msgs))
	for i := range msgs {
		m := &msgs[i]
		w.str(m.Role)
		w.content(m.Content)
		w.str(m.Name)
		w.count(len(m.ToolCalls))
		for j := range m.ToolCalls {
			tc := &m.ToolCalls[j]
			w.str(tc.ID)
			w.str(tc.Type)
			w.str(tc.Function.Name)
			w.str(tc.Function.Arguments) // exact: it is echoed back to the model as sent
		}
		w.str(m.ToolCallID)
		w.str(m.Refusal)
		// Signed thinking blocks go back to Anthropic (and decide whether
		// it thinks): they change the upstream request.
		w.count(len(m.ThinkingBlocks))
		for j := range m.ThinkingBlocks {
			b := &m.ThinkingBlocks[j]
			w.str(b.Type)
			w.str(b.Thinking)
			w.str(b.Signature)
			w.str(b.Data)
		}
	}
}

// content writes text and parts differently: a one-part array and a plain
// string may be rendered differently by an upstream.
func (w *keyWriter) content(c providers.Content) {
	if c.Parts == nil {
		w.tag('t')
		w.str(c.Text)
		return
	}
	w.tag('p')
	w.count(len(c.Parts))
	for i := range c.Parts {
		p := &c.Parts[i]
		w.str(p.Type)
		w.str(p.Text)
		if w.present(p.ImageURL != nil, 'I') {
			w.str(p.ImageURL.URL)
			w.str(p.ImageURL.Detail)
		}
	}
}

func (w *keyWriter) tools(tools []providers.Tool) {
	w.count(len(tools))
	for i := range tools {
		t := &tools[i]
		w.str(t.Type)
		w.str(t.Function.Name)
		w.str(t.Function.Description)
		w.optJSON(t.Function.Parameters)
		w.optBool(t.Function.Strict)
	}
}

func (w *keyWriter) toolChoice(tc *providers.ToolChoice) {
	if w.present(tc != nil, 'C') {
		w.str(tc.Mode)
		w.str(tc.Function)
	}
}

func (w *keyWriter) responseFormat(rf *providers.ResponseFormat) {
	if w.present(rf != nil, 'F') {
		w.str(rf.Type)
		w.optJSON(rf.JSONSchema)
	}
}

// optJSON writes a raw JSON value (a schema) keeping its member order.
func (w *keyWriter) optJSON(raw []byte) {
	if w.present(len(raw) > 0, 'J') {
		w.canonOrBlob(raw, keepOrder)
	}
}

// present writes the tag of an optional value: tagAbsent when it is
// missing, else tag, after which the caller writes the value's fields. It
// reports whether the value is there.
func (w *keyWriter) present(ok bool, tag byte) bool {
	if !ok {
		w.tag(tagAbsent)
		return false
	}
	w.tag(tag)
	return true
}
