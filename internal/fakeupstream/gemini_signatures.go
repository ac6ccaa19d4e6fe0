package fakeupstream

import "fmt"

// checkSignatures applies GeminiOptions.RequireSignatures: each functionCall
// part in a model turn must carry a thoughtSignature the fake issued, as
// sent, or "skip_thought_signature_validator". It returns Google's message,
// "" when the history is acceptable.
func (g *gemini) checkSignatures(req map[string]any) string {
	if !g.opts.RequireSignatures {
		return ""
	}
	issued := map[string]bool{"skip_thought_signature_validator": true}
	for _, fc := range g.opts.FunctionCalls {
		if fc.ThoughtSignature != "" {
			issued[fc.ThoughtSignature] = true
		}
	}
	contents, _ := req["contents"].([]any)
	for _, c := range contents {
		cm, _ := c.(map[string]any)
		if role, _ := cm["role"].(string); role != "model" {
			continue
		}
		parts, _ := cm["parts"].([]any)
		for i, p := range parts {
			pm, _ := p.(map[string]any)
			call, ok := pm["functionCall"].(map[string]any)
			if !ok {
				continue
			}
			if sig, _ := pm["thoughtSignature"].(string); !issued[sig] {
				name, _ := call["name"].(string)
				return fmt.Sprintf("Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, "+
					"and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:%s` , position %d. "+
					"Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.", name, i+1)
			}
		}
	}
	return ""
}
