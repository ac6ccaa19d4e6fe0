package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func day(d, h int) time.Time { return time.Date(2025, 3, d, h, 30, 0, 0, time.UTC) }

// knownLog writes a log with hand-countable contents; the expected report
// is spelled out in TestKnownTotals.
func knownLog(t testing.TB) []byte {
	var buf bytes.Buffer
	l := newLogWriter(&buf)
	ok := func(at time.Time, client, label, model, provider string, prompt, completion, cached int, cost float64) request {
		return request{at: at, client: client, label: label, model: model, provider: provider,
			deployment: provider + "/" + model, key: "kfp_up1", status: 200,
			prompt: prompt, completion: completion, cached: cached, cost: cost, cache: "miss",
			latency: 1500 * time.Millisecond, ttft: 200 * time.Millisecond, strategy: "cost"}
	}
	// Day 1.
	l.request(ok(day(1, 9), "kfp_a", "team-a", "gpt-4o", "openai", 100, 50, 10, 0.25))
	hit := ok(day(1, 10), "kfp_a", "team-a", "gpt-4o", "openai", 100, 50, 10, 0)
	hit.cache, hit.deployment = "hit", ""
	l.request(hit)
	l.request(ok(day(1, 11), "kfp_b", "team-b", "claude-sonnet-4-5", "anthropic", 200, 100, 0, 0.5))
	fail := ok(day(1, 12), "kfp_b", "team-b", "claude-sonnet-4-5", "anthropic", 0, 0, 0, 0)
	fail.status, fail.errorType, fail.retries, fail.fallbacks = 502, "upstream", 2, 1
	l.request(fail)
	l.noise(day(1, 13))
	// Day 2: two denials, a degraded alias answer, a stale one, a blocked prompt.
	l.request(request{at: day(2, 8), client: "kfp_c", label: "ops", model: "gpt-4o", status: 401, errorType: "auth"})
	l.request(request{at: day(2, 9), client: "kfp_c", label: "ops", model: "gpt-4o", status: 429, errorType: "rate_limited"})
	l.anomaly(day(2, 9), "kfp_c", "ops")
	alias := ok(day(2, 10), "kfp_a", "team-a", "gpt-4o-mini", "openai", 1000, 500, 0, 0.125)
	alias.degraded = "alias"
	l.request(alias)
	stale := ok(day(2, 11), "kfp_b", "team-b2", "claude-sonnet-4-5", "anthropic", 200, 100, 0, 0)
	stale.cache, stale.degraded, stale.deployment = "stale", "stale", ""
	l.request(stale)
	l.sensitive(day(2, 12), "blocked", "kfp_a")
	l.request(request{at: day(2, 12), client: "kfp_a", label: "team-a", model: "gpt-4o", status: 400, errorType: "invalid_request"})
	l.sensitive(day(2, 13), "redacted", "kfp_a")
	l.request(ok(day(2, 13), "kfp_a", "team-a", "gpt-4o", "openai", 300, 0, 0, 0.0625))
	l.answerRedacted(day(2, 14))
	// An upstream 401: an error, not a denial (a deployment was chosen).
	up401 := ok(day(2, 15), "kfp_b", "team-b2", "gpt-4o", "openai", 0, 0, 0, 0)
	up401.status, up401.errorType = 401, "auth"
	l.request(up401)
	l.keyDisabled(day(2, 15), "openai", "kfp_up1")
	l.management(day(2, 16), "ana@10.0.0.5:5123", "team.create", "", "ml")
	l.management(day(2, 16), "ana@10.0.0.5:5123", "key.create", "kfp_m1", "ml")
	l.management(day(2, 17), "127.0.0.1:40000", "key.update", "kfp_m1", "ml")
	l.management(day(2, 18), "127.0.0.1:40000", "key.revoke", "kfp_m1", "ml")
	// Day 5: the biggest spender, once; and a request without client key.
	l.request(ok(day(5, 7), "kfp_d", "", "gpt-4o", "openai", 2000, 1000, 0, 1))
	l.request(ok(day(5, 8), "", "", "sim-small", "demo", 1, 1, 0, 0))
	return buf.Bytes()
}

