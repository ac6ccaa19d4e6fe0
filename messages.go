package aibackends

import (
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/providers/anthropic"
)

// serveMessages handles Anthropic's POST /v1/messages: the request is
// translated to the unified schema, routed to any provider, and the answer
// translated back, streams included. An Anthropic upstream receives the
// client's own body with the least change.
func (h *Handler) serveMessages(w http.ResponseWriter, r *http.Request, rec *record) {
	body, e := h.readBody(w, r)
	if e == nil {
		e = h.checkBody(body)
	}
	if e != nil {
		h.fail(w, rec, e)
		return
	}
	req, err := anthropic.ParseMessagesRequest(body)
	if err != nil {
		h.fail(w, rec, providers.Classify(err))
		return
	}
	e = h.validateChat(req)
	if e == nil {
		e = capMaxTokens(rec, req)
	}
	if e != nil {
		h.fail(w, rec, e)
		return
	}
	// An Anthropic upstream gets the client's own body (and beta header)
	// with the least change.
	r = r.WithContext(anthropic.WithNativeRequest(r.Context(),
		&anthropic.NativeRequest{Body: body, Beta: r.Header.Values("anthropic-beta")}))
	h.chat(w, r, rec, req, anthropicChatWriter{})
}

// anthropicChatWriter writes chat results in Anthropic's Messages format.
type anthropicChatWriter struct{}

func (anthropicChatWriter) format() clientFormat { return formatAnthropic }

func (anthropicChatWriter) response(w http.ResponseWriter, resp *providers.ChatResponse, req *providers.ChatRequest) {
	writeJSON(w, anthropic.EncodeMessagesResponse(resp, req.Model), nil)
}

func (anthropicChatWriter) stream(w http.ResponseWriter, req *providers.ChatRequest) chunkSink {
	startSSE(w)
	return &anthropicSink{w: w, flusher: flusherOf(w), enc: anthropic.NewStreamEncoder(req.Model)}
}

// anthropicSink re-encodes unified chunks as Anthropic stream events.
type anthropicSink struct {
	w       http.ResponseWriter
	flusher http.Flusher
	enc     *anthropic.StreamEncoder
}

func (s *anthropicSink) chunk(c *providers.ChatChunk) error {
	if err := s.enc.Encode(c, s.w); err != nil {
		return err
	}
	s.flusher.Flush()
	return nil
}

func (s *anthropicSink) end(err *providers.Error) {
	var e error
	if err != nil {
		e = err
	}
	_ = s.enc.Finish(s.w, e)
	s.flusher.Flush()
}
