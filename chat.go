package aibackends

import (
	"context"
	"io"
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/internal/sat"
	"github.com/sira-ai/caddy-ai-backends/metrics"
	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/routing"
)

// chatEndpoint serves a chat endpoint whose body decode turns into the
// unified request: every chat dialect shares the checks, limits and
// pipeline below.
func chatEndpoint(decode dialects.ChatDecoder) func(h *Handler, w http.ResponseWriter, r *http.Request, rec *record) {
	return func(h *Handler, w http.ResponseWriter, r *http.Request, rec *record) {
		body, e := h.readBody(w, r)
		var req *providers.ChatRequest
		var cw dialects.ChatWriter
		if e == nil {
			req, cw, e = decode(body, r)
		}
		if e == nil {
			e = h.validateChat(req)
		}
		if e == nil {
			e = capMaxTokens(rec, req)
		}
		if e != nil {
			h.fail(w, rec, e)
			return
		}
		h.chat(w, r, rec, req, cw)
	}
}

// chat admits, filters, answers from the cache or routes a validated chat
// request, and falls back to degraded mode when every provider failed.
func (h *Handler) chat(w http.ResponseWriter, r *http.Request, rec *record, req *providers.ChatRequest, cw dialects.ChatWriter) {
	rec.model = req.Model
	rec.traceRequest(req)
	ds := h.catalog.resolve(req.Model)
	if len(ds) == 0 {
		h.fail(w, rec, errNoDeployment(req.Model))
		return
	}
	if e := checkOutputLimit(req, ds); e != nil {
		h.fail(w, rec, e)
		return
	}
	estimate := h.promptSize(req, ds, rec.clientKey)
	rec.promptEstimate = estimate
	var adm admission
	if rec.clientKey != nil {
		adm = h.chatAdmission(req, ds, estimate)
	}
	if !h.admit(w, r, rec, req.Model, adm) {
		return
	}
	if e := h.filterRequest(rec, req); e != nil {
		h.fail(w, rec, e)
		return
	}
	h.auditPrompt(rec, req)
	key := h.chatCacheKey(r, rec, req)
	if key != "" && h.serveCachedChat(w, r, rec, req, cw, key) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeDuration(h.Retry.Deadline))
	defer cancel()
	err := h.chatUpstream(ctx, w, r, rec, req, cw, ds, estimate, key)
	if err != nil && !rec.committed && err.Fallback() {
		if h.cache != nil && h.staleChat(w, rec, req, cw, key) {
			return
		}
		if alias := h.DegradeTo; alias != "" && alias != req.Model {
			if dds := h.catalog.resolve(alias); len(dds) > 0 {
				rec.degraded = "alias"
				metrics.IncDegraded("alias")
				w.Header().Set("X-AI-Degraded", alias)
				err = h.chatUpstream(ctx, w, r, rec, req, cw, dds, estimate, "")
			}
		}
	}
	if err != nil {
		if rec.committed {
			rec.setError(err)
		} else {
			h.fail(w, rec, err)
		}
	}
}

// chatUpstream routes the request over ds and writes the answer.
func (h *Handler) chatUpstream(ctx context.Context, w http.ResponseWriter, r *http.Request, rec *record, req *providers.ChatRequest, cw dialects.ChatWriter, ds []*deployment, estimate int, key string) *providers.Error {
	p := h.makePlan(r, ds, routing.Request{
		Model: req.Model, PromptTokens: estimate, MaxTokens: req.OutputLimit(),
		NeedsVision: needsVision(req), NeedsTools: len(req.Tools) > 0,
		NeedsJSON: req.ResponseFormat.WantsJSON(), Stream: req.Stream,
	})
	if e := keepRelaying(&p, req); e != nil {
		return e
	}
	rec.plan(p)
	if len(p.order) == 0 {
		return &providers.Error{Kind: providers.KindUnsupported, Code: "no_capable_deployment",
			Message: "no deployment of " + req.Model + " can serve this request (" + lastOr(p.decision.Reasoning, "capability filter") + ")"}
	}
	if req.Stream {
		var acc *streamAccumulator
		if key != "" {
			rec.cache = "miss"
			metrics.IncCache("miss")
		}
		if key != "" || h.AuditPrompts || h.tracesContent(rec) {
			acc = &streamAccumulator{}
		}
		err := h.run(ctx, rec, p, func(a *attempt) (bool, error) { return h.streamAttempt(w, r, rec, req, cw, a, acc, key != "") })
		if err == nil && acc != nil {
			resp := acc.response()
			h.storeChat(key, rec, resp)
			h.auditAnswer(rec, resp)
		}
		return err
	}
	call := func(ctx context.Context) (*providers.ChatResponse, *providers.Error) {
		var resp *providers.ChatResponse
		err := h.run(ctx, rec, p, func(a *attempt) (bool, error) {
			var err error
			resp, err = a.d.up.provider.Chat(a.ctx, a.target(), reasoningFor(req, a.d))
			rec.traceResponse(resp)
			return false, err
		})
		return resp, err
	}
	if key != "" {
		entry, shared, err := h.collapsedChat(ctx, rec, key, call)
		if err != nil {
			return err
		}
		if shared {
			h.replay(w, rec, req, cw, entry, "hit")
			return nil
		}
		rec.cache = "miss"
		metrics.IncCache("miss")
		w.Header().Set("X-AI-Cache", "MISS")
		resp, _ := decodeEntry(entry)
		return h.writeChat(w, r, rec, req, cw, p, resp)
	}
	resp, err := call(ctx)
	if err != nil {
		return err
	}
	return h.writeChat(w, r, rec, req, cw, p, resp)
}

