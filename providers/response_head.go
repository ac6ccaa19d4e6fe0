package providers

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/sira-ai/caddy-ai-backends/internal/jsonscan"
)

// errInvalidJSON reports an upstream body that is not a JSON object.
var errInvalidJSON = errors.New("body is not a valid JSON object")

// DecodeChatHead reads an OpenAI chat completion for what the gateway itself
// needs — id, object, created, model, system_fingerprint and usage — and
// keeps the body as Raw. Choices stay undecoded until LoadChoices: a
// pass-through answer goes to the client byte for byte, and decoding its
// messages took a quarter of the gateway's CPU per request.
//
// The body is validated as a whole, as a full decode would; member names
// match exactly (OpenAI sends them in lower case).
func DecodeChatHead(body []byte) (*ChatResponse, error) {
	if !json.Valid(body) {
		return nil, errInvalidJSON
	}
	r := &ChatResponse{Raw: body, choicesPending: true}
	var err error
	walkErr := walkTopLevel(body, func(_ int, name []byte, vs, ve int) bool {
		v := body[vs:ve]
		switch string(name) {
		case "id":
			err = decodeString(v, &r.ID)
		case "object":
			err = decodeString(v, &r.Object)
		case "model":
			err = decodeString(v, &r.Model)
		case "system_fingerprint":
			err = decodeString(v, &r.SystemFingerprint)
		case "created":
			if n, perr := strconv.ParseInt(string(v), 10, 64); perr == nil {
				r.Created = n
			} else {
				err = json.Unmarshal(v, &r.Created) // null, or the decoder's own type error
			}
		case "usage":
			// Into the same pointer, as a full decode does: a repeated
			// member merges, null clears.
			err = decodeUsage(v, &r.Usage)
		}
		return err == nil
	})
	if walkErr != nil {
		return nil, walkErr
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// decodeString decodes a JSON string value as encoding/json would, without
// its reflection (escapes included: prompts are full of them); anything but
// a string (null, a number) goes to encoding/json for its effect or error.
func decodeString(v []byte, out *string) error {
	if raw, escaped, n, ok := jsonscan.ScanString(v); ok && n == len(v) {
		*out = jsonscan.Unquote(raw, escaped, nil)
		return nil
	}
	return json.Unmarshal(v, out)
}

// LoadChoices decodes Choices from Raw when the provider deferred them (see
// DecodeChatHead), or with the decoder given to DeferChoices. Code that reads Choices of an answer that may have been
// relayed calls it first; it is a no-op otherwise.
func (r *ChatResponse) LoadChoices() error {
	if !r.choicesPending {
		return nil
	}
	if r.decodeChoices != nil {
		choices, err := r.decodeChoices(r.choicesBody)
		if err != nil {
			return err
		}
		r.Choices, r.choicesPending, r.choicesBody, r.decodeChoices = choices, false, nil, nil
		return nil
	}
	var v struct {
		Choices []Choice `json:"choices"`
	}
	if err := json.Unmarshal(r.Raw, &v); err != nil {
		return err
	}
	r.Choices, r.choicesPending = v.Choices, false
	return nil
}
