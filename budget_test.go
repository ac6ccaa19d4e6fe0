package aibackends

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
	"github.com/sira-ai/caddy-ai-backends/security"
)

// Issue 14, items 4 to 6: budgets and token limits under concurrency and
// disconnects, through the handler against a fake OpenAI upstream.

const testClientKey = "sk-client-budget-test"

// heldUpstream is an OpenAI-compatible fake whose streams wait for the test
// before answering: every request reports on arrived, then waits for
// release (or the request's end) before sending `chunks` text chunks of
// "hello " and, when usage is set, a final usage chunk.
type heldUpstream struct {
	arrived chan struct{}
	release chan struct{}
	chunks  int
	// usage: the completion tokens reported; 0 sends no usage chunk, and
	// the stream then stays open until the client goes away (the issue's
	// "disconnect just before the usage chunk").
	completion int
	canceled   chan struct{} // a value per request whose context ended while held
}

func newHeldUpstream(chunks, completion int) *heldUpstream {
	return &heldUpstream{arrived: make(chan struct{}, 100), release: make(chan struct{}),
		chunks: chunks, completion: completion, canceled: make(chan struct{}, 100)}
}

func (u *heldUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	u.arrived <- struct{}{}
	select {
	case <-u.release:
	case <-r.Context().Done():
		u.canceled <- struct{}{}
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	f := w.(http.Flusher)
	for range u.chunks {
		fmt.Fprintf(w, "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hello \"},\"finish_reason\":null}]}\n\n")
		f.Flush()
	}
	if u.completion == 0 {
		<-r.Context().Done() // hold the stream open: no usage, no end
		u.canceled <- struct{}{}
		return
	}
	fmt.Fprintf(w, "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n")
	fmt.Fprintf(w, "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":%d,\"total_tokens\":%d}}\n\n", u.completion, 4+u.completion)
	fmt.Fprint(w, "data: [DONE]\n\n")
	f.Flush()
}

// keyedHandler provisions a handler in front of up with one model "m"
// (output $100 per million tokens, input free, at most 4096 output
// tokens) and one client key with the given limits (JSON fields).
func keyedHandler(t *testing.T, up http.Handler, limits string, top ...string) (*Handler, *observer.ObservedLogs) {
	t.Helper()
	srv := httptest.NewServer(up)
	t.Cleanup(srv.Close)
	h := pipeHandler(t, fmt.Sprintf(`{
		"providers":[{"type":"openai_compatible","name":"up","base_url":%q,"models":["m"],
			"model_overrides":{"m":{"max_output":4096,"input":0,"output":100}}}],
		"client_keys":[{"key":%q%s}]%s}`, srv.URL+"/v1", testClientKey, limits, strings.Join(top, "")))
	// The key's buckets and budget period run on a clock that stands
	// still: a loaded machine cannot refill a bucket mid-test.
	ring, err := security.NewKeyring([]security.ClientKeyConfig{keyConfig(h.ClientKeys[0])}, testclock.New().Now)
	if err != nil {
		t.Fatal(err)
	}
	h.keyring = ring
	core, logs := observer.New(zapcore.InfoLevel)
	h.logger = zap.NewNop()
	h.auditLog = zap.New(core)
	return h, logs
}

func keyConfig(k ClientKey) security.ClientKeyConfig {
	return security.ClientKeyConfig{Key: k.Key, TokensPerMinute: k.TokensPerMinute,
		BudgetUSD: k.BudgetUSD, BudgetPeriod: time.Duration(k.BudgetPeriod)}
}

func chatRequest(ctx context.Context, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", strings.NewReader(body)).WithContext(ctx)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+testClientKey)
	return r
}

// concurrentStreams starts n streams of body together and holds the
// upstream until every one was admitted (reached the upstream) or
// refused, then lets them finish. It returns how many were admitted.
func concurrentStreams(t *testing.T, h *Handler, up *heldUpstream, n int, body string) (admitted int, statuses map[int]int) {
	t.Helper()
	var wg sync.WaitGroup
	refused := make(chan int, n)
	codes := make(chan int, n)
	for range n {
		wg.Go(func() {
			w := httptest.NewRecorder()
			if err := h.ServeHTTP(w, chatRequest(context.Background(), body), nil); err != nil {
				t.Error(err)
			}
			codes <- w.Code
			if w.Code != http.StatusOK {
				refused <- w.Code
			}
		})
	}
	for decided := 0; decided < n; decided++ {
		select {
		case <-up.arrived:
			admitted++
		case <-refused:
		}
	}
	close(up.release)
	wg.Wait()
	close(codes)
	statuses = map[int]int{}
	for c := range codes {
		statuses[c]++
	}
	return admitted, statuses
}

// 20 concurrent streams against a $0.50 budget, each with max_tokens 1000
// ($0.10 reserved) that really produce 1200 completion tokens ($0.12, the
// estimate 20% low). Before reservations all 20 ran and spent $2.40.
func TestConcurrentStreamsStayWithinBudget(t *testing.T) {
	up := newHeldUpstream(3, 1200)
	h, _ := keyedHandler(t, up, `,"budget_usd":0.5,"budget_period":86400000000000`)
	body := `{"model":"m","stream":true,"max_tokens":1000,"messages":[{"role":"user","content":"hi"}]}`
	admitted, statuses := concurrentStreams(t, h, up, 20, body)
	if admitted != 5 || statuses[http.StatusOK] != 5 || statuses[http.StatusTooManyRequests] != 15 {
		t.Fatalf("admitted %d, statuses %v; want 5 answered and 15 refused with 429", admitted, statuses)
	}
	k := h.keyring.Lookup(testClientKey)
	spent := k.Spent()
	estimateError := float64(admitted) * (1200 - 1000) * 100 / 1e6
	if bound := 0.5 + estimateError; spent > bound+1e-9 || spent < 0.5 {
		t.Fatalf("spent $%.4f against $0.50; want at most $%.4f (budget + the admitted requests' estimate errors)", spent, bound)
	}
	if k.Reserved() != 0 {
		t.Fatalf("$%v still held after every request finished", k.Reserved())
	}
}

// The same with storage redis: the holds are in Redis, shared by every
// instance, and the spend lands there.
func TestConcurrentStreamsStayWithinBudgetWithRedis(t *testing.T) {
	addr := startTestRedis(t)
	up := newHeldUpstream(3, 1200)
	h, _ := keyedHandler(t, up, `,"budget_usd":0.5,"budget_period":86400000000000`,
		fmt.Sprintf(`,"storage":{"redis":{"address":%q,"key_prefix":%q,"timeout":2000000000}}`, addr, t.Name()+":"))
	body := `{"model":"m","stream":true,"max_tokens":1000,"messages":[{"role":"user","content":"hi"}]}`
	admitted, statuses := concurrentStreams(t, h, up, 20, body)
	if admitted != 5 || statuses[http.StatusTooManyRequests] != 15 {
		t.Fatalf("admitted %d, statuses %v; want 5 answered and 15 refused with 429", admitted, statuses)
	}
	fp := h.keyring.Lookup(testClientKey).Fingerprint()
	spent, err := h.shared.store.Spent(context.Background(), "budget:"+fp, 24*time.Hour)
	if err != nil || math.Abs(spent-0.6) > 1e-9 {
		t.Fatalf("Redis spend $%v (%v), want $0.60: five requests at $0.12", spent, err)
	}
	if held, _ := h.shared.store.Reserved(context.Background(), "budget:"+fp); held != 0 {
		t.Fatalf("$%v still held in Redis", held)
	}
	if k := h.keyring.Lookup(testClientKey); k.Spent() != 0 {
		t.Fatalf("the in-process limiter decided ($%v spent there), not Redis", k.Spent())
	}
}

// startTestRedis runs a private redis-server on a free loopback port, or
// skips when it is not installed.
func startTestRedis(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	// redis-server says when it accepts connections: no polling.
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "Ready to accept connections") {
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			return fmt.Sprintf("127.0.0.1:%d", port)
		}
	}
	t.Fatal("redis-server exited before accepting connections")
	return ""
}

