package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// procProbe measures the gateway process over the measured phase.
type procProbe struct {
	pid      int
	cpuStart float64
}

// gatewayStats is what the probe found.
type gatewayStats struct {
	CPUSeconds          float64 `json:"cpu_seconds"`
	CPUMicrosPerRequest float64 `json:"cpu_us_per_request"`
	PeakRSSMB           float64 `json:"peak_rss_mb"` // VmHWM: the process's lifetime peak
}

// openSnapshot is the gateway's state with every held stream open.
type openSnapshot struct {
	RSSMB float64 `json:"rss_mb"`
	// RSS split: anonymous memory is the process's own (heap, stacks);
	// file-backed pages are the mapped binary, shared and reclaimable.
	AnonMB     float64 `json:"anon_mb"`
	FileMB     float64 `json:"file_mb"`
	Goroutines int     `json:"goroutines"`
}

func startProbe(pid int) *procProbe {
	if pid <= 0 {
		return nil
	}
	cpu, err := cpuSeconds(pid)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load: probe:", err)
		return nil
	}
	return &procProbe{pid: pid, cpuStart: cpu}
}

// finish adds the CPU time spent since the start and the peak RSS.
func (p *procProbe) finish(res *result) {
	if p == nil {
		return
	}
	cpu, err := cpuSeconds(p.pid)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load: probe:", err)
		return
	}
	g := &gatewayStats{CPUSeconds: cpu - p.cpuStart}
	if res.Requests > 0 {
		g.CPUMicrosPerRequest = g.CPUSeconds * 1e6 / float64(res.Requests)
	}
	if kb, err := statusKB(p.pid, "VmHWM"); err == nil {
		g.PeakRSSMB = float64(kb) / 1024
	}
	res.Gateway = g
}

// snapshot reads the current RSS and, with an admin URL, the goroutine
// count from Caddy's pprof endpoint.
func (p *procProbe) snapshot(adminURL string) openSnapshot {
	var s openSnapshot
	if p != nil {
		if kb, err := statusKB(p.pid, "VmRSS"); err == nil {
			s.RSSMB = float64(kb) / 1024
		}
		if kb, err := statusKB(p.pid, "RssAnon"); err == nil {
			s.AnonMB = float64(kb) / 1024
		}
		if kb, err := statusKB(p.pid, "RssFile"); err == nil {
			s.FileMB = float64(kb) / 1024
		}
	}
	if adminURL != "" {
		n, err := goroutines(adminURL)
		if err != nil {
			fmt.Fprintln(os.Stderr, "load: goroutines:", err)
		}
		s.Goroutines = n
	}
	return s
}

// cpuSeconds is utime+stime of the process (fields 14 and 15 of
// /proc/<pid>/stat, counted after the command name, which may hold spaces).
func cpuSeconds(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	fields := strings.Fields(s[end+1:]) // fields[0] is field 3 (state)
	if len(fields) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseFloat(fields[11], 64)
	stime, err2 := strconv.ParseFloat(fields[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad /proc/%d/stat times", pid)
	}
	return (utime + stime) / clockTicks, nil
}

// statusKB reads one "Name: N kB" line of /proc/<pid>/status.
func statusKB(pid int, name string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), name+":"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		}
	}
	return 0, fmt.Errorf("%s not in /proc/%d/status", name, pid)
}

// goroutines reads "goroutine profile: total N" from Caddy's admin
// endpoint (/debug/pprof/goroutine?debug=1).
func goroutines(adminURL string) (int, error) {
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(strings.TrimRight(adminURL, "/") + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	line, err := bufio.NewReader(io.LimitReader(resp.Body, 4096)).ReadString('\n')
	if err != nil {
		return 0, err
	}
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "goroutine profile: total ")
	if !ok {
		return 0, fmt.Errorf("unexpected pprof answer %q", line)
	}
	return strconv.Atoi(rest)
}

// loadAvg1 is the first field of /proc/loadavg; 0 when unreadable.
func loadAvg1() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}
