package providers

import (
	"encoding/json"
	"strconv"
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
// The head is what json.Unmarshal of those four members gives, errors
// included: the usual shape is read directly, anything unusual (repeated
// or case-folded names, floats, nulls in details) by encoding/json.
func DecodeResponsesHead(body []byte, choices ChoicesDecoder) (*ChatResponse, error) {
	r := &ChatResponse{Object: "chat.completion",
		Original: Original{Format: FormatOpenAIResponses, Body: body}}
	if !json.Valid(body) || fastResponsesHead(body, r) != nil {
		var h responsesHeadJSON
		if err := json.Unmarshal(body, &h); err != nil {
			return nil, err
		}
		r.ID, r.Model, r.Created, r.Usage = h.ID, h.Model, h.CreatedAt, h.Usage.unified()
	}
	r.DeferChoices(body, choices)
	return r, nil
}

// responsesHeadJSON is the head's slow path.
type responsesHeadJSON struct {
	ID        string          `json:"id"`
	Model     string          `json:"model"`
	CreatedAt int64           `json:"created_at"`
	Usage     *responsesUsage `json:"usage"`
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

// fastResponsesHead reads the head of a valid body without reflection, or
// returns errSlowPath for anything it would not read exactly as
// encoding/json does.
func fastResponsesHead(body []byte, r *ChatResponse) error {
	var seen [4]bool
	once := func(i int) error {
		if seen[i] {
			return errSlowPath // a repeated member: encoding/json's merge rules
		}
		seen[i] = true
		return nil
	}
	var usage *responsesUsage
	err := walkKnown(body, func(name, v []byte) (bool, error) {
		switch string(name) {
		case "id":
			if err := once(0); err != nil {
				return true, err
			}
			return true, stringValue(v, &r.ID)
		case "model":
			if err := once(1); err != nil {
				return true, err
			}
			return true, stringValue(v, &r.Model)
		case "created_at":
			if err := once(2); err != nil {
				return true, err
			}
			n, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil || v[0] == '+' {
				return true, errSlowPath
			}
			r.Created = n
			return true, nil
		case "usage":
			if err := once(3); err != nil {
				return true, err
			}
			if string(v) == "null" {
				return true, nil
			}
			usage = new(responsesUsage)
			return true, fastResponsesUsage(v, usage)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	r.Usage = usage.unified()
	return nil
}

// stringValue reads a JSON string (escapes included); anything else (null,
// another type) goes to the slow path.
func stringValue(v []byte, dst *string) error {
	if len(v) < 2 || v[0] != '"' || decodeString(v, dst) != nil {
		return errSlowPath
	}
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