// writeChat sends a complete answer with the routing and cost headers.
func (h *Handler) writeChat(w http.ResponseWriter, r *http.Request, rec *record, req *providers.ChatRequest, cw dialects.ChatWriter, p plan, resp *providers.ChatResponse) *providers.Error {
	if resp == nil {
		return &providers.Error{Kind: providers.KindInternal, Message: "empty answer from the provider"}
	}
	if err := h.loadChoices(resp, dialects.NeedsChoices(cw, resp) || h.tracesContent(rec)); err != nil {
		return err
	}
	rec.usage = resp.Usage
	h.filterResponse(rec, resp)
	h.auditAnswer(rec, resp)
	h.decisionHeaders(w, r, rec, p)
	h.noteDroppedChat(w, rec, req)
	h.costHeader(w, rec)
	rec.committed = true
	noteReasoningSource(rec, req)
	cw.Response(w, resp, req)
	return nil
}

// loadChoices decodes a relayed answer's choices when this request reads
// them: to filter secrets, to audit the answer, or because the client's
// dialect re-encodes them (writerNeeds). A pass-through answer otherwise
// goes out without its messages ever being decoded.
func (h *Handler) loadChoices(resp *providers.ChatResponse, writerNeeds bool) *providers.Error {
	if !writerNeeds && !h.AuditPrompts && !h.redactsResponses() {
		return nil
	}
	if err := resp.LoadChoices(); err != nil {
		return &providers.Error{Kind: providers.KindUpstream, Message: "upstream answered with invalid JSON", Err: err}
	}
	return nil
}

// streamAttempt opens a stream and reads its first event before anything
// reaches the client, so a failure up to then can still be retried; after
// the first byte the stream is committed.
func (h *Handler) streamAttempt(w http.ResponseWriter, r *http.Request, rec *record, req *providers.ChatRequest, cw dialects.ChatWriter, a *attempt, acc *streamAccumulator, cached bool) (bool, error) {
	s, err := a.d.up.provider.ChatStream(a.ctx, a.target(), reasoningFor(req, a.d))
	if err != nil {
		return false, err
	}
	defer s.Close()
	first, err := s.Next()
	if err != nil {
		if err == io.EOF {
			err = &providers.Error{Kind: providers.KindNetwork, Message: "upstream closed the stream before sending anything"}
		}
		return false, err
	}
	a.ttft = h.now().Sub(a.start)
	rec.ttft = a.ttft
	rec.traceChunk(first, a.ttft)
	a.touch()
	h.decisionHeaders(w, r, rec, plan{decision: rec.decision})
	h.noteDroppedChat(w, rec, req)
	if cached {
		w.Header().Set("X-AI-Cache", "MISS")
	}
	rec.committed = true
	rec.streamed = true
	noteReasoningSource(rec, req)
	sink := cw.Stream(w, req)
	for c := first; ; {
		if c.Usage != nil {
			rec.usage = c.Usage
		}
		rec.streamedChars = sat.Add(rec.streamedChars, streamedChars(c))
		if acc != nil {
			acc.add(c)
		}
		h.filterChunk(rec, c)
		if werr := sink.Chunk(c); werr != nil {
			// The client went away: returning cancels the upstream call.
			return true, &providers.Error{Kind: providers.KindCanceled, Message: "client disconnected", Err: werr}
		}
		c, err = s.Next()
		if err == nil {
			rec.traceChunk(c, 0)
		}
		if err == io.EOF {
			sink.End(nil)
			return true, nil
		}
		if err != nil {
			e := providers.Classify(err)
			if a.ctx.Err() != nil && r.Context().Err() == nil {
				e = &providers.Error{Kind: providers.KindTimeout, Provider: a.d.up.name, Code: "upstream_timeout",
					Message: "the upstream stream stalled"}
			}
			if e.Kind != providers.KindCanceled {
				sink.End(e)
			}
			return true, e
		}
		a.touch()
	}
}

func needsVision(req *providers.ChatRequest) bool {
	for _, m := range req.Messages {
		if m.Content.HasImage() {
			return true
		}
	}
	return false
}

func lastOr(s []string, def string) string {
	if len(s) > 0 {
		return s[len(s)-1]
	}
	return def
}