// 20 concurrent streams without max_tokens against 3,000 tokens per
// minute. Each reserves its prompt estimate (4) plus the expected output
// (256), so at most 11 run; each really uses 4 + 300. Before, only the
// prompt was reserved and all 20 ran (the issue saw 4,000,000 tokens).
func TestConcurrentStreamsStayWithinTokensPerMinute(t *testing.T) {
	up := newHeldUpstream(3, 300)
	h, _ := keyedHandler(t, up, `,"tokens_per_minute":3000`)
	body := `{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}`
	admitted, statuses := concurrentStreams(t, h, up, 20, body)
	const reserved, used = 4 + 256, 4 + 300
	if admitted != 3000/reserved || statuses[http.StatusTooManyRequests] != 20-admitted {
		t.Fatalf("admitted %d, statuses %v; want %d admitted", admitted, statuses, 3000/reserved)
	}
	if total, bound := admitted*used, 3000+admitted*(used-reserved); total > bound {
		t.Fatalf("used %d tokens, bound %d", total, bound)
	}
}

// A client that goes away after most of the answer, before the usage
// chunk, is charged for what was streamed, estimated, and the audit entry
// says so. The upstream call is still cancelled at once.
func TestDisconnectBeforeUsageIsChargedAnEstimate(t *testing.T) {
	up := newHeldUpstream(10, 0) // 10 × "hello " = 60 characters, then no usage
	close(up.release)
	h, logs := keyedHandler(t, up, `,"budget_usd":10,"tokens_per_minute":100000`)
	served := make(chan struct{})
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(served)
		_ = h.ServeHTTP(w, r, nil)
	}))
	defer gw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	body := `{"model":"m","stream":true,"max_tokens":1000,"messages":[{"role":"user","content":"hi"}]}`
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, gw.URL+"/v1/chat/completions", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testClientKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(resp.Body)
	for got := 0; got < 10 && sc.Scan(); {
		if strings.Contains(sc.Text(), "hello") {
			got++
		}
	}
	cancel() // the client goes away; the usage chunk never comes
	resp.Body.Close()
	<-up.canceled // the upstream call was cancelled
	<-served

	entries := logs.FilterMessage("request").All()
	if len(entries) != 1 {
		t.Fatalf("%d audit entries", len(entries))
	}
	f := entries[0].ContextMap()
	if f["usage_estimated"] != true || f["prompt_tokens"] != int64(4) || f["completion_tokens"] != int64(15) {
		t.Fatalf("audit entry: usage_estimated=%v prompt=%v completion=%v; want true, 4, 15 (60 characters)",
			f["usage_estimated"], f["prompt_tokens"], f["completion_tokens"])
	}
	wantCost := 15 * 100 / 1e6
	if c := f["cost_usd"].(float64); math.Abs(c-wantCost) > 1e-12 {
		t.Fatalf("audit cost %v, want %v", c, wantCost)
	}
	k := h.keyring.Lookup(testClientKey)
	if spent := k.Spent(); math.Abs(spent-wantCost) > 1e-12 {
		t.Fatalf("spent %v, want %v", spent, wantCost)
	}
	if k.Reserved() != 0 {
		t.Fatalf("$%v still held", k.Reserved())
	}
}

