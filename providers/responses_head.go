package providers

import (
	"encoding/json"
	"strconv"

	"github.com/sira-ai/caddy-ai-backends/internal/jsonscan"
)

// ChoicesDecoder decodes the choices of an answer body whose head was read
// on its own (see DeferChoices).
type ChoicesDecoder func(body []byte) ([]Choice, error)

// DeferChoices leaves r's choices undecoded until LoadChoices, which then
// calls decode(body): for answers that usually go to the client as they
// came, in a format other than a chat completion (Raw holds those).
func (r *ChatResponse) DeferChoices(body []byte, decode ChoicesDecoder) {
	r.choicesPending, r.choicesBody, r.decodeChoices = true, body, decode
}

// DecodeResponsesHead reads a Responses API Response object (a relayed
// answer to /v1/responses) for what the gateway itself needs: id, model,
// created_at and usage, as the head of a unified chat answer. The object
// is kept in Original for the client, and its output items are decoded by
// choices only when something reads Choices: decoding them with
// encoding/json was a quarter of the gateway's CPU per relayed answer.
//
// The head is what json.Unmarshal of those members gives, errors
// included: the usual shape is read directly, anything unusual (repeated
// or case-folded names, floats, nulls in details) by encoding/json.
func DecodeResponsesHead(body []byte, choices ChoicesDecoder) (*ChatResponse, error) {
	if !json.Valid(body) {
		return nil, json.Unmarshal(body, new(responsesHeadJSON)) // its syntax error
	}
	var h ResponsesHead
	if err := ReadResponsesHead(body, &h); err != nil {
		return nil, err
	}
	r := &ChatResponse{ID: h.ID, Object: "chat.completion", Created: h.CreatedAt, Model: h.Model, Usage: h.Usage,
		Original: Original{Format: FormatOpenAIResponses, Body: body}}
	r.DeferChoices(body, choices)
	return r, nil
}

// ResponsesHead is what the gateway reads of a Response object for itself
// (a relayed stream's final Response gives its finish reason too); the
// object goes to the client as it came.
type ResponsesHead struct {
	ID, Model string
	CreatedAt int64
	Status    string
	// IncompleteReason is incomplete_details.reason, "" when the details
	// are null or absent.
	IncompleteReason string
	Usage            *Usage
}

// ReadResponsesHead reads the head of a Response object already known to
// be valid JSON (a stream event's response member, checked with its
// event) as json.Unmarshal would, errors included, without checking the
// whole object's syntax a second time.
func ReadResponsesHead(valid []byte, h *ResponsesHead) error {
	if fastResponsesHead(valid, h) == nil {
		return nil
	}
	var j responsesHeadJSON
	if err := json.Unmarshal(valid, &j); err != nil {
		return err
	}
	*h = j.head()
	return nil
}

// responsesHeadJSON is the head's slow path.
type responsesHeadJSON struct {
	ID                string `json:"id"`
	Model             string `json:"model"`
	CreatedAt         int64  `json:"created_at"`
	Status            string `json:"status"`
	IncompleteDetails *struct {
		Reason string `json:"reason"`
	} `json:"incomplete_details"`
	Usage *responsesUsage `json:"usage"`
}

func (j *responsesHeadJSON) head() ResponsesHead {
	h := ResponsesHead{ID: j.ID, Model: j.Model, CreatedAt: j.CreatedAt, Status: j.Status, Usage: j.Usage.unified()}
	if j.IncompleteDetails != nil {
		h.IncompleteReason = j.IncompleteDetails.Reason
	}
	return h
}

// responsesUsage is the Responses API's usage object.
type responsesUsage struct {
	InputTokens        int `json:"input_tokens"`
	OutputTokens       int `json:"output_tokens"`
	TotalTokens        int `json:"total_tokens"`
	InputTokensDetails struct {
		CachedTokens int `json:"cached_tokens"`
	} `json:"input_tokens_details"`
	OutputTokensDetails struct {
		ReasoningTokens int `json:"reasoning_tokens"`
	} `json:"output_tokens_details"`
}

// unified is the chat usage of a Responses usage object: the details only
// when they count something, as a chat answer has them.
func (u *responsesUsage) unified() *Usage {
	if u == nil {
		return nil
	}
	out := &Usage{PromptTokens: u.InputTokens, CompletionTokens: u.OutputTokens, TotalTokens: u.TotalTokens}
	if u.InputTokensDetails.CachedTokens > 0 {
		out.PromptTokensDetails = &PromptTokensDetails{CachedTokens: u.InputTokensDetails.CachedTokens}
	}
	if u.OutputTokensDetails.ReasoningTokens > 0 {
		out.CompletionTokensDetails = &CompletionTokensDetails{ReasoningTokens: u.OutputTokensDetails.ReasoningTokens}
	}
	return out
}

