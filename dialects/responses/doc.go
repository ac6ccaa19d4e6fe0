// Package responses is the inbound dialect of OpenAI's Responses API
// (POST /v1/responses and its GET/DELETE companions), as a library the
// gateway's pipeline calls. It owns no HTTP routing; it turns bytes into
// values and values into bytes:
//
//   - Decode parses a request body into a Request: every Responses field the
//     gateway understands, the input items as sent, and OpenAIOnly, the first
//     feature that only an OpenAI upstream can serve (hosted tools,
//     background mode, file inputs, item references …). A malformed or
//     unknown field is a *providers.Error of KindInvalidRequest whose Param is
//     the JSON path of the offending value (e.g. input[2].content[0].image_url).
//   - Request.ChatRequest builds the unified chat request for a translating
//     provider (Anthropic, Gemini, chat-completions servers), given the
//     conversation stored for previous_response_id.
//   - EncodeResponse turns a unified chat answer into the Response object as
//     OpenAI returns it, echoing the request's fields; StreamEncoder does the
//     same for a streamed answer, as the typed event sequence.
//   - EncodeError renders a *providers.Error in OpenAI's error envelope,
//     which the Responses API shares with chat completions.
//   - Store keeps finished responses for previous_response_id and the
//     retrieve / delete / input_items endpoints, scoped by owner (the client
//     key's fingerprint); MemoryStore is the bounded, expiring in-process one.
//   - Request.WithHistory and NewStoredFromJSON bridge the gateway's store
//     and a pass-through upstream: a conversation stored by the gateway
//     continues on OpenAI as explicit input items, and OpenAI's answer is
//     stored for a next turn on any provider.
//
// A request that goes to an OpenAI upstream is not translated at all: the
// pipeline passes the client's body through (providers.ResponsesPassthrough)
// and only uses Decode for admission (model, limits) and OpenAIOnly.
package responses
