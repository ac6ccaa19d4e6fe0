package providers

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func ptr[T any](v T) *T { return &v }

// checkResponse asserts MarshalChatResponse(r) matches json.Marshal(r) in
// bytes and in whether (and, here, how) it fails.
func checkResponse(t *testing.T, r *ChatResponse) {
	t.Helper()
	want, wantErr := json.Marshal(r)
	got, gotErr := MarshalChatResponse(r)
	if !sameErr(gotErr, wantErr) || !bytes.Equal(got, want) {
		t.Fatalf("MarshalChatResponse:\n got %s, %v\nwant %s, %v", got, gotErr, want, wantErr)
	}
}

// checkChunk asserts AppendChatChunk matches json.Marshal(c), appending
// after a prefix it must keep (and keep alone on error).
func checkChunk(t *testing.T, c *ChatChunk) {
	t.Helper()
	want, wantErr := json.Marshal(c)
	const prefix = "data: "
	got, gotErr := AppendChatChunk([]byte(prefix), c)
	if wantErr == nil {
		want = append([]byte(prefix), want...)
	} else {
		want = []byte(prefix)
	}
	if !sameErr(gotErr, wantErr) || !bytes.Equal(got, want) {
		t.Fatalf("AppendChatChunk:\n got %s, %v\nwant %s, %v", got, gotErr, want, wantErr)
	}
}

func sameErr(a, b error) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Error() == b.Error()
}

// tricky holds strings that exercise every escaping rule of json.Marshal.
var tricky = []string{
	"",
	"plain text",
	`<script>alert("x & y")</script>`,
	"line one\nline two\r\n\ttabbed",
	"\b\f\x00\x01\x1f\x7f",
	`back\slash "quoted"`,
	"héllo wörld — 日本語 🙂",
	"sep\u2028para\u2029end",
	"bad \xff utf8 \xe2\x80 trunc \xed\xa0\x80 surrogate",
	"\xe2\x80\xa8\xe2\x80\xa9\xe2\x80\xaa",
}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	var all strings.Builder
	for r := rune(0); r <= utf8.MaxRune; r++ {
		all.WriteRune(r)
	}
	var bytesOnly []byte
	for b := 0; b < 256; b++ {
		bytesOnly = append(bytesOnly, byte(b), 'a')
	}
	for _, s := range append(tricky, all.String(), string(bytesOnly)) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	}
}

