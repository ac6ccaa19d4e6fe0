package report

import (
	"bytes"
	"io"
	"testing"
)

// FuzzGenerate feeds arbitrary logs: no panic, every line accounted for,
// and all three formats render.
func FuzzGenerate(f *testing.F) {
	f.Add(knownLog(f))
	f.Add([]byte("garbage\n{\"ts\":1,\"logger\":\"http.handlers.ai_backends.audit\",\"msg\":\"request\"}\n"))
	f.Add([]byte(`{"ts":"2025-01-01T00:00:00Z","logger":"http.handlers.ai_backends","msg":"upstream key disabled after an authentication failure","provider":1}`))
	f.Add([]byte("\r\n\n\x00{}[]\"\"\n"))
	f.Fuzz(func(t *testing.T, log []byte) {
		r, err := Generate(bytes.NewReader(log), Options{MaxLineBytes: 512, MaxGroups: 4})
		if err != nil {
			t.Fatal(err)
		}
		l := r.Lines
		if l.Read != l.Audit+l.Security+l.Management+l.Other+l.Malformed+l.OutsideWindow {
			t.Fatalf("lines do not add up: %+v", l)
		}
		if r.Totals.Requests != l.Audit || len(r.Models) > 5 {
			t.Fatalf("requests %d, audit lines %d, %d models", r.Totals.Requests, l.Audit, len(r.Models))
		}
		for _, format := range Formats {
			if err := r.Write(io.Discard, format); err != nil {
				t.Fatal(err)
			}
		}
	})
}
