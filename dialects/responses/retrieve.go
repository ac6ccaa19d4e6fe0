package responses

import (
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// RetrieveBody is the body of GET /v1/responses/{id}: the stored object.
func RetrieveBody(s *Stored) []byte { return s.Response }

// DeletedBody is the body of DELETE /v1/responses/{id}.
func DeletedBody(id string) []byte {
	out, _ := json.Marshal(struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Deleted bool   `json:"deleted"`
	}{id, "response.deleted", true})
	return out
}

// InputItemsBody is the body of GET /v1/responses/{id}/input_items: a page
// of the stored input items as a list object. The query takes order
// (desc, the default, or asc), after (an item id) and limit (1–100,
// default 20), as OpenAI's does. Bad values are a 400 naming the parameter.
func InputItemsBody(s *Stored, q url.Values) ([]byte, error) {
	order := q.Get("order")
	switch order {
	case "":
		order = "desc"
	case "asc", "desc":
	default:
		return nil, invalid("order", codeInvalidValue, "Invalid value: '%s'. Supported values are: 'asc' and 'desc'.", order)
	}
	limit := 20
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return nil, invalid("limit", codeInvalidValue, "Invalid 'limit': expected an integer between 1 and 100, but got '%s' instead.", v)
		}
		limit = n
	}
	items := make([]json.RawMessage, len(s.Input))
	copy(items, s.Input)
	if order == "desc" {
		for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
			items[i], items[j] = items[j], items[i]
		}
	}
	if after := q.Get("after"); after != "" {
		start := -1
		for i, it := range items {
			if itemID(it) == after {
				start = i + 1
				break
			}
		}
		if start < 0 {
			return nil, invalid("after", codeInvalidValue, "Invalid 'after': no input item with id '%s'.", after)
		}
		items = items[start:]
	}
	more := len(items) > limit
	if more {
		items = items[:limit]
	}
	page := struct {
		Object  string            `json:"object"`
		Data    []json.RawMessage `json:"data"`
		FirstID *string           `json:"first_id"`
		LastID  *string           `json:"last_id"`
		HasMore bool              `json:"has_more"`
	}{Object: "list", Data: items, HasMore: more}
	if len(items) > 0 {
		first, last := itemID(items[0]), itemID(items[len(items)-1])
		page.FirstID, page.LastID = &first, &last
	}
	out, err := json.Marshal(page)
	if err != nil {
		return nil, &providers.Error{Kind: providers.KindInternal, Message: "stored input items are not valid JSON", Err: err}
	}
	return out, nil
}

func itemID(raw json.RawMessage) string {
	var v struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &v)
	return v.ID
}

// listedInput renders input items as input_items lists them: every item
// with an id (the client's, or a new one), messages with typed content
// parts and a status. Items the gateway does not translate are kept as sent.
func listedInput(items []Item, newID func(string) string) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(items))
	for i := range items {
		it := &items[i]
		prefix := listedIDPrefix(it.Type)
		if prefix == "" {
			out = append(out, append(json.RawMessage(nil), it.Raw...)) // Raw aliases the request body
			continue
		}
		id := it.ID
		if id == "" {
			id = newID(prefix)
		}
		var v any
		switch it.Type {
		case "message":
			v = listedMessage{ID: id, Type: "message", Role: it.Role, Content: listedParts(it.Content), Status: "completed"}
		case "function_call":
			v = functionCallJSON{id, "function_call", "completed", it.Arguments, it.CallID, it.Name}
		default:
			v = struct {
				ID     string `json:"id"`
				Type   string `json:"type"`
				CallID string `json:"call_id"`
				Output string `json:"output"`
				Status string `json:"status"`
			}{id, "function_call_output", it.CallID, it.Output, "completed"}
		}
		b, err := json.Marshal(v)
		if err == nil {
			out = append(out, b)
		}
	}
	return out
}

// listedIDPrefix is the prefix of the id input_items gives an item of a
// type the gateway translates when it came without one; "" for the types
// it keeps as sent.
func listedIDPrefix(typ string) string {
	switch typ {
	case "message":
		return "msg"
	case "function_call":
		return "fc"
	case "function_call_output":
		return "fco"
	}
	return ""
}

type listedMessage struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Role    string `json:"role"`
	Content []any  `json:"content"`
	Status  string `json:"status"`
}

func listedParts(parts []Part) []any {
	out := make([]any, 0, len(parts))
	for _, p := range parts {
		switch p.Type {
		case "input_image":
			out = append(out, struct {
				Type     string `json:"type"`
				Detail   string `json:"detail"`
				ImageURL string `json:"image_url"`
			}{p.Type, orDefault(p.Detail, "auto"), p.ImageURL})
		case "refusal":
			out = append(out, struct {
				Type    string `json:"type"`
				Refusal string `json:"refusal"`
			}{p.Type, p.Text})
		case "output_text":
			out = append(out, OutputContent{Type: p.Type, Text: p.Text})
		default:
			out = append(out, struct {
				Type string `json:"type"`
				Text string `json:"text"`
			}{p.Type, p.Text})
		}
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// ConversationItems are the items of a stored response's whole
// conversation as input_items lists them for a later turn that names it as
// previous_response_id: its input (earlier turns' included) and then its
// output items, each with its id.
func ConversationItems(s *Stored) []json.RawMessage {
	var resp struct {
		Output []json.RawMessage `json:"output"`
	}
	_ = json.Unmarshal(s.Response, &resp) // a stored Response is valid JSON; none: no output items
	out := make([]json.RawMessage, 0, len(s.Input)+len(resp.Output))
	out = append(out, s.Input...)
	return append(out, resp.Output...)
}
