package openai

import (
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/internal/jsonscan"
)

// itemHead is what the stream reads of an output item: its type, and the
// call id and name of a function call.
type itemHead struct {
	Type   string `json:"type"`
	CallID string `json:"call_id"`
	Name   string `json:"name"`
}

// outputItemTypes are the output item types, handed out as constants.
var outputItemTypes = []string{"message", "function_call", "reasoning", "web_search_call", "file_search_call",
	"computer_call", "image_generation_call", "code_interpreter_call", "local_shell_call", "mcp_call",
	"mcp_list_tools", "mcp_approval_request", "custom_tool_call"}

// itemHead reads the head of an item object as json.Unmarshal would.
func (d *eventDecoder) itemHead(item []byte, it *itemHead) error {
	if d.fastItemHead(item, it) {
		return nil
	}
	*it = itemHead{}
	return json.Unmarshal(item, it)
}

// fastItemHead reads the usual item shape, or reports false for anything
// it would not read as encoding/json does.
func (d *eventDecoder) fastItemHead(item []byte, it *itemHead) bool {
	*it = itemHead{}
	r := jsonscan.Reader{Data: item}
	var seen [3]bool
	member := func(i int, dst *string, known []string) bool {
		if seen[i] {
			return false // repeated: encoding/json's rules
		}
		seen[i] = true
		return d.str(&r, known, dst)
	}
	ok := r.Object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return member(0, &it.Type, outputItemTypes)
		case "call_id":
			return member(1, &it.CallID, nil)
		case "name":
			return member(2, &it.Name, nil)
		}
		return plainMemberName(key) && r.Skip(0)
	})
	return ok && r.AtEnd()
}
