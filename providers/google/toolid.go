package google

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
)

// Tool-call ids carry Gemini's thought signatures through stateless clients.
//
// Gemini 2.5 and 3 attach an opaque thoughtSignature to functionCall parts
// and require it back, unchanged and on the same part, in later requests
// (Gemini 3 answers 400 without it). OpenAI clients keep nothing but the tool
// call id, so the signature travels inside it:
//
//	id   = base [ "__ts__" base64url(signature bytes) ]   signature is canonical base64
//	     | base   "__tsr__" base64url(signature text)      any other signature text
//	base = Gemini's functionCall.id, when Gemini sent one
//	     | "call_" 24 lowercase hex digits                  synthesized (see syntheticCallID)
//
// base64url is unpadded (RFC 4648 §5), so ids stay within [A-Za-z0-9_-] and
// are accepted as Anthropic tool_use ids too. The usual signature (standard
// padded base64, as Google renders proto bytes) is stored as its bytes, a
// quarter shorter than its text; decoding restores the exact original text.
// Synthesized ids are a hash of the response id, the candidate, the call's
// position, name and arguments: the same response always yields the same ids.
//
// On the way back, synthesized bases are not sent to Gemini; any other base
// (Gemini's own id, or one another provider made earlier in the conversation)
// is sent as functionCall.id and functionResponse.id, which Gemini uses only
// to pair calls with results.

const (
	sigMarker    = "__ts__"
	rawSigMarker = "__tsr__"
	// skipSignature is the value Google documents for function calls that
	// have no signature of their own (history written by another model):
	// Gemini 3 then skips its signature check instead of answering 400.
	skipSignature = "skip_thought_signature_validator"
)

var b64url = base64.RawURLEncoding

// encodeToolCallID appends the signature, if any, to base.
func encodeToolCallID(base, signature string) string {
	if signature == "" {
		return base
	}
	if raw, err := base64.StdEncoding.DecodeString(signature); err == nil && base64.StdEncoding.EncodeToString(raw) == signature {
		return base + sigMarker + b64url.EncodeToString(raw)
	}
	return base + rawSigMarker + b64url.EncodeToString([]byte(signature))
}

// decodeToolCallID splits an id into its base and the signature it carries
// ("" when none, or when the suffix is not valid base64url). The first
// marker counts: bases never contain one, while base64url text may.
func decodeToolCallID(id string) (base, signature string) {
	i, raw := strings.Index(id, sigMarker), false
	if j := strings.Index(id, rawSigMarker); j >= 0 && (i < 0 || j < i) {
		i, raw = j, true
	}
	if i < 0 {
		return id, ""
	}
	marker := sigMarker
	if raw {
		marker = rawSigMarker
	}
	data, err := b64url.DecodeString(id[i+len(marker):])
	if err != nil || len(data) == 0 {
		return id, ""
	}
	if raw {
		return id[:i], string(data)
	}
	return id[:i], base64.StdEncoding.EncodeToString(data)
}

// syntheticCallID derives a stable id for a function call Gemini sent
// without one.
func syntheticCallID(responseID string, candidate, ordinal int, name string, args []byte) string {
	h := sha256.New()
	h.Write([]byte(responseID))
	h.Write([]byte{0})
	h.Write([]byte(strconv.Itoa(candidate)))
	h.Write([]byte{0})
	h.Write([]byte(strconv.Itoa(ordinal)))
	h.Write([]byte{0})
	h.Write([]byte(name))
	h.Write([]byte{0})
	h.Write(args)
	return "call_" + hex.EncodeToString(h.Sum(nil)[:12])
}

// isSyntheticID reports whether base has the form syntheticCallID makes.
func isSyntheticID(base string) bool {
	rest, ok := strings.CutPrefix(base, "call_")
	return ok && len(rest) == 24 && strings.Trim(rest, "0123456789abcdef") == ""
}

// geminiCallID returns the id to send back to Gemini for a tool-call id
// base: Gemini's own id, or "" for a synthesized one.
func geminiCallID(base string) string {
	if isSyntheticID(base) {
		return ""
	}
	return base
}
