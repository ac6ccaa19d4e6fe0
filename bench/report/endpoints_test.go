package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEndpointVerdicts: endpoints500 lists the new targets and decides
// issues 15 and 16 on the gateway's CPU per request: Responses
// pass-through 105 vs chat's 100 µs (1.05×, met), Gemini 130 (1.30×,
// missed); Responses translation +40 µs (met), Gemini +60 (missed).
func TestEndpointVerdicts(t *testing.T) {
	dir := t.TempDir()
	for target, cpu := range map[string]float64{"ai_passthrough": 100, "ai_translated": 140,
		"ai_responses_pass": 105, "ai_responses_translated": 145, "ai_gemini_pass": 130, "ai_gemini_translated": 190} {
		js := fmt.Sprintf(`{"scenario":"endpoints500","target":%q,"rep":1,"mode":"open","requests":100,"ok":100,"rps":500,
			"ttfb_ms":{"p50":1},"total_ms":{"p50":1},"gateway":{"cpu_us_per_request":%g}}`, target, cpu)
		if err := os.WriteFile(filepath.Join(dir, target+".json"), []byte(js), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := report(t, dir)
	if got := strings.Join(rows(out), ","); got != "ai_passthrough,ai_translated,ai_responses_pass,ai_responses_translated,ai_gemini_pass,ai_gemini_translated" {
		t.Errorf("rows %s", got)
	}
	for _, want := range []string{
		"**MET   ** endpoints500: Responses pass-through CPU within 10% of chat pass-through's: 1.05×",
		"**MISSED** endpoints500: Gemini pass-through CPU within 10% of chat pass-through's: 1.30×",
		"**MET   ** endpoints500: Responses translation to Anthropic adds ≤ 50 µs per request (gateway CPU): +40.0 µs",
		"**MISSED** endpoints500: Gemini translation to Anthropic adds ≤ 50 µs per request (gateway CPU): +60.0 µs",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}
