package providers

// Format names the wire format of a client API (a dialect).
type Format uint8

// The client formats the gateway speaks.
const (
	FormatNone              Format = iota // built by the gateway, no original body
	FormatOpenAIChat                      // POST /v1/chat/completions
	FormatAnthropicMessages               // POST /v1/messages
	FormatOpenAIResponses                 // POST /v1/responses
	FormatGemini                          // POST /v1beta/models/{model}:generateContent
)

// Original is a request body exactly as the client sent it, with its
// format. A provider whose own wire format is Format sends Body on with only
// the fields it must change patched in place (see rawjson.go), so fields the
// gateway does not know reach the upstream untouched; every other provider
// translates the unified request. The security filter clears it (or patches
// an OpenAI body) when it changes the messages.
type Original struct {
	Format Format
	Body   []byte
	// Beta lists the client's beta flags for a same-format upstream
	// (Anthropic's anthropic-beta header values).
	Beta []string
}

// Is reports whether the original body is present and in format f.
func (o *Original) Is(f Format) bool { return o.Format == f && o.Body != nil }

// OpenAIOriginal is an original OpenAI chat body.
func OpenAIOriginal(body []byte) Original {
	if body == nil {
		return Original{}
	}
	return Original{Format: FormatOpenAIChat, Body: body}
}
