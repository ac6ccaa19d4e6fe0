package vertex

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/providers/google"
)

// googleShapedError classifies an error Vertex AI itself gave to a Claude
// call: authentication, permission, quota and availability failures come
// in Google's shape ({"error":{"code":429,"status":"RESOURCE_EXHAUSTED",…}}),
// not Anthropic's, and mean the same as for Gemini models
// (RESOURCE_EXHAUSTED → rate limited, UNAVAILABLE → overloaded,
// UNAUTHENTICATED → auth, PERMISSION_DENIED → permission). nil for an
// answer in Anthropic's shape, which the model itself gave.
func (v *Vertex) googleShapedError(status int, h http.Header, body []byte) *providers.Error {
	trimmed := bytes.TrimSpace(body)
	var env struct {
		Type  string `json:"type"`
		Error *struct {
			Code   int    `json:"code"`
			Status string `json:"status"`
		} `json:"error"`
	}
	isList := len(trimmed) > 0 && trimmed[0] == '['
	if !isList {
		if json.Unmarshal(trimmed, &env) != nil || env.Type == "error" || env.Error == nil ||
			(env.Error.Status == "" && env.Error.Code == 0) {
			return nil
		}
	}
	return google.UpstreamError(v.Name, status, h, body)
}
