package mcpgateway

import (
	"encoding/json"
	"time"
)

// Outcomes of an upstream request, the status label of the gateway's
// metrics. The set is closed so that label values stay bounded.
const (
	StatusOK          = "ok"          // answered
	StatusToolError   = "tool_error"  // the tool ran and reported an error (isError)
	StatusError       = "error"       // the server failed or answered with a protocol error
	StatusTimeout     = "timeout"     // no answer within the server's timeout
	StatusCanceled    = "canceled"    // the client cancelled or went away
	StatusUnavailable = "unavailable" // breaker open or connection refused
	StatusDenied      = "denied"      // allow-list or rate limit: nothing forwarded
	StatusBlocked     = "blocked"     // the security filter refused the arguments
)

// UnknownServer is the server of an Event for a name that names no
// configured server (so that client input never becomes a label value).
const UnknownServer = "unknown"

// Event describes one request the gateway forwarded or refused.
type Event struct {
	Server string // configured server name, or UnknownServer
	Method string // MCP method: "tools/call", "tools/list", ...
	Status string // one of the Status constants
	// Name is the tool, prompt or resource at its server ("" for lists).
	Name   string
	Caller *Caller
	// ArgBytes is the size of the tool call's arguments as received.
	ArgBytes int
	// Args are the arguments as forwarded (after redaction); nil when
	// none were forwarded.
	Args     json.RawMessage
	Duration time.Duration
	// Detail is a short reason for a failure, safe to log.
	Detail string
}
