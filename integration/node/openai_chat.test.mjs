// The official `openai` Node SDK's chat API against the gateway: plain
// completions, streams, tool calls, and the SDK's own helpers on top.
import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";

import { models, openaiClient, recordingFetch, weatherTool } from "./gateway.mjs";

const client = openaiClient();

test("chat completion from the simulator", async () => {
  const { data: chat, response } = await client.chat.completions
    .create({ model: models.sim, messages: [{ role: "user", content: "Tell me about gateways" }] })
    .withResponse();
  assert.equal(chat.object, "chat.completion");
  assert.match(chat.id, /^chatcmpl-/);
  assert.equal(chat.model, models.sim);
  assert.equal(chat.choices.length, 1);
  const [choice] = chat.choices;
  assert.equal(choice.index, 0);
  assert.equal(choice.finish_reason, "stop");
  assert.equal(choice.message.role, "assistant");
  assert.equal(typeof choice.message.content, "string");
  // The simulator quotes the prompt it answers.
  assert.match(choice.message.content, /gateways/i);
  assert.ok(chat.usage.prompt_tokens > 0 && chat.usage.completion_tokens > 0, JSON.stringify(chat.usage));
  assert.equal(chat.usage.total_tokens, chat.usage.prompt_tokens + chat.usage.completion_tokens);
  assert.equal(response.headers.get("x-ai-provider"), "demo");
  assert.ok(response.headers.get("x-request-id"));
});

test("chat completion from the OpenAI fake passes the prompt through", async () => {
  const chat = await client.chat.completions.create({
    model: models.openai,
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hello through the gateway" },
    ],
  });
  assert.equal(chat.choices[0].message.content, "Echo: Hello through the gateway");
  assert.equal(chat.choices[0].finish_reason, "stop");
  assert.equal(chat.model, models.openai);
  assert.ok(chat.usage.total_tokens > 0);
});

test("max_tokens cuts the answer: finish_reason length", async () => {
  const chat = await client.chat.completions.create({
    model: models.sim,
    max_tokens: 5,
    messages: [{ role: "user", content: "Say a lot" }],
  });
  assert.equal(chat.choices[0].finish_reason, "length");
  assert.equal(chat.usage.completion_tokens, 5);
});

test("parse() with a json_schema response format gives a parsed object", async () => {
  const completion = await client.chat.completions.parse({
    model: models.sim,
    messages: [{ role: "user", content: "Give me a city" }],
    response_format: {
      type: "json_schema",
      json_schema: {
        name: "city",
        strict: true,
        schema: {
          type: "object",
          properties: { name: { type: "string" }, population: { type: "integer" } },
          required: ["name", "population"],
          additionalProperties: false,
        },
      },
    },
  });
  const { parsed } = completion.choices[0].message;
  assert.equal(typeof parsed.name, "string");
  assert.ok(Number.isInteger(parsed.population), JSON.stringify(parsed));
  assert.deepEqual(Object.keys(parsed).sort(), ["name", "population"]);
});

test("stream with for await: same text as the completion, no usage chunk unless asked", async () => {
  const messages = [{ role: "user", content: "Stream the gateway story" }];
  const whole = await client.chat.completions.create({ model: models.sim, messages });

  const stream = await client.chat.completions.create({ model: models.sim, messages, stream: true });
  let text = "";
  let role;
  let finish;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    assert.equal(chunk.object, "chat.completion.chunk");
    assert.equal(chunk.choices.length, 1, "every chunk has its choice when usage was not asked for");
    assert.ok(chunk.usage == null, `unexpected usage: ${JSON.stringify(chunk.usage)}`);
    const [c] = chunk.choices;
    role ??= c.delta.role;
    text += c.delta.content ?? "";
    if (c.finish_reason) finish = c.finish_reason;
  }
  assert.ok(chunks >= 3, `only ${chunks} chunks`);
  assert.equal(role, "assistant");
  assert.equal(finish, "stop");
  assert.equal(text, whole.choices[0].message.content);
});

