package report

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// heapSampler reads through to r and records the largest HeapAlloc seen
// every few megabytes, so the test observes memory while Generate runs.
type heapSampler struct {
	r         io.Reader
	sinceLast int
	max       uint64
}

func (h *heapSampler) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.sinceLast += n
	if h.sinceLast >= 4<<20 {
		h.sinceLast = 0
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		h.max = max(h.max, m.HeapAlloc)
	}
	return n, err
}

// TestLargeLogBoundedMemory streams a log bigger than the memory bound and
// checks both the exact totals and that the heap stayed small.
func TestLargeLogBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a large log")
	}
	// ~45 MB of log against a 32 MB heap bound (the heap stays near 4 MB).
	lines := 85_000
	if raceEnabled {
		lines = 15_000 // the race detector slows JSON decoding ~10x
	}
	path := filepath.Join(t.TempDir(), "audit.log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	l := newLogWriter(bw)
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range lines {
		l.request(request{
			at:     start.Add(time.Duration(i) * time.Minute),
			client: fmt.Sprintf("kfp_%04d", i%50), label: fmt.Sprintf("team-%d", i%50),
			model: fmt.Sprintf("model-%d", i%7), provider: fmt.Sprintf("provider-%d", i%3),
			deployment: "d", key: "kfp_up", status: 200, prompt: 100, completion: 20, cost: 0.001953125,
			cache: "miss", latency: time.Second, requestID: fmt.Sprintf("req-%d", i),
			// Realistic padding: long request ids and strategies make ~450-byte lines.
			strategy: "intelligent-routing-with-a-long-strategy-name-for-realistic-line-length-0123456789abcdef",
		})
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	size, _ := f.Seek(0, io.SeekCurrent)
	f.Close()

	f, err = os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	runtime.GC()
	sampler := &heapSampler{r: f}
	began := time.Now()
	r, err := Generate(sampler, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d lines, %d MB in %v, max heap %.1f MB", lines, size>>20, time.Since(began), float64(sampler.max)/(1<<20))

	n := int64(lines)
	if r.Lines.Audit != n || r.Totals.Requests != n || r.Totals.PromptTokens != 100*n || r.Totals.CompletionTokens != 20*n {
		t.Fatalf("lines %+v totals %+v", r.Lines, r.Totals)
	}
	if r.Totals.CostUSD != roundCost(0.001953125*float64(n)) || len(r.Clients) != 50 || len(r.Models) != 7 {
		t.Fatalf("cost %v, %d clients, %d models", r.Totals.CostUSD, len(r.Clients), len(r.Models))
	}
	wantDays := int(time.Duration(lines-1)*time.Minute/(24*time.Hour)) + 1
	if r.Coverage.Days != wantDays {
		t.Fatalf("days = %d, want %d", r.Coverage.Days, wantDays)
	}
	const limit = 32 << 20
	if sampler.max == 0 || sampler.max > limit {
		t.Fatalf("max heap %d bytes, limit %d", sampler.max, limit)
	}
	if !raceEnabled && size < limit {
		t.Fatalf("the log (%d bytes) should be larger than the memory limit to prove streaming", size)
	}
}
