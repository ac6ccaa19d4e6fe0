package responses

import (
	"net/http"
	"time"

	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// ChatWriter writes a translated answer as a Response object or the
// Responses event stream, and hands the finished response to Keep (the
// store) when the request asked to store it.
type ChatWriter struct {
	Req *Request
	// Meta fixes the response's times and model.
	Meta Meta
	// Keep stores the finished response; nil keeps nothing.
	Keep func(resp *Response)
	// Now is the clock for completed_at.
	Now func() time.Time
}

// NeedsChoices is true: the answer is always re-encoded.
func (*ChatWriter) NeedsChoices() bool { return true }

// Response writes the Response object.
func (cw *ChatWriter) Response(w http.ResponseWriter, resp *providers.ChatResponse, _ *providers.ChatRequest) {
	m := cw.Meta
	m.Now = cw.Now()
	out, err := EncodeResponse(cw.Req, resp, m)
	if err != nil {
		pe := providers.Classify(err)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(pe.HTTPStatus())
		_, _ = w.Write(EncodeError(pe))
		return
	}
	if cw.Keep != nil {
		cw.Keep(out)
	}
	dialects.WriteJSON(w, out.JSON())
}

// Stream starts the event stream.
func (cw *ChatWriter) Stream(w http.ResponseWriter, _ *providers.ChatRequest) dialects.ChunkSink {
	dialects.StartSSE(w)
	s := &chunkSink{cw: cw, w: w, flusher: dialects.FlusherOf(w), enc: NewStreamEncoder(cw.Req, cw.Meta)}
	if s.enc.Start(w) == nil {
		s.flusher.Flush()
	}
	return s
}

// chunkSink encodes unified chunks as Responses events.
type chunkSink struct {
	cw      *ChatWriter
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
	s.enc.meta.Now = s.cw.Now()
	_ = s.enc.Finish(s.w, e)
	s.flusher.Flush()
	if err == nil && s.cw.Keep != nil {
		s.cw.Keep(s.enc.Response())
	}
}