func TestMarshalChatResponseMatchesEncodingJSON(t *testing.T) {
	usage := &Usage{PromptTokens: 120, CompletionTokens: 40, TotalTokens: 160, CacheWriteTokens: 7}
	details := &Usage{
		PromptTokens: 1200, CompletionTokens: 300, TotalTokens: 1500,
		PromptTokensDetails:     &PromptTokensDetails{CachedTokens: 1024, AudioTokens: 3},
		CompletionTokensDetails: &CompletionTokensDetails{ReasoningTokens: 128},
	}
	head := func(choices []Choice, u *Usage) *ChatResponse {
		return &ChatResponse{ID: "msg_01XFDUDYJgAACzvnptvVoYEL", Object: "chat.completion",
			Created: 1735689600, Model: "claude-sonnet-4-5", Choices: choices, Usage: u}
	}
	text := func(s string) []Choice {
		return []Choice{{Message: Message{Role: "assistant", Content: TextContent(s)}, FinishReason: FinishStop}}
	}
	cases := map[string]*ChatResponse{
		"nil":           nil,
		"zero":          {},
		"text":          head(text("Hello! How can I help you today?"), usage),
		"no usage":      head(text("hi"), nil),
		"usage details": head(text("hi"), details),
		"zero details": head(text("hi"), &Usage{PromptTokensDetails: &PromptTokensDetails{},
			CompletionTokensDetails: &CompletionTokensDetails{AudioTokens: -2}}),
		"empty choices": head([]Choice{}, usage),
		"empty content": head(text(""), usage),
		"fingerprint": {ID: "chatcmpl-1", Object: "chat.completion", Created: -1, Model: "gpt",
			SystemFingerprint: "fp_abc", Choices: text("x")},
		"tool calls": head([]Choice{{
			Message: Message{Role: "assistant", ToolCalls: []ToolCall{
				{ID: "toolu_01", Type: "function", Function: FunctionCall{Name: "get_weather", Arguments: `{"city":"Paris","unit":"c"}`}},
				{ID: "toolu_02", Type: "function", Function: FunctionCall{Name: "lookup", Arguments: `{"q":"<a&b>"}`}},
				{Function: FunctionCall{}},
			}},
			FinishReason: FinishToolCalls,
		}}, usage),
		"text and tool call": head([]Choice{{
			Message: Message{Role: "assistant", Content: TextContent("Let me check."), ToolCalls: []ToolCall{
				{Index: ptr(0), ID: "call_1", Type: "function", Function: FunctionCall{Name: "f", Arguments: "{}"}},
			}},
			FinishReason: FinishToolCalls,
		}}, usage),
		"multiple choices": head([]Choice{
			{Index: 0, Message: Message{Role: "assistant", Content: TextContent("one")}, FinishReason: FinishStop},
			{Index: 1, Message: Message{Role: "assistant", Content: TextContent("two")}, FinishReason: FinishLength},
			{Index: 2, Message: Message{Role: "assistant"}, FinishReason: FinishContentFilter},
		}, usage),
		"refusal": head([]Choice{{
			Message:      Message{Role: "assistant", Refusal: "I can't help with that."},
			FinishReason: FinishStop,
		}}, usage),
		"all message fields": head([]Choice{{
			Message: Message{Role: "tool", Content: TextContent("42"), Name: "calc", ToolCallID: "call_9", Refusal: "no"},
		}}, nil),
		"parts": head([]Choice{{Message: Message{Role: "assistant", Content: Content{Parts: []ContentPart{
			{Type: "text", Text: "a <b>"},
			{Type: "image_url", ImageURL: &ImageURL{URL: "https://x/y.png?a=1&b=2", Detail: "low"}},
		}}}}}, nil),
		"empty parts":     head([]Choice{{Message: Message{Content: Content{Parts: []ContentPart{}}}}}, nil),
		"logprobs null":   head([]Choice{{Logprobs: json.RawMessage("null")}}, nil),
		"logprobs object": head([]Choice{{Logprobs: json.RawMessage(" {\"content\": [ {\"token\":\"<\u2028\"} ] } ")}}, nil),
		"logprobs empty":  head([]Choice{{Logprobs: json.RawMessage{}}}, nil),
		"logprobs bad":    head([]Choice{{Logprobs: json.RawMessage("{nope")}}, nil),
		"logprobs two":    head([]Choice{{Logprobs: json.RawMessage("1 2")}}, nil),
		"raw ignored":     {ID: "x", Raw: []byte(`{"id":"other"}`), Choices: text("y")},
		"reasoning": head([]Choice{{Message: Message{Role: "assistant", ReasoningContent: "Hm <b>", ThinkingBlocks: []ThinkingBlock{
			{Type: "thinking", Thinking: "Hm <b>", Signature: "c2ln+/="}, {Type: "redacted_thinking", Data: "ZW5j"}, {Type: "thinking"}}}}}, nil),
	}
	for i, s := range tricky {
		r := head(text(s), usage)
		r.ID, r.Model, r.Choices[0].FinishReason = s, s, s
		r.Choices[0].Message.ToolCalls = []ToolCall{{ID: s, Type: s, Function: FunctionCall{Name: s, Arguments: s}}}
		cases["tricky "+string(rune('a'+i))] = r
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) { checkResponse(t, r) })
	}
}

