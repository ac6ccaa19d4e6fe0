package fakeupstream

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
)

// bedrockFrames writes AWS event-stream messages with the SDK's encoder
// (valid prelude and message CRCs), flushing after each.
type bedrockFrames struct {
	w   http.ResponseWriter
	enc *eventstream.Encoder
}

func newBedrockFrames(w http.ResponseWriter) *bedrockFrames {
	w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
	w.WriteHeader(http.StatusOK)
	return &bedrockFrames{w: w, enc: eventstream.NewEncoder()}
}

// event writes an event frame whose payload is v as JSON.
func (s *bedrockFrames) event(eventType string, v any) {
	payload, _ := json.Marshal(v)
	s.write(eventstream.Message{Headers: eventstream.Headers{
		{Name: ":event-type", Value: eventstream.StringValue(eventType)},
		{Name: ":content-type", Value: eventstream.StringValue("application/json")},
		{Name: ":message-type", Value: eventstream.StringValue("event")},
	}, Payload: payload})
}

// exception writes an exception frame, as Bedrock ends a failing stream.
func (s *bedrockFrames) exception(typ, message string) {
	payload, _ := json.Marshal(map[string]string{"message": message})
	s.write(eventstream.Message{Headers: eventstream.Headers{
		{Name: ":exception-type", Value: eventstream.StringValue(typ)},
		{Name: ":content-type", Value: eventstream.StringValue("application/json")},
		{Name: ":message-type", Value: eventstream.StringValue("exception")},
	}, Payload: payload})
}

func (s *bedrockFrames) write(m eventstream.Message) {
	_ = s.enc.Encode(s.w, m)
	if fl, ok := s.w.(http.Flusher); ok {
		fl.Flush()
	}
}

// BedrockExceptionMessage is the message of the exception frame a
// StreamException stream ends with.
const BedrockExceptionMessage = "Too many requests, please wait before trying again."

// converseStream answers ConverseStream: the reasoning (when thinking is
// on) in two text deltas and a signature delta, then the text in two
// deltas, or the tool call with its input in two fragments, then
// messageStop and the metadata event with usage.
func (f *fakeBedrock) converseStream(w http.ResponseWriter, a bedrockAnswer) {
	s := newBedrockFrames(w)
	s.event("messageStart", map[string]any{"role": "assistant"})
	index := 0
	if a.thinking != "" {
		for _, part := range splitHalf(a.thinking) {
			s.event("contentBlockDelta", map[string]any{"contentBlockIndex": 0, "delta": map[string]any{"reasoningContent": map[string]any{"text": part}}})
		}
		s.event("contentBlockDelta", map[string]any{"contentBlockIndex": 0, "delta": map[string]any{"reasoningContent": map[string]any{"signature": BedrockSignature}}})
		s.event("contentBlockStop", map[string]any{"contentBlockIndex": 0})
		index = 1
	}
	if a.tool != "" {
		s.event("contentBlockStart", map[string]any{"contentBlockIndex": index,
			"start": map[string]any{"toolUse": map[string]any{"toolUseId": a.toolID, "name": a.tool}}})
		half := len(a.input) / 2
		for _, part := range []string{a.input[:half], a.input[half:]} {
			s.event("contentBlockDelta", map[string]any{"contentBlockIndex": index, "delta": map[string]any{"toolUse": map[string]any{"input": part}}})
		}
	} else {
		for i, part := range splitHalf(a.text) {
			s.event("contentBlockDelta", map[string]any{"contentBlockIndex": index, "delta": map[string]any{"text": part}})
			if i == 0 && f.cfg.StreamException != "" {
				s.exception(f.cfg.StreamException, BedrockExceptionMessage)
				return
			}
		}
	}
	s.event("contentBlockStop", map[string]any{"contentBlockIndex": index})
	s.event("messageStop", map[string]any{"stopReason": a.stop})
	s.event("metadata", map[string]any{"usage": a.usage, "metrics": map[string]any{"latencyMs": 42}})
}

func splitHalf(s string) []string {
	i := len(s) / 2
	for i > 0 && i < len(s) && s[i]&0xC0 == 0x80 { // not inside a UTF-8 sequence
		i--
	}
	return []string{s[:i], s[i:]}
}

// invoke serves InvokeModel and InvokeModelWithResponseStream: Claude
// Messages bodies (anthropic_version required, no model in the body) and
// Titan and Cohere embeddings.
func (f *fakeBedrock) invoke(w http.ResponseWriter, body []byte, model string, stream bool) {
	var req map[string]json.RawMessage
	if json.Unmarshal(body, &req) != nil {
		bedrockValidation(w, `{"message":"Malformed input request, please reformat your input and try again."}`)
		return
	}
	switch {
	case strings.Contains(model, "titan-embed"):
		f.titan(w, req)
	case strings.Contains(model, "cohere.embed"):
		f.cohere(w, req)
	case strings.Contains(model, "anthropic.claude"):
		f.claude(w, req, model, stream)
	default:
		bedrockError(w, http.StatusNotFound, "ResourceNotFoundException", `{"message":"Could not resolve the foundation model from the provided model identifier."}`)
	}
}

