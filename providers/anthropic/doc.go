// Package anthropic is the provider module
// http.ai_backends.providers.anthropic (Anthropic's Messages API) and the
// Messages wire types (Block, Tool, ToolChoice, Source, Metadata) that the
// inbound dialect (package dialects/anthropic, POST /v1/messages) shares.
//
// The translators are pure functions over the unified (OpenAI-shaped) types
// in package providers, kept apart from the HTTP code:
//
//	ToAnthropic             unified request  → Messages request body      (request*.go)
//	FromAnthropic           Messages response → unified completion         (response.go)
//	StreamTranslator        Messages events  → unified chunks              (stream.go)
//
// # Choices where the formats differ
//
// Outbound (OpenAI clients to Claude):
//   - system and developer messages are hoisted into system in order: a
//     string for one, text blocks for several (no separator is invented);
//     images in system messages are dropped (system is text only).
//   - max_tokens is required by Anthropic: max_completion_tokens, then
//     max_tokens, then the provider's default_max_tokens, then the model's
//     output limit (DefaultMaxTokens).
//   - temperature above 1 is sent as 1 (Anthropic's range is 0..1).
//   - response_format json_object / json_schema has no Messages API field:
//     an instruction (with the schema) is appended to the system prompt.
//   - Tool call arguments that are not a JSON object are sent as
//     {"_raw_arguments": "<string>"}; empty arguments as {}.
//   - tool_choice none is sent as {"type":"none"}; tool_choice without tools
//     is dropped; parallel_tool_calls false → disable_parallel_tool_use.
//   - The first turn may be the assistant's: Anthropic's API accepts it, so
//     no user turn is invented. A final assistant turn is sent as prefill,
//     trailing whitespace trimmed.
//   - Not translated: n > 1 (an Unsupported error), seed, presence and
//     frequency penalties, logprobs, reasoning_effort, tool strict mode,
//     audio and file content parts (Unsupported).
//
// Responses: thinking, redacted_thinking and server-tool blocks are dropped
// (Chat Completions has no place for them); stop_reason end_turn,
// stop_sequence and pause_turn → stop, max_tokens and
// model_context_window_exceeded → length, tool_use → tool_calls, refusal →
// content_filter. Usage: prompt_tokens = input + cache read + cache
// creation, cached_tokens = cache read, CacheWriteTokens = cache creation,
// reasoning_tokens = output_tokens_details.thinking_tokens. In streams every
// usage count replaces the previous one (they are running totals).
//
// A request that arrived in Anthropic's own format skips the round trip
// through the unified format: the unified request's Original holds the
// client's body, which requestBody sends on with only model, stream and a
// lowered max_tokens changed.
package anthropic
