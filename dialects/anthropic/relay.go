package anthropic

import (
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// relayChunk writes the upstream event a chunk of a relayed stream carries
// (providers.StreamEvent): the event as it came, message_start with the
// public model name. A chunk without an event is the rest of an event
// already written. A chunk whose text or thinking the gateway changed (the
// security filter) is written from its unified content at the event's
// block index (changedChunk), and the signature of a thinking block so
// changed is withheld (withheldSignature).
func (s *chunkSink) relayChunk(c *providers.ChatChunk) error {
	ev := c.Event
	if ev == nil || !ev.Relay {
		return nil // cannot happen: one upstream serves the whole stream
	}
	if ev.Changed {
		return s.changedChunk(c)
	}
	if ev.Data == nil {
		return nil
	}
	data := ev.Data
	switch {
	case ev.Name == "message_start":
		data = startWithModel(data, s.req.Model)
	case s.altered != nil && ev.Name == "content_block_delta":
		data = s.withheldSignature(data)
	}
	e := s.enc
	e.buf.Reset()
	if ev.Name == "" {
		e.buf.WriteString("data: ")
		e.buf.Write(data)
		e.buf.WriteString("\n\n")
	} else {
		e.event(ev.Name, data)
	}
	return e.flush(s.w)
}

// startWithModel replaces message.model in a message_start event; the
// event goes out unchanged if it is not shaped as expected.
func startWithModel(data []byte, model string) []byte {
	msg := providers.GetTopLevel(data, "message")
	if msg == nil {
		return data
	}
	msg, err := providers.SetTopLevel(msg, "model", quoteJSON(model))
	if err != nil {
		return data
	}
	out, err := providers.SetTopLevel(data, "message", msg)
	if err != nil {
		return data
	}
	return out
}

// changedChunk writes a relayed event the security filter changed: the
// filtered text of a text event (a content_block_start whose block already
// held text, or a text_delta), or the filtered thinking of a thinking
// event; an event with neither (the content_block_stop of a thinking block
// held back from thinking_blocks) goes out as it came.
func (s *chunkSink) changedChunk(c *providers.ChatChunk) error {
	var head struct {
		Type  string `json:"type"`
		Index int    `json:"index"`
	}
	_ = json.Unmarshal(c.Event.Data, &head)
	text, thinking := "", ""
	hasText, hasThinking := false, false
	for _, ch := range c.Choices {
		if ch.Index != 0 {
			continue
		}
		if p := ch.Delta.Content; p != nil {
			text, hasText = text+*p, true
		}
		if p := ch.Delta.ReasoningContent; p != nil {
			thinking, hasThinking = thinking+*p, true
		}
	}
	e := s.enc
	e.buf.Reset()
	switch {
	case hasThinking:
		s.alter(head.Index)
		if head.Type == "content_block_start" {
			empty := ""
			e.write("content_block_start", struct {
				Type         string   `json:"type"`
				Index        int      `json:"index"`
				ContentBlock outBlock `json:"content_block"`
			}{"content_block_start", head.Index, outBlock{Type: "thinking", thinkingFields: &thinkingFields{Thinking: &thinking, Signature: &empty}}})
		} else {
			e.write("content_block_delta", thinkingDelta{Type: "content_block_delta", Index: head.Index,
				Delta: thinkingDeltaBody{Type: "thinking_delta", Thinking: &thinking}})
		}
	case !hasText:
		if c.Event.Data != nil {
			e.event(c.Event.Name, c.Event.Data)
		}
	case head.Type == "content_block_start":
		e.write("content_block_start", struct {
			Type         string   `json:"type"`
			Index        int      `json:"index"`
			ContentBlock outBlock `json:"content_block"`
		}{"content_block_start", head.Index, outBlock{Type: "text", Text: &text}})
	default:
		e.write("content_block_delta", blockDelta{Type: "content_block_delta", Index: head.Index,
			Delta: deltaBody{Type: "text_delta", Text: &text}})
	}
	return e.flush(s.w)
}

// quoteJSON is s as a JSON string.
func quoteJSON(s string) []byte {
	b, _ := json.Marshal(s)
	return b
}
