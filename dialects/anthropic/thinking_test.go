package anthropic

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/dialecttest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// thinkingCase is a testdata/thinking input: a unified answer, the same
// answer as stream chunks, and the family it came from.
type thinkingCase struct {
	Source   string                 `json:"source"`
	Response providers.ChatResponse `json:"response"`
	Chunks   []*providers.ChatChunk `json:"chunks"`
}

// family is the reasoning family a case names.
func (c *thinkingCase) family() providers.ReasoningFamily {
	switch c.Source {
	case "openai":
		return providers.ReasoningFromOpenAI
	case "google":
		return providers.ReasoningFromGoogle
	}
	return providers.ReasoningFromOther
}

// sseAsJSONLines renders an event stream as JSON lines {"event","data"},
// for a golden file.
func sseAsJSONLines(t *testing.T, stream []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	for _, ev := range strings.Split(strings.TrimSpace(string(stream)), "\n\n") {
		name, data, _ := strings.Cut(ev, "\n")
		line, err := json.Marshal(struct {
			Event string          `json:"event"`
			Data  json.RawMessage `json:"data"`
		}{strings.TrimPrefix(name, "event: "), json.RawMessage(strings.TrimPrefix(data, "data: "))})
		if err != nil {
			t.Fatalf("event %q: %v", ev, err)
		}
		out.Write(line)
		out.WriteByte('\n')
	}
	return out.Bytes()
}

func encodeStream(t *testing.T, chunks []*providers.ChatChunk, view reasoningView) []byte {
	t.Helper()
	enc := NewStreamEncoder("public-model")
	enc.view = view
	return dialecttest.Encode(t, enc, chunks, nil)
}

// TestThinkingGolden: reasoning from each provider family, answered and
// streamed to a client that enabled thinking: thinking blocks first, with
// the provider's signatures or the gateway's mark; a client that did not
// enable thinking gets none.
func TestThinkingGolden(t *testing.T) {
	for _, name := range casesIn(t, "thinking") {
		t.Run(name, func(t *testing.T) {
			var c thinkingCase
			if err := json.Unmarshal(readTestdata(t, "thinking/"+name+".json"), &c); err != nil {
				t.Fatal(err)
			}
			view := reasoningView{show: true, source: c.family()}
			golden(t, "thinking/"+name+".golden.json", encodeMessage(&c.Response, "public-model", view))
			golden(t, "thinking/"+name+".stream.golden.json", sseAsJSONLines(t, encodeStream(t, c.Chunks, view)))
			for _, out := range [][]byte{encodeMessage(&c.Response, "public-model", reasoningView{source: c.family()}),
				encodeStream(t, c.Chunks, reasoningView{source: c.family()})} {
				if bytes.Contains(out, []byte("thinking")) {
					t.Errorf("a client without thinking got it:\n%s", out)
				}
			}
		})
	}
}

// TestStreamThinkingEventOrder: Anthropic's order for a thinking block
// (https://docs.claude.com/en/docs/build-with-claude/extended-thinking#streaming-thinking):
// content_block_start with empty thinking and signature, thinking_delta…,
// one signature_delta, content_block_stop, then the other blocks.
func TestStreamThinkingEventOrder(t *testing.T) {
	var c thinkingCase
	if err := json.Unmarshal(readTestdata(t, "thinking/gemini_thought_tool.json"), &c); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range bytes.Split(bytes.TrimSpace(sseAsJSONLines(t, encodeStream(t, c.Chunks, reasoningView{show: true, source: providers.ReasoningFromGoogle}))), []byte("\n")) {
		var ev struct {
			Event string    `json:"event"`
			Data  eventHead `json:"data"`
		}
		if err := json.Unmarshal(line, &ev); err != nil {
			t.Fatal(err)
		}
		s := ev.Event
		switch ev.Event {
		case "content_block_start":
			s += "/" + ev.Data.ContentBlock.Type
		case "content_block_delta":
			s += "/" + ev.Data.Delta.Type
		}
		if strings.HasPrefix(ev.Event, "content_block") {
			s += "@" + string(rune('0'+ev.Data.Index))
		}
		got = append(got, s)
	}
	want := []string{"message_start", "ping",
		"content_block_start/thinking@0", "content_block_delta/thinking_delta@0", "content_block_delta/thinking_delta@0",
		"content_block_delta/signature_delta@0", "content_block_stop@0",
		"content_block_start/tool_use@1", "content_block_delta/input_json_delta@1", "content_block_stop@1",
		"message_delta", "message_stop"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("events\n got %v\nwant %v", got, want)
	}
}

// TestGatewaySignature: the mark names the family; anything else is "none";
// Anthropic's base64 signatures are never taken for it.
func TestGatewaySignature(t *testing.T) {
	for source, want := range map[providers.ReasoningFamily]string{providers.ReasoningFromOpenAI: "openai",
		providers.ReasoningFromGoogle: "google", providers.ReasoningFromOther: "none", 200: "none"} {
		family, ok := gatewaySigned(gatewaySignature(source))
		if !ok || family != want {
			t.Errorf("source %q: family %q %v, want %q", source, family, ok, want)
		}
	}
	for _, sig := range []string{"", "sig_fake", "EqQBCkYIBxgCIkB+/=", "sira-thinking-v1.e30="} {
		if _, ok := gatewaySigned(sig); ok {
			t.Errorf("%q taken for the gateway's mark", sig)
		}
	}
}