test("stream with stream_options.include_usage ends with a usage chunk", async () => {
  const messages = [{ role: "user", content: "Count my tokens" }];
  const whole = await client.chat.completions.create({ model: models.sim, messages });
  const stream = await client.chat.completions.create({
    model: models.sim,
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, [], "the usage chunk has no choices");
  assert.deepEqual(
    { p: last.usage.prompt_tokens, c: last.usage.completion_tokens, t: last.usage.total_tokens },
    { p: whole.usage.prompt_tokens, c: whole.usage.completion_tokens, t: whole.usage.total_tokens },
  );
  for (const chunk of chunks.slice(0, -1)) {
    assert.ok(chunk.usage == null, `usage before the last chunk: ${JSON.stringify(chunk)}`);
  }
  const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
  assert.equal(text, whole.choices[0].message.content);
});

test("stream from the OpenAI fake, with and without usage", async () => {
  for (const includeUsage of [false, true]) {
    const stream = await client.chat.completions.create({
      model: models.openai,
      messages: [{ role: "user", content: "Stream from the fake" }],
      stream: true,
      ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
    });
    let text = "";
    const usage = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage.push(chunk.usage);
    }
    assert.equal(text, "Echo: Stream from the fake");
    assert.equal(usage.length, includeUsage ? 1 : 0, `include_usage=${includeUsage}: ${JSON.stringify(usage)}`);
    if (includeUsage) assert.ok(usage[0].total_tokens > 0);
  }
});

test("the SDK's stream helper assembles the final completion", async () => {
  const runner = client.chat.completions.stream({
    model: models.sim,
    messages: [{ role: "user", content: "Use the helper" }],
    stream_options: { include_usage: true },
  });
  let fromEvents = "";
  runner.on("content", (delta) => {
    fromEvents += delta;
  });
  const final = await runner.finalChatCompletion();
  assert.equal(final.choices[0].message.content, fromEvents);
  assert.match(final.choices[0].message.content, /helper/i);
  assert.equal(final.choices[0].finish_reason, "stop");
  assert.ok(final.usage.total_tokens > 0);
});

test("tool call round trip with the simulator", async () => {
  const messages = [{ role: "user", content: "What is the weather in Paris?" }];
  const first = await client.chat.completions.create({ model: models.sim, messages, tools: [weatherTool] });
  const [choice] = first.choices;
  assert.equal(choice.finish_reason, "tool_calls");
  assert.equal(choice.message.tool_calls.length, 1);
  const [call] = choice.message.tool_calls;
  assert.equal(call.type, "function");
  assert.match(call.id, /^call_/);
  assert.equal(call.function.name, "get_weather");
  const args = JSON.parse(call.function.arguments);
  assert.equal(typeof args.city, "string");
  assert.ok(["celsius", "fahrenheit"].includes(args.unit), `unit ${args.unit}`);

  // The same request streamed: the deltas rebuild the same call.
  const stream = await client.chat.completions.create({ model: models.sim, messages, tools: [weatherTool], stream: true });
  const calls = [];
  let finish;
  for await (const chunk of stream) {
    const c = chunk.choices[0];
    if (!c) continue;
    if (c.finish_reason) finish = c.finish_reason;
    for (const d of c.delta.tool_calls ?? []) {
      calls[d.index] ??= { id: "", name: "", arguments: "" };
      if (d.id) calls[d.index].id = d.id;
      if (d.function?.name) calls[d.index].name += d.function.name;
      calls[d.index].arguments += d.function?.arguments ?? "";
    }
  }
  assert.equal(finish, "tool_calls");
  assert.deepEqual(calls, [{ id: call.id, name: "get_weather", arguments: call.function.arguments }]);

  // The client answers the call; the model then speaks about the result.
  messages.push(choice.message, { role: "tool", tool_call_id: call.id, content: "sunny and mild" });
  const second = await client.chat.completions.create({ model: models.sim, messages, tools: [weatherTool] });
  assert.equal(second.choices[0].finish_reason, "stop");
  assert.equal(second.choices[0].message.tool_calls ?? undefined, undefined);
  assert.match(second.choices[0].message.content, /sunny/i);
});