// A stream with usage is not marked estimated.
func TestStreamWithUsageIsNotEstimated(t *testing.T) {
	up := newHeldUpstream(2, 50)
	close(up.release)
	h, logs := keyedHandler(t, up, ``)
	w := httptest.NewRecorder()
	_ = h.ServeHTTP(w, chatRequest(context.Background(),
		`{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}`), nil)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	f := logs.FilterMessage("request").All()[0].ContextMap()
	if f["usage_estimated"] != false || f["completion_tokens"] != int64(50) {
		t.Fatalf("audit: %v", f)
	}
}

// max_tokens beyond the model's output limit is a 400 naming the field;
// for a model whose limit is unknown, the huge value saturates instead of
// overflowing, and a tokens-per-minute key refuses it as too large.
func TestHugeMaxTokens(t *testing.T) {
	up := newHeldUpstream(1, 1)
	close(up.release)
	h, _ := keyedHandler(t, up, `,"tokens_per_minute":3000`)
	for _, c := range []struct {
		model, field string
		status       int
		want         string
	}{
		{"m", "max_tokens", 400, `"param":"max_tokens"`},
		{"m", "max_completion_tokens", 400, `"param":"max_completion_tokens"`},
		{"up/unknown-model", "max_tokens", 413, security.CodeRequestTooLarge},
	} {
		body := fmt.Sprintf(`{"model":%q,"%s":9223372036854775807,"messages":[{"role":"user","content":"hi"}]}`, c.model, c.field)
		w := httptest.NewRecorder()
		_ = h.ServeHTTP(w, chatRequest(context.Background(), body), nil)
		if w.Code != c.status || !strings.Contains(w.Body.String(), c.want) {
			t.Errorf("%s %s: %d %s; want %d with %s", c.model, c.field, w.Code, w.Body, c.status, c.want)
		}
	}
	select {
	case <-up.arrived:
		t.Fatal("a request reached the upstream")
	default:
	}
	// Within the limit still passes.
	w := httptest.NewRecorder()
	_ = h.ServeHTTP(w, chatRequest(context.Background(), `{"model":"m","max_tokens":2000,"stream":true,"messages":[{"role":"user","content":"hi"}]}`), nil)
	if w.Code != http.StatusOK {
		t.Fatalf("max_tokens 2000: %d %s", w.Code, w.Body)
	}
}
