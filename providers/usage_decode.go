package providers

import (
	"encoding/json"
	"errors"
	"strconv"
)

// errUsageSlowPath makes decodeUsage hand a usage object to encoding/json.
var errUsageSlowPath = errors.New("usage needs the full decoder")

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
	var err error
	walkErr := walkTopLevel(v, func(_ int, name []byte, vs, ve int) bool {
		val := v[vs:ve]
		switch string(name) {
		case "prompt_tokens":
			err = intValue(val, &u.PromptTokens)
		case "completion_tokens":
			err = intValue(val, &u.CompletionTokens)
		case "total_tokens":
			err = intValue(val, &u.TotalTokens)
		case "prompt_tokens_details":
			if u.PromptTokensDetails != nil {
				return fail(&err)
			}
			d := new(PromptTokensDetails)
			u.PromptTokensDetails = d
			err = intMembers(val, intPair{"cached_tokens", &d.CachedTokens, "audio_tokens", &d.AudioTokens})
		case "completion_tokens_details":
			if u.CompletionTokensDetails != nil {
				return fail(&err)
			}
			d := new(CompletionTokensDetails)
			u.CompletionTokensDetails = d
			err = intMembers(val, intPair{"reasoning_tokens", &d.ReasoningTokens, "audio_tokens", &d.AudioTokens})
		default:
			if !plainName(name) {
				return fail(&err)
			}
		}
		return err == nil
	})
	if walkErr != nil {
		return walkErr
	}
	return err
}

// intPair names two integer members of a details object and where they go.
type intPair struct {
	name1 string
	dst1  *int
	name2 string
	dst2  *int
}

// intMembers reads a details object whose members are integers; unknown
// plain-named members are skipped, as encoding/json does.
func intMembers(v []byte, m intPair) error {
	if len(v) == 0 || v[0] != '{' {
		return errUsageSlowPath // null and anything else: the full decoder
	}
	var err error
	walkErr := walkTopLevel(v, func(_ int, name []byte, vs, ve int) bool {
		switch string(name) {
		case m.name1:
			err = intValue(v[vs:ve], m.dst1)
		case m.name2:
			err = intValue(v[vs:ve], m.dst2)
		default:
			if !plainName(name) {
				return fail(&err)
			}
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
		return errUsageSlowPath
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

func fail(err *error) bool {
	*err = errUsageSlowPath
	return false
}
