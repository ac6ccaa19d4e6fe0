package anthropic

import (
	"strconv"

	"github.com/sira-ai/caddy-ai-backends/providers"
	wire "github.com/sira-ai/caddy-ai-backends/providers/anthropic"
)

// fieldRule says what the gateway does with a Messages request field when
// the request is translated for a provider of another API format. To an
// Anthropic upstream the client's body goes as is (model, max_tokens and
// stream patched), so every field reaches it whatever its rule.
type fieldRule uint8

const (
	// translated: mapped onto the unified request (ParseMessagesRequest).
	translated fieldRule = iota
	// ignored: dropped when translating; it tunes how Anthropic serves the
	// request (capacity, caching, diagnostics, reasoning) without changing
	// what the answer means.
	ignored
	// refused: it changes what the request means and has no translation;
	// the request goes only to an Anthropic deployment, else a 400 names it.
	refused
)

// messagesFields is every top-level field of the Messages API request
// (https://docs.anthropic.com/en/api/messages, beta fields included, as the
// official SDK's MessageNewParams and BetaMessageNewParams send them). A
// field not listed is unknown: refused like the refused ones. README.md
// ("Anthropic Messages request fields") shows the same table.
var messagesFields = map[string]fieldRule{
	"model":          translated,
	"messages":       translated, // see blockRule for content blocks
	"max_tokens":     translated,
	"system":         translated, // text blocks; cache_control on them ignored
	"metadata":       translated, // user_id → user
	"stop_sequences": translated,
	"stream":         translated,
	"temperature":    translated,
	"top_p":          translated,
	"top_k":          translated,
	"tools":          translated, // client tools; server tools refused (toolRule)
	"tool_choice":    translated,
	"output_config":  translated, // format → response_format json_schema; effort → reasoning_effort
	"output_format":  translated, // the structured-outputs beta's name for output_config.format
	"thinking":       translated, // → reasoning_effort (request_reasoning.go)

	"service_tier":          ignored,
	"speed":                 ignored,
	"cache_control":         ignored, // automatic prompt caching
	"diagnostics":           ignored,
	"fallbacks":             ignored, // server-side fallback models on a refusal
	"fallback_credit_token": ignored,
	"anthropic_version":     ignored, // sent in the body by Bedrock/Vertex-style clients

	"container":          refused, // code-execution container state
	"mcp_servers":        refused, // tools run by Anthropic's MCP connector
	"context_management": refused, // server-side editing of the context
	"compaction":         refused, // server-side summarising of the conversation
	"inference_geo":      refused, // where inference may run: a promise no other provider keeps
}

// blockRule is the rule for a content block type in messages: text, image
// (base64 or URL source), tool_use and tool_result are translated; thinking
// blocks are provider-bound (their signatures mean nothing elsewhere) and
// dropped; every other type carries content no other provider can take.
func blockRule(typ string) fieldRule {
	switch typ {
	case "text", "image", "tool_use", "tool_result":
		return translated
	case "thinking", "redacted_thinking":
		return ignored
	}
	// document, search_result, container_upload, compaction,
	// server_tool_use, mcp_tool_use, mcp_tool_result and every
	// *_tool_result of a server tool, and types added later.
	return refused
}

// untranslatableFields lists the top-level fields of body that are refused
// or unknown. Names are JSON-escaped as sent; known names have no escapes.
func untranslatableFields(body []byte, out []string) []string {
	_ = providers.EachTopLevel(body, func(name []byte) {
		if rule, ok := messagesFields[string(name)]; !ok || rule == refused {
			out = append(out, string(name))
		}
	})
	return out
}

// serverTools lists the tools that are Anthropic server tools (a versioned
// type such as web_search_20250305): only Anthropic runs them.
func serverTools(tools []wire.Tool, out []string) []string {
	for i, t := range tools {
		if t.Type != "" && t.Type != "custom" {
			out = append(out, "tools."+strconv.Itoa(i)+" ("+t.Type+")")
		}
	}
	return out
}

// blockField names a content block for Untranslatable.
func blockField(msg, block int, typ string) string {
	return "messages." + strconv.Itoa(msg) + ".content." + strconv.Itoa(block) + " (" + typ + ")"
}
