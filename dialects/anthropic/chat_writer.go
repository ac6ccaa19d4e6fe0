package anthropic

import (
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// ChatWriter writes chat results in Anthropic's Messages format.
type ChatWriter struct{}

// NeedsChoices is true: the answer is always re-encoded.
func (ChatWriter) NeedsChoices() bool { return true }

// Response writes a Messages answer.
func (ChatWriter) Response(w http.ResponseWriter, resp *providers.ChatResponse, req *providers.ChatRequest) {
	dialects.WriteJSON(w, EncodeMessagesResponse(resp, req.Model))
}

// Stream starts a Messages event stream.
func (ChatWriter) Stream(w http.ResponseWriter, req *providers.ChatRequest) dialects.ChunkSink {
	dialects.StartSSE(w)
	return &chunkSink{w: w, flusher: dialects.FlusherOf(w), enc: NewStreamEncoder(req.Model)}
}

// chunkSink re-encodes unified chunks as Anthropic stream events.
type chunkSink struct {
	w       http.ResponseWriter
	flusher http.Flusher
	enc     *StreamEncoder
}

func (s *chunkSink) Chunk(c *providers.ChatChunk) error {
	if err := s.enc.Encode(c, s.w); err != nil {
		return err
	}
	s.flusher.Flush()
	return nil
}

func (s *chunkSink) End(err *providers.Error) {
	var e error
	if err != nil {
		e = err
	}
	_ = s.enc.Finish(s.w, e)
	s.flusher.Flush()
}
