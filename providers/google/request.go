package google

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// toGemini translates a unified chat request into a generateContent body.
// It is pure: no I/O, the same input always gives the same output.
//
// Messages: system and developer messages become systemInstruction (their
// texts joined by a blank line, in order); user → "user", assistant →
// "model"; tool results become functionResponse parts of a "user" turn.
// Consecutive turns of the same role are merged and empty parts are never
// sent, since Gemini rejects both empty parts and, for function calling,
// results split over several turns.
func toGemini(req *providers.ChatRequest, safety []SafetySetting) (*generateRequest, error) {
	out := &generateRequest{SafetySettings: safety}
	b := contentsBuilder{callNames: map[string]string{}}
	var system []string
	for i := range req.Messages {
		m := &req.Messages[i]
		var err error
		switch m.Role {
		case "system", "developer":
			if m.Content.HasImage() {
				return nil, invalid("messages[%d]: %s messages may only contain text", i, m.Role)
			}
			if text := m.Content.String(); text != "" {
				system = append(system, text)
			}
		case "user":
			err = b.user(i, m)
		case "assistant":
			err = b.assistant(i, m)
		case "tool", "function":
			err = b.toolResult(i, m)
		default:
			err = invalid("messages[%d]: unsupported role %q", i, m.Role)
		}
		if err != nil {
			return nil, err
		}
	}
	if len(system) > 0 {
		out.SystemInstruction = &content{Parts: []part{{Text: strings.Join(system, "\n\n")}}}
	}
	if len(b.contents) == 0 {
		return nil, invalid("messages: at least one user or assistant message with content is required")
	}
	out.Contents = b.contents
	var err error
	if out.Tools, out.ToolConfig, err = toolsFor(req); err != nil {
		return nil, err
	}
	if out.GenerationConfig, err = generationConfigFor(req); err != nil {
		return nil, err
	}
	return out, nil
}

// contentsBuilder accumulates turns, merging consecutive same-role ones.
type contentsBuilder struct {
	contents  []content
	callNames map[string]string // tool-call id (and its base) → function name
}

func (b *contentsBuilder) add(role string, parts ...part) {
	if len(parts) == 0 {
		return
	}
	if n := len(b.contents); n > 0 && b.contents[n-1].Role == role {
		b.contents[n-1].Parts = append(b.contents[n-1].Parts, parts...)
		return
	}
	b.contents = append(b.contents, content{Role: role, Parts: parts})
}

func (b *contentsBuilder) user(i int, m *providers.Message) error {
	if m.Content.Parts == nil {
		if m.Content.Text != "" {
			b.add("user", part{Text: m.Content.Text})
		}
		return nil
	}
	parts := make([]part, 0, len(m.Content.Parts))
	for j, p := range m.Content.Parts {
		switch p.Type {
		case "text":
			if p.Text != "" {
				parts = append(parts, part{Text: p.Text})
			}
		case "image_url":
			if p.ImageURL == nil {
				return invalid("messages[%d].content[%d]: image_url is missing", i, j)
			}
			img, err := imagePart(p.ImageURL.URL)
			if err != nil {
				return invalid("messages[%d].content[%d]: %s", i, j, err.Error())
			}
			parts = append(parts, img)
		default:
			return invalid("messages[%d].content[%d]: content part type %q is not supported by Gemini", i, j, p.Type)
		}
	}
	b.add("user", parts...)
	return nil
}

// assistant turns text and tool calls into a "model" turn, restoring the
// thought signatures carried in the tool-call ids (see toolid.go).
func (b *contentsBuilder) assistant(i int, m *providers.Message) error {
	var parts []part
	if text := m.Content.String(); text != "" {
		parts = append(parts, part{Text: text})
	}
	signed, foreign := false, false
	firstCall := -1
	for j, tc := range m.ToolCalls {
		if tc.Function.Name == "" {
			return invalid("messages[%d].tool_calls[%d]: function.name is required", i, j)
		}
		args, err := argumentsObject(tc.Function.Arguments)
		if err != nil {
			return invalid("messages[%d].tool_calls[%d].function.arguments must be a JSON object", i, j)
		}
		base, sig := decodeToolCallID(tc.ID)
		if tc.ID != "" {
			b.callNames[tc.ID] = tc.Function.Name
			b.callNames[base] = tc.Function.Name
		}
		signed = signed || sig != ""
		foreign = foreign || (sig == "" && !isSyntheticID(base))
		if firstCall < 0 {
			firstCall = len(parts)
		}
		parts = append(parts, part{
			FunctionCall:     &functionCall{ID: geminiCallID(base), Name: tc.Function.Name, Args: args},
			ThoughtSignature: sig,
		})
	}
	if firstCall >= 0 && !signed && foreign {
		// Calls written by another model carry no signature; Gemini 3
		// rejects such a step unless told to skip the check.
		parts[firstCall].ThoughtSignature = skipSignature
	}
	b.add("model", parts...)
	return nil
}

// toolResult turns a tool (or legacy function) message into a
// functionResponse part. Gemini pairs results with calls by name, so the
// name is looked up from the assistant turn that made the call.
func (b *contentsBuilder) toolResult(i int, m *providers.Message) error {
	name := m.Name
	base, _ := decodeToolCallID(m.ToolCallID)
	if n, ok := b.callNames[m.ToolCallID]; ok {
		name = n
	} else if n, ok := b.callNames[base]; ok {
		name = n
	}
	if name == "" {
		return invalid("messages[%d]: tool_call_id %q does not match any earlier tool call", i, m.ToolCallID)
	}
	id := ""
	if m.Role == "tool" {
		id = geminiCallID(base)
	}
	b.add("user", part{FunctionResponse: &functionResponse{ID: id, Name: name, Response: toolResponse(m.Content.String())}})
	return nil
}

// toolResponse wraps a tool's output for functionResponse.response, which
// must be a JSON object: an object is sent as is, anything else as
// {"result": "<the text>"}.
func toolResponse(text string) json.RawMessage {
	trimmed := bytes.TrimSpace([]byte(text))
	if len(trimmed) > 0 && trimmed[0] == '{' && json.Valid(trimmed) {
		var b bytes.Buffer
		if json.Compact(&b, trimmed) == nil {
			return b.Bytes()
		}
	}
	out, _ := json.Marshal(map[string]string{"result": text})
	return out
}

// argumentsObject parses OpenAI's arguments string; Gemini wants an object.
// An empty string means no arguments.
func argumentsObject(arguments string) (json.RawMessage, error) {
	trimmed := bytes.TrimSpace([]byte(arguments))
	if len(trimmed) == 0 {
		return json.RawMessage("{}"), nil
	}
	if trimmed[0] != '{' || !json.Valid(trimmed) {
		return nil, errSchemaNotObject
	}
	var b bytes.Buffer
	if err := json.Compact(&b, trimmed); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// invalid builds a KindInvalidRequest error.
func invalid(format string, args ...any) *providers.Error {
	return providers.Errorf(providers.KindInvalidRequest, format, args...)
}

// clampSeed maps OpenAI's 64-bit seed into Gemini's int32 deterministically.
func clampSeed(seed int64) int32 { return int32(seed) }
