package anthropic

import (
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// relayChunk writes the upstream event a chunk of a relayed stream carries
// (providers.StreamEvent): the event as it came, message_start with the
// public model name. A chunk without an event is the rest of an event
// already written. A chunk whose text the gateway changed (the security
// filter) is written from its unified content at the event's block index.
func (s *chunkSink) relayChunk(c *providers.ChatChunk) error {
	ev := c.Event
	if ev == nil || !ev.Relay {
		return nil // cannot happen: one upstream serves the whole stream
	}
	if ev.Changed {
		return s.changedText(c)
	}
	if ev.Data == nil {
		return nil
	}
	data := ev.Data
	if ev.Name == "message_start" {
		data = startWithModel(data, s.req.Model)
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

// changedText writes the filtered text of a relayed text event: a
// content_block_start whose block already held text, or a text_delta.
func (s *chunkSink) changedText(c *providers.ChatChunk) error {
	var head struct {
		Type  string `json:"type"`
		Index int    `json:"index"`
	}
	_ = json.Unmarshal(c.Event.Data, &head)
	text := ""
	for _, ch := range c.Choices {
		if ch.Index == 0 && ch.Delta.Content != nil {
			text += *ch.Delta.Content
		}
	}
	e := s.enc
	e.buf.Reset()
	if head.Type == "content_block_start" {
		e.write("content_block_start", struct {
			Type         string   `json:"type"`
			Index        int      `json:"index"`
			ContentBlock outBlock `json:"content_block"`
		}{"content_block_start", head.Index, outBlock{Type: "text", Text: &text}})
	} else {
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
