// Package gemini is the Gemini API client dialect (POST
// /v1beta/models/{model}:generateContent and :streamGenerateContent): the
// error envelope Google's SDKs parse, the answer and stream writers, and
// the translation between GenerateContent and the unified types:
//
//	Decoder          GenerateContentRequest → unified request   (request*.go)
//	EncodeResponse   unified completion     → GenerateContentResponse (response.go)
//	chunkSink        unified chunks         → streamed responses (stream.go)
package gemini

import (
	"encoding/json"
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Dialect is the Gemini API dialect.
var Dialect dialect

type dialect struct{}

func (dialect) Name() string { return "gemini" }

// ErrorBody is google.rpc.Status as the REST API renders it:
// {"error":{"code":400,"message":"…","status":"INVALID_ARGUMENT"}}. The
// google-genai SDKs raise their typed errors from code and status.
func (dialect) ErrorBody(e *providers.Error) []byte {
	code := e.HTTPStatus()
	msg := e.Message
	if e.Param != "" && msg == "" {
		msg = "invalid field " + e.Param
	}
	b, _ := json.Marshal(struct {
		Error rpcStatus `json:"error"`
	}{rpcStatus{Code: code, Message: msg, Status: StatusName(code)}})
	return b
}

// SetRequestID sets X-Request-Id only: Google's API sends no request-id
// header the SDKs read.
func (dialect) SetRequestID(h http.Header, v []string) { h["X-Request-Id"] = v }

type rpcStatus struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Status  string `json:"status"`
}

// StatusName is the google.rpc.Code name Google's API pairs with an HTTP
// status.
func StatusName(code int) string {
	switch code {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusMethodNotAllowed,
		http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		return "INVALID_ARGUMENT"
	case http.StatusUnauthorized:
		return "UNAUTHENTICATED"
	case http.StatusForbidden:
		return "PERMISSION_DENIED"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusConflict:
		return "ABORTED"
	case http.StatusTooManyRequests, http.StatusPaymentRequired: // 402: Google's "prepayment credits depleted"
		return "RESOURCE_EXHAUSTED"
	case http.StatusNotImplemented:
		return "UNIMPLEMENTED"
	case http.StatusBadGateway, http.StatusServiceUnavailable:
		return "UNAVAILABLE"
	case http.StatusGatewayTimeout, http.StatusRequestTimeout:
		return "DEADLINE_EXCEEDED"
	}
	if code >= 400 && code < 500 {
		return "FAILED_PRECONDITION"
	}
	return "INTERNAL"
}
