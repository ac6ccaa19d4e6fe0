// Package mcpgateway puts many upstream MCP (Model Context Protocol) servers
// behind one Streamable HTTP endpoint, built on the official Go SDK.
//
// Every client session gets its own gateway-side mcp.Server. Its receiving
// middleware answers the list methods with the union of the upstream
// servers' lists, each name qualified as "server__name", and forwards
// tools/call, prompts/get and resources/read to the owning server through an
// mcp.ClientSession that is opened on first use and closed with the client's
// session. Upstream list_changed and progress notifications are relayed to
// the client; a client's cancellation cancels the forwarded call, which the
// SDK passes upstream.
//
// Governance comes from the caller's security.ClientKey (allow-list and
// tool-call rate), the security.Filter (tool arguments and results), a
// breaker.Breaker per upstream server (a server that is down drops out of
// the lists instead of failing the session) and an Observe hook that the
// Caddy module turns into metrics and audit entries. The package knows
// nothing about Caddy.
package mcpgateway
