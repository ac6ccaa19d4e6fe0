package providers

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxPathModelLen bounds a model name that goes into an upstream URL path.
// Real names are far shorter (the longest Bedrock ARNs are under 200).
const MaxPathModelLen = 256

// CheckPathModel validates a model name a provider is about to put into an
// upstream URL path (Gemini's /models/{model}:generateContent; Vertex,
// Bedrock and Azure deployments likewise), so that no model name can make
// the gateway send its credentials to another path of the upstream:
// url.PathEscape leaves "." and ".." alone, and the upstream (or a proxy)
// resolves them. The rules:
//
//   - 1 to MaxPathModelLen bytes of valid UTF-8;
//   - printable characters only: no spaces, controls, or invisible format
//     characters;
//   - no backslash (some servers read it as "/") and no "%" (a proxy that
//     decodes twice would turn "%2e%2e" into "..");
//   - "/" only when slashes is true (the provider's model names have
//     resource prefixes, as Gemini's "tunedModels/x"), and then no empty,
//     "." or ".." segment.
//
// Any other name is the client's mistake: a KindInvalidRequest (400) with
// Param "model".
func CheckPathModel(model string, slashes bool) *Error {
	switch {
	case model == "":
		return badPathModel(model, "must not be empty")
	case len(model) > MaxPathModelLen:
		return badPathModel(model, "is longer than "+strconv.Itoa(MaxPathModelLen)+" bytes")
	case !utf8.ValidString(model):
		return badPathModel(model, "is not valid UTF-8")
	}
	for _, r := range model {
		switch {
		case r == '\\' || r == '%':
			return badPathModel(model, "must not contain "+strconv.QuoteRune(r))
		case r == '/' && !slashes:
			return badPathModel(model, "must not contain '/'")
		case r == ' ' || !unicode.IsPrint(r):
			return badPathModel(model, "must hold printable characters only, without spaces")
		}
	}
	if !slashes {
		if model == "." || model == ".." {
			return badPathModel(model, "must not be a '.' or '..' path segment")
		}
		return nil
	}
	for seg := range strings.SplitSeq(model, "/") {
		switch seg {
		case "":
			return badPathModel(model, "must not have an empty path segment")
		case ".", "..":
			return badPathModel(model, "must not have a '.' or '..' path segment")
		}
	}
	return nil
}

// badPathModel is the 400 for a model name CheckPathModel rejects. The
// name is quoted (and shortened) so the client sees what was refused.
func badPathModel(model, why string) *Error {
	shown := model
	if len(shown) > 64 {
		shown = strings.ToValidUTF8(shown[:64], "") + "…"
	}
	return &Error{
		Kind:    KindInvalidRequest,
		Code:    "invalid_model",
		Param:   "model",
		Message: "model " + strconv.Quote(shown) + " cannot be used in the upstream URL: it " + why,
	}
}
