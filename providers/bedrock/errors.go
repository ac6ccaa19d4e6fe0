package bedrock

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Bedrock's error answers are {"message": "..."} (some services spell it
// "Message"), the exception's name in the x-amzn-ErrorType header, possibly
// followed by ":" and a namespace URL. In a stream the name comes as the
// :exception-type header of an exception frame, in lower camel case
// (throttlingException). kindOf maps both spellings.

// errorBody is an error answer's or exception frame's payload.
type errorBody struct {
	Message  string `json:"message"`
	Message2 string `json:"Message"` // the spelling of some services
	Type     string `json:"__type"`
}

// decodeErrorBody reads what it can of b; a body that is not JSON gives
// empty fields, and the status or frame header still classifies it.
func decodeErrorBody(b []byte) errorBody {
	var w errorBody
	_ = json.Unmarshal(b, &w)
	if w.Message == "" {
		w.Message = w.Message2
	}
	return w
}

// upstreamError classifies a non-2xx answer.
func upstreamError(status int, h http.Header, body []byte) *providers.Error {
	w := decodeErrorBody(body)
	msg := w.Message
	typ := h.Get("X-Amzn-Errortype")
	if typ == "" {
		typ = w.Type // some front ends put the name only in the body
	}
	typ = exceptionName(typ)
	e := providers.FromUpstream("", status, h, msg, typ)
	if kind, ok := kindOf(typ); ok {
		setKind(e, kind)
	}
	return e
}

// exceptionName cuts the namespace off "ThrottlingException:http://...".
func exceptionName(typ string) string {
	if i := strings.IndexByte(typ, ':'); i >= 0 {
		typ = typ[:i]
	}
	if i := strings.LastIndexByte(typ, '#'); i >= 0 { // "com.amazon...#ValidationException"
		typ = typ[i+1:]
	}
	return strings.TrimSpace(typ)
}

// kindOf classifies an exception name, either spelling.
func kindOf(typ string) (providers.Kind, bool) {
	switch strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(typ, "Exception"), "exception")) {
	case "throttling", "toomanyrequests":
		return providers.KindRateLimited, true
	case "serviceunavailable", "modelnotready":
		return providers.KindOverloaded, true
	case "validation", "serialization":
		return providers.KindInvalidRequest, true
	case "accessdenied":
		return providers.KindPermission, true
	case "unrecognizedclient", "invalidsignature", "expiredtoken", "incompletesignature",
		"missingauthenticationtoken", "invalidclienttokenid", "signaturedoesnotmatch":
		return providers.KindAuth, true
	case "modeltimeout":
		return providers.KindTimeout, true
	case "resourcenotfound":
		return providers.KindNotFound, true
	case "servicequotaexceeded":
		return providers.KindQuota, true
	case "internalserver", "modelerror", "modelstreamerror":
		return providers.KindUpstream, true
	}
	return 0, false
}

// setKind sets e's kind; the client's status follows the kind except for
// the client's own mistakes, which keep the upstream's exact status.
func setKind(e *providers.Error, kind providers.Kind) {
	e.Kind = kind
	e.Status = 0
	switch kind {
	case providers.KindInvalidRequest:
		e.Status = http.StatusBadRequest
	case providers.KindNotFound:
		e.Status = http.StatusNotFound
	}
}

// streamException classifies an exception frame of a stream: the usual
// in-stream error.
func streamException(typ string, payload []byte) *providers.Error {
	msg := decodeErrorBody(payload).Message
	if msg == "" {
		msg = "upstream stream failed"
	}
	if typ != "" {
		msg = typ + ": " + msg
	}
	kind, ok := kindOf(typ)
	if !ok {
		kind = providers.KindUpstream
	}
	e := &providers.Error{Kind: kind, Message: msg, Code: typ}
	setKind(e, kind)
	return e
}
