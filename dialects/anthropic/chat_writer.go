package anthropic

import (
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// ChatWriter writes chat results in Anthropic's Messages format.
type ChatWriter struct{}

// NeedsChoices is true: an answer from another provider is re-encoded.
func (ChatWriter) NeedsChoices() bool { return true }

// Response writes a Messages answer. An Anthropic upstream's own answer
// (resp.Original) goes out as it came, with only the model replaced by the
// public name, so thinking blocks, signatures, citations and block types
// added after this release reach the client; any other is re-encoded.
func (ChatWriter) Response(w http.ResponseWriter, resp *providers.ChatResponse, req *providers.ChatRequest) {
	if resp != nil && resp.Original.Is(providers.FormatAnthropicMessages) {
		if body, err := providers.SetTopLevel(resp.Original.Body, "model", quoteJSON(req.Model)); err == nil {
			dialects.WriteJSON(w, body)
			return
		}
	}
	dialects.WriteJSON(w, encodeMessage(resp, req.Model, viewOf(req)))
}

// Stream starts a Messages event stream.
func (ChatWriter) Stream(w http.ResponseWriter, req *providers.ChatRequest) dialects.ChunkSink {
	dialects.StartSSE(w)
	enc := NewStreamEncoder(req.Model)
	enc.view = viewOf(req)
	return &chunkSink{w: w, flusher: dialects.FlusherOf(w), enc: enc, req: req}
}

// chunkSink writes a stream to the client: an Anthropic upstream's events
// relayed as they came (see relay.go), any other upstream's chunks
// re-encoded as Anthropic stream events.
type chunkSink struct {
	w       http.ResponseWriter
	flusher http.Flusher
	enc     *StreamEncoder
	req     *providers.ChatRequest
	decided bool // the first chunk said whether the stream is relayed
	relay   bool
	altered map[int]bool // relayed thinking blocks whose text the filter changed
}

func (s *chunkSink) Chunk(c *providers.ChatChunk) error {
	if !s.decided {
		s.decided, s.relay = true, c.Event != nil && c.Event.Relay
		if !s.relay {
			// message_start goes out now; unless this chunk has the
			// upstream's count, it announces the gateway's estimate.
			s.enc.EstimateInput(providers.EstimatePromptTokens(s.req))
		}
	}
	var err error
	if s.relay {
		err = s.relayChunk(c)
	} else {
		err = s.enc.Encode(c, s.w)
	}
	if err != nil {
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
	if s.relay && e == nil {
		return // message_stop was relayed
	}
	_ = s.enc.Finish(s.w, e)
	s.flusher.Flush()
}
