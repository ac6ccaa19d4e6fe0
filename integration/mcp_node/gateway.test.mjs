// The official MCP TypeScript SDK client against the gateway's MCP
// endpoint. Started by ../mcp_node_test.go, which configures the gateway
// (see mcpSite in ../mcp_test.go): servers alpha (tools echo, search) and
// beta (tool search); key k-all sees all, k-alpha only alpha__*.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const MCP_URL = process.env.MCP_URL;
if (!MCP_URL) {
  throw new Error("MCP_URL is not set: run these tests through `go test ./integration/ -run MCPTypeScript`");
}

async function connect(key) {
  const client = new Client({ name: "ts-sdk-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(MCP_URL), {
    requestInit: { headers: { Authorization: `Bearer ${key}` } },
  });
  await client.connect(transport);
  return { client, transport };
}

test("lists the union of the servers' tools under server__tool", async () => {
  const { client } = await connect("k-all");
  try {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), ["alpha__echo", "alpha__search", "beta__search"]);
    assert.ok(client.getServerCapabilities().tools, "tools capability advertised");
  } finally {
    await client.close();
  }
});

test("routes a call to the owning server", async () => {
  const { client } = await connect("k-all");
  try {
    const res = await client.callTool({ name: "beta__search", arguments: { text: "ts" } });
    assert.equal(res.isError ?? false, false);
    assert.equal(res.content[0].text, "beta:search:ts");
  } finally {
    await client.close();
  }
});

test("a key's allow-list hides and refuses other tools", async () => {
  const { client } = await connect("k-alpha");
  try {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), ["alpha__echo", "alpha__search"]);
    await assert.rejects(client.callTool({ name: "beta__search", arguments: { text: "x" } }), /not available/);
  } finally {
    await client.close();
  }
});

test("a wrong key is refused", async () => {
  await assert.rejects(connect("k-wrong"));
});

test("terminating the session ends it at the gateway", async () => {
  const { client, transport } = await connect("k-all");
  assert.ok(transport.sessionId, "the gateway handed out an Mcp-Session-Id");
  await client.callTool({ name: "alpha__echo", arguments: { text: "1" } });
  await transport.terminateSession();
  await client.close();
});