// bedrockVector is the fake's embedding of a text: a few numbers derived
// from it, so equal texts embed equally.
func bedrockVector(text string, dims int) []float32 {
	v := make([]float32, dims)
	for i := range v {
		v[i] = float32(len(text)+i) / 100
	}
	return v
}

func (f *fakeBedrock) titan(w http.ResponseWriter, req map[string]json.RawMessage) {
	var text string
	if json.Unmarshal(req["inputText"], &text) != nil || text == "" {
		bedrockValidation(w, `{"message":"Malformed input request: #: required key [inputText] not found, please reformat your input and try again."}`)
		return
	}
	dims := 1024
	if d, ok := req["dimensions"]; ok {
		_ = json.Unmarshal(d, &dims)
	}
	bedrockJSON(w, map[string]any{"embedding": bedrockVector(text, dims), "inputTextTokenCount": len(strings.Fields(text))})
}

func (f *fakeBedrock) cohere(w http.ResponseWriter, req map[string]json.RawMessage) {
	var texts []string
	var inputType string
	_ = json.Unmarshal(req["input_type"], &inputType)
	if json.Unmarshal(req["texts"], &texts) != nil || len(texts) == 0 || len(texts) > 96 || inputType == "" {
		bedrockValidation(w, `{"message":"Malformed input request: #/texts: expected minimum item count: 1, please reformat your input and try again."}`)
		return
	}
	vecs := make([][]float32, len(texts))
	tokens := 0
	for i, t := range texts {
		vecs[i] = bedrockVector(t, 1024)
		tokens += len(strings.Fields(t))
	}
	w.Header().Set("X-Amzn-Bedrock-Input-Token-Count", itoa(tokens))
	bedrockJSON(w, map[string]any{"id": "fake-cohere", "texts": texts, "embeddings": vecs, "response_type": "embeddings_floats"})
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// claude answers a Messages body as Anthropic on Bedrock does.
func (f *fakeBedrock) claude(w http.ResponseWriter, req map[string]json.RawMessage, model string, stream bool) {
	if _, ok := req["model"]; ok {
		bedrockValidation(w, bedrockExtraModel)
		return
	}
	if string(req["anthropic_version"]) != `"bedrock-2023-05-31"` {
		bedrockValidation(w, bedrockNoVersion)
		return
	}
	text := f.cfg.Text
	if text == "" {
		text = DefaultBedrockText
	}
	in, out := bedrockOr(f.cfg.InputTokens, 11), bedrockOr(f.cfg.OutputTokens, 7)
	msg := map[string]any{"id": "msg_bdrk_fake01", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5-20250929",
		"content": []any{map[string]any{"type": "text", "text": text}}, "stop_reason": "end_turn", "stop_sequence": nil,
		"usage": map[string]int{"input_tokens": in, "output_tokens": out, "cache_read_input_tokens": f.cfg.CacheRead, "cache_creation_input_tokens": f.cfg.CacheWrite}}
	if !stream {
		bedrockJSON(w, msg)
		return
	}
	s := newBedrockFrames(w)
	chunk := func(ev map[string]any) {
		data, _ := json.Marshal(ev)
		s.event("chunk", map[string]any{"bytes": data}) // []byte marshals as base64, as Bedrock sends it
	}
	start := map[string]any{}
	for k, v := range msg {
		start[k] = v
	}
	start["content"], start["stop_reason"] = []any{}, nil
	start["usage"] = map[string]int{"input_tokens": in, "output_tokens": 1}
	chunk(map[string]any{"type": "message_start", "message": start})
	chunk(map[string]any{"type": "content_block_start", "index": 0, "content_block": map[string]any{"type": "text", "text": ""}})
	for i, part := range splitHalf(text) {
		chunk(map[string]any{"type": "content_block_delta", "index": 0, "delta": map[string]any{"type": "text_delta", "text": part}})
		if i == 0 && f.cfg.StreamException != "" {
			s.exception(f.cfg.StreamException, BedrockExceptionMessage)
			return
		}
	}
	chunk(map[string]any{"type": "content_block_stop", "index": 0})
	chunk(map[string]any{"type": "message_delta", "delta": map[string]any{"stop_reason": "end_turn", "stop_sequence": nil}, "usage": map[string]int{"output_tokens": out}})
	chunk(map[string]any{"type": "message_stop", "amazon-bedrock-invocationMetrics": map[string]int{"inputTokenCount": in, "outputTokenCount": out, "invocationLatency": 321, "firstByteLatency": 123}})
}