func generate(t testing.TB, log []byte, opts Options) *Report {
	t.Helper()
	r, err := Generate(bytes.NewReader(log), opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestKnownTotals(t *testing.T) {
	r := generate(t, knownLog(t), Options{})
	if want := (LineStats{Read: 25, Audit: 13, Security: 5, Management: 4, Other: 3}); r.Lines != want {
		t.Errorf("lines = %+v, want %+v", r.Lines, want)
	}
	m := r.Management
	if len(m.Actions) != 4 || len(m.Actors) != 2 || m.Actors[1] != (Count{Name: "ana@10.0.0.5:5123", Count: 2}) ||
		len(m.Keys) != 1 || m.Keys[0] != (KeyActions{ClientKey: "kfp_m1", Created: 1, Updated: 1, Revoked: 1}) {
		t.Errorf("management = %+v", m)
	}
	wantTotals := Usage{Requests: 13, Errors: 5, PromptTokens: 100 + 200 + 1000 + 300 + 2000 + 1,
		CompletionTokens: 50 + 100 + 500 + 1000 + 1, CachedTokens: 10, CostUSD: 1.9375, CacheHits: 2}
	if r.Totals != wantTotals {
		t.Errorf("totals = %+v, want %+v", r.Totals, wantTotals)
	}
	wantClients := []ClientUsage{
		{"", "", Usage{Requests: 1, PromptTokens: 1, CompletionTokens: 1}},
		{"kfp_a", "team-a", Usage{Requests: 5, Errors: 1, PromptTokens: 1400, CompletionTokens: 550, CachedTokens: 10, CostUSD: 0.4375, CacheHits: 1}},
		{"kfp_b", "team-b2", Usage{Requests: 4, Errors: 2, PromptTokens: 200, CompletionTokens: 100, CostUSD: 0.5, CacheHits: 1}},
		{"kfp_c", "ops", Usage{Requests: 2, Errors: 2}},
		{"kfp_d", "", Usage{Requests: 1, PromptTokens: 2000, CompletionTokens: 1000, CostUSD: 1}},
	}
	if !reflect.DeepEqual(r.Clients, wantClients) {
		t.Errorf("clients =\n%+v\nwant\n%+v", r.Clients, wantClients)
	}
	wantModels := []NamedUsage{
		{"claude-sonnet-4-5", Usage{Requests: 3, Errors: 1, PromptTokens: 200, CompletionTokens: 100, CostUSD: 0.5, CacheHits: 1}},
		{"gpt-4o", Usage{Requests: 8, Errors: 4, PromptTokens: 2400, CompletionTokens: 1050, CachedTokens: 10, CostUSD: 1.3125, CacheHits: 1}},
		{"gpt-4o-mini", Usage{Requests: 1, PromptTokens: 1000, CompletionTokens: 500, CostUSD: 0.125}},
		{"sim-small", Usage{Requests: 1, PromptTokens: 1, CompletionTokens: 1}},
	}
	if !reflect.DeepEqual(r.Models, wantModels) {
		t.Errorf("models =\n%+v\nwant\n%+v", r.Models, wantModels)
	}
	wantProviders := []NamedUsage{
		{"anthropic", Usage{Requests: 3, Errors: 1, PromptTokens: 200, CompletionTokens: 100, CostUSD: 0.5, CacheHits: 1}},
		{"demo", Usage{Requests: 1, PromptTokens: 1, CompletionTokens: 1}},
		{"none", Usage{Requests: 3, Errors: 3}},
		{"openai", Usage{Requests: 6, Errors: 1, PromptTokens: 3400, CompletionTokens: 1550, CachedTokens: 10, CostUSD: 1.4375, CacheHits: 1}},
	}
	if !reflect.DeepEqual(r.Providers, wantProviders) {
		t.Errorf("providers =\n%+v\nwant\n%+v", r.Providers, wantProviders)
	}
	checkCounts(t, "status classes", r.StatusClasses, []Count{{"2xx", 8}, {"4xx", 4}, {"5xx", 1}})
	checkCounts(t, "errors", r.Errors, []Count{{"auth", 2}, {"invalid_request", 1}, {"rate_limited", 1}, {"upstream", 1}})
	checkCounts(t, "denials", r.Denials, []Count{{"auth", 1}, {"rate_limited", 1}})
	checkCounts(t, "cache", r.Cache, []Count{{"hit", 1}, {"miss", 8}, {"stale", 1}})
	checkCounts(t, "degraded", r.Degraded, []Count{{"alias", 1}, {"stale", 1}})
	wantSecurity := Security{BlockedRequests: 1, PromptRedactions: 1, ResponseRedactions: 1, KeyDisables: 1, AnomalyBlocks: 1, Denials: 2,
		DisabledKeys:   []KeyEvents{{Provider: "openai", Key: "kfp_up1", Count: 1}},
		AnomalyClients: []ClientEvents{{ClientKey: "kfp_c", Label: "ops", Count: 1}}}
	if !reflect.DeepEqual(r.Security, wantSecurity) {
		t.Errorf("security = %+v, want %+v", r.Security, wantSecurity)
	}
	if want := (Coverage{First: day(1, 9), Last: day(5, 8), Days: 3}); r.Coverage != want {
		t.Errorf("coverage = %+v, want %+v", r.Coverage, want)
	}
	topCost := clientKeys(r.TopClientsByCost)
	if want := []string{"kfp_d", "kfp_b", "kfp_a", "", "kfp_c"}; !reflect.DeepEqual(topCost, want) {
		t.Errorf("top by cost = %q, want %q", topCost, want)
	}
	topReq := clientKeys(r.TopClientsByRequests)
	if want := []string{"kfp_a", "kfp_b", "kfp_c", "", "kfp_d"}; !reflect.DeepEqual(topReq, want) {
		t.Errorf("top by requests = %q, want %q", topReq, want)
	}
	if short := generate(t, knownLog(t), Options{TopN: 2}); len(short.TopClientsByCost) != 2 {
		t.Errorf("TopN 2: %d rows", len(short.TopClientsByCost))
	}
}

func checkCounts(t *testing.T, what string, got, want []Count) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %+v, want %+v", what, got, want)
	}
}

