package metrics

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"

	"github.com/sira-ai/caddy-ai-backends/catalog"
)

func TestFailedStatuses(t *testing.T) {
	for status, want := range map[int]bool{
		0: true, 200: false, 201: false, 400: false, 401: true, 403: true, 404: false,
		408: true, 413: false, 422: false, 429: true, 499: false, 500: true, 502: true,
		503: true, 504: true, 529: true, 700: true,
	} {
		if got := failed(status); got != want {
			t.Errorf("failed(%d) = %v, want %v", status, got, want)
		}
	}
}

func TestBreakerValue(t *testing.T) {
	for name, want := range map[string]int{"closed": 0, "half_open": 1, "half-open": 1, "open": 2, "State(9)": 2} {
		if got := BreakerValue(name); got != want {
			t.Errorf("BreakerValue(%q) = %d, want %d", name, got, want)
		}
	}
}

func TestKeyRequestsNeverExposeKeys(t *testing.T) {
	const secret = "sk-proj-SECRET0123456789abcdef"
	const fp = "kfp_0123456789abcdef"
	IncKeyRequest("key-p", fp)
	IncKeyRequest("key-p", secret) // a caller mistake
	if got := value(t, keyRequests.WithLabelValues("key-p", fp)); got != 1 {
		t.Fatalf("fingerprint series = %v, want 1", got)
	}
	if got := value(t, keyRequests.WithLabelValues("key-p", invalidKey)); got != 1 {
		t.Fatalf("invalid series = %v, want 1", got)
	}
	var out bytes.Buffer
	enc := expfmt.NewEncoder(&out, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range gather(t) {
		if err := enc.Encode(mf); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Contains(out.String(), "SECRET") {
		t.Fatal("a key reached the exposition")
	}
}

func TestFingerprint(t *testing.T) {
	for in, want := range map[string]string{
		"kfp_0123456789abcdef":  "kfp_0123456789abcdef",
		"kfp_0123456789ABCDEF":  invalidKey,
		"kfp_0123456789abcde":   invalidKey,
		"kfp_0123456789abcdef0": invalidKey,
		"sk-0123456789abcdef00": invalidKey,
		"":                      invalidKey,
	} {
		if got := fingerprint(in); got != want {
			t.Errorf("fingerprint(%q) = %q, want %q", in, got, want)
		}
	}
}

// Label values that would make the Prometheus client panic, or that are
// empty, are replaced rather than exported.
func TestUnsafeLabelValues(t *testing.T) {
	bad := Labels{Provider: "bad-p", Model: "\xff\xfe"}
	ObserveRequest(bad, 200, time.Millisecond)
	AddTokens(bad, catalog.Tokens{Input: 1})
	ObserveRequest(Labels{Provider: "bad-p"}, 400, time.Millisecond)
	ObserveRequest(Labels{Provider: "bad-p", Model: strings.Repeat("m", 500)}, 200, time.Millisecond)
	if got := value(t, requestsTotal.WithLabelValues("bad-p", Other, "200")); got != 2 {
		t.Fatalf("other = %v, want 2", got)
	}
	if got := value(t, requestsTotal.WithLabelValues("bad-p", None, "400")); got != 1 {
		t.Fatalf("none = %v, want 1", got)
	}
	InflightAdd("", 1)
	InflightAdd("", -1)
	SetBreakerState("\xff", "", BreakerOpen)
	IncFallback("\xff", "")
	gather(t) // the pedantic registry must accept everything
}

// No label may identify a person, a client or a secret.
func TestLabelNamesCarryNoIdentity(t *testing.T) {
	touchAll()
	allowed := map[string]bool{
		"provider": true, "model": true, "status": true, "currency": true, "type": true,
		"from": true, "to": true, "strategy": true, "deployment": true, "result": true,
		"event": true, "key": true, "mode": true,
		"source": true,                 // a configured catalog path or credential-free URL
		"server": true, "method": true, // a configured MCP server, an MCP method
	}
	for _, mf := range gather(t) {
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if !allowed[lp.GetName()] {
					t.Errorf("%s has label %q", mf.GetName(), lp.GetName())
				}
				if lp.GetName() == "key" && fingerprint(lp.GetValue()) == invalidKey && lp.GetValue() != invalidKey {
					t.Errorf("%s key label %q is not a fingerprint", mf.GetName(), lp.GetValue())
				}
			}
		}
	}
}
