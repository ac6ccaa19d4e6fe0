package aibackends

import (
	"fmt"
	"strings"
	"testing"
)

func TestRecentRequestsKeepsTheNewest(t *testing.T) {
	r := new(recentRequests)
	if got := r.list(10); len(got) != 0 {
		t.Fatalf("empty ring lists %d entries", len(got))
	}
	for i := 0; i < recentCapacity+10; i++ {
		r.add(&recentEntry{RequestID: fmt.Sprint(i), reasoning: []string{"a", fmt.Sprint(i)}})
	}
	all := r.list(0)
	if len(all) != recentCapacity {
		t.Fatalf("%d entries, want %d", len(all), recentCapacity)
	}
	if all[0].RequestID != fmt.Sprint(recentCapacity+9) || all[len(all)-1].RequestID != "10" {
		t.Fatalf("newest %s, oldest %s", all[0].RequestID, all[len(all)-1].RequestID)
	}
	if all[0].Reasoning != fmt.Sprintf("a; %d", recentCapacity+9) {
		t.Fatalf("reasoning %q", all[0].Reasoning)
	}
	if got := r.list(3); len(got) != 3 || got[2].RequestID != fmt.Sprint(recentCapacity+7) {
		t.Fatalf("list(3) = %+v", got)
	}
}

// The ring is fed from finish: one chat request appears with the facts
// its audit entry has, and the overview counts it.
func TestConsoleSeesFinishedRequests(t *testing.T) {
	activity, recent := new(activitySeries), new(recentRequests)
	h := pipeHandler(t, `{"providers":[{"type":"sim","name":"sim","models":["sim"],"max_output":5}],
		"client_keys":[{"key":"sk-console-test","label":"team-a"}]}`, func(h *Handler) {
		h.activity, h.recent = activity, recent
	})
	w := pipeDo(t, h, "POST", "/v1/chat/completions", pipeChat("sim", false), "Authorization", "Bearer sk-console-test")
	if w.Code != 200 {
		t.Fatalf("chat: %d %s", w.Code, w.Body)
	}
	w = pipeDo(t, h, "POST", "/v1/chat/completions", pipeChat("sim", false), "Authorization", "Bearer wrong")
	if w.Code != 401 {
		t.Fatalf("wrong key: %d", w.Code)
	}
	got := recent.list(0)
	if len(got) != 2 {
		t.Fatalf("%d recent requests, want 2: %+v", len(got), got)
	}
	refused, ok := got[0], got[1]
	if ok.KeyLabel != "team-a" || ok.Model != "sim" || ok.Deployment != "sim/sim" || ok.Status != 200 ||
		ok.PromptTokens == 0 || ok.CompletionTokens == 0 || ok.Strategy == "" || ok.LatencyMS < 0 {
		t.Errorf("served request = %+v", ok)
	}
	if ok.RequestID != w.Header().Get("X-Request-Id") && refused.RequestID != w.Header().Get("X-Request-Id") {
		t.Errorf("no entry has the answer's request id %q", w.Header().Get("X-Request-Id"))
	}
	if refused.Status != 401 || refused.KeyLabel != "" {
		t.Errorf("refused request = %+v", refused)
	}
	if strings.Contains(fmt.Sprintf("%+v", got), "sk-console-test") {
		t.Error("a client secret reached the recent requests")
	}
	if tot := activity.overview(h.now()).Totals; tot.Requests != 2 || tot.Errors != 1 || tot.Tokens == 0 {
		t.Errorf("overview totals = %+v", tot)
	}
}

func BenchmarkRecentAdd(b *testing.B) {
	r := new(recentRequests)
	e := recentEntry{RequestID: "x", Model: "m", reasoning: []string{"r"}}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r.add(&e)
		}
	})
}