func TestAppendChatChunkMatchesEncodingJSON(t *testing.T) {
	chunk := func(choices ...ChunkChoice) *ChatChunk {
		return &ChatChunk{ID: "chatcmpl-msg_01", Object: "chat.completion.chunk", Created: 1735689600,
			Model: "gemini-2.5-flash", Choices: choices}
	}
	cases := map[string]*ChatChunk{
		"nil":         nil,
		"zero":        {},
		"role only":   chunk(ChunkChoice{Delta: Delta{Role: "assistant", Content: ptr("")}}),
		"content":     chunk(ChunkChoice{Delta: Delta{Content: ptr(" world")}}),
		"empty delta": chunk(ChunkChoice{}),
		"tool call start": chunk(ChunkChoice{Delta: Delta{ToolCalls: []ToolCall{{
			Index: ptr(0), ID: "call_abc", Type: "function", Function: FunctionCall{Name: "get_weather"}}}}}),
		"tool call args": chunk(ChunkChoice{Delta: Delta{ToolCalls: []ToolCall{{
			Index: ptr(1), Function: FunctionCall{Arguments: `{"city":`}}}}}),
		"negative index": chunk(ChunkChoice{Index: -3, Delta: Delta{ToolCalls: []ToolCall{{Index: ptr(-1)}}}}),
		"refusal":        chunk(ChunkChoice{Delta: Delta{Refusal: ptr("no")}}),
		"reasoning":      chunk(ChunkChoice{Delta: Delta{ReasoningContent: ptr("Let me\n")}}),
		"thinking blocks": chunk(ChunkChoice{Delta: Delta{ThinkingBlocks: []ThinkingBlock{
			{Type: "thinking", Thinking: "a", Signature: "s"}, {Type: "redacted_thinking", Data: "d"},
			{Type: "thinking", Signature: "s"}, {Type: "thinking", Data: "d"}, {Type: "other", Thinking: "t"}}}}),
		"finish":       chunk(ChunkChoice{FinishReason: ptr(FinishStop)}),
		"finish empty": chunk(ChunkChoice{FinishReason: ptr("")}),
		"two choices": chunk(
			ChunkChoice{Index: 0, Delta: Delta{Content: ptr("a")}},
			ChunkChoice{Index: 1, Delta: Delta{Content: ptr("b")}, FinishReason: ptr(FinishLength)}),
		"usage only": {ID: "c", Object: "chat.completion.chunk", Created: 1, Model: "m", Choices: []ChunkChoice{},
			Usage: &Usage{PromptTokens: 9, CompletionTokens: 12, TotalTokens: 21,
				PromptTokensDetails:     &PromptTokensDetails{CachedTokens: 0},
				CompletionTokensDetails: &CompletionTokensDetails{ReasoningTokens: 4, AudioTokens: 1}}},
		"nil choices":     {ID: "c", SystemFingerprint: "fp"},
		"logprobs empty":  chunk(ChunkChoice{Logprobs: json.RawMessage{}}),
		"logprobs null":   chunk(ChunkChoice{Logprobs: json.RawMessage("null")}),
		"logprobs object": chunk(ChunkChoice{Logprobs: json.RawMessage(`{"content":[{"token":"&"}]}`)}),
		"logprobs bad":    chunk(ChunkChoice{Delta: Delta{Content: ptr("x")}}, ChunkChoice{Logprobs: json.RawMessage(`[`)}),
	}
	for i, s := range tricky {
		c := chunk(ChunkChoice{Delta: Delta{Role: s, Content: ptr(s), Refusal: ptr(s),
			ToolCalls: []ToolCall{{ID: s, Function: FunctionCall{Name: s, Arguments: s}}}}, FinishReason: ptr(s)})
		c.Model, c.SystemFingerprint = s, s
		cases["tricky "+string(rune('a'+i))] = c
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) { checkChunk(t, c) })
	}
}

// fuzzPick hands out choices from the fuzzer's bits, cycling through them so
// every draw depends on the input.
type fuzzPick struct {
	bits uint64
	strs []string
	n    int
}

func (p *fuzzPick) bit() bool {
	b := p.bits&1 == 1
	p.bits = p.bits>>1 | p.bits<<63
	return b
}

func (p *fuzzPick) upTo(max int) int {
	n := 0
	for n < max && p.bit() {
		n++
	}
	return n
}

func (p *fuzzPick) str() string {
	p.n++
	return p.strs[p.n%len(p.strs)]
}

func (p *fuzzPick) strPtr() *string {
	if p.bit() {
		return nil
	}
	return ptr(p.str())
}

func (p *fuzzPick) num(base int64) int {
	p.n++
	return int(base) * (p.n%5 - 2)
}

func (p *fuzzPick) raw(raw []byte) json.RawMessage {
	switch p.upTo(3) {
	case 0:
		return nil
	case 1:
		return json.RawMessage{}
	case 2:
		return json.RawMessage("null")
	}
	return json.RawMessage(raw)
}

func (p *fuzzPick) usage(n int64) *Usage {
	if p.bit() {
		return nil
	}
	u := &Usage{PromptTokens: p.num(n), CompletionTokens: p.num(n), TotalTokens: p.num(n), CacheWriteTokens: p.num(n)}
	if p.bit() {
		u.PromptTokensDetails = &PromptTokensDetails{CachedTokens: p.num(n), AudioTokens: p.num(n)}
	}
	if p.bit() {
		u.CompletionTokensDetails = &CompletionTokensDetails{ReasoningTokens: p.num(n), AudioTokens: p.num(n)}
	}
	return u
}

