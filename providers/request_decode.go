package providers

import (
	"encoding/json"
	"strconv"
)

// DecodeChatRequest decodes an OpenAI chat request into *req without
// reflection when it has the usual shape — scalar options and messages
// whose members are plain — and reports whether it did. It reports false
// for anything it does not handle exactly as encoding/json would (invalid
// JSON, a repeated messages member, names that only case-insensitive
// matching would accept, messages that are not objects); the caller then
// resets *req and runs json.Unmarshal, which also gives the error to show.
// Members with nested shapes (tools, stop, content parts...) are handed to
// json.Unmarshal one by one, as the full decode would. Every request passes
// here, and the reflective decoder was its largest single cost.
func DecodeChatRequest(body []byte, req *ChatRequest) bool {
	if !json.Valid(body) {
		return false
	}
	sawMessages := false
	err := walkKnown(body, func(name, v []byte) (bool, error) {
		switch string(name) {
		case "model":
			return true, decodeString(v, &req.Model)
		case "messages":
			if sawMessages {
				return true, errSlowPath // encoding/json would merge the two
			}
			sawMessages = true
			return true, decodeMessages(v, &req.Messages)
		case "max_tokens":
			return true, optionalInt(v, &req.MaxTokens)
		case "max_completion_tokens":
			return true, optionalInt(v, &req.MaxCompletionTokens)
		case "top_k":
			return true, optionalInt(v, &req.TopK)
		case "n":
			return true, optionalInt(v, &req.N)
		case "seed":
			return true, optionalInt64(v, &req.Seed)
		case "temperature":
			return true, optionalFloat(v, &req.Temperature)
		case "top_p":
			return true, optionalFloat(v, &req.TopP)
		case "presence_penalty":
			return true, optionalFloat(v, &req.PresencePenalty)
		case "frequency_penalty":
			return true, optionalFloat(v, &req.FrequencyPenalty)
		case "stream":
			return true, boolValue(v, &req.Stream)
		case "reasoning_effort":
			return true, decodeString(v, &req.ReasoningEffort)
		case "user":
			return true, decodeString(v, &req.User)
		case "stop":
			return true, json.Unmarshal(v, &req.Stop)
		case "stream_options":
			return true, json.Unmarshal(v, &req.StreamOptions)
		case "tools":
			return true, json.Unmarshal(v, &req.Tools)
		case "tool_choice":
			return true, json.Unmarshal(v, &req.ToolChoice)
		case "parallel_tool_calls":
			return true, json.Unmarshal(v, &req.ParallelToolCalls)
		case "response_format":
			return true, json.Unmarshal(v, &req.ResponseFormat)
		}
		return false, nil
	})
	return err == nil
}

// decodeMessages reads the messages array into a fresh slice (the member
// is seen once, so there is nothing to merge with).
func decodeMessages(v []byte, dst *[]Message) error {
	if v[0] == 'n' { // null
		*dst = nil
		return nil
	}
	if v[0] != '[' {
		return errSlowPath
	}
	n, err := countElements(v)
	if err != nil {
		return err
	}
	msgs := make([]Message, n)
	i := 0
	err = walkElements(v, func(elem []byte) error {
		if elem[0] != '{' {
			return errSlowPath // null elements and type errors: encoding/json
		}
		e := decodeMessage(elem, &msgs[i])
		i++
		return e
	})
	if err != nil {
		return err
	}
	*dst = msgs
	return nil
}

func decodeMessage(v []byte, m *Message) error {
	return walkKnown(v, func(name, val []byte) (bool, error) {
		switch string(name) {
		case "role":
			return true, decodeRole(val, &m.Role)
		case "content":
			if val[0] == '"' {
				m.Content.Parts = nil
				return true, decodeString(val, &m.Content.Text)
			}
			return true, m.Content.UnmarshalJSON(val)
		case "name":
			return true, decodeString(val, &m.Name)
		case "tool_calls":
			return true, json.Unmarshal(val, &m.ToolCalls)
		case "tool_call_id":
			return true, decodeString(val, &m.ToolCallID)
		case "refusal":
			return true, decodeString(val, &m.Refusal)
		}
		return false, nil
	})
}

// decodeRole returns the known roles as constants: no allocation for the
// member every message has.
func decodeRole(v []byte, dst *string) error {
	switch string(v) {
	case `"system"`:
		*dst = "system"
	case `"user"`:
		*dst = "user"
	case `"assistant"`:
		*dst = "assistant"
	case `"tool"`:
		*dst = "tool"
	case `"developer"`:
		*dst = "developer"
	default:
		return decodeString(v, dst)
	}
	return nil
}

// walkElements calls fn with each element of the JSON array v (validated).
func walkElements(v []byte, fn func(elem []byte) error) error {
	i := skipSpace(v, 1)
	if i < len(v) && v[i] == ']' {
		return nil
	}
	for i < len(v) {
		end, ok := skipValue(v, i)
		if !ok {
			return errSlowPath
		}
		if err := fn(v[i:end]); err != nil {
			return err
		}
		i = skipSpace(v, end)
		if i >= len(v) || v[i] != ',' {
			return nil
		}
		i = skipSpace(v, i+1)
	}
	return nil
}

func countElements(v []byte) (int, error) {
	n := 0
	err := walkElements(v, func([]byte) error { n++; return nil })
	return n, err
}

// optionalInt reads an integer or null into a pointer field.
func optionalInt(v []byte, dst **int) error {
	if v[0] == 'n' {
		*dst = nil
		return nil
	}
	var n int
	if err := intValue(v, &n); err != nil {
		return err
	}
	*dst = &n
	return nil
}

func optionalInt64(v []byte, dst **int64) error {
	if v[0] == 'n' {
		*dst = nil
		return nil
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return errSlowPath // a float or out of range: encoding/json's type error
	}
	*dst = &n
	return nil
}

// optionalFloat reads a number or null; anything else (a string, an
// out-of-range number) goes to encoding/json for its error.
func optionalFloat(v []byte, dst **float64) error {
	if v[0] == 'n' {
		*dst = nil
		return nil
	}
	if v[0] != '-' && (v[0] < '0' || v[0] > '9') {
		return errSlowPath
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil {
		return errSlowPath
	}
	*dst = &f
	return nil
}

// boolValue reads true or false; null leaves the field as it is, as
// encoding/json does.
func boolValue(v []byte, dst *bool) error {
	switch string(v) {
	case "true":
		*dst = true
	case "false":
		*dst = false
	case "null":
	default:
		return errSlowPath
	}
	return nil
}
