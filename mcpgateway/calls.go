package mcpgateway

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// route finds the server of a qualified name and the name at the server.
func (g *Gateway) route(qualified string) (*upstreamServer, string) {
	server, local, ok := strings.Cut(qualified, Separator)
	if !ok || local == "" {
		return nil, ""
	}
	return g.byName[server], local
}

func serverLabel(s *upstreamServer) string {
	if s == nil {
		return UnknownServer
	}
	return s.cfg.Name
}

// callTool forwards a tools/call after the allow-lists, the key's rate and
// the security filter let it through; a refusal forwards nothing.
func (cs *clientSession) callTool(ctx context.Context, p *mcp.CallToolParamsRaw) (mcp.Result, error) {
	if p == nil {
		return nil, rpcError(codeInvalidParams, "tools/call needs params")
	}
	start := cs.g.opts.Now()
	s, tool := cs.g.route(p.Name)
	ev := Event{Server: serverLabel(s), Method: "tools/call", Name: tool, Caller: cs.caller, ArgBytes: len(p.Arguments)}
	defer func() {
		ev.Duration = cs.g.opts.Now().Sub(start)
		cs.g.observe(&ev)
	}()
	if s == nil || !cs.allowed(&s.tools, tool, p.Name) {
		ev.Status, ev.Name = StatusDenied, ""
		if s != nil {
			ev.Name = tool
		}
		ev.Detail = "not on the allow-list"
		return nil, notAvailable("tool", p.Name)
	}
	if k := cs.caller.Key; k != nil {
		if d := k.AdmitToolCall(); d != nil {
			ev.Status, ev.Detail = StatusDenied, "rate limited"
			return nil, rateLimited(d.Message, d.RetryAfter)
		}
	}
	args, err := cs.g.filterArgs(p.Arguments)
	if err != nil {
		ev.Status, ev.Detail = StatusBlocked, err.Message
		return nil, err
	}
	ev.Args = args
	var res *mcp.CallToolResult
	out := cs.forward(ctx, s, func(ctx context.Context, up *mcp.ClientSession) error {
		var err error
		res, err = up.CallTool(ctx, &mcp.CallToolParams{Meta: p.Meta, Name: tool, Arguments: argsOrNil(args)})
		return err
	})
	ev.Status, ev.Detail = out.status, out.detail
	if out.status != StatusOK {
		return nil, out.clientError(s)
	}
	if res.IsError {
		ev.Status = StatusToolError
	}
	cs.g.filterResult(res)
	return res, nil
}

func (cs *clientSession) getPrompt(ctx context.Context, p *mcp.GetPromptParams) (mcp.Result, error) {
	if p == nil {
		return nil, rpcError(codeInvalidParams, "prompts/get needs params")
	}
	s, prompt := cs.g.route(p.Name)
	if s == nil || !cs.allowed(&s.prompts, prompt, p.Name) {
		cs.g.observe(&Event{Server: serverLabel(s), Method: "prompts/get", Status: StatusDenied, Caller: cs.caller})
		return nil, notAvailable("prompt", p.Name)
	}
	var res *mcp.GetPromptResult
	out := cs.observed(ctx, s, "prompts/get", prompt, func(ctx context.Context, up *mcp.ClientSession) error {
		var err error
		res, err = up.GetPrompt(ctx, &mcp.GetPromptParams{Meta: p.Meta, Name: prompt, Arguments: p.Arguments})
		return err
	})
	if out.status != StatusOK {
		return nil, out.clientError(s)
	}
	return res, nil
}

// readResource sends a read to the server that listed the URI, or else to
// the server one of whose templates' fixed prefix the URI starts with.
func (cs *clientSession) readResource(ctx context.Context, p *mcp.ReadResourceParams) (mcp.Result, error) {
	if p == nil {
		return nil, rpcError(codeInvalidParams, "resources/read needs params")
	}
	cs.mu.Lock()
	ref, ok := cs.resources[p.URI]
	if !ok {
		longest := 0 // the most specific template wins
		for _, t := range cs.templates {
			if len(t.prefix) > longest && strings.HasPrefix(p.URI, t.prefix) {
				ref, ok, longest = t.ref, true, len(t.prefix)
			}
		}
	}
	cs.mu.Unlock()
	if !ok {
		cs.g.observe(&Event{Server: UnknownServer, Method: "resources/read", Status: StatusDenied, Caller: cs.caller})
		return nil, rpcError(codeResourceNotFound, "resource %q is not available to this client; list resources (or templates) first", p.URI)
	}
	var res *mcp.ReadResourceResult
	out := cs.observed(ctx, ref.server, "resources/read", ref.name, func(ctx context.Context, up *mcp.ClientSession) error {
		var err error
		res, err = up.ReadResource(ctx, &mcp.ReadResourceParams{Meta: p.Meta, URI: p.URI})
		return err
	})
	if out.status != StatusOK {
		return nil, out.clientError(ref.server)
	}
	return res, nil
}

