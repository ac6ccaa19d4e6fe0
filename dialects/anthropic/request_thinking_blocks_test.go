package anthropic

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// markedHistory is a /v1/messages body whose history holds a turn answered
// by an OpenAI-compatible server (reasoning marked "openai"), one answered
// by Gemini (marked "google"), and, when last is "anthropic", one answered
// by Anthropic with its signed block.
func markedHistory(last string) string {
	turns := `{"role":"user","content":"Weather in Paris, Rome and Oslo?"},` +
		`{"role":"assistant","content":[{"type":"thinking","thinking":"Paris first.","signature":"sira-thought-v1.openai"},{"type":"text","text":"Checking."},{"type":"tool_use","id":"call_1","name":"w","input":{"city":"Paris"}}]},` +
		`{"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"18C"}]},` +
		`{"role":"assistant","content":[{"type":"thinking","thinking":"Now Rome.","signature":"sira-thought-v1.google"},{"type":"tool_use","id":"call_2__ts__c2ln","name":"w","input":{"city":"Rome"}}]},` +
		`{"role":"user","content":[{"type":"tool_result","tool_use_id":"call_2__ts__c2ln","content":"25C"}]}`
	if last == "anthropic" {
		turns += `,{"role":"assistant","content":[{"type":"thinking","thinking":"Oslo.","signature":"EqQBCkYIBxgC"},{"type":"tool_use","id":"toolu_3","name":"w","input":{"city":"Oslo"}}]},` +
			`{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_3","content":"9C"}]}`
	}
	return `{"model":"m","max_tokens":4096,"thinking":{"type":"enabled","budget_tokens":2048},"messages":[` + turns + `],"tools":[{"name":"w","input_schema":{"type":"object"}}]}`
}

// TestMarkedThinkingReadBack: a block marked "openai" comes back as the
// turn's reasoning_content, one marked "google" is dropped (its signature
// rides in the tool_use id), neither is among the blocks kept for
// Anthropic, and an Anthropic block is kept as it came.
func TestMarkedThinkingReadBack(t *testing.T) {
	req, relay, err := parseRequest([]byte(markedHistory("anthropic")), true)
	if err != nil {
		t.Fatal(err)
	}
	var assistants []providers.Message
	for _, m := range req.Messages {
		if m.Role == "assistant" {
			assistants = append(assistants, m)
		}
	}
	if len(assistants) != 3 || assistants[0].ReasoningContent != "Paris first." || assistants[0].ThinkingBlocks != nil ||
		assistants[1].ReasoningContent != "" || assistants[1].ThinkingBlocks != nil ||
		len(assistants[2].ThinkingBlocks) != 1 || assistants[2].ThinkingBlocks[0].Signature != "EqQBCkYIBxgC" {
		t.Fatalf("assistant turns: %+v", assistants)
	}
	if !req.IncludeReasoning {
		t.Error("thinking enabled, but answers would not show it")
	}
	// Anthropic gets neither marked block and keeps thinking on: its own
	// block leads the last tool turn.
	if bytes.Contains(relay, []byte("sira-thought")) || !bytes.Contains(relay, []byte(`"thinking":{"type":"enabled","budget_tokens":2048}`)) ||
		!bytes.Contains(relay, []byte(`{"type":"thinking","thinking":"Oslo.","signature":"EqQBCkYIBxgC"}`)) {
		t.Fatalf("relayed body: %s", relay)
	}
}

// TestMarkedThinkingRelayDisablesThinking: when the last tool turn was
// answered by another provider, Anthropic gets it without the marked block
// and with thinking disabled (it would refuse the continuation otherwise);
// a body without marked blocks is relayed as it came.
func TestMarkedThinkingRelayDisablesThinking(t *testing.T) {
	body := markedHistory("")
	_, relay, err := parseRequest([]byte(body), true)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer(
		`{"type":"thinking","thinking":"Paris first.","signature":"sira-thought-v1.openai"},`, "",
		`{"type":"thinking","thinking":"Now Rome.","signature":"sira-thought-v1.google"},`, "",
		`"thinking":{"type":"enabled","budget_tokens":2048}`, `"thinking":{"type":"disabled"}`).Replace(body)
	var got, wanted any
	if json.Unmarshal(relay, &got) != nil || json.Unmarshal([]byte(want), &wanted) != nil || !reflect.DeepEqual(got, wanted) {
		t.Fatalf("relayed\n%s\nwant\n%s", relay, want)
	}
	if !bytes.HasSuffix(relay, []byte(`{"role":"user","content":[{"type":"tool_result","tool_use_id":"call_2__ts__c2ln","content":"25C"}]}],"tools":[{"name":"w","input_schema":{"type":"object"}}]}`)) {
		t.Errorf("untouched members were rewritten: %s", relay)
	}
	plain := []byte(`{"model":"m","max_tokens":9,"messages":[{"role":"user","content":"hi"}]}`)
	if _, relay, err := parseRequest(plain, true); err != nil || &relay[0] != &plain[0] {
		t.Errorf("a body without marked blocks was copied (%v)", err)
	}
	// A turn holding nothing but a marked block is left out.
	only := `{"model":"m","max_tokens":9,"messages":[{"role":"user","content":"a"},{"role":"assistant","content":[{"type":"thinking","thinking":"x","signature":"sira-thought-v1.none"}]},{"role":"user","content":"b"}]}`
	if got := string(withoutMarkedThinking([]byte(only))); got != `{"model":"m","max_tokens":9,"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]}` {
		t.Errorf("got %s", got)
	}
}

