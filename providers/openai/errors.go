package openai

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// errorInfo is what an upstream error body says, whatever its shape.
type errorInfo struct {
	Message string
	Type    string
	Code    string
	Param   string
}

// errorEnvelope accepts OpenAI's {"error":{"message","type","param","code"}}
// and the shapes compatible servers use instead: "error" as a plain string
// (Ollama), a top-level message with a numeric code (vLLM), or FastAPI's
// "detail".
type errorEnvelope struct {
	Error   json.RawMessage `json:"error"`
	Message string          `json:"message"`
	Type    string          `json:"type"`
	Code    json.RawMessage `json:"code"`
	Param   json.RawMessage `json:"param"`
	Detail  json.RawMessage `json:"detail"`
}

// errorObject is OpenAI's error object. Code and param are strings or null
// at OpenAI; some compatible servers send numbers.
type errorObject struct {
	Message string          `json:"message"`
	Type    string          `json:"type"`
	Code    json.RawMessage `json:"code"`
	Param   json.RawMessage `json:"param"`
}

// parseErrorBody extracts the error from an upstream body; it reports false
// when the body is not a JSON error it understands.
func parseErrorBody(body []byte) (errorInfo, bool) {
	var env errorEnvelope
	if json.Unmarshal(body, &env) != nil {
		return errorInfo{}, false
	}
	return env.info()
}

// info returns what the envelope says about the error.
func (env *errorEnvelope) info() (errorInfo, bool) {
	switch {
	case len(env.Error) > 0 && env.Error[0] == '{':
		var obj errorObject
		if json.Unmarshal(env.Error, &obj) != nil {
			return errorInfo{}, false
		}
		return errorInfo{Message: obj.Message, Type: obj.Type, Code: scalar(obj.Code), Param: scalar(obj.Param)}, true
	case len(env.Error) > 0 && env.Error[0] == '"':
		return errorInfo{Message: scalar(env.Error), Type: env.Type, Code: scalar(env.Code)}, true
	case env.Message != "":
		return errorInfo{Message: env.Message, Type: env.Type, Code: scalar(env.Code), Param: scalar(env.Param)}, true
	case len(env.Detail) > 0 && env.Detail[0] == '"':
		return errorInfo{Message: scalar(env.Detail)}, true
	}
	return errorInfo{}, false
}

// scalar renders a JSON string or number as text; null and anything else is "".
func scalar(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch c := raw[0]; {
	case c == '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	case c == '-' || (c >= '0' && c <= '9'):
		return string(raw)
	}
	return ""
}

// upstreamError classifies a non-2xx answer, keeping the upstream's message,
// code and param. The caller scrubs it (providers.Config.Post does).
func upstreamError(provider string, status int, h http.Header, body []byte) *providers.Error {
	info, _ := parseErrorBody(body)
	e := providers.FromUpstream(provider, status, h, info.Message, info.Code)
	e.Param = info.Param
	switch {
	case status == http.StatusTooManyRequests && info.is("insufficient_quota"):
		e.Kind = providers.KindQuota // spent: waiting will not help, another provider may
	case info.Code == "model_not_found":
		e.Kind = providers.KindNotFound
	case status == http.StatusBadRequest && info.Code == "content_filter":
		// Azure's content filter refused the prompt: the same request will
		// be refused again here, but another provider may serve it.
		e.Kind = providers.KindPolicy
	}
	return e
}

// is reports whether the code or the type is name.
func (info errorInfo) is(name string) bool { return info.Code == name || info.Type == name }

// eventError classifies an error event inside a stream. The status was 200,
// so the kind comes from the error's code and type. The caller scrubs it.
func eventError(provider string, info errorInfo) *providers.Error {
	e := &providers.Error{Kind: eventKind(info), Provider: provider, Message: info.Message, Code: info.Code, Param: info.Param}
	if e.Message == "" {
		e.Message = "upstream sent an error event"
	}
	return e
}

// eventKind maps an error event's code and type to a kind.
func eventKind(info errorInfo) providers.Kind {
	switch {
	case info.is("insufficient_quota"):
		return providers.KindQuota
	case info.is("rate_limit_exceeded") || info.is("rate_limit_error") || info.is("tokens") || info.is("requests"):
		return providers.KindRateLimited
	case info.Code == "model_not_found":
		return providers.KindNotFound
	case info.is("invalid_request_error") || info.Code == "context_length_exceeded":
		return providers.KindInvalidRequest
	case info.is("authentication_error") || info.Code == "invalid_api_key":
		return providers.KindAuth
	}
	if status, err := strconv.Atoi(info.Code); err == nil && status >= 400 && status <= 599 {
		return providers.KindForStatus(status) // vLLM puts the HTTP status in code
	}
	return providers.KindUpstream
}
