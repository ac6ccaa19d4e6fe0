package responses

import (
	"encoding/json"
)

// Item is one input (or stored output) item. Only the fields of its Type
// are set; Raw is the item exactly as the client sent it.
type Item struct {
	Type   string // message, function_call, function_call_output, reasoning
	ID     string
	Status string

	// message
	Role    string
	Content []Part

	// function_call and function_call_output
	CallID    string
	Name      string
	Arguments string
	Output    string // function_call_output text (text parts joined)

	// reasoning: kept so that a later turn to OpenAI, or the reasoning
	// issue's translation, can use them; translating providers drop them.
	Summary          []string
	EncryptedContent *string

	Raw json.RawMessage
}

// Part is one content part of a message item.
type Part struct {
	Type     string // input_text, output_text, refusal, input_image
	Text     string // text, output text or refusal
	ImageURL string
	Detail   string
}

// OpenAI-only item types are every item type besides the four the gateway
// translates: hosted tool calls and their outputs (web_search_call,
// file_search_call, computer_call, code_interpreter_call, image_generation_call,
// local_shell_call, mcp_*, custom_tool_call …) and item_reference.

// decodeInput parses input: a string, or an array of items.
func (r *Request) decodeInput(v json.RawMessage) error {
	if len(v) > 0 && v[0] == '"' {
		var s string
		if err := decodeString(v, "input", &s); err != nil {
			return err
		}
		r.InputString = true
		r.Input = []Item{{Type: "message", Role: "user", Content: []Part{{Type: "input_text", Text: s}}, Raw: v}}
		return nil
	}
	r.Input = []Item{}
	return eachElement(v, "input", func(i int, e json.RawMessage) error {
		item, err := r.decodeItem(e, index("input", i))
		if err != nil {
			return err
		}
		if item != nil {
			r.Input = append(r.Input, *item)
		}
		return nil
	})
}

// wireItem holds every field any translated item type may carry.
type wireItem struct {
	Type             *string         `json:"type"`
	ID               *string         `json:"id"`
	Status           *string         `json:"status"`
	Role             *string         `json:"role"`
	Content          json.RawMessage `json:"content"`
	CallID           *string         `json:"call_id"`
	Name             *string         `json:"name"`
	Arguments        *string         `json:"arguments"`
	Output           json.RawMessage `json:"output"`
	Summary          json.RawMessage `json:"summary"`
	EncryptedContent *string         `json:"encrypted_content"`
}

// decodeItem parses one input item; a nil item with no error is an
// OpenAI-only item, recorded on r.
func (r *Request) decodeItem(v json.RawMessage, path string) (*Item, error) {
	var w wireItem
	if err := json.Unmarshal(v, &w); err != nil {
		return nil, wrongType(path, "an input item object")
	}
	typ := deref(w.Type)
	if typ == "" && w.Role != nil {
		typ = "message" // the easy input message: {role, content}
	}
	item := &Item{Type: typ, ID: deref(w.ID), Status: deref(w.Status), Raw: v}
	switch typ {
	case "message":
		return item, r.decodeMessage(item, &w, path)
	case "function_call":
		if w.CallID == nil || w.Name == nil || w.Arguments == nil {
			return nil, invalid(path, codeMissingParameter, "Missing required parameter: '%s' needs call_id, name and arguments.", path)
		}
		item.CallID, item.Name, item.Arguments = *w.CallID, *w.Name, *w.Arguments
		return item, nil
	case "function_call_output":
		if w.CallID == nil {
			return nil, invalid(path+".call_id", codeMissingParameter, "Missing required parameter: '%s.call_id'.", path)
		}
		item.CallID = *w.CallID
		return item, r.decodeToolOutput(item, w.Output, path+".output")
	case "reasoning":
		return item, decodeSummary(item, &w, path)
	case "":
		return nil, invalid(path+".type", codeMissingParameter, "Missing required parameter: '%s.type'.", path)
	}
	r.openAIOnly(typ+" input item", path)
	return nil, nil
}

func (r *Request) decodeMessage(item *Item, w *wireItem, path string) error {
	item.Role = deref(w.Role)
	switch item.Role {
	case "user", "system", "developer", "assistant":
	case "":
		return invalid(path+".role", codeMissingParameter, "Missing required parameter: '%s.role'.", path)
	default:
		return invalid(path+".role", codeInvalidValue, "Invalid value: '%s'. Supported values are: 'user', 'system', 'developer' and 'assistant'.", item.Role)
	}
	cpath := path + ".content"
	if w.Content == nil || isNull(w.Content) {
		return invalid(cpath, codeMissingParameter, "Missing required parameter: '%s'.", cpath)
	}
	if w.Content[0] == '"' {
		var s string
		if err := decodeString(w.Content, cpath, &s); err != nil {
			return err
		}
		typ := "input_text"
		if item.Role == "assistant" {
			typ = "output_text"
		}
		item.Content = []Part{{Type: typ, Text: s}}
		return nil
	}
	item.Content = []Part{}
	return eachElement(w.Content, cpath, func(i int, e json.RawMessage) error {
		p, err := r.decodePart(e, index(cpath, i), item.Role)
		if err != nil || p == nil {
			return err
		}
		item.Content = append(item.Content, *p)
		return nil
	})
}