func clientKeys(cs []ClientUsage) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ClientKey
	}
	return out
}

func TestMalformedLines(t *testing.T) {
	var log bytes.Buffer
	log.Write(knownLog(t)[:0])
	l := newLogWriter(&log)
	l.request(request{at: day(1, 1), client: "kfp_a", model: "m", provider: "p", status: 200, prompt: 7, cost: 0.5})
	audit := `{"level":"info","ts":1740800000.5,"logger":"http.handlers.ai_backends.audit","msg":"request"`
	log.WriteString(strings.Join([]string{
		"garbage that is not JSON",
		audit,                              // truncated JSON
		audit + `,"status":"two hundred"}`, // wrong type
		audit + `,"prompt_tokens":-5}`,     // impossible value
		audit + `,"cost_usd":1e400}`,       // out of range
		`{"ts":"yesterday","logger":"http.handlers.ai_backends.audit","msg":"request"}`, // bad ts
		`{"logger":"http.handlers.ai_backends.audit","msg":"request","status":200}`,     // no ts
		`{"ts":1e30,"logger":"http.handlers.ai_backends.audit","msg":"request"}`,        // absurd ts
		"\x00\xff\xfe",
		"[1,2,3]", // JSON, but no log entry
		`{"logger":"some.other","msg":"request","status":"text is fine here"}`, // other, types ignored
		"",
		"   ",
		`{"level":"info","ts":1740800000,"logger":"http.log.access","msg":"handled request"}` + "\r",
		audit + strings.Repeat(" ", 2000) + `}`, // too long with MaxLineBytes 1024
	}, "\n"))
	log.WriteString("\n" + audit + `,"status":200,"model":"last"}`) // final line without newline
	r := generate(t, log.Bytes(), Options{MaxLineBytes: 1024})
	if want := (LineStats{Read: 15, Audit: 2, Other: 2, Malformed: 11}); r.Lines != want {
		t.Errorf("lines = %+v, want %+v", r.Lines, want)
	}
	if r.Totals.Requests != 2 || r.Totals.PromptTokens != 7 || r.Totals.CostUSD != 0.5 {
		t.Errorf("totals = %+v", r.Totals)
	}
	if len(r.Models) != 2 || r.Models[0].Name != "last" {
		t.Errorf("models = %+v", r.Models)
	}
}

func TestLongLinesSkippedNotFatal(t *testing.T) {
	// A line far above the 64 KiB read buffer and the limit, then a good one.
	var log bytes.Buffer
	log.WriteString(`{"x":"` + strings.Repeat("a", 300<<10) + "\"}\n")
	newLogWriter(&log).request(request{at: day(1, 1), model: "m", status: 200})
	r := generate(t, log.Bytes(), Options{MaxLineBytes: 100 << 10})
	if want := (LineStats{Read: 2, Audit: 1, Malformed: 1}); r.Lines != want {
		t.Errorf("lines = %+v, want %+v", r.Lines, want)
	}
}

func TestTimeWindow(t *testing.T) {
	since, err := ParseSince("2025-03-02")
	if err != nil {
		t.Fatal(err)
	}
	until, err := ParseUntil("2025-03-02") // the whole day
	if err != nil {
		t.Fatal(err)
	}
	r := generate(t, knownLog(t), Options{Since: since, Until: until})
	if want := (LineStats{Read: 25, Audit: 7, Security: 5, Management: 4, Other: 3, OutsideWindow: 6}); r.Lines != want {
		t.Errorf("lines = %+v, want %+v", r.Lines, want)
	}
	if r.Totals.Requests != 7 || r.Totals.CostUSD != 0.1875 || r.Coverage.Days != 1 {
		t.Errorf("totals = %+v, coverage %+v", r.Totals, r.Coverage)
	}
	// RFC 3339 bounds: since inclusive, until exclusive.
	since, _ = ParseSince("2025-03-01T11:30:00Z")
	until, _ = ParseUntil("2025-03-02T08:30:00+00:00")
	r = generate(t, knownLog(t), Options{Since: since, Until: until})
	if r.Lines.Audit != 2 || r.Coverage.First != day(1, 11) || r.Coverage.Last != day(1, 12) {
		t.Errorf("RFC 3339 window: %+v %+v", r.Lines, r.Coverage)
	}
	for _, bad := range []string{"yesterday", "2025-13-01", "2025-03-01 10:00"} {
		if _, err := ParseSince(bad); err == nil {
			t.Errorf("ParseSince(%q) accepted", bad)
		}
	}
	if tm, err := ParseUntil(""); err != nil || !tm.IsZero() {
		t.Errorf(`ParseUntil("") = %v, %v`, tm, err)
	}
}

