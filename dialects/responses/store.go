package responses

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Stored is what the gateway keeps of one finished response with store on.
// Its JSON form (see MarshalStored) is what a shared store such as Redis
// holds, so every field is plain data.
type Stored struct {
	// Response is the Response object as the client received it; GET
	// /v1/responses/{id} answers with it.
	Response json.RawMessage `json:"response"`
	// Input are the turn's input items as GET …/input_items lists them
	// (with ids), in the order sent.
	Input []json.RawMessage `json:"input"`
	// Messages are the whole conversation through this response, as unified
	// messages and without instructions: a later turn naming this response
	// as previous_response_id starts from them on whichever provider serves it.
	Messages []providers.Message `json:"messages"`
	Created  time.Time           `json:"created"`
}

// Size is the stored entry's approximate memory cost in bytes, for the
// memory store's bound.
func (s *Stored) Size() int {
	n := 128 + len(s.Response)
	for _, in := range s.Input {
		n += 24 + len(in)
	}
	for i := range s.Messages {
		m := &s.Messages[i]
		n += 96 + len(m.Content.Text) + len(m.Refusal) + len(m.ToolCallID)
		for _, p := range m.Content.Parts {
			n += 48 + len(p.Text)
			if p.ImageURL != nil {
				n += len(p.ImageURL.URL)
			}
		}
		for _, tc := range m.ToolCalls {
			n += 64 + len(tc.ID) + len(tc.Function.Name) + len(tc.Function.Arguments)
		}
	}
	return n
}

// ErrNotFound is returned by a Store for an id it does not hold for that
// owner: never stored, expired, evicted, deleted, or another owner's.
var ErrNotFound = errors.New("responses: stored response not found")

// Store keeps stored responses. Every call is scoped by owner (the client
// key's fingerprint): an id stored by one owner is not found for another.
// Implementations are safe for concurrent use.
type Store interface {
	Put(ctx context.Context, owner, id string, s *Stored) error
	// Get returns the stored response or ErrNotFound. The caller must not
	// modify what it returns.
	Get(ctx context.Context, owner, id string) (*Stored, error)
	// Delete removes the stored response or returns ErrNotFound.
	Delete(ctx context.Context, owner, id string) error
}

// NewStored is the entry for a finished response: resp as sent, req's input
// items with ids, and the conversation prior + this turn's input + the
// response's output.
func NewStored(req *Request, resp *Response, prior []providers.Message, created time.Time) *Stored {
	msgs := make([]providers.Message, 0, len(prior)+len(req.Input)+1)
	msgs = append(msgs, prior...)
	msgs = appendItems(msgs, req.Input)
	msgs = append(msgs, resp.OutputMessages()...)
	return &Stored{Response: resp.JSON(), Input: listedInput(req.Input, NewID), Messages: msgs, Created: created}
}

// PreviousNotFound is OpenAI's answer for an unknown previous_response_id.
func PreviousNotFound(id string) *providers.Error {
	return &providers.Error{Kind: providers.KindNotFound, Param: "previous_response_id", Code: "previous_response_not_found",
		Message: "Previous response with id '" + id + "' not found."}
}

// NotFound is the 404 of GET, DELETE and input_items for an unknown id.
func NotFound(id string) *providers.Error {
	return &providers.Error{Kind: providers.KindNotFound, Code: "not_found",
		Message: "Response with id '" + id + "' not found."}
}
