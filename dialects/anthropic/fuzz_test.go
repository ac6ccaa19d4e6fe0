package anthropic

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fuzzcorpus"
	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
	wire "github.com/sira-ai/caddy-ai-backends/providers/anthropic"
)

// FuzzParseMessagesRequest: any body is parsed or rejected with a
// classified error, never a panic; what parses also translates back.
func FuzzParseMessagesRequest(f *testing.F) {
	fuzzcorpus.Files(f, "request/*.json")
	f.Add([]byte(`{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"x"}]}]}]}`))
	f.Add([]byte(`{"model":"m","max_tokens":0,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":null}]}],"system":[]}`))
	f.Add([]byte(`{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}],"tool_choice":{"type":"none"}}`))
	f.Add([]byte(`{"model":1}`))
	f.Add([]byte(`null`))
	f.Add([]byte(markedHistory("anthropic")))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := ParseMessagesRequest(body)
		if err != nil {
			if _, ok := err.(*providers.Error); !ok {
				t.Fatalf("unclassified error %T", err)
			}
			return
		}
		out, err := wire.ToAnthropic(req, wire.Options{Model: "claude-x"})
		if err == nil && !json.Valid(out) {
			t.Fatalf("invalid JSON: %s", out)
		}
		if _, err := json.Marshal(req); err != nil {
			t.Fatalf("unified request does not marshal: %v", err)
		}
	})
}

// FuzzStreamEncode: whatever the provider's translator makes of an
// upstream event stream, the inbound encoder writes without failing, and
// with thinking shown each thinking block streams in Anthropic's order.
func FuzzStreamEncode(f *testing.F) {
	fuzzcorpus.Files(f, "../../../providers/anthropic/testdata/stream/*.sse")
	f.Fuzz(func(t *testing.T, stream []byte) {
		enc := NewStreamEncoder("m")
		enc.view = reasoningView{show: true}
		var out bytes.Buffer
		defer func() { checkThinkingOrder(t, out.Bytes()) }()
		encode := func(chunks []*providers.ChatChunk, err error) {
			if err != nil {
				return
			}
			for _, c := range chunks {
				if err := enc.Encode(c, &out); err != nil {
					t.Fatal(err)
				}
			}
		}
		// A stream that ends early or fails is not finished.
		if _, err := providertest.TranslateEvents(stream, providertest.Watch(wire.NewStreamTranslator(42), encode)); err != nil {
			return
		}
		if err := enc.Finish(&out, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// checkThinkingOrder fails unless every thinking block of an encoded
// stream has its thinking_delta events while it is the open block and one
// signature_delta right before its content_block_stop.
func checkThinkingOrder(t *testing.T, stream []byte) {
	t.Helper()
	open, kind, last := -1, "", ""
	for _, ev := range bytes.Split(stream, []byte("\n\n")) {
		_, data, ok := bytes.Cut(ev, []byte("data: "))
		if !ok {
			continue
		}
		var e eventHead
		if err := json.Unmarshal(data, &e); err != nil {
			t.Fatalf("event %q: %v", ev, err)
		}
		switch e.Type {
		case "content_block_start":
			open, kind = e.Index, e.ContentBlock.Type
		case "content_block_delta":
			if (e.Delta.Type == "thinking_delta" || e.Delta.Type == "signature_delta") && (e.Index != open || kind != "thinking" || last == "signature_delta") {
				t.Fatalf("%s for block %d (open: %d %s, after %s)\n%s", e.Delta.Type, e.Index, open, kind, last, stream)
			}
		case "content_block_stop":
			if kind == "thinking" && last != "signature_delta" {
				t.Fatalf("thinking block %d ends without its signature\n%s", e.Index, stream)
			}
			open, kind = -1, ""
		}
		last = e.Delta.Type
	}
}

// FuzzParseCountTokensRequest: a count_tokens body is parsed or rejected
// with a classified error, never a panic (no max_tokens to lean on).
func FuzzParseCountTokensRequest(f *testing.F) {
	fuzzcorpus.Files(f, "request/*.json")
	f.Add([]byte(`{"model":"m","messages":[{"role":"user","content":"x"}]}`))
	f.Add([]byte(`{"model":"m"}`))
	f.Add([]byte(`{"model":"m","messages":[]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := ParseCountTokensRequest(body)
		if err != nil {
			var e *providers.Error
			if !errors.As(err, &e) || e.Kind != providers.KindInvalidRequest {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if req.Model == "" || len(req.Messages) == 0 {
			t.Fatalf("accepted a body without model or messages: %s", body)
		}
	})
}