// observed is forward with an Event for requests other than tool calls.
func (cs *clientSession) observed(ctx context.Context, s *upstreamServer, method, name string,
	call func(context.Context, *mcp.ClientSession) error) outcome {
	start := cs.g.opts.Now()
	out := cs.forward(ctx, s, call)
	cs.g.observe(&Event{Server: s.cfg.Name, Method: method, Name: name, Status: out.status, Detail: out.detail,
		Caller: cs.caller, Duration: cs.g.opts.Now().Sub(start)})
	return out
}

// outcome is how a forwarded request went.
type outcome struct {
	status, detail string
	wire           *jsonrpc.Error // the server's own protocol error, if that was it
}

// forward runs one request on s's session under the breaker and the
// server's timeout. An upstream protocol error is passed on as the detail
// with StatusError, but counts as the server being alive.
func (cs *clientSession) forward(ctx context.Context, s *upstreamServer,
	call func(context.Context, *mcp.ClientSession) error) outcome {
	if !s.brk.Allow() {
		return outcome{status: StatusUnavailable, detail: "circuit open"}
	}
	tctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	up, err := cs.upstream(tctx, s)
	if err == nil {
		err = call(tctx, up)
		if err != nil && !isProtocolError(err) && ctx.Err() == nil {
			cs.drop(s, up)
		}
	}
	out := outcome{wire: protocolError(err)}
	out.status, out.detail = cs.settleBreaker(ctx, s, err)
	return out
}

// settleBreaker tells s's breaker how the request went and classifies it.
// The client going away says nothing about the server.
func (cs *clientSession) settleBreaker(ctx context.Context, s *upstreamServer, err error) (status, detail string) {
	werr := protocolError(err)
	switch {
	case err == nil:
		s.brk.Success()
		return StatusOK, ""
	case ctx.Err() != nil:
		s.brk.Release()
		return StatusCanceled, "cancelled by the client"
	case werr != nil:
		s.brk.Success()
		return StatusError, werr.Message
	case errors.Is(err, errSessionEnded):
		s.brk.Release()
		return StatusCanceled, err.Error()
	case errors.Is(err, context.DeadlineExceeded):
		s.brk.Failure()
		return StatusTimeout, "no answer within " + s.cfg.Timeout.String()
	default:
		s.brk.Failure()
		cs.g.opts.Logger.Debug("mcp upstream failed", zapServer(s), zapDetail(scrubError(s, err)))
		return StatusUnavailable, scrubError(s, err)
	}
}

// codeRejected is the SDK's "rejected by transport" (jsonrpc2.ErrRejected):
// it wraps HTTP-level failures, so it says the server is not answering.
const codeRejected = -32005

// protocolError finds the server's own JSON-RPC error in err's tree (an
// answer: the server is alive), skipping the SDK's transport rejection.
func protocolError(err error) *jsonrpc.Error {
	if err == nil {
		return nil
	}
	if werr, ok := err.(*jsonrpc.Error); ok && werr.Code != codeRejected {
		return werr
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return protocolError(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if werr := protocolError(e); werr != nil {
				return werr
			}
		}
	}
	return nil
}

func isProtocolError(err error) bool { return protocolError(err) != nil }

// clientError is the client's error for a request that did not succeed
// upstream. A server's own protocol error keeps its code and message;
// transport failures are summarized, never echoed (they may name internal
// hosts).
func (o outcome) clientError(s *upstreamServer) error {
	switch o.status {
	case StatusError:
		if o.wire != nil {
			return &jsonrpc.Error{Code: o.wire.Code, Message: o.wire.Message}
		}
		return rpcError(codeUnavailable, "server %s: %s", s.cfg.Name, o.detail)
	case StatusCanceled:
		return context.Canceled
	case StatusTimeout:
		return rpcError(codeUnavailable, "server %s did not answer within %s", s.cfg.Name, s.cfg.Timeout)
	default:
		return rpcError(codeUnavailable, "server %s is unavailable", s.cfg.Name)
	}
}

// argsOrNil keeps an absent arguments object absent upstream.
func argsOrNil(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	return raw
}
