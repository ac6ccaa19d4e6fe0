package metrics

import "time"

// MCP gateway metrics. Labels are configured server names (or "unknown"),
// MCP method names and the gateway's closed set of outcomes, so they stay
// bounded; tool names are not labels (a server may offer any number).
const (
	nameMCPRequests = "ai_mcp_requests_total"
	nameMCPDuration = "ai_mcp_request_duration_seconds"
)

var (
	mcpRequests = newCounter(nameMCPRequests,
		"MCP requests to upstream servers (and refused calls), by server, method and outcome.",
		"server", "method", "status")
	mcpDuration = newHistogram(nameMCPDuration,
		"Time an MCP request took through the gateway, by server and method.",
		durationBuckets, "server", "method")
)

// ObserveMCP counts one MCP request and its duration.
func ObserveMCP(server, method, status string, d time.Duration) {
	mcpRequests.WithLabelValues(server, method, status).Inc()
	mcpDuration.WithLabelValues(server, method).Observe(d.Seconds())
}
