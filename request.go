package aibackends

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/security"
)

// readBody reads the request body within the size limit, after checking
// that it claims to be JSON, and rejects invalid UTF-8 and deep nesting
// (checkBody) before any decoder sees it. The body is kept whole: it may be
// replayed to several deployments and passed through unchanged.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, *providers.Error) {
	// The SDKs send exactly "application/json"; only other spellings need
	// the (allocating) media type parser.
	if ct := r.Header.Get("Content-Type"); ct != "" && ct != "application/json" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, &providers.Error{
				Kind: providers.KindInvalidRequest, Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
				Message: "Content-Type must be application/json, got " + ct,
			}
		}
	}
	if r.ContentLength > h.MaxBodySize {
		return nil, tooLarge(h.MaxBodySize)
	}
	size := r.ContentLength
	if size <= 0 || size > 1<<20 {
		size = 4096
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+1))
	timeout := h.bodyReadTimeout()
	err := readWithin(w, r, buf, http.MaxBytesReader(w, r.Body, h.MaxBodySize), timeout)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge(h.MaxBodySize)
		}
		if err == errBodyTimedOut {
			return nil, bodyTimedOut(timeout)
		}
		return nil, &providers.Error{Kind: providers.KindInvalidRequest, Code: "body_read_failed",
			Message: "could not read the request body: " + err.Error()}
	}
	if buf.Len() == 0 {
		return nil, invalid("", "the request body is empty; send a JSON object")
	}
	if e := h.checkBody(buf.Bytes()); e != nil {
		return nil, e
	}
	return buf.Bytes(), nil
}

func tooLarge(limit int64) *providers.Error {
	return &providers.Error{
		Kind: providers.KindInvalidRequest, Status: http.StatusRequestEntityTooLarge, Code: "request_too_large",
		Message: fmt.Sprintf("the request body is larger than the limit of %d bytes", limit),
	}
}

var validRoles = map[string]bool{"system": true, "developer": true, "user": true, "assistant": true, "tool": true, "function": true}

// validateChat checks what every provider needs, so that nothing invalid
// reaches an upstream.
func (h *Handler) validateChat(req *providers.ChatRequest) *providers.Error {
	if req.Model == "" {
		return invalid("model", "you must provide a model parameter")
	}
	if len(req.Messages) == 0 {
		return invalid("messages", "'messages' is a required property and must not be empty")
	}
	if h.MaxMessages > 0 && len(req.Messages) > h.MaxMessages {
		return invalid("messages", "too many messages: %d, the limit is %d", len(req.Messages), h.MaxMessages)
	}
	for i, m := range req.Messages {
		if !validRoles[m.Role] {
			return invalid(fmt.Sprintf("messages[%d].role", i), "invalid role %q in messages[%d]", m.Role, i)
		}
		if m.Role == "tool" && m.ToolCallID == "" {
			return invalid(fmt.Sprintf("messages[%d].tool_call_id", i), "messages[%d] has role 'tool' but no tool_call_id", i)
		}
	}
	if n := req.OutputLimit(); n < 0 {
		return invalid("max_tokens", "max_tokens must not be negative")
	}
	if req.N != nil && (*req.N < 1 || *req.N > 128) {
		return invalid("n", "n must be between 1 and 128")
	}
	if req.Temperature != nil && (*req.Temperature < 0 || *req.Temperature > 2) {
		return invalid("temperature", "temperature must be between 0 and 2")
	}
	for i, t := range req.Tools {
		if t.Function.Name == "" {
			return invalid(fmt.Sprintf("tools[%d].function.name", i), "tools[%d] needs a function name", i)
		}
	}
	return nil
}

// estimatePromptTokens is the shared prompt estimate (providers.EstimatePromptTokens),
// for routing, limits and cost estimates before the provider counts.
func estimatePromptTokens(req *providers.ChatRequest) int {
	return providers.EstimatePromptTokens(req)
}

// checkBody rejects invalid UTF-8 and deep nesting before any decoding.
func (h *Handler) checkBody(body []byte) *providers.Error {
	if err := security.CheckUTF8(body); err != nil {
		return invalid("", "%v", err)
	}
	depth := 0
	if h.Security != nil {
		depth = h.Security.MaxDepth
	}
	if err := security.CheckJSONDepth(body, depth); err != nil {
		return invalid("", "%v", err)
	}
	return nil
}
