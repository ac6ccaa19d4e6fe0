package gemini

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Decoder returns the chat decoder for one request to
// models/{model}:generateContent (stream false) or :streamGenerateContent
// (stream true; sse when the client asked for alt=sse). The model comes
// from the path, not the body.
func Decoder(model string, stream, sse bool) dialects.ChatDecoder {
	return func(body []byte, _ *http.Request) (*providers.ChatRequest, dialects.ChatWriter, *providers.Error) {
		req, e := ParseRequest(body, model)
		if e != nil {
			return nil, nil, e
		}
		if stream {
			req.Stream = true
			req.StreamOptions = &providers.StreamOptions{IncludeUsage: true}
		}
		req.Original = providers.Original{Format: providers.FormatGemini, Body: body}
		return req, ChatWriter{sse: sse}, nil
	}
}

// ParseRequest translates a GenerateContentRequest into the unified
// request:
//
//	systemInstruction                 → a leading system message
//	contents role user: text, inlineData images (data: URLs)
//	                                  → a user message; functionResponse parts → tool messages
//	contents role model: text, functionCall → an assistant message with tool_calls
//	tools.functionDeclarations        → function tools (parameters or parametersJsonSchema)
//	toolConfig.functionCallingConfig  AUTO / ANY (one allowed name: that function) / NONE
//	generationConfig                  temperature, topP, topK, maxOutputTokens, stopSequences,
//	                                  candidateCount → n, seed, penalties,
//	                                  responseMimeType + responseSchema / responseJsonSchema → response_format
//
// Gemini matches a functionResponse to its functionCall by name and order,
// without ids; calls without an id get call_<n> (n counts the calls of the
// request from 1) and each response takes the id of the earliest
// unanswered call of its name, so the ids are stable across turns.
// Google-hosted tools, cachedContent, fileData parts and non-image inline
// data have no translation: they are listed in req.Untranslatable, so only
// a Gemini upstream (which gets the body as sent) may serve the request.
// safetySettings are listed in req.Droppable: a Gemini upstream applies
// them, any other provider has no equivalent and the answer says they were
// dropped. Thinking parts are ignored on translated paths.
func ParseRequest(body []byte, model string) (*providers.ChatRequest, *providers.Error) {
	var in inRequest
	if e := decodeRequest(body, &in); e != nil {
		return nil, e
	}
	if model == "" {
		return nil, dialects.Invalid("model", "the model is missing from the path: use models/{model}:generateContent")
	}
	if len(in.Contents) == 0 {
		return nil, dialects.Invalid("contents", "contents must not be empty")
	}
	req := &providers.ChatRequest{Model: model, Messages: make([]providers.Message, 0, len(in.Contents)+1)}
	if in.CachedContent != "" {
		req.Untranslatable = append(req.Untranslatable, "cachedContent")
	}
	if len(in.SafetySettings) > 0 && string(in.SafetySettings) != "null" {
		req.Droppable = append(req.Droppable, "safetySettings")
	}
	if in.SystemInstruction != nil {
		if text := systemText(in.SystemInstruction); text != "" {
			req.Messages = append(req.Messages, providers.Message{Role: "system", Content: providers.TextContent(text)})
		}
	}
	var ids callIDs
	for i := range in.Contents {
		if e := addContent(req, &in.Contents[i], i, &ids); e != nil {
			return nil, e
		}
	}
	if e := addTools(req, in.Tools); e != nil {
		return nil, e
	}
	if e := addToolConfig(req, in.ToolConfig); e != nil {
		return nil, e
	}
	if e := addGenerationConfig(req, in.GenerationConfig); e != nil {
		return nil, e
	}
	return req, nil
}

func systemText(c *inContent) string {
	if len(c.Parts) == 1 && c.Parts[0].Text != nil {
		return *c.Parts[0].Text // the usual instruction: no copy
	}
	var b strings.Builder
	for _, p := range c.Parts {
		if p.Text != nil {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(*p.Text)
		}
	}
	return b.String()
}

// callIDs hands out tool-call ids: a call's own id, or call_<n>; a
// response takes the oldest unanswered id of its function name.
type callIDs struct {
	n       int
	pending map[string][]string
}

func (c *callIDs) call(fc *inFunctionCall) string {
	c.n++
	id := fc.ID
	if id == "" {
		id = "call_" + strconv.Itoa(c.n)
	}
	if c.pending == nil {
		c.pending = map[string][]string{}
	}
	c.pending[fc.Name] = append(c.pending[fc.Name], id)
	return id
}

func (c *callIDs) response(fr *inFunctionResponse) (string, bool) {
	q := c.pending[fr.Name]
	if fr.ID != "" {
		for i, id := range q {
			if id == fr.ID {
				c.pending[fr.Name] = append(q[:i:i], q[i+1:]...)
				return id, true
			}
		}
	}
	if len(q) == 0 {
		return "", false
	}
	c.pending[fr.Name] = q[1:]
	return q[0], true
}

func addContent(req *providers.ChatRequest, c *inContent, i int, ids *callIDs) *providers.Error {
	switch c.Role {
	case "", "user", "function", "tool":
		return addUserContent(req, c, i, ids)
	case "model", "assistant":
		return addModelContent(req, c, i, ids)
	}
	return dialects.Invalid("contents."+strconv.Itoa(i)+".role", "role %q is not one of user, model", c.Role)
}

