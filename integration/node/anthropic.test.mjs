// The official `@anthropic-ai/sdk` Node SDK against the gateway's
// /v1/messages, routed to the simulator, the OpenAI fake and the Anthropic
// fake.
import { test } from "node:test";
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";

import { ANTHROPIC_FAKE_TEXT, anthropicClient, models } from "./gateway.mjs";

const client = anthropicClient();

function assertMessageShape(msg, model) {
  assert.equal(msg.type, "message");
  assert.equal(msg.role, "assistant");
  assert.match(msg.id, /^msg_/);
  assert.equal(msg.model, model);
  assert.ok(msg.usage.input_tokens > 0 && msg.usage.output_tokens > 0, JSON.stringify(msg.usage));
}

test("messages.create routed to the simulator", async () => {
  const msg = await client.messages.create({
    model: models.sim,
    max_tokens: 200,
    system: "You are terse.",
    messages: [{ role: "user", content: "Describe the lighthouse" }],
  });
  assertMessageShape(msg, models.sim);
  assert.equal(msg.stop_reason, "end_turn");
  assert.equal(msg.content.length, 1);
  assert.equal(msg.content[0].type, "text");
  assert.match(msg.content[0].text, /lighthouse/i);
});

test("max_tokens reached: stop_reason max_tokens", async () => {
  const msg = await client.messages.create({
    model: models.sim,
    max_tokens: 5,
    messages: [{ role: "user", content: "Say a lot" }],
  });
  assert.equal(msg.stop_reason, "max_tokens");
  assert.equal(msg.usage.output_tokens, 5);
});

test("messages.create routed to the OpenAI fake", async () => {
  const msg = await client.messages.create({
    model: models.openai,
    max_tokens: 100,
    messages: [{ role: "user", content: [{ type: "text", text: "Hi from Anthropic" }] }],
  });
  assertMessageShape(msg, models.openai);
  assert.equal(msg.stop_reason, "end_turn");
  assert.deepEqual(
    msg.content.map((b) => [b.type, b.text]),
    [["text", "Echo: Hi from Anthropic"]],
  );
});

test("messages.create passed through to the Anthropic fake", async () => {
  const msg = await client.messages.create({
    model: models.claude,
    max_tokens: 100,
    messages: [{ role: "user", content: "Hello Claude" }],
  });
  assertMessageShape(msg, models.claude);
  assert.equal(msg.content[0].text, ANTHROPIC_FAKE_TEXT);
  assert.equal(msg.stop_reason, "end_turn");
});

for (const [name, model, expected] of [
  ["the simulator", models.sim, null],
  ["the OpenAI fake", models.openai, "Echo: Stream it"],
  ["the Anthropic fake", models.claude, ANTHROPIC_FAKE_TEXT],
]) {
  test(`messages.stream() to ${name}: text events and finalMessage()`, async () => {
    const params = { model, max_tokens: 200, messages: [{ role: "user", content: "Stream it" }] };
    const stream = client.messages.stream(params);
    let text = "";
    const events = [];
    stream.on("text", (delta) => {
      text += delta;
    });
    stream.on("streamEvent", (event) => events.push(event.type));
    const final = await stream.finalMessage();

    assertMessageShape(final, model);
    assert.equal(final.stop_reason, "end_turn");
    assert.equal(final.content.length, 1);
    assert.equal(final.content[0].type, "text");
    assert.equal(final.content[0].text, text);
    if (expected) {
      assert.equal(text, expected);
    } else {
      const whole = await client.messages.create(params);
      assert.equal(text, whole.content[0].text, "streamed and whole answers agree");
    }
    assert.equal(events[0], "message_start");
    assert.equal(events.at(-1), "message_stop");
    assert.equal(events.at(-2), "message_delta");
    assert.ok(events.includes("content_block_start") && events.includes("content_block_delta") && events.includes("content_block_stop"));
  });
}

test("tool use round trip through the simulator", async () => {
  const tools = [
    {
      name: "get_weather",
      description: "Current weather for a city",
      input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
  ];
  const messages = [{ role: "user", content: "What is the weather in Lisbon?" }];
  const first = await client.messages.create({ model: models.sim, max_tokens: 200, tools, messages });
  assert.equal(first.stop_reason, "tool_use");
  const use = first.content.find((b) => b.type === "tool_use");
  assert.ok(use, JSON.stringify(first.content));
  assert.equal(use.name, "get_weather");
  assert.equal(typeof use.input.city, "string");
  assert.ok(use.id);

  // Streamed, the SDK rebuilds the same input from input_json_delta events.
  const streamed = await client.messages.stream({ model: models.sim, max_tokens: 200, tools, messages }).finalMessage();
  assert.equal(streamed.stop_reason, "tool_use");
  const streamedUse = streamed.content.find((b) => b.type === "tool_use");
  assert.deepEqual(streamedUse.input, use.input);
  assert.equal(streamedUse.id, use.id);

  messages.push(
    { role: "assistant", content: first.content },
    { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: "foggy" }] },
  );
  const second = await client.messages.create({ model: models.sim, max_tokens: 200, tools, messages });
  assert.equal(second.stop_reason, "end_turn");
  assert.match(second.content.map((b) => b.text ?? "").join(""), /foggy/);
});

test("errors: unknown model is NotFoundError in Anthropic's envelope", async () => {
  await assert.rejects(
    client.messages.create({ model: "no-such-model", max_tokens: 10, messages: [{ role: "user", content: "x" }] }),
    (err) => {
      assert.ok(err instanceof Anthropic.NotFoundError, `${err?.constructor?.name}: ${err}`);
      assert.equal(err.status, 404);
      assert.equal(err.error.type, "error");
      assert.equal(err.error.error.type, "not_found_error");
      assert.match(err.error.error.message, /no-such-model/);
      return true;
    },
  );
  // Streams fail the same way, before any event.
  await assert.rejects(
    client.messages.stream({ model: "no-such-model", max_tokens: 10, messages: [{ role: "user", content: "x" }] }).finalMessage(),
    (err) => err instanceof Anthropic.NotFoundError && err.error?.error?.type === "not_found_error",
  );
});

test("errors: a malformed request is BadRequestError with invalid_request_error", async () => {
  await assert.rejects(client.messages.create({ model: models.sim, max_tokens: 10 }), (err) => {
    assert.ok(err instanceof Anthropic.BadRequestError, `${err?.constructor?.name}: ${err}`);
    assert.equal(err.status, 400);
    assert.equal(err.error.type, "error");
    assert.equal(err.error.error.type, "invalid_request_error");
    assert.match(err.error.error.message, /messages/);
    return true;
  });
});

test(
  "request-id header: the SDK's _request_id and error requestID",
  async () => {
    const msg = await client.messages.create({ model: models.sim, max_tokens: 10, messages: [{ role: "user", content: "x" }] });
    assert.ok(msg._request_id, "_request_id from the request-id header");
    await assert.rejects(
      client.messages.create({ model: "no-such-model", max_tokens: 10, messages: [{ role: "user", content: "x" }] }),
      (err) => {
        assert.ok(err.requestID, "requestID from the request-id header");
        return true;
      },
    );
  },
);
