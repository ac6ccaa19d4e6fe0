package mcpgateway

import (
	"context"
	"strings"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/sira-ai/caddy-ai-backends/security"
)

// templateRef routes reads of URIs a resource template describes: by the
// template's fixed text before its first '{'.
type templateRef struct {
	prefix string
	ref    resourceRef
}

// resourceRef is where a resource URI the client listed lives.
type resourceRef struct {
	server *upstreamServer
	name   string // qualified
}

// fromEach runs list on every server whose breaker lets a request through,
// all at once, each under its server's timeout, and returns the results in
// configuration order. A server that fails or is down is left out (and
// observed): one broken server must not fail the client's whole list.
func fromEach[T any](cs *clientSession, ctx context.Context, method string,
	list func(context.Context, *mcp.ClientSession) ([]T, error)) [][]T {
	out := make([][]T, len(cs.g.servers))
	var wg sync.WaitGroup
	for i, s := range cs.g.servers {
		if !s.brk.Allow() {
			cs.g.observe(&Event{Server: s.cfg.Name, Method: method, Status: StatusUnavailable, Caller: cs.caller, Detail: "circuit open"})
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := cs.g.opts.Now()
			ev := Event{Server: s.cfg.Name, Method: method, Caller: cs.caller}
			tctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
			defer cancel()
			up, err := cs.upstream(tctx, s)
			if err == nil {
				out[i], err = list(tctx, up)
				if err != nil && !isProtocolError(err) {
					cs.drop(s, up)
				}
			}
			ev.Status, ev.Detail = cs.settleBreaker(ctx, s, err)
			ev.Duration = cs.g.opts.Now().Sub(start)
			cs.g.observe(&ev)
			if err != nil {
				out[i] = nil
			}
		}()
	}
	wg.Wait()
	return out
}

func collect[T any](seq func(yield func(T, error) bool)) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// allowed reports whether the server exposes local (its own name) and the
// caller's key may see qualified.
func (cs *clientSession) allowed(l *security.NameList, local, qualified string) bool {
	return l.Allows(local) && (cs.caller.Key == nil || cs.caller.Key.MCPToolAllowed(qualified))
}

func (cs *clientSession) listTools(ctx context.Context) (*mcp.ListToolsResult, error) {
	lists := fromEach(cs, ctx, "tools/list", func(ctx context.Context, up *mcp.ClientSession) ([]*mcp.Tool, error) {
		if r := up.InitializeResult(); r != nil && r.Capabilities != nil && r.Capabilities.Tools == nil {
			return nil, nil
		}
		return collect(up.Tools(ctx, nil))
	})
	tools := qualified(cs, lists, func(s *upstreamServer) *security.NameList { return &s.tools },
		func(t *mcp.Tool) *string { return &t.Name }, nil)
	return &mcp.ListToolsResult{Tools: tools}, nil
}

func (cs *clientSession) listPrompts(ctx context.Context) (*mcp.ListPromptsResult, error) {
	lists := fromEach(cs, ctx, "prompts/list", func(ctx context.Context, up *mcp.ClientSession) ([]*mcp.Prompt, error) {
		if r := up.InitializeResult(); r != nil && r.Capabilities != nil && r.Capabilities.Prompts == nil {
			return nil, nil // the server has none: asking would be a protocol error
		}
		return collect(up.Prompts(ctx, nil))
	})
	prompts := qualified(cs, lists, func(s *upstreamServer) *security.NameList { return &s.prompts },
		func(p *mcp.Prompt) *string { return &p.Name }, nil)
	return &mcp.ListPromptsResult{Prompts: prompts}, nil
}

// qualified merges the servers' lists (lists[i] is servers[i]'s) into one,
// each entry renamed server__name, leaving out what the server's exposure
// list or the caller's key does not allow. keep, when set, sees each allowed
// entry with its qualified name before the rename, and may leave it out too.
func qualified[T any](cs *clientSession, lists [][]*T, exposed func(*upstreamServer) *security.NameList, name func(*T) *string,
	keep func(s *upstreamServer, it *T, full string) bool) []*T {
	out := []*T{}
	for i, items := range lists {
		s := cs.g.servers[i]
		for _, it := range items {
			if it == nil {
				continue
			}
			local := *name(it)
			full := s.cfg.Name + Separator + local
			if !cs.allowed(exposed(s), local, full) || (keep != nil && !keep(s, it, full)) {
				continue
			}
			*name(it) = full
			out = append(out, it)
		}
	}
	return out
}

func (cs *clientSession) listResources(ctx context.Context) (*mcp.ListResourcesResult, error) {
	lists := fromEach(cs, ctx, "resources/list", func(ctx context.Context, up *mcp.ClientSession) ([]*mcp.Resource, error) {
		if r := up.InitializeResult(); r != nil && r.Capabilities != nil && r.Capabilities.Resources == nil {
			return nil, nil
		}
		return collect(up.Resources(ctx, nil))
	})
	owners := make(map[string]resourceRef)
	resources := qualified(cs, lists, exposedResources, func(r *mcp.Resource) *string { return &r.Name },
		func(s *upstreamServer, r *mcp.Resource, full string) bool {
			if _, dup := owners[r.URI]; dup {
				return false // two servers claim one URI: the first configured keeps it
			}
			owners[r.URI] = resourceRef{server: s, name: full}
			return true
		})
	cs.mu.Lock()
	cs.resources = owners
	cs.mu.Unlock()
	return &mcp.ListResourcesResult{Resources: resources}, nil
}

// exposedResources is the exposure list for resources and templates alike.
func exposedResources(s *upstreamServer) *security.NameList { return &s.resources }

func (cs *clientSession) listTemplates(ctx context.Context) (*mcp.ListResourceTemplatesResult, error) {
	lists := fromEach(cs, ctx, "resources/templates/list", func(ctx context.Context, up *mcp.ClientSession) ([]*mcp.ResourceTemplate, error) {
		if r := up.InitializeResult(); r != nil && r.Capabilities != nil && r.Capabilities.Resources == nil {
			return nil, nil
		}
		return collect(up.ResourceTemplates(ctx, nil))
	})
	var refs []templateRef
	templates := qualified(cs, lists, exposedResources, func(t *mcp.ResourceTemplate) *string { return &t.Name },
		func(s *upstreamServer, t *mcp.ResourceTemplate, full string) bool {
			if prefix, _, _ := strings.Cut(t.URITemplate, "{"); prefix != "" {
				refs = append(refs, templateRef{prefix: prefix, ref: resourceRef{server: s, name: full}})
			}
			return true
		})
	cs.mu.Lock()
	cs.templates = refs
	cs.mu.Unlock()
	return &mcp.ListResourceTemplatesResult{ResourceTemplates: templates}, nil
}
