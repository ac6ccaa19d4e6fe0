package bedrock

import (
	"bytes"
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// cacheMarks finds the messages after which the client asked for prompt
// caching: an OpenAI chat body whose message, or one of its content parts,
// carries "cache_control" (as LiteLLM-style clients send it). Converse gets
// a cachePoint after each such message. The unified request has no such
// field, so the client's own body is read; without the word in it (the
// usual case) nothing is decoded.
func cacheMarks(req *providers.ChatRequest) map[int]bool {
	o := req.Original
	if !o.Is(providers.FormatOpenAIChat) || !bytes.Contains(o.Body, []byte(`"cache_control"`)) {
		return nil
	}
	var body struct {
		Messages []struct {
			CacheControl json.RawMessage `json:"cache_control"`
			Content      json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	if json.Unmarshal(o.Body, &body) != nil || len(body.Messages) != len(req.Messages) {
		return nil // the security filter changed the messages: no marks to trust
	}
	var marks map[int]bool
	for i, m := range body.Messages {
		asked := len(m.CacheControl) > 0 && string(m.CacheControl) != "null"
		if !asked && len(m.Content) > 0 && m.Content[0] == '[' {
			var parts []struct {
				CacheControl json.RawMessage `json:"cache_control"`
			}
			if json.Unmarshal(m.Content, &parts) == nil {
				for _, p := range parts {
					if len(p.CacheControl) > 0 && string(p.CacheControl) != "null" {
						asked = true
					}
				}
			}
		}
		if asked {
			if marks == nil {
				marks = map[int]bool{}
			}
			marks[i] = true
		}
	}
	return marks
}
