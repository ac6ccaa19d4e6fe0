package aibackends

import (
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// openAIChatWriter writes chat results in OpenAI's format.
type openAIChatWriter struct{}

func (openAIChatWriter) format() clientFormat { return formatOpenAI }

func (openAIChatWriter) response(w http.ResponseWriter, resp *providers.ChatResponse, _ *providers.ChatRequest) {
	if resp.Object == "" {
		resp.Object = "chat.completion"
	}
	body := resp.Raw
	if body == nil { // translated: encode without reflection
		var err error
		if body, err = providers.MarshalChatResponse(resp); err != nil {
			body = nil // writeJSON reports the failure
		}
	}
	writeJSON(w, body, resp)
}

func (openAIChatWriter) stream(w http.ResponseWriter, req *providers.ChatRequest) chunkSink {
	startSSE(w)
	return &openAISink{w: w, flusher: flusherOf(w), includeUsage: req.IncludeUsage()}
}

// startSSE sends the headers of an event stream.
func startSSE(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	h.Del("Content-Length")
	w.WriteHeader(http.StatusOK)
}

// flusherOf returns what flushes w. Caddy hands handlers wrapped writers;
// http.ResponseController finds the Flusher through their Unwrap methods,
// where a type assertion on the wrapper would miss it and buffer the stream.
func flusherOf(w http.ResponseWriter) http.Flusher {
	return controllerFlusher{http.NewResponseController(w)}
}

type controllerFlusher struct{ rc *http.ResponseController }

func (f controllerFlusher) Flush() { _ = f.rc.Flush() }

// openAISink writes chunks as OpenAI SSE events, each flushed at once.
// Upstream bytes go out unchanged when the upstream spoke OpenAI's format.
type openAISink struct {
	w            http.ResponseWriter
	flusher      http.Flusher
	includeUsage bool
	buf          []byte
}

var (
	sseData = []byte("data: ")
	sseEnd  = []byte("\n\n")
	sseDone = []byte("data: [DONE]\n\n")
)

func (s *openAISink) chunk(c *providers.ChatChunk) error {
	if len(c.Choices) == 0 && c.Usage != nil && !s.includeUsage {
		return nil // usage the gateway asked for itself; the client did not
	}
	s.buf = append(s.buf[:0], sseData...)
	if c.Raw != nil {
		s.buf = append(s.buf, c.Raw...)
	} else { // translated: encoded straight into the event buffer
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

// end closes the stream: [DONE] after success; after a failure an error
// event, which the OpenAI SDKs raise as an APIError.
func (s *openAISink) end(err *providers.Error) {
	if err != nil {
		s.buf = append(append(append(s.buf[:0], sseData...), err.OpenAIBody()...), sseEnd...)
		_, _ = s.w.Write(s.buf)
	} else {
		_, _ = s.w.Write(sseDone)
	}
	s.flusher.Flush()
}