// FuzzWithoutMarkedThinking: differential against encoding/json. The
// rewritten messages are, value for value, the input's with the marked
// blocks (and turns left empty) removed; a valid body stays valid; thinking
// is only ever disabled, and only for a tool turn without thinking first.
func FuzzWithoutMarkedThinking(f *testing.F) {
	f.Add([]byte(markedHistory("")))
	f.Add([]byte(markedHistory("anthropic")))
	f.Add([]byte(`{"messages":[{"role":"assistant","content":[{"type":"thinking","signature":"sira-thought-v1.openai","thinking":"<&>"}]}]}`))
	f.Add([]byte(`{"messages":[{"role":"assistant","content":"x"},{"content":[{"type":"thinking","signature":"sira-thought-v1."}]}],"thinking":{"type":"adaptive"}}`))
	f.Add([]byte(`{"messages":[1,[],{"content":[null,{"type":1}]}]}`))
	f.Add([]byte(`{"messages":{}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		out := withoutMarkedThinking(body)
		if json.Valid(body) && !json.Valid(out) {
			t.Fatalf("invalid output %q from %q", out, body)
		}
		if bytes.Equal(out, body) {
			return
		}
		want, ok := referenceWithoutMarked(providers.GetTopLevel(body, "messages"))
		if !ok {
			t.Fatalf("rewrote %q into %q, though encoding/json reads no messages to rewrite", body, out)
		}
		var got any
		if err := json.Unmarshal(providers.GetTopLevel(out, "messages"), &got); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("messages\n got %v (%v)\nwant %v\nfrom %q", got, err, want, body)
		}
		before, after := providers.GetTopLevel(body, "thinking"), providers.GetTopLevel(out, "thinking")
		if !bytes.Equal(before, after) && (string(after) != `{"type":"disabled"}` || !thinkingOn(body)) {
			t.Fatalf("thinking %s became %s", before, after)
		}
	})
}

// referenceWithoutMarked is the messages without marked blocks, decoded by
// encoding/json; ok is false when they are not an array of turns.
func referenceWithoutMarked(raw []byte) (any, bool) {
	var msgs []json.RawMessage
	if json.Unmarshal(raw, &msgs) != nil {
		return nil, false
	}
	out := []any{}
	for _, m := range msgs {
		var turn map[string]any
		var members map[string]json.RawMessage
		var content []json.RawMessage
		if json.Unmarshal(m, &turn) != nil || json.Unmarshal(m, &members) != nil ||
			json.Unmarshal(members["content"], &content) != nil || content == nil {
			var v any
			_ = json.Unmarshal(m, &v)
			out = append(out, v)
			continue
		}
		kept := []any{}
		for _, b := range content {
			if _, marked := markedBlock(b); marked {
				continue
			}
			var v any
			_ = json.Unmarshal(b, &v)
			kept = append(kept, v)
		}
		switch {
		case len(kept) == len(content):
		case len(kept) == 0:
			continue
		default:
			turn["content"] = kept
		}
		out = append(out, turn)
	}
	return out, true
}

// TestDecodeRelaysWithoutMarkedThinking: the body an Anthropic upstream
// gets (req.Original) is the stripped one, for messages and count_tokens.
func TestDecodeRelaysWithoutMarkedThinking(t *testing.T) {
	body := markedHistory("")
	r := httptest.NewRequest("POST", "/v1/messages", strings.NewReader(body))
	req, _, err := DecodeChat([]byte(body), r)
	if err != nil || bytes.Contains(req.Original.Body, []byte("sira-thought")) || !req.Original.Is(providers.FormatAnthropicMessages) {
		t.Fatalf("messages: %v %s", err, req.Original.Body)
	}
	count, err := DecodeCountTokens([]byte(body), r)
	if err != nil || bytes.Contains(count.Original.Body, []byte("sira-thought")) {
		t.Fatalf("count_tokens: %v %s", err, count.Original.Body)
	}
}
