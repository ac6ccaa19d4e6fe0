package responses

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// ChatWriter writes an answer as a Response object or the Responses event
// stream: relayed as the upstream sent it when a Responses upstream served
// the request (ChatResponse.Original, relayed stream events), translated
// otherwise. With store on it hands the finished response to Keep.
type ChatWriter struct {
	Req *Request
	// Prior is the conversation before this turn (previous_response_id).
	Prior []providers.Message
	// PriorItems are the earlier turns' items as input_items lists them
	// (ConversationItems of the previous response): a stored response
	// lists them before its own input, as OpenAI's does.
	PriorItems []json.RawMessage
	// Meta fixes the response's times and model.
	Meta Meta
	// Keep stores a finished response under its id; nil keeps nothing.
	Keep func(id string, s *Stored)
	// Now is the clock for completed_at.
	Now func() time.Time
}

// NeedsChoices is false: a relayed Response object goes out as it came, and
// EncodeResponse loads the choices of an answer it translates.
func (*ChatWriter) NeedsChoices() bool { return false }

// Response writes the Response object.
func (cw *ChatWriter) Response(w http.ResponseWriter, resp *providers.ChatResponse, _ *providers.ChatRequest) {
	if resp.Original.Is(providers.FormatOpenAIResponses) {
		cw.keepJSON(resp.Original.Body)
		dialects.WriteJSON(w, resp.Original.Body)
		return
	}
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
	cw.keep(out.ID, NewStored(cw.Req, out, cw.Prior, cw.Meta.CreatedAt))
	dialects.WriteJSON(w, out.JSON())
}

// keep stores a finished response, the earlier turns' items in front of
// its own input.
func (cw *ChatWriter) keep(id string, st *Stored) {
	if cw.Keep == nil {
		return
	}
	if len(cw.PriorItems) > 0 {
		st.Input = append(append(make([]json.RawMessage, 0, len(cw.PriorItems)+len(st.Input)), cw.PriorItems...), st.Input...)
	}
	cw.Keep(id, st)
}

// keepJSON stores a relayed Response object.
func (cw *ChatWriter) keepJSON(body []byte) {
	if cw.Keep == nil {
		return
	}
	if st, err := NewStoredFromJSON(cw.Req, body, cw.Prior, cw.Meta.CreatedAt); err == nil {
		var head struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(body, &head) == nil && head.ID != "" {
			cw.keep(head.ID, st)
		}
	}
}

// Stream starts the event stream. Whether it is relayed or translated is
// known at the first chunk.
func (cw *ChatWriter) Stream(w http.ResponseWriter, _ *providers.ChatRequest) dialects.ChunkSink {
	dialects.StartSSE(w)
	return &chunkSink{cw: cw, w: w, flusher: dialects.FlusherOf(w)}
}

// chunkSink writes a stream's events.
type chunkSink struct {
	cw       *ChatWriter
	w        http.ResponseWriter
	flusher  http.Flusher
	enc      *StreamEncoder // made when first needed: a relayed stream needs it only to end early
	relaying bool
	final    []byte // the relayed response.completed event's response
	buf      []byte
}

// encoder is the stream's encoder of translated events.
func (s *chunkSink) encoder() *StreamEncoder {
	if s.enc == nil {
		s.enc = NewStreamEncoder(s.cw.Req, s.cw.Meta)
	}
	return s.enc
}

func (s *chunkSink) Chunk(c *providers.ChatChunk) error {
	if ev := c.Event; ev != nil && ev.Relay && !ev.Changed && (s.relaying || s.enc == nil || !s.enc.started) {
		s.relaying = true
		return s.relay(c)
	}
	if err := s.encoder().Encode(c, s.w); err != nil {
		return err
	}
	s.flusher.Flush()
	return nil
}

// relayBufSize holds a Response object's events (created, completed) in
// one allocation: growing from nothing took six per stream.
const relayBufSize = 2 << 10

// relay writes an upstream event as it came.
func (s *chunkSink) relay(c *providers.ChatChunk) error {
	ev := c.Event
	if ev.Name == "" && len(ev.Data) == 0 { // a further chunk of a relayed event
		return nil
	}
	if s.cw.Keep != nil && (ev.Name == "response.completed" || ev.Name == "response.incomplete") {
		if r := providers.GetTopLevel(ev.Data, "response"); r != nil {
			s.final = append(s.final[:0], r...)
		}
	}
	if s.buf == nil {
		s.buf = make([]byte, 0, relayBufSize)
	}
	s.buf = append(s.buf[:0], "event: "...)
	s.buf = append(s.buf, ev.Name...)
	s.buf = append(s.buf, "\ndata: "...)
	s.buf = append(s.buf, ev.Data...)
	s.buf = append(s.buf, "\n\n"...)
	if _, err := s.w.Write(s.buf); err != nil {
		return err
	}
	s.flusher.Flush()
	return nil
}

func (s *chunkSink) End(err *providers.Error) {
	if s.relaying {
		if err != nil { // the upstream's own events stopped short: say why
			_ = s.encoder().Finish(s.w, err)
		} else if s.final != nil {
			s.cw.keepJSON(s.final)
		}
		s.flusher.Flush()
		return
	}
	var e error
	if err != nil {
		e = err
	}
	enc := s.encoder()
	enc.meta.Now = s.cw.Now()
	_ = enc.Finish(s.w, e)
	s.flusher.Flush()
	if err == nil && s.cw.Keep != nil {
		resp := enc.Response()
		s.cw.keep(resp.ID, NewStored(s.cw.Req, resp, s.cw.Prior, s.cw.Meta.CreatedAt))
	}
}