test("tool call from the OpenAI fake, streamed and answered", async () => {
  const messages = [{ role: "user", content: "Weather in Rome" }];
  const stream = await client.chat.completions.create({
    model: models.openaiTools,
    messages,
    tools: [weatherTool],
    stream: true,
  });
  const parts = [];
  let id;
  let finish;
  for await (const chunk of stream) {
    const c = chunk.choices[0];
    if (c?.finish_reason) finish = c.finish_reason;
    for (const d of c?.delta.tool_calls ?? []) {
      assert.equal(d.index, 0);
      id ??= d.id;
      parts.push(d.function?.arguments ?? "");
    }
  }
  assert.equal(finish, "tool_calls");
  assert.ok(parts.length > 1, "arguments arrive in fragments");
  assert.deepEqual(JSON.parse(parts.join("")), { input: "Weather in Rome" });

  messages.push(
    { role: "assistant", content: null, tool_calls: [{ id, type: "function", function: { name: "get_weather", arguments: parts.join("") } }] },
    { role: "tool", tool_call_id: id, content: "rainy" },
    { role: "user", content: "Thanks" },
  );
  const answer = await client.chat.completions.create({ model: models.openaiTools, messages, tools: [weatherTool], tool_choice: "none" });
  assert.equal(answer.choices[0].message.content, "Echo: Thanks");
});

test("runTools: the SDK calls the function and sends its result back", async () => {
  const { fetch, calls } = recordingFetch();
  const seen = [];
  const runner = openaiClient({ fetch }).chat.completions.runTools({
    model: models.sim,
    messages: [{ role: "user", content: "How is the weather in Oslo?" }],
    tools: [
      {
        type: "function",
        function: {
          ...weatherTool.function,
          parse: JSON.parse,
          function: (args) => {
            seen.push(args);
            return { forecast: "snowy" };
          },
        },
      },
    ],
  });
  const content = await runner.finalContent();
  assert.equal(seen.length, 1);
  assert.equal(typeof seen[0].city, "string");
  assert.match(content, /snowy/);
  assert.equal(calls.length, 2, "one call for the tool request, one for the answer");
  const sent = JSON.parse(calls[1].body);
  assert.equal(sent.messages.at(-1).role, "tool");
});

test("errors: unknown model is NotFoundError 404", async () => {
  await assert.rejects(
    client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "x" }] }),
    (err) => {
      assert.ok(err instanceof OpenAI.NotFoundError, `${err?.constructor?.name}: ${err}`);
      assert.equal(err.status, 404);
      assert.equal(err.code, "model_not_found");
      assert.equal(err.type, "invalid_request_error");
      assert.match(err.message, /no-such-model/);
      return true;
    },
  );
  // A stream fails the same way, before any chunk.
  await assert.rejects(
    client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "x" }], stream: true }),
    (err) => err instanceof OpenAI.NotFoundError && err.status === 404,
  );
});

test("errors: a malformed request is BadRequestError 400 naming the field", async () => {
  await assert.rejects(client.chat.completions.create({ model: models.sim }), (err) => {
    assert.ok(err instanceof OpenAI.BadRequestError, `${err?.constructor?.name}: ${err}`);
    assert.equal(err.status, 400);
    assert.equal(err.type, "invalid_request_error");
    assert.match(err.message, /messages/);
    return true;
  });
  await assert.rejects(
    client.chat.completions.create({ model: models.sim, messages: "not a list" }),
    (err) => err instanceof OpenAI.BadRequestError && err.status === 400,
  );
});

test(
  "errors carry x-request-id, which the SDK exposes as requestID",
  async () => {
    const { data, response } = await client.chat.completions
      .create({ model: models.sim, messages: [{ role: "user", content: "id please" }] })
      .withResponse();
    assert.equal(data._request_id, response.headers.get("x-request-id"));
    for (const bad of [
      { model: "no-such-model", messages: [{ role: "user", content: "x" }] }, // 404
      { model: models.sim }, // 400
    ]) {
      await assert.rejects(client.chat.completions.create(bad), (err) => {
        assert.ok(err.requestID, `${err.status}: no x-request-id header`);
        return true;
      });
    }
  },
);