type wirePart struct {
	Type     *string `json:"type"`
	Text     *string `json:"text"`
	Refusal  *string `json:"refusal"`
	ImageURL *string `json:"image_url"`
	FileID   *string `json:"file_id"`
	Detail   *string `json:"detail"`
}

// decodePart parses one content part; a nil part with no error is an
// OpenAI-only part (a file, audio, an image by file id), recorded on r.
func (r *Request) decodePart(v json.RawMessage, path, role string) (*Part, error) {
	var w wirePart
	if err := json.Unmarshal(v, &w); err != nil {
		return nil, wrongType(path, "a content part object")
	}
	p := &Part{Type: deref(w.Type)}
	switch p.Type {
	case "input_text", "output_text":
		if w.Text == nil {
			return nil, invalid(path+".text", codeMissingParameter, "Missing required parameter: '%s.text'.", path)
		}
		p.Text = *w.Text
	case "refusal":
		if w.Refusal == nil {
			return nil, invalid(path+".refusal", codeMissingParameter, "Missing required parameter: '%s.refusal'.", path)
		}
		p.Text = *w.Refusal
	case "input_image":
		if role != "user" {
			return nil, invalid(path, codeInvalidValue, "Invalid content part at '%s': images are only supported in user messages.", path)
		}
		if w.ImageURL == nil || *w.ImageURL == "" {
			if w.FileID != nil {
				r.openAIOnly("input_image by file_id", path+".file_id")
				return nil, nil
			}
			return nil, invalid(path+".image_url", codeMissingParameter, "Missing required parameter: '%s.image_url'.", path)
		}
		p.ImageURL, p.Detail = *w.ImageURL, deref(w.Detail)
		if !validImageURL(p.ImageURL) {
			return nil, invalid(path+".image_url", codeInvalidValue, "Invalid '%s.image_url': expected an http(s) URL or a base64 data URL.", path)
		}
	case "":
		return nil, invalid(path+".type", codeMissingParameter, "Missing required parameter: '%s.type'.", path)
	default: // input_file, input_audio, and whatever OpenAI adds
		r.openAIOnly(p.Type+" content", path)
		return nil, nil
	}
	return p, nil
}

// decodeToolOutput parses function_call_output.output: a string, or an
// array of input_text (joined) and input_image / input_file parts (only
// OpenAI takes those in a tool result here).
func (r *Request) decodeToolOutput(item *Item, v json.RawMessage, path string) error {
	if v == nil || isNull(v) {
		return invalid(path, codeMissingParameter, "Missing required parameter: '%s'.", path)
	}
	if v[0] == '"' {
		return decodeString(v, path, &item.Output)
	}
	return eachElement(v, path, func(i int, e json.RawMessage) error {
		p, err := r.decodePart(e, index(path, i), "user")
		if err != nil || p == nil {
			return err
		}
		if p.Type != "input_text" {
			r.openAIOnly(p.Type+" in a function_call_output", index(path, i))
			return nil
		}
		item.Output += p.Text
		return nil
	})
}

// decodeSummary keeps a reasoning item's summary texts and encrypted content.
func decodeSummary(item *Item, w *wireItem, path string) error {
	item.EncryptedContent = w.EncryptedContent
	if w.Summary == nil || isNull(w.Summary) {
		return nil
	}
	var parts []struct {
		Text *string `json:"text"`
	}
	if err := json.Unmarshal(w.Summary, &parts); err != nil {
		return wrongType(path+".summary", "an array of summary_text parts")
	}
	for i, p := range parts {
		if p.Text == nil {
			return invalid(index(path+".summary", i)+".text", codeMissingParameter, "Missing required parameter: '%s.text'.", index(path+".summary", i))
		}
		item.Summary = append(item.Summary, *p.Text)
	}
	return nil
}

// validImageURL accepts what every translating provider can fetch or decode.
func validImageURL(u string) bool {
	return hasPrefixFold(u, "https://") || hasPrefixFold(u, "http://") || hasPrefixFold(u, "data:")
}

func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
