package providers

import (
	"encoding/json"
	"errors"
	"strconv"
)

// errSlowPath stops a fast decoder: the input is valid but unusual, and
// encoding/json decodes it instead.
var errSlowPath = errors.New("needs the full decoder")

// DecodeUsage decodes a usage object from any JSON (a stream's last chunk,
// say) into *dst, exactly as json.Unmarshal(v, dst) would.
func DecodeUsage(v []byte, dst **Usage) error {
	if !json.Valid(v) {
		return json.Unmarshal(v, dst) // its syntax error
	}
	return decodeUsage(v, dst)
}

// decodeUsage decodes a chat completion's usage into *dst; v is valid JSON. The usual shape
// (integer counts, the two details objects) is read directly: encoding/json
// took over a tenth of the gateway's CPU per relayed answer for this one
// small object. Anything else — floats, nulls, repeated details, member
// names encoding/json would match case-insensitively, a usage seen before —
// goes to encoding/json, so the result is always the same as its.
func decodeUsage(v []byte, dst **Usage) error {
	if *dst == nil && len(v) > 0 && v[0] == '{' {
		var u Usage
		if fastUsage(v, &u) == nil {
			*dst = &u
			return nil
		}
	}
	return json.Unmarshal(v, dst)
}

func fastUsage(v []byte, u *Usage) error {
	return walkKnown(v, func(name, val []byte) (bool, error) {
		switch string(name) {
		case "prompt_tokens":
			return true, intValue(val, &u.PromptTokens)
		case "completion_tokens":
			return true, intValue(val, &u.CompletionTokens)
		case "total_tokens":
			return true, intValue(val, &u.TotalTokens)
		case "prompt_tokens_details":
			if u.PromptTokensDetails != nil { // repeated: encoding/json merges
				return true, errSlowPath
			}
			d := new(PromptTokensDetails)
			u.PromptTokensDetails = d
			return true, intMembers(val, "cached_tokens", &d.CachedTokens, "audio_tokens", &d.AudioTokens)
		case "completion_tokens_details":
			if u.CompletionTokensDetails != nil {
				return true, errSlowPath
			}
			d := new(CompletionTokensDetails)
			u.CompletionTokensDetails = d
			return true, intMembers(val, "reasoning_tokens", &d.ReasoningTokens, "audio_tokens", &d.AudioTokens)
		}
		return false, nil
	})
}

// intMembers reads a details object whose members are integers.
func intMembers(v []byte, name1 string, dst1 *int, name2 string, dst2 *int) error {
	if len(v) == 0 || v[0] != '{' {
		return errSlowPath // null and anything else: the full decoder
	}
	return walkKnown(v, func(name, val []byte) (bool, error) {
		switch string(name) {
		case name1:
			return true, intValue(val, dst1)
		case name2:
			return true, intValue(val, dst2)
		}
		return false, nil
	})
}

// walkKnown calls member for each member of the object v; member reports
// whether it knew the name. Unknown plain-named members are skipped, as
// encoding/json does; any other unknown name, or an error, stops the walk
// with errSlowPath or that error.
func walkKnown(v []byte, member func(name, val []byte) (bool, error)) error {
	var err error
	walkErr := walkTopLevel(v, func(_ int, name []byte, vs, ve int) bool {
		known, e := member(name, v[vs:ve])
		switch {
		case e != nil:
			err = e
		case !known && !plainName(name):
			err = errSlowPath
		}
		return err == nil
	})
	if walkErr != nil {
		return walkErr
	}
	return err
}

// intValue reads a JSON integer literal (not null, not a float).
func intValue(v []byte, dst *int) error {
	n, err := strconv.Atoi(string(v))
	if err != nil || v[0] == '+' {
		return errSlowPath
	}
	*dst = n
	return nil
}

// plainName reports whether a member name is lower-case ASCII letters,
// digits and underscores: such a name can match a field of ours only
// exactly, even under encoding/json's case-insensitive matching.
func plainName(name []byte) bool {
	for _, c := range name {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}
