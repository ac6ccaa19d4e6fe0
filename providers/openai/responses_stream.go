package openai

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// responsesStream relays a Responses upstream's event stream: every event
// becomes one chunk whose Event carries it as sent (the Responses client
// receives it unchanged) and whose choices carry what the gateway reads of
// it: text and refusal deltas, function calls, and the finish reason and
// usage of the final event.
type responsesStream struct {
	body      io.ReadCloser
	events    *providers.SSEReader
	cfg       *providers.Config
	cancel    context.CancelFunc
	calls     map[int]int // output_index → tool call index; made at the first call
	dec       eventDecoder
	ev        responsesEvent
	item      itemHead                 // the last added item's head; a field, as a local would go to the heap
	choice    [1]providers.ChunkChoice // the chunk's Choices, reused
	chunk     providers.ChatChunk
	event     providers.StreamEvent
	done      bool
	err       error
	closeOnce sync.Once
}

func newResponsesStream(resp *http.Response, events *providers.SSEReader, cfg *providers.Config, cancel context.CancelFunc) *responsesStream {
	return &responsesStream{body: resp.Body, events: events, cfg: cfg, cancel: cancel}
}

// responsesEvent is what the gateway reads of one stream event. Its item
// and response, if any, are kept as they came and read only by the events
// that need something of them.
type responsesEvent struct {
	Type        string          `json:"type"`
	Delta       string          `json:"delta"`
	OutputIndex int             `json:"output_index"`
	Item        json.RawMessage `json:"item"`
	Response    json.RawMessage `json:"response"`
}

// Next returns the chunk of the next event; io.EOF after the final one
// (response.completed, .incomplete, .failed or an error event, all relayed).
func (s *responsesStream) Next() (*providers.ChatChunk, error) {
	if s.err != nil {
		return nil, s.err
	}
	if s.done {
		s.err = io.EOF
		return nil, io.EOF
	}
	ev, err := s.events.Next()
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = &providers.Error{Kind: providers.KindNetwork, Provider: s.cfg.Name,
				Message: "stream ended early: upstream closed it before the response finished", Err: err}
		}
		s.err = s.cfg.Scrub(err)
		return nil, s.err
	}
	e := &s.ev // reused: the chunk's delta pointers point into it until the next call
	if err := s.decode(ev.Data, e); err != nil {
		return nil, s.invalid(err)
	}
	name := ev.Name
	if name == "" {
		name = e.Type
	}
	s.event = providers.StreamEvent{Name: name, Data: ev.Data, Relay: true}
	s.chunk = providers.ChatChunk{Object: "chat.completion.chunk", Event: &s.event}
	if err := s.read(e); err != nil {
		return nil, s.invalid(err)
	}
	return &s.chunk, nil
}

// decode reads an event, with encoding/json when the fast decoder
// declines; its item and response are objects or nil.
func (s *responsesStream) decode(data []byte, e *responsesEvent) error {
	if !s.dec.decode(data, e) {
		*e = responsesEvent{}
		if err := json.Unmarshal(data, e); err != nil {
			return err
		}
	}
	var err, err2 error
	e.Item, err = objectOrNull(e.Item)
	e.Response, err2 = objectOrNull(e.Response)
	return errors.Join(err, err2)
}

// invalid ends the stream on an event the gateway cannot read.
func (s *responsesStream) invalid(err error) error {
	s.err = s.cfg.Scrub(&providers.Error{Kind: providers.KindUpstream, Provider: s.cfg.Name,
		Message: "upstream sent an invalid Responses stream event", Err: err})
	return s.err
}

// read fills the chunk's unified view of event e.
func (s *responsesStream) read(e *responsesEvent) error {
	var d providers.Delta
	var finish *string
	switch e.Type {
	case "response.output_text.delta":
		d.Content = &e.Delta
	case "response.refusal.delta":
		d.Refusal = &e.Delta
	case "response.output_item.added":
		if e.Item != nil {
			it := &s.item
			if err := s.dec.itemHead(e.Item, it); err != nil {
				return err
			}
			if it.Type == "function_call" {
				if s.calls == nil {
					s.calls = map[int]int{}
				}
				i := len(s.calls)
				s.calls[e.OutputIndex] = i
				d.ToolCalls = []providers.ToolCall{{Index: &i, ID: it.CallID, Type: "function",
					Function: providers.FunctionCall{Name: it.Name}}}
			}
		}
	case "response.function_call_arguments.delta":
		if i, ok := s.calls[e.OutputIndex]; ok {
			d.ToolCalls = []providers.ToolCall{{Index: &i, Function: providers.FunctionCall{Arguments: e.Delta}}}
		}
	case "response.completed", "response.incomplete":
		s.done = true
		if e.Response != nil {
			var r providers.ResponsesHead
			if err := providers.ReadResponsesHead(e.Response, &r); err != nil {
				return err
			}
			f := finishOfStatus(r.Status, r.IncompleteReason, len(s.calls) > 0)
			finish = &f
			s.chunk.ID, s.chunk.Model, s.chunk.Created = r.ID, r.Model, r.CreatedAt
			s.chunk.Usage = r.Usage
		}
	case "response.failed", "error":
		s.done = true // relayed as it came: the client has the failure
	}
	if d.Content != nil || d.Refusal != nil || d.ToolCalls != nil || finish != nil {
		s.choice[0] = providers.ChunkChoice{Delta: d, FinishReason: finish}
		s.chunk.Choices = s.choice[:]
	}
	return nil
}

// Close releases the upstream connection; safe to call more than once.
func (s *responsesStream) Close() error {
	var err error
	s.closeOnce.Do(func() {
		err = s.body.Close()
		if s.cancel != nil {
			s.cancel()
		}
	})
	return err
}

var _ providers.ChatStream = (*responsesStream)(nil)