func TestTimestampFormats(t *testing.T) {
	want := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	for _, ts := range []string{
		"1740823200", "1740823200.0", "1740823200000", "1740823200000000", "1740823200000000000",
		`"2025-03-01T10:00:00Z"`, `"2025-03-01T11:00:00+01:00"`, `"2025-03-01T10:00:00.000Z"`,
		`"2025-03-01T10:00:00.000+0000"`, `"2025/03/01 10:00:00.000"`, `"01/Mar/2025:10:00:00 +0000"`,
	} {
		got, ok := parseTS([]byte(ts))
		if !ok || !got.Equal(want) {
			t.Errorf("parseTS(%s) = %v, %v", ts, got, ok)
		}
	}
	for _, ts := range []string{"", "-1", "null", `"x"`, "1e300", "NaN", "{}", `"2300-01-01T00:00:00Z"`} {
		if _, ok := parseTS([]byte(ts)); ok {
			t.Errorf("parseTS(%s) accepted", ts)
		}
	}
}

func TestCleanNames(t *testing.T) {
	var log bytes.Buffer
	l := newLogWriter(&log)
	l.request(request{at: day(1, 1), model: "evil\x1b[31mred\tx\xff", status: 200})
	l.request(request{at: day(1, 2), model: strings.Repeat("é", 300), status: 200})
	r := generate(t, log.Bytes(), Options{})
	if r.Models[0].Name != "evil?[31mred?x\uFFFD" { // zap already replaced \xff
		t.Errorf("cleaned name = %q", r.Models[0].Name)
	}
	if got := clean("a\xffb\x00c\u202e"); got != "a?b?c?" {
		t.Errorf("clean = %q", got)
	}
	if n := r.Models[1].Name; len(n) > maxNameLen || !strings.HasPrefix(n, "éé") {
		t.Errorf("long name kept as %d bytes", len(n))
	}
}

func TestGroupsAreBounded(t *testing.T) {
	var log bytes.Buffer
	l := newLogWriter(&log)
	for i := range 50 {
		l.request(request{at: day(1, 1), model: "m" + string(rune('A'+i)), status: 200, prompt: 1})
	}
	r := generate(t, log.Bytes(), Options{MaxGroups: 10})
	if len(r.Models) != 11 { // 10 + "(other)"
		t.Fatalf("%d model rows", len(r.Models))
	}
	var other int64
	for _, m := range r.Models {
		if m.Name == OtherGroup {
			other = m.Requests
		}
	}
	if other != 40 || r.Totals.Requests != 50 {
		t.Errorf("other = %d, totals %d", other, r.Totals.Requests)
	}
}

// TestFormats compares the three renderings of the known log with the
// golden files (go test ./report -run TestFormats -update rewrites them).
func TestFormats(t *testing.T) {
	since, _ := ParseSince("2025-03-01")
	r := generate(t, knownLog(t), Options{Since: since})
	for _, format := range Formats {
		var out bytes.Buffer
		if err := r.Write(&out, format); err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "report."+format)
		if *update {
			if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), want) {
			t.Errorf("%s output differs from %s:\n%s", format, golden, out.String())
		}
	}
	if err := r.Write(&bytes.Buffer{}, "xml"); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestEmptyLog(t *testing.T) {
	r := generate(t, nil, Options{})
	var out bytes.Buffer
	if err := r.WriteJSON(&out); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out.Bytes(), []byte("null")) {
		t.Errorf("empty report has null lists:\n%s", out.String())
	}
	out.Reset()
	if err := r.WriteText(&out); err != nil || !strings.Contains(out.String(), "no entries") {
		t.Errorf("text: %v\n%s", err, out.String())
	}
}

func TestCSVDefusesFormulas(t *testing.T) {
	var log bytes.Buffer
	newLogWriter(&log).request(request{at: day(1, 1), model: "=HYPERLINK(\"x\")", status: 200})
	var out bytes.Buffer
	if err := generate(t, log.Bytes(), Options{}).WriteCSV(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `model,"'=HYPERLINK(""x"")"`) {
		t.Errorf("formula not defused:\n%s", out.String())
	}
}
