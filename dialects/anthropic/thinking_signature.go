package anthropic

import (
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Thinking blocks the gateway makes.
//
// A /v1/messages client that enabled thinking gets the reasoning of any
// provider as thinking blocks. Anthropic's own blocks keep Anthropic's
// signature. Reasoning from another provider (Gemini thought summaries,
// reasoning_content of an OpenAI-compatible server) has none, and the
// official SDKs require the field, so the gateway signs such a block with
// its own mark, naming where the reasoning came from:
//
//	signature = "sira-thought-v1." family
//	family    = "openai" | "google" | "none"
//
// It is a label, not a proof: nothing is secret in it. On the next turn the
// gateway recognises the mark (request_thinking_blocks.go): an "openai"
// block's text goes back as the assistant message's reasoning_content,
// which OpenAI-compatible servers (DeepSeek) read, and OpenAI itself never
// gets; a "google" block is dropped, since Gemini's thought signatures ride
// in the tool_use ids and Gemini takes no thought text back; "none" (a
// block whose Anthropic signature the gateway withheld, see relay.go, or
// reasoning served from the cache) means nothing anywhere. A marked block
// never reaches Anthropic, which would refuse its signature. Anthropic
// signatures are standard base64, which has no '-', so the mark cannot be
// mistaken for one.
const gatewaySignaturePrefix = "sira-thought-v1."

// The families a mark names.
const (
	markOpenAI = "openai"
	markGoogle = "google"
	markNone   = "none"
)

// gatewaySignature is the mark for reasoning from source.
func gatewaySignature(source providers.ReasoningFamily) string {
	switch source {
	case providers.ReasoningFromOpenAI:
		return gatewaySignaturePrefix + markOpenAI
	case providers.ReasoningFromGoogle:
		return gatewaySignaturePrefix + markGoogle
	}
	return gatewaySignaturePrefix + markNone
}

// gatewaySigned reports whether a thinking block's signature is the
// gateway's mark, and the family it names.
func gatewaySigned(signature string) (family string, ok bool) {
	return strings.CutPrefix(signature, gatewaySignaturePrefix)
}

// appendThinking appends a message's reasoning as thinking blocks: its
// provider-signed blocks exactly, or else its reasoning text in one block
// with the gateway's mark for source.
func appendThinking(dst []outBlock, m *providers.Message, source providers.ReasoningFamily) []outBlock {
	for i := range m.ThinkingBlocks {
		tb := &m.ThinkingBlocks[i]
		switch tb.Type {
		case "thinking":
			dst = append(dst, outBlock{Type: "thinking", thinkingFields: &thinkingFields{Thinking: &tb.Thinking, Signature: &tb.Signature}})
		case "redacted_thinking":
			dst = append(dst, outBlock{Type: "redacted_thinking", thinkingFields: &thinkingFields{Data: tb.Data}})
		}
	}
	if len(m.ThinkingBlocks) > 0 || m.ReasoningContent == "" {
		return dst
	}
	sig := gatewaySignature(source)
	return append(dst, outBlock{Type: "thinking", thinkingFields: &thinkingFields{Thinking: &m.ReasoningContent, Signature: &sig}})
}
