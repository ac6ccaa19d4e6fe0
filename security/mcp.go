package security

import (
	"fmt"
	"net/http"
)

// NameList is an allow-list of names with the same rules as a key's model
// list: exact names, or a prefix ending in "*" ("*" alone allows all); an
// empty list allows everything. The MCP gateway uses it for the tools,
// prompts and resources each upstream server exposes.
type NameList struct{ m modelMatcher }

// NewNameList compiles patterns; a "*" anywhere but at the end is an error.
func NewNameList(patterns []string) (NameList, error) {
	m, err := newModelMatcher(patterns)
	if err != nil {
		return NameList{}, err
	}
	return NameList{m: m}, nil
}

// Allows reports whether name is on the list. It does not allocate.
func (l *NameList) Allows(name string) bool { return l.m.allows(name) }

// MCPToolAllowed reports whether this key may see and call the MCP tool,
// prompt or resource published as name ("server__tool").
func (k *ClientKey) MCPToolAllowed(name string) bool { return k.mcpTools.allows(name) }

// AdmitToolCall takes one MCP tool call from the key's per-minute tool-call
// bucket. It returns nil when the call may go ahead, else a 429-style
// Denial whose RetryAfter says when one will fit.
func (k *ClientKey) AdmitToolCall() *Denial {
	if k.toolCalls.unlimited() {
		return nil
	}
	now := k.now()
	k.mu.Lock()
	k.toolCalls.refill(now)
	wait := k.toolCalls.wait(1)
	if wait == 0 {
		k.toolCalls.take(1)
	}
	perMinute := k.toolCalls.perMinute
	k.mu.Unlock()
	if wait == 0 {
		return nil
	}
	return &Denial{
		Status:     429,
		Type:       DenialRateLimited,
		Code:       CodeRateLimited,
		Message:    fmt.Sprintf("rate limit exceeded: this API key allows %d MCP tool calls per minute; retry in %s", perMinute, roundUp(wait)),
		RetryAfter: wait,
	}
}

// BearerToken is the token of a request's "Authorization: Bearer" header,
// or "" (the MCP gateway may pass a caller's own token upstream).
func BearerToken(h http.Header) string {
	t, _ := bearerToken(h.Get("Authorization"))
	return t
}
