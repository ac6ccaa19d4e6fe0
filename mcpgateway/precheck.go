package mcpgateway

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// knownMethods are the client-to-server methods of the protocol. A request
// for anything else is answered with "method not found" here, in JSON-RPC,
// where the SDK would answer a plain-text 400.
var knownMethods = map[string]bool{
	"initialize": true, "ping": true, "tools/list": true, "tools/call": true,
	"prompts/list": true, "prompts/get": true, "resources/list": true, "resources/read": true,
	"resources/templates/list": true, "resources/subscribe": true, "resources/unsubscribe": true,
	"completion/complete": true, "logging/setLevel": true, "server/discover": true,
	"subscriptions/listen": true,
}

// precheck reads a POST body under the size limit and answers malformed
// JSON-RPC, unknown methods and oversized messages with the protocol's
// errors before the SDK (and so any upstream) sees them. It puts the body
// back for the SDK and reports whether to go on.
func (g *Gateway) precheck(w http.ResponseWriter, r *http.Request) (jsonrpc.Message, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, g.opts.MaxMessageBytes))
	_ = r.Body.Close()
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeHTTPError(w, http.StatusRequestEntityTooLarge, jsonrpc.CodeInvalidRequest,
			fmt.Sprintf("message larger than %d bytes", g.opts.MaxMessageBytes))
		return nil, false
	case err != nil:
		writeHTTPError(w, http.StatusBadRequest, jsonrpc.CodeParseError, "reading the message failed")
		return nil, false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) > 0 && t[0] == '[' {
		return nil, true // a batch (older protocol revisions): the SDK checks each part
	}
	msg, err := jsonrpc.DecodeMessage(body)
	if err != nil {
		writeHTTPError(w, http.StatusBadRequest, jsonrpc.CodeParseError, "malformed JSON-RPC message: "+firstLine(err.Error()))
		return nil, false
	}
	if req, ok := msg.(*jsonrpc.Request); ok && req.IsCall() && !knownMethods[req.Method] {
		resp, _ := jsonrpc.EncodeMessage(&jsonrpc.Response{ID: req.ID,
			Error: &jsonrpc.Error{Code: jsonrpc.CodeMethodNotFound, Message: fmt.Sprintf("method %q not found", req.Method)}})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(resp)
		return nil, false
	}
	return msg, true
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