// responsesWords are the status and incomplete reason values of a
// Response, kept as constants rather than a new string per object.
var responsesWords = []string{"completed", "incomplete", "in_progress", "failed", "cancelled", "queued",
	"max_output_tokens", "content_filter"}

// fastResponsesHead reads the head of a valid body without reflection, or
// returns errSlowPath for anything it would not read exactly as
// encoding/json does.
func fastResponsesHead(body []byte, h *ResponsesHead) error {
	*h = ResponsesHead{}
	var seen [len(responsesHeadMembers)]bool
	var usage responsesUsage // on the stack: only its unified copy is kept
	hasUsage := false
	err := walkKnown(body, func(name, v []byte) (bool, error) {
		i := memberIndex(name, responsesHeadMembers[:])
		if i < 0 {
			return false, nil
		}
		if seen[i] {
			return true, errSlowPath // a repeated member: encoding/json's merge rules
		}
		seen[i] = true
		switch i {
		case 0:
			return true, stringValue(v, &h.ID)
		case 1:
			return true, stringValue(v, &h.Model)
		case 2:
			n, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil || v[0] == '+' {
				return true, errSlowPath
			}
			h.CreatedAt = n
		case 3:
			return true, wordValue(v, &h.Status)
		case 4:
			if string(v) != "null" {
				return true, oneString(v, "reason", &h.IncompleteReason)
			}
		case 5:
			if string(v) != "null" {
				hasUsage = true
				return true, fastResponsesUsage(v, &usage)
			}
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	if hasUsage {
		h.Usage = usage.unified()
	}
	return nil
}

// responsesHeadMembers are the members fastResponsesHead reads, in the
// order of its cases.
var responsesHeadMembers = [...]string{"id", "model", "created_at", "status", "incomplete_details", "usage"}

// memberIndex is name's index in names, -1 when it is not there.
func memberIndex(name []byte, names []string) int {
	for i, n := range names {
		if string(name) == n {
			return i
		}
	}
	return -1
}

// wordValue reads a string that is usually one of responsesWords.
func wordValue(v []byte, dst *string) error {
	if len(v) > 2 && v[0] == '"' {
		for _, w := range responsesWords {
			if string(v[1:len(v)-1]) == w {
				*dst = w
				return nil
			}
		}
	}
	return stringValue(v, dst)
}

// oneString reads an object with one string member we keep, once.
func oneString(v []byte, name string, dst *string) error {
	if len(v) == 0 || v[0] != '{' {
		return errSlowPath
	}
	seen := false
	return walkKnown(v, func(n, val []byte) (bool, error) {
		if string(n) != name {
			return false, nil
		}
		if seen {
			return true, errSlowPath
		}
		seen = true
		return true, wordValue(val, dst)
	})
}

// stringValue reads a JSON string (escapes included); anything else (null,
// another type) goes to the slow path. Unlike decodeString it has no
// fallback of its own, so dst does not escape (a head on the stack stays
// there).
func stringValue(v []byte, dst *string) error {
	raw, escaped, n, ok := jsonscan.ScanString(v)
	if !ok || n != len(v) {
		return errSlowPath
	}
	*dst = jsonscan.Unquote(raw, escaped, nil)
	return nil
}

func fastResponsesUsage(v []byte, u *responsesUsage) error {
	if len(v) == 0 || v[0] != '{' {
		return errSlowPath
	}
	return walkKnown(v, func(name, val []byte) (bool, error) {
		switch string(name) {
		case "input_tokens":
			return true, intValue(val, &u.InputTokens)
		case "output_tokens":
			return true, intValue(val, &u.OutputTokens)
		case "total_tokens":
			return true, intValue(val, &u.TotalTokens)
		case "input_tokens_details":
			return true, oneInt(val, "cached_tokens", &u.InputTokensDetails.CachedTokens)
		case "output_tokens_details":
			return true, oneInt(val, "reasoning_tokens", &u.OutputTokensDetails.ReasoningTokens)
		}
		return false, nil
	})
}

// oneInt reads a details object with one integer member we keep.
func oneInt(v []byte, name string, dst *int) error {
	if len(v) == 0 || v[0] != '{' {
		return errSlowPath
	}
	return walkKnown(v, func(n, val []byte) (bool, error) {
		if string(n) == name {
			return true, intValue(val, dst)
		}
		return false, nil
	})
}
