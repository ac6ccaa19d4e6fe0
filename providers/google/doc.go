// Package google is the provider module for Google's Gemini API
// (http.ai_backends.providers.google). It translates the gateway's
// OpenAI-shaped requests to generateContent, streamGenerateContent?alt=sse,
// embedContent and batchEmbedContents, and the answers back.
//
// Where to find each mapping:
//
//   - request.go, request_config.go, image.go: messages, tools, tool_choice,
//     sampling and response_format → the generateContent body (pure functions)
//   - schema.go: which of Gemini's two schema forms a JSON Schema is sent in
//   - toolid.go: the tool-call id format that carries thought signatures
//   - response.go: candidates, finish reasons and usage → a chat completion
//   - stream_convert.go: stream events → chunks
//   - errors.go: google.rpc.Status → classified errors
//   - embeddings.go: embeddings both ways
//
// Choices made where the two APIs differ, in short:
//
//   - http(s) image URLs are rejected (invalid request): Gemini does not
//     fetch them. data: URLs become inlineData; gs:// and Files API URIs
//     fileData.
//   - A blocked prompt (promptFeedback.blockReason) is answered like OpenAI
//     answers filtered output: 200, finish_reason content_filter, no content.
//   - Thought text (parts with thought:true, asked for with includeThoughts
//     when the client wants reasoning) becomes reasoning_content, never
//     content; thoughtsTokenCount is reported as
//     completion_tokens_details.reasoning_tokens and counted in
//     completion_tokens.
//   - Thought signatures ride in tool-call ids (toolid.go). Signatures Gemini
//     puts on text parts are dropped: OpenAI content has nowhere to keep them,
//     and Gemini checks signatures only on function calls.
//   - reasoning_effort, parallel_tool_calls, logprobs and user have no mapping
//     and are ignored.
//   - A stream with no finishReason before the body ends is an error
//     (KindNetwork), since Gemini streams have no end marker.
package google
