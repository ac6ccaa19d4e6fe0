package security

import (
	"strings"
	"testing"
)

// benchPrompt is a ~10 KB prompt without sensitive data but with the things
// that make detectors work: digits, versions, dates, dashes, "@" in code,
// words starting with "sk" and "gh".
func benchPrompt() string {
	const paragraph = `Please review the following Go code and explain what it does. The service ` +
		`handles about 1200 requests per second at peak (version 2.3.14, released 2024-05-02). ` +
		`Our task-tracker ids look like TASK-4821 and the skeleton uses @Override in Java, ` +
		`although the high-throughput path is written in Go 1.26. Thoughts on sketching a ` +
		`retry policy with 3 attempts, 250 ms back-off and a 30 s timeout are welcome!` + "\n" +
		"```go\nfunc sum(xs []int) (total int) {\n\tfor _, x := range xs {\n\t\ttotal += x\n\t}\n\treturn total\n}\n```\n"
	var b strings.Builder
	for b.Len() < 10*1024 {
		b.WriteString(paragraph)
	}
	return b.String()
}

func BenchmarkScanCleanPrompt(b *testing.B) {
	f, _ := NewFilter(FilterConfig{})
	text := benchPrompt()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		f.Scan(text)
	}
}

func BenchmarkRedactPromptWithFindings(b *testing.B) {
	f, _ := NewFilter(FilterConfig{})
	text := benchPrompt() + " mail jane@corp.com, call +1 415 555 2671, card 4111 1111 1111 1111, key AKIAIOSFODNN7EXAMPLE"
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		f.Redact(text)
	}
}

func BenchmarkLookupAdmit(b *testing.B) {
	cfgs := make([]ClientKeyConfig, 50)
	for i := range cfgs {
		cfgs[i] = ClientKeyConfig{Key: secretA + strings.Repeat("x", i), RequestsPerMinute: maxPerMinute, TokensPerMinute: maxPerMinute}
	}
	r, err := NewKeyring(cfgs, nil)
	if err != nil {
		b.Fatal(err)
	}
	presented := cfgs[25].Key
	b.ReportAllocs()
	for b.Loop() {
		k := r.Lookup(presented)
		if k.Admit(500) == nil {
			k.Settle(500, 400, 0.001)
		}
	}
}

func BenchmarkAnomalyObserve(b *testing.B) {
	d := NewAnomalyDetector(AnomalyConfig{}, nil)
	b.ReportAllocs()
	for b.Loop() {
		d.Observe("kfp_1a2b3c4d5e6f7a8b")
	}
}