// partPath names contents[i].parts[j] in an error or an untranslatable
// field; built only then, not for every part.
func partPath(i, j int) string {
	return "contents." + strconv.Itoa(i) + ".parts." + strconv.Itoa(j)
}

func addUserContent(req *providers.ChatRequest, c *inContent, i int, ids *callIDs) *providers.Error {
	if len(c.Parts) == 1 && c.Parts[0].Text != nil && !c.Parts[0].Thought {
		// The usual turn, one text part: no parts slice in between.
		req.Messages = append(req.Messages, providers.Message{Role: "user", Content: providers.TextContent(*c.Parts[0].Text)})
		return nil
	}
	var parts []providers.ContentPart
	for j := range c.Parts {
		p := &c.Parts[j]
		switch {
		case p.FunctionResponse != nil:
			fr := p.FunctionResponse
			id, ok := ids.response(fr)
			if !ok {
				return dialects.Invalid(partPath(i, j)+".functionResponse",
					"functionResponse %q answers no earlier functionCall of that name", fr.Name)
			}
			out := string(fr.Response)
			if len(bytes.TrimSpace(fr.Response)) == 0 {
				out = "{}"
			}
			req.Messages = append(req.Messages, providers.Message{Role: "tool", ToolCallID: id,
				Name: fr.Name, Content: providers.TextContent(out)})
		case p.Text != nil:
			if !p.Thought {
				parts = append(parts, providers.ContentPart{Type: "text", Text: *p.Text})
			}
		case p.InlineData != nil:
			b := p.InlineData
			if !strings.HasPrefix(b.MimeType, "image/") {
				req.Untranslatable = append(req.Untranslatable, partPath(i, j)+".inlineData ("+b.MimeType+")")
				continue
			}
			parts = append(parts, providers.ContentPart{Type: "image_url",
				ImageURL: &providers.ImageURL{URL: "data:" + b.MimeType + ";base64," + b.Data}})
		default:
			if e := untranslatablePart(req, p, partPath(i, j)); e != nil {
				return e
			}
		}
	}
	if len(parts) == 0 {
		return nil
	}
	msg := providers.Message{Role: "user"}
	if len(parts) == 1 && parts[0].Type == "text" {
		msg.Content = providers.TextContent(parts[0].Text)
	} else {
		msg.Content = providers.Content{Parts: parts}
	}
	req.Messages = append(req.Messages, msg)
	return nil
}

func addModelContent(req *providers.ChatRequest, c *inContent, i int, ids *callIDs) *providers.Error {
	msg := providers.Message{Role: "assistant"}
	var text strings.Builder
	for j := range c.Parts {
		p := &c.Parts[j]
		switch {
		case p.FunctionCall != nil:
			fc := p.FunctionCall
			if fc.Name == "" {
				return dialects.Invalid(partPath(i, j)+".functionCall.name", "functionCall.name is required")
			}
			args := "{}"
			if a := bytes.TrimSpace(fc.Args); len(a) > 0 && !bytes.Equal(a, []byte("null")) {
				args = string(a)
			}
			msg.ToolCalls = append(msg.ToolCalls, providers.ToolCall{ID: ids.call(fc), Type: "function",
				Function: providers.FunctionCall{Name: fc.Name, Arguments: args}})
		case p.Text != nil:
			if !p.Thought {
				text.WriteString(*p.Text)
			}
		case p.FunctionResponse != nil:
			return dialects.Invalid(partPath(i, j)+".functionResponse", "functionResponse belongs in a user turn")
		case p.InlineData != nil:
			req.Untranslatable = append(req.Untranslatable, partPath(i, j)+".inlineData")
		default:
			if e := untranslatablePart(req, p, partPath(i, j)); e != nil {
				return e
			}
		}
	}
	msg.Content = providers.TextContent(text.String())
	if msg.Content.IsEmpty() && len(msg.ToolCalls) == 0 {
		return nil // only thoughts: nothing another provider can take
	}
	req.Messages = append(req.Messages, msg)
	return nil
}

// untranslatablePart records a part only a Gemini upstream understands.
func untranslatablePart(req *providers.ChatRequest, p *inPart, pat string) *providers.Error {
	switch {
	case p.FileData != nil:
		req.Untranslatable = append(req.Untranslatable, pat+".fileData")
	case p.ExecutableCode != nil:
		req.Untranslatable = append(req.Untranslatable, pat+".executableCode")
	case p.CodeResult != nil:
		req.Untranslatable = append(req.Untranslatable, pat+".codeExecutionResult")
	case p.ThoughtSignature != "":
		// a signature alone: meaningful to Gemini only, harmless to drop
	default:
		return dialects.Invalid(pat, "a part needs one of text, inlineData, fileData, functionCall, functionResponse")
	}
	return nil
}

// ParseCountTokens translates a countTokens body: either the contents
// alone ({"contents":[…]}) or a whole request in generateContentRequest,
// whose system instruction and tools count too.
func ParseCountTokens(body []byte, model string) (*providers.ChatRequest, *providers.Error) {
	var in struct {
		GenerateContentRequest json.RawMessage `json:"generateContentRequest"`
	}
	if e := dialects.DecodeJSON(body, &in); e != nil {
		return nil, e
	}
	if len(in.GenerateContentRequest) > 0 && string(in.GenerateContentRequest) != "null" {
		body = in.GenerateContentRequest
	}
	return ParseRequest(body, model)
}
