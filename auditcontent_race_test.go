package aibackends

import (
	"sync"
	"testing"
)

// With audit_prompts on and no security filter, the default redactor is
// shared by concurrent requests: it was built lazily per handler, a data
// race the race detector reports here on the old code.
func TestAuditRedactorConcurrentRequests(t *testing.T) {
	h := pipeHandler(t, `{"audit_prompts":true,"providers":[{"type":"sim","name":"s","models":["m"]}]}`)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if w := pipeDo(t, h, "POST", "/v1/chat/completions", pipeChat("m", false)); w.Code != 200 {
				t.Errorf("status %d: %s", w.Code, w.Body)
			}
		})
	}
	wg.Wait()
	if got, _ := h.auditRedactor().Redact("key AKIAIOSFODNN7EXAMPLE"); got == "key AKIAIOSFODNN7EXAMPLE" {
		t.Error("the default audit redactor redacts nothing")
	}
}