// head picks the strings a response and a chunk share: id, object, model
// and, or not, a system fingerprint.
func (p *fuzzPick) head() (id, object, model, fingerprint string) {
	id, object, model = p.str(), p.str(), p.str()
	if p.bit() {
		fingerprint = p.str()
	}
	return id, object, model, fingerprint
}

// pickList is a list absent, empty or of up to three elements that pick
// makes.
func pickList[T any](p *fuzzPick, pick func() T) []T {
	var list []T
	if p.bit() {
		list = []T{}
	}
	for range p.upTo(3) {
		list = append(list, pick())
	}
	return list
}

func (p *fuzzPick) toolCalls(n int64) []ToolCall {
	return pickList(p, func() ToolCall {
		tc := ToolCall{ID: p.str(), Type: p.str(), Function: FunctionCall{Name: p.str(), Arguments: p.str()}}
		if p.bit() {
			tc.Index = ptr(p.num(n))
		}
		return tc
	})
}

func (p *fuzzPick) content() Content {
	c := Content{Text: p.str()}
	if p.bit() {
		return c
	}
	c.Parts = []ContentPart{}
	for range p.upTo(2) {
		part := ContentPart{Type: p.str(), Text: p.str()}
		if p.bit() {
			part.ImageURL = &ImageURL{URL: p.str(), Detail: p.str()}
		}
		c.Parts = append(c.Parts, part)
	}
	return c
}

// fuzzPicks fuzzes check with a fuzzPick over each input's strings and
// bits, and the input's numbers and raw bytes as they came.
func fuzzPicks(f *testing.F, check func(t *testing.T, p *fuzzPick, created, n int64, raw []byte)) {
	f.Add("chatcmpl-1", "assistant", "Hello <world> & \u2028", "get_weather", `{"a":1}`, int64(1735689600), int64(42), uint64(0), []byte(`{"content":[]}`))
	f.Add("", "", "", "", "", int64(0), int64(0), ^uint64(0), []byte(`{`))
	f.Add("\xff\xfe", "\n\t\"\\", "日本語🙂", "\x00\x1f\x7f", "\xe2\x80\xa9", int64(-1), int64(-9), uint64(0x5555555555555555), []byte(" [1, \"<\u2028>\"] "))
	f.Add("id", "tool", "x", "y", "z", int64(1<<62), int64(7), uint64(0x0123456789abcdef), []byte("null"))
	f.Fuzz(func(t *testing.T, s1, s2, s3, s4, s5 string, created, n int64, bits uint64, raw []byte) {
		check(t, &fuzzPick{bits: bits, strs: []string{s1, s2, s3, s4, s5}}, created, n, raw)
	})
}

func FuzzMarshalChatResponse(f *testing.F) {
	fuzzPicks(f, func(t *testing.T, p *fuzzPick, created, n int64, raw []byte) {
		r := &ChatResponse{Created: created, Raw: raw}
		r.ID, r.Object, r.Model, r.SystemFingerprint = p.head()
		r.Choices = pickList(p, func() Choice {
			return Choice{
				Index: p.num(n),
				Message: Message{Role: p.str(), Content: p.content(), Name: p.str(), ToolCalls: p.toolCalls(n),
					ToolCallID: p.str(), Refusal: p.str()},
				FinishReason: p.str(),
				Logprobs:     p.raw(raw),
			}
		})
		r.Usage = p.usage(n)
		checkResponse(t, r)
	})
}

func FuzzAppendChatChunk(f *testing.F) {
	fuzzPicks(f, func(t *testing.T, p *fuzzPick, created, n int64, raw []byte) {
		c := &ChatChunk{Created: created, Raw: raw}
		c.ID, c.Object, c.Model, c.SystemFingerprint = p.head()
		c.Choices = pickList(p, func() ChunkChoice {
			role := ""
			if p.bit() {
				role = p.str()
			}
			return ChunkChoice{
				Index:        p.num(n),
				Delta:        Delta{Role: role, Content: p.strPtr(), ToolCalls: p.toolCalls(n), Refusal: p.strPtr()},
				FinishReason: p.strPtr(),
				Logprobs:     p.raw(raw),
			}
		})
		c.Usage = p.usage(n)
		checkChunk(t, c)
	})
}
