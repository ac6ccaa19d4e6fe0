package openai

import (
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// ChatWriter writes chat results in OpenAI's format. It holds nothing, so
// converting it to the interface allocates nothing.
type ChatWriter struct{}

// NeedsChoices is false: an OpenAI upstream's answer goes out as it came.
func (ChatWriter) NeedsChoices() bool { return false }

// Response writes the upstream's bytes when it spoke OpenAI's format, the
// translated answer otherwise.
func (ChatWriter) Response(w http.ResponseWriter, resp *providers.ChatResponse, req *providers.ChatRequest) {
	if resp.Object == "" {
		resp.Object = "chat.completion"
	}
	body := resp.Raw
	if body == nil { // translated: encode without reflection
		if req == nil || !req.IncludeReasoning {
			resp = withoutReasoning(resp)
		}
		var err error
		if body, err = providers.MarshalChatResponse(resp); err != nil {
			writeEncodeFailure(w)
			return
		}
	}
	dialects.WriteJSON(w, body)
}

// writeEncodeFailure answers 500 when an answer cannot be encoded.
func writeEncodeFailure(w http.ResponseWriter) {
	e := &providers.Error{Kind: providers.KindInternal, Message: "could not encode the response"}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.HTTPStatus())
	_, _ = w.Write(Dialect.ErrorBody(e))
}

// Stream starts an OpenAI event stream.
func (ChatWriter) Stream(w http.ResponseWriter, req *providers.ChatRequest) dialects.ChunkSink {
	dialects.StartSSE(w)
	return &chunkSink{w: w, flusher: dialects.FlusherOf(w), includeUsage: req.IncludeUsage(), includeReasoning: req.IncludeReasoning}
}

// chunkSink writes chunks as OpenAI SSE events, each flushed at once.
// Upstream bytes go out unchanged when the upstream spoke OpenAI's format.
type chunkSink struct {
	w            http.ResponseWriter
	flusher      http.Flusher
	includeUsage bool
	// includeReasoning: the client asked for reasoning_content and
	// thinking_blocks; otherwise translated reasoning is left out.
	includeReasoning bool
	buf              []byte
}

var (
	sseData = []byte("data: ")
	sseEnd  = []byte("\n\n")
	sseDone = []byte("data: [DONE]\n\n")
)

func (s *chunkSink) Chunk(c *providers.ChatChunk) error {
	if len(c.Choices) == 0 && c.Usage != nil && !s.includeUsage {
		return nil // usage the gateway asked for itself; the client did not
	}
	s.buf = append(s.buf[:0], sseData...)
	if c.Raw != nil {
		s.buf = append(s.buf, c.Raw...)
	} else { // translated: encoded straight into the event buffer
		if !s.includeReasoning {
			if c = chunkWithoutReasoning(c); c == nil {
				return nil
			}
		}
		if c.Object == "" {
			c.Object = "chat.completion.chunk"
		}
		var err error
		if s.buf, err = providers.AppendChatChunk(s.buf, c); err != nil {
			return nil
		}
	}
	s.buf = append(s.buf, sseEnd...)
	if _, err := s.w.Write(s.buf); err != nil {
		return err
	}
	s.flusher.Flush()
	return nil
}

// End closes the stream: [DONE] after success; after a failure an error
// event, which the OpenAI SDKs raise as an APIError.
func (s *chunkSink) End(err *providers.Error) {
	if err != nil {
		s.buf = append(append(append(s.buf[:0], sseData...), Dialect.ErrorBody(err)...), sseEnd...)
		_, _ = s.w.Write(s.buf)
	} else {
		_, _ = s.w.Write(sseDone)
	}
	s.flusher.Flush()
}
