// The official `openai` Node SDK's embeddings, images and models APIs
// against the gateway.
import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";

import {
  models,
  openaiClient,
  openaiFakeVector,
  recordingFetch,
  OPENAI_FAKE_EMBEDDING_DIMS,
  SIM_EMBEDDING_DIMS,
} from "./gateway.mjs";

const client = openaiClient();

function norm(v) {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

test("embeddings: the SDK's default base64 encoding is decoded into float arrays", async () => {
  const { fetch, calls } = recordingFetch();
  const inputs = ["one", "two", "three"];
  const res = await openaiClient({ fetch }).embeddings.create({ model: models.simEmbed, input: inputs });

  // On the wire: base64 asked for and answered.
  assert.equal(JSON.parse(calls[0].body).encoding_format, "base64");
  const raw = JSON.parse(calls[0].text);
  assert.equal(typeof raw.data[0].embedding, "string");
  assert.equal(Buffer.from(raw.data[0].embedding, "base64").length, 4 * SIM_EMBEDDING_DIMS);

  // To the caller: float arrays of the right length, in input order.
  assert.equal(res.object, "list");
  assert.equal(res.model, models.simEmbed);
  assert.equal(res.data.length, inputs.length);
  res.data.forEach((d, i) => {
    assert.equal(d.object, "embedding");
    assert.equal(d.index, i);
    assert.ok(Array.isArray(d.embedding), "decoded to an array");
    assert.equal(d.embedding.length, SIM_EMBEDDING_DIMS);
    assert.ok(d.embedding.every(Number.isFinite));
    assert.ok(Math.abs(norm(d.embedding) - 1) < 1e-3, `the simulator's vectors are unit vectors: ${norm(d.embedding)}`);
  });
  assert.notDeepEqual(res.data[0].embedding, res.data[1].embedding);
  assert.ok(res.usage.prompt_tokens > 0);
  assert.equal(res.usage.total_tokens, res.usage.prompt_tokens);

  // The same inputs as floats give the same vectors (to float32 precision).
  const floats = await client.embeddings.create({ model: models.simEmbed, input: inputs, encoding_format: "float" });
  floats.data.forEach((d, i) => {
    assert.equal(d.embedding.length, SIM_EMBEDDING_DIMS);
    d.embedding.forEach((x, j) => assert.ok(Math.abs(x - res.data[i].embedding[j]) < 1e-6, `vector ${i}[${j}]`));
  });
});

test("embeddings: dimensions is honoured", async () => {
  const res = await client.embeddings.create({ model: models.simEmbed, input: "short vector", dimensions: 64 });
  assert.equal(res.data.length, 1);
  assert.equal(res.data[0].embedding.length, 64);
});

test("embeddings from the OpenAI fake decode to its exact vectors", async () => {
  const inputs = ["alpha", "beta"];
  const res = await client.embeddings.create({ model: models.openaiEmbed, input: inputs });
  assert.equal(res.data.length, 2);
  res.data.forEach((d, i) => {
    assert.equal(d.index, i);
    assert.deepEqual(d.embedding, openaiFakeVector(inputs[i], OPENAI_FAKE_EMBEDDING_DIMS));
  });
});

test("images: b64_json decodes to PNGs", async () => {
  const res = await client.images.generate({ model: models.simImage, prompt: "a lighthouse", response_format: "b64_json", n: 2 });
  assert.ok(res.created > 0);
  assert.equal(res.data.length, 2);
  const pngs = res.data.map((d) => {
    assert.equal(d.url ?? undefined, undefined);
    const png = Buffer.from(d.b64_json, "base64");
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
    assert.equal(png.toString("latin1", 12, 16), "IHDR");
    assert.ok(png.readUInt32BE(16) > 0 && png.readUInt32BE(20) > 0, "width and height");
    return d.b64_json;
  });
  assert.notEqual(pngs[0], pngs[1], "two different images");
});

test("models.list pages through every configured model", async () => {
  const ids = [];
  for await (const m of client.models.list()) {
    assert.equal(m.object, "model");
    assert.equal(typeof m.owned_by, "string");
    assert.equal(typeof m.created, "number");
    ids.push(m.id);
  }
  for (const id of Object.values(models)) {
    assert.ok(ids.includes(id), `${id} missing from ${ids}`);
  }
  assert.equal(new Set(ids).size, ids.length, "no duplicates");

  const one = await client.models.retrieve(models.sim);
  assert.equal(one.id, models.sim);
  assert.equal(one.object, "model");
  await assert.rejects(client.models.retrieve("no-such-model"), (err) => err instanceof OpenAI.NotFoundError && err.status === 404);
});

test("errors: unknown embedding or image model is NotFoundError, bad input BadRequestError", async () => {
  await assert.rejects(
    client.embeddings.create({ model: "no-such-embedder", input: "x" }),
    (err) => err instanceof OpenAI.NotFoundError && err.status === 404 && err.code === "model_not_found",
  );
  await assert.rejects(client.embeddings.create({ model: models.simEmbed }), (err) => {
    assert.ok(err instanceof OpenAI.BadRequestError, `${err?.constructor?.name}: ${err}`);
    assert.match(err.message, /input/);
    return true;
  });
  await assert.rejects(client.images.generate({ model: models.simImage }), (err) => {
    assert.ok(err instanceof OpenAI.BadRequestError, `${err?.constructor?.name}: ${err}`);
    assert.match(err.message, /prompt/);
    return true;
  });
});
