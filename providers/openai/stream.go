package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// ChatStream starts a streamed chat completion. A non-2xx answer is returned
// as an error before any chunk. The request always asks for the final usage
// chunk; the handler hides it from clients that did not ask for it.
func (p *Provider) ChatStream(ctx context.Context, t providers.Target, req *providers.ChatRequest) (providers.ChatStream, error) {
	if p.relaysResponses(req) {
		return p.streamViaResponses(ctx, t, req)
	}
	body, err := p.chatBody(t, req, true)
	if err != nil {
		return nil, p.requestError(err)
	}
	ctx, cancel := context.WithCancel(ctx) // lets Close bound its drain
	resp, err := p.post(ctx, t, "/chat/completions", body)
	if err != nil {
		cancel()
		return nil, err
	}
	if mediaType(resp.Header.Get("Content-Type")) == "application/json" {
		defer cancel()
		return nil, p.jsonInsteadOfStream(resp)
	}
	events, e := p.OpenEventStream(resp)
	if e != nil {
		resp.Body.Close()
		cancel()
		return nil, e
	}
	s := &chunkStream{body: resp.Body, events: events, provider: p.Name, cfg: &p.Config, cancel: cancel}
	return s, nil
}

// jsonInsteadOfStream handles a server that answered a stream request with
// one JSON body (some compatible servers report errors so, with status 200).
func (p *Provider) jsonInsteadOfStream(resp *http.Response) *providers.Error {
	body, err := p.readBody(resp)
	if err != nil {
		return providers.Classify(err)
	}
	if info, ok := parseErrorBody(body); ok {
		return p.Scrub(eventError(p.Name, info))
	}
	return &providers.Error{Kind: providers.KindUpstream, Provider: p.Name, Message: "upstream answered a stream request with a JSON body instead of events"}
}

// mediaType is a Content-Type without its parameters, in lower case.
func mediaType(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// chunkStream reads chat.completion.chunk events one at a time from an
// upstream SSE body.
type chunkStream struct {
	body      io.ReadCloser
	events    *providers.SSEReader
	provider  string
	cfg       *providers.Config // scrubs every error the stream returns
	err       error             // sticky: once the stream failed or ended, it stays so
	parser    chunkParser
	closeOnce sync.Once
	ended     atomic.Bool // [DONE] arrived: Close drains the body to keep the connection
	cancel    context.CancelFunc
}

func newChunkStream(body io.ReadCloser, cfg *providers.Config) *chunkStream {
	return &chunkStream{body: body, events: providers.NewSSEReader(body), provider: cfg.Name, cfg: cfg}
}

// chunkEvent decodes, in a single pass, an event the fast chunkParser
// declined: a chunk, OpenAI's {"error":{...}} event, or vLLM's
// {"object":"error","message":...}.
type chunkEvent struct {
	providers.ChatChunk
	Error   json.RawMessage `json:"error"`
	Message string          `json:"message"`
	Type    string          `json:"type"`
	Code    json.RawMessage `json:"code"`
	Param   json.RawMessage `json:"param"`
}

var doneMarker = []byte("[DONE]")

// Next returns the next chunk; io.EOF after "data: [DONE]". The chunk, its
// Choices, what their *string fields point to and Raw (the event's JSON as
// the upstream sent it) are valid until the next call; its Usage and the
// string values stay valid.
func (s *chunkStream) Next() (*providers.ChatChunk, error) {
	if s.err != nil {
		return nil, s.err
	}
	chunk, err := s.next()
	if err != nil {
		if err != io.EOF {
			err = s.cfg.Scrub(err) // error events and snippets quote the upstream
		}
		s.err = err
		return nil, err
	}
	return chunk, nil
}

func (s *chunkStream) next() (*providers.ChatChunk, error) {
	ev, err := s.events.Next()
	if err != nil {
		return nil, s.readError(err)
	}
	data := bytes.TrimSpace(ev.Data)
	if bytes.Equal(data, doneMarker) {
		s.ended.Store(true)
		return nil, io.EOF
	}
	if chunk, ok := s.parser.parse(data); ok {
		chunk.Raw = data
		return chunk, nil
	}
	event := new(chunkEvent)
	if err := json.Unmarshal(data, event); err != nil {
		return nil, &providers.Error{Kind: providers.KindUpstream, Provider: s.provider, Message: "upstream sent an invalid stream event", Err: err}
	}
	if e := s.errorEvent(ev.Name, event); e != nil {
		return nil, e
	}
	event.Raw = data
	return &event.ChatChunk, nil
}

// errorEvent returns the classified error when the event reports one.
func (s *chunkStream) errorEvent(name string, event *chunkEvent) *providers.Error {
	isError := name == "error" || event.Object == "error" || (len(event.Error) > 0 && event.Error[0] == '{')
	if !isError {
		return nil
	}
	env := errorEnvelope{Error: event.Error, Message: event.Message, Type: event.Type, Code: event.Code, Param: event.Param}
	info, _ := env.info()
	return eventError(s.provider, info)
}

// readError classifies a failure to read the next event.
func (s *chunkStream) readError(err error) error {
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &providers.Error{Kind: providers.KindNetwork, Provider: s.provider, Message: "stream ended early: upstream closed it before [DONE]", Err: err}
	case errors.Is(err, providers.ErrSSETooLarge):
		return &providers.Error{Kind: providers.KindUpstream, Provider: s.provider, Message: err.Error(), Err: err}
	}
	e := providers.Classify(err)
	if e.Provider == "" {
		e.Provider = s.provider
	}
	return e
}

// Close releases the upstream connection; safe to call more than once and
// from another goroutine than Next's. After [DONE] the connection goes back
// to the pool; a stream abandoned before it (the client left) is cut, which
// stops the upstream's generation.
func (s *chunkStream) Close() error {
	var err error
	s.closeOnce.Do(func() {
		if s.ended.Load() && s.cancel != nil { // Next returned io.EOF and reads no more
			t := time.AfterFunc(providers.DrainWait, s.cancel)
			s.events.Drain()
			t.Stop()
		}
		err = s.body.Close()
		if s.cancel != nil {
			s.cancel()
		}
	})
	return err
}

// Interface guard.
var _ providers.ChatStream = (*chunkStream)(nil)
