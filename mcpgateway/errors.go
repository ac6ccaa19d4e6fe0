package mcpgateway

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// JSON-RPC error codes the gateway answers with, besides the standard
// ones. The -32000..-32099 range is the implementation-defined one.
const (
	codeInvalidParams    = jsonrpc.CodeInvalidParams
	codeUnavailable      = -32001 // upstream down, breaker open, timed out
	codeRateLimited      = -32029 // the key's tool-call rate
	codeBlocked          = -32030 // the security filter refused the arguments
	codeUnauthorized     = -32040 // no or a wrong client key
	codeResourceNotFound = -32002 // as the SDK's ResourceNotFoundError
)

func rpcError(code int64, format string, args ...any) *jsonrpc.Error {
	return &jsonrpc.Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func notAvailable(kind, name string) *jsonrpc.Error {
	return rpcError(codeInvalidParams, "%s %q is not available to this client", kind, name)
}

func rateLimited(message string, retry time.Duration) *jsonrpc.Error {
	e := rpcError(codeRateLimited, "%s", message)
	e.Data, _ = json.Marshal(map[string]float64{"retry_after_seconds": retry.Seconds()})
	return e
}

// writeHTTPError answers an HTTP request that never reached the SDK (bad
// key, another key's session) with a JSON-RPC error body, as the SDK does
// for its own transport-level refusals.
func writeHTTPError(w http.ResponseWriter, status int, code int64, message string) {
	body, _ := jsonrpc.EncodeMessage(&jsonrpc.Response{Error: &jsonrpc.Error{Code: code, Message: message}})
	w.Header().Set("Content-Type", "application/json")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mcp"`)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
