// Shared setup for the Node SDK tests: the gateway's address, the model
// names the Go test configures (see nodeSDKSite in ../node_sdk_test.go;
// keep both in step), and SDK clients pointed at the gateway with nothing
// else changed.
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";

export const GATEWAY_URL = process.env.GATEWAY_URL;
if (!GATEWAY_URL) {
  throw new Error("GATEWAY_URL is not set: run these tests through `go test ./integration/ -run Node`");
}

export const models = {
  sim: "sim-small", // built-in simulator
  simEmbed: "sim-embed",
  simImage: "sim-image",
  openai: "gpt-4o-mini", // OpenAI fake, answers "Echo: <last user message>"
  openaiEmbed: "text-embedding-3-small",
  openaiTools: "gpt-4.1-mini", // OpenAI fake that always calls the first offered tool
  claude: "claude-haiku-4-5", // Anthropic fake
};

// The simulator's default embedding size, and the OpenAI fake's.
export const SIM_EMBEDDING_DIMS = 256;
export const OPENAI_FAKE_EMBEDDING_DIMS = 8;

// Text the Anthropic fake answers with (fakeupstream.DefaultAnthropicText).
export const ANTHROPIC_FAKE_TEXT = "Hello! How can I help you today?";

// The client's key: the gateway has no client_key, so any value passes, but
// it must never reach an upstream.
export const CLIENT_KEY = "sk-node-sdk-client";

/**
 * recordingFetch wraps the global fetch and keeps every request the SDK
 * sends and the raw response text it got, so a test can check the wire
 * format beneath the SDK's parsing.
 */
export function recordingFetch() {
  const calls = [];
  const fetch = async (url, init = {}) => {
    const res = await globalThis.fetch(url, init);
    const call = {
      url: String(url),
      method: init.method,
      body: typeof init.body === "string" ? init.body : undefined,
      status: res.status,
      headers: res.headers,
      text: res.headers.get("content-type")?.includes("text/event-stream") ? undefined : await res.clone().text(),
    };
    calls.push(call);
    return res;
  };
  return { fetch, calls };
}

export function openaiClient(opts = {}) {
  return new OpenAI({ baseURL: GATEWAY_URL + "/v1", apiKey: CLIENT_KEY, maxRetries: 0, timeout: 30_000, ...opts });
}

export function anthropicClient(opts = {}) {
  return new Anthropic({ baseURL: GATEWAY_URL, apiKey: CLIENT_KEY, maxRetries: 0, timeout: 30_000, ...opts });
}

// A function tool in OpenAI's format.
export const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: {
      type: "object",
      properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
      required: ["city", "unit"],
    },
  },
};

/**
 * openaiFakeVector recomputes the OpenAI fake's embedding of input
 * (fakeupstream.OpenAIVector: FNV-1a seeded xorshift64, as float32), so a
 * test can check the exact values the SDK decoded.
 */
export function openaiFakeVector(input, dims) {
  const mask = (1n << 64n) - 1n;
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(input)) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & mask;
  }
  let state = h | 1n;
  const out = [];
  for (let i = 0; i < dims; i++) {
    state ^= (state << 13n) & mask;
    state ^= state >> 7n;
    state ^= (state << 17n) & mask;
    out.push(Math.fround(Math.fround(Number(state >> 40n) / 2 ** 23) - 1));
  }
  return out;
}
