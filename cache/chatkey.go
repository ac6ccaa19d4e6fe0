package cache

import (
	"bytes"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// chatKeyVersion is hashed first; bump it whenever the encoding changes so
// entries written by an older encoding can never be mistaken for new ones.
const chatKeyVersion = "chat/v2"

// ChatKey returns the cache key of a chat request: "chat:" and the hex
// SHA-256 of a canonical encoding of everything that can change the answer.
//
// Encoded, in a fixed order: model, messages, max_tokens,
// max_completion_tokens, temperature, top_p, top_k, n, stop, tools,
// tool_choice, parallel_tool_calls, response_format, seed, presence_penalty,
// frequency_penalty, reasoning_effort, and every top-level member of Raw the
// typed request does not know (sorted by name). Left out: user, stream and
// stream_options, which change who asked or how the answer is delivered,
// not the answer.
//
// Scalars are encoded from the typed request, so 0, 0.0 and -0 match and an
// absent value differs from an explicit zero. Messages and tools are taken
// from Raw when the client sent OpenAI's format: the typed structs drop
// what they do not model (audio or file parts, custom tools, provider
// extensions), while a pass-through upstream receives all of it, so keying
// on the typed form could hand one client the answer to a different
// request. Raw values are canonicalised (see canonJSON): whitespace, string
// escapes and number spelling never matter; member order does not matter in
// messages and tools, except inside JSON Schemas (tool parameters,
// response_format's schema), where property order steers the output.
//
// ChatKey never fails: a Raw that is not valid JSON is hashed as it is.
func ChatKey(req *providers.ChatRequest) string {
	if req == nil {
		req = &providers.ChatRequest{}
	}
	w := getKeyWriter()
	defer putKeyWriter(w)

	w.str(chatKeyVersion)
	var openAIBody []byte // OpenAI's own body: canonical extras come from it
	if req.Original.Format == providers.FormatOpenAIChat {
		openAIBody = req.Original.Body
	}
	raw := w.splitRaw(openAIBody)

	w.str(req.Model)
	if raw.messages != nil {
		w.tag('M')
		w.canonOrBlob(raw.messages, sortKeys)
	} else {
		w.tag('m')
		w.messages(req.Messages)
	}
	w.optInt(req.MaxTokens)
	w.optInt(req.MaxCompletionTokens)
	w.optFloat(req.Temperature)
	w.optFloat(req.TopP)
	w.optInt(req.TopK)
	w.optInt(req.N)
	w.count(len(req.Stop)) // "stop": "x" and ["x"] decode alike and mean the same
	for _, s := range req.Stop {
		w.str(s)
	}
	if raw.tools != nil {
		w.tag('U')
		w.canonOrBlob(raw.tools, sortKeysExceptSchemas)
	} else {
		w.tag('u')
		w.tools(req.Tools)
	}
	w.toolChoice(req.ToolChoice)
	w.optBool(req.ParallelToolCalls)
	w.responseFormat(req.ResponseFormat)
	w.optInt64(req.Seed)
	w.optFloat(req.PresencePenalty)
	w.optFloat(req.FrequencyPenalty)
	w.str(req.ReasoningEffort)
	w.bool(req.IncludeReasoning) // Gemini then sends its thoughts: another answer

	w.tag('X')
	if raw.invalid {
		w.blob(openAIBody)
	}
	w.count(len(w.members)) // the extras splitRaw left on the stack
	for k := range len(w.members) {
		m := w.members[k]
		w.bytesStr(m.key)
		w.canonOrBlob(m.val, keepOrder)
	}
	// A body in another format reaches a same-format upstream with fields
	// the unified request does not carry (thinking, cache_control, ...):
	// all of it is part of the key.
	if o := req.Original; o.Format != providers.FormatOpenAIChat && o.Body != nil {
		w.tag('O')
		w.count(int(o.Format))
		w.canonOrBlob(o.Body, sortKeys)
	}
	return w.sum("chat:")
}

// Deterministic reports whether a chat request asks for one answer chosen
// without sampling, so a stored answer is as good as a new one: n is at
// most 1 and greedy decoding was asked for explicitly, by temperature 0,
// top_p 0 or top_k 1. An unset temperature means the provider's default
// (usually 1), which is sampling. A seed alone does not qualify: providers
// promise reproducibility only on a best-effort basis, and a client that
// sets a seed with a high temperature still expects variety across seeds,
// which the key already separates.
func Deterministic(req *providers.ChatRequest) bool {
	if req == nil || (req.N != nil && *req.N > 1) {
		return false
	}
	return (req.Temperature != nil && *req.Temperature == 0) ||
		(req.TopP != nil && *req.TopP == 0) ||
		(req.TopK != nil && *req.TopK == 1)
}

// knownChatFields are the top-level members ChatRequest decodes. Other
// members of Raw reach pass-through upstreams untouched, so they are keyed.
var knownChatFields = map[string]bool{
	"model": true, "messages": true, "max_tokens": true, "max_completion_tokens": true,
	"temperature": true, "top_p": true, "top_k": true, "n": true, "stop": true,
	"stream": true, "stream_options": true, "tools": true, "tool_choice": true,
	"parallel_tool_calls": true, "response_format": true, "seed": true,
	"presence_penalty": true, "frequency_penalty": true, "reasoning_effort": true, "user": true,
}

// ignoredChatFields never change the answer.
var ignoredChatFields = map[string]bool{"user": true, "stream": true, "stream_options": true}

// rawParts are the pieces of Raw that ChatKey encodes from Raw rather than
// from the typed request.
type rawParts struct {
	messages, tools []byte // values of the last such member, nil when absent
	invalid         bool   // Raw is not a JSON object: it is hashed whole
}

// splitRaw finds messages and tools in Raw and leaves the unknown members
// on w.members, sorted by key. When a member's name is a case variant of a
// known one (Go's decoder matches names case-insensitively, an upstream
// does not), the typed value may not be what the upstream sees, so every
// member but the ignored ones is kept to be safe.
func (w *keyWriter) splitRaw(raw []byte) rawParts {
	var parts rawParts
	if len(raw) == 0 {
		return parts
	}
	if err := w.collectMembers(raw); err != nil {
		w.members = w.members[:0]
		parts.invalid = true
		return parts
	}
	shadowed := false
	for _, m := range w.members {
		switch string(m.key) {
		case "messages":
			parts.messages = m.val
		case "tools":
			parts.tools = m.val
		}
		if !knownChatFields[string(m.key)] && foldsToKnownField(m.key) {
			shadowed = true
		}
	}
	kept := w.members[:0]
	for _, m := range w.members {
		name := string(m.key)
		if ignoredChatFields[name] || (knownChatFields[name] && !shadowed) {
			continue
		}
		kept = append(kept, m)
	}
	w.members = kept
	sortMembers(w.members)
	return parts
}

func foldsToKnownField(key []byte) bool {
	for name := range knownChatFields {
		if bytes.EqualFold(key, []byte(name)) {
			return true
		}
	}
	return false
}

// canonOrBlob writes the canonical form of a JSON value, or the bytes as
// they are when they are not valid JSON (possible only for a Raw the
// handler did not decode). The writer's output stays deterministic either
// way, and the blob tag cannot occur in canonical output.
func (w *keyWriter) canonOrBlob(b []byte, rule orderRule) {
	depth := len(w.members)
	if err := w.canonJSON(b, rule); err != nil {
		w.members = w.members[:depth]
		w.blob(b)
	}
}

func (w *keyWriter) blob(b []byte) {
	w.tag(tagRawBlob)
	w.uvarint(uint64(len(b)))
	w.buf = append(w.buf, b...)
}
