package anthropic

import (
	"bytes"
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Redacted thinking on a relayed stream.
//
// The security filter redacts secrets in thinking text as in any text, but
// a thinking block's signature covers its original text: a client giving
// back the redacted block with Anthropic's signature would be refused on
// its next turn. So the signature_delta of a block whose thinking was
// changed carries the gateway's "none" mark instead (thinking_signature.go):
// the SDKs accept it, and on the next turn the gateway removes the block
// before the request reaches Anthropic, with thinking disabled for a tool
// turn that then has none (request_thinking_blocks.go). Anthropic's
// signature never reaches the client for text it did not sign.

// signatureDeltaTag is in the data of every signature_delta event (and in
// no text: quotes inside JSON strings are escaped).
var signatureDeltaTag = []byte(`"signature_delta"`)

// alter records that the thinking of the block at index was changed.
func (s *chunkSink) alter(index int) {
	if s.altered == nil {
		s.altered = map[int]bool{}
	}
	s.altered[index] = true
}

// withheldSignature is the data of a content_block_delta event to write:
// for the signature_delta of an altered block, the gateway's mark instead
// of Anthropic's signature; otherwise data as it came.
func (s *chunkSink) withheldSignature(data []byte) []byte {
	if !bytes.Contains(data, signatureDeltaTag) {
		return data
	}
	var head struct {
		Index int `json:"index"`
		Delta struct {
			Type string `json:"type"`
		} `json:"delta"`
	}
	if json.Unmarshal(data, &head) != nil || head.Delta.Type != "signature_delta" || !s.altered[head.Index] {
		return data
	}
	mark := gatewaySignature(providers.ReasoningFromOther)
	out, err := json.Marshal(thinkingDelta{Type: "content_block_delta", Index: head.Index,
		Delta: thinkingDeltaBody{Type: "signature_delta", Signature: &mark}})
	if err != nil {
		return data
	}
	return out
}
