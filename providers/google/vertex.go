package google

import (
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Vertex AI serves the Gemini models at its own publisher URLs
// (.../projects/{p}/locations/{l}/publishers/google/models/{model}:method)
// with the same request, response and stream shapes; package vertex reuses
// this provider there, with BaseURL set to the publisher. Two things differ
// on the wire, and UseVertex switches them.

// UseVertex makes the provider speak to a Vertex AI publisher: t.APIKey is
// an OAuth2 access token, sent as "Authorization: Bearer" rather than
// x-goog-api-key, and countTokens takes the request's fields at the top of
// its body (Vertex's CountTokensRequest) rather than inside
// generateContentRequest, which Vertex refuses as an unknown field.
func (p *Provider) UseVertex() { p.vertex = true }

// vertexCountRequest is Vertex AI's CountTokensRequest: what
// generateContent would count, without the fields countTokens does not
// take (toolConfig, safetySettings).
type vertexCountRequest struct {
	Contents          []content `json:"contents"`
	SystemInstruction *content  `json:"systemInstruction,omitempty"`
	Tools             []tool    `json:"tools,omitempty"`
}

func vertexCount(gen *generateRequest) vertexCountRequest {
	return vertexCountRequest{Contents: gen.Contents, SystemInstruction: gen.SystemInstruction, Tools: gen.Tools}
}

// UpstreamError classifies a non-2xx answer in Google's error shape
// (google.rpc.Status, see errors.go). Vertex AI answers in it for its own
// failures (authentication, quota) whichever publisher's model was asked.
func UpstreamError(provider string, status int, h http.Header, body []byte) *providers.Error {
	return upstreamError(provider, status, h, body)
}
