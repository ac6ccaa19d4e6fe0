// Command load is the benchmark's load generator. It sends one request
// shape to one URL in one of three modes:
//
//	open   fixed rate (-rate per second); every latency is measured from
//	       the request's scheduled send time, so a stalled server cannot
//	       hide its stall by slowing the generator down (no coordinated
//	       omission)
//	closed -workers loop, each sending its next request when the last one
//	       finished (throughput)
//	hold   -concurrency streams opened at once and read to the end; once
//	       all are open it probes the gateway's memory and goroutines
//
// It prints a text summary and, with -json, writes the result as JSON.
// With -pid it also reports the CPU seconds the gateway process spent during
// the measured phase and its peak RSS. Everything is bounded: the run ends
// after -warmup + -duration (hold: when the streams end or -timeout).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

type options struct {
	url         string
	body        string
	shape       string
	model       string
	stream      bool
	headers     headerFlags
	mode        string
	rate        float64
	workers     int
	concurrency int
	duration    time.Duration
	warmup      time.Duration
	timeout     time.Duration
	expect      string
	name        string
	scenario    string
	target      string
	rep         int
	jsonOut     string
	pid         int
	adminURL    string
	maxInflight int
}

type headerFlags []string

func (h *headerFlags) String() string     { return strings.Join(*h, ", ") }
func (h *headerFlags) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	var o options
	flag.StringVar(&o.url, "url", "", "request URL (required)")
	flag.StringVar(&o.body, "body", "", "JSON request body; @file reads it from a file (or -shape)")
	flag.StringVar(&o.shape, "shape", "", "instead of -body: the bench's request in the shape of chat, responses or gemini")
	flag.StringVar(&o.model, "model", "", "-shape: the model (chat, responses; a Gemini model goes in -url)")
	flag.BoolVar(&o.stream, "stream", false, "-shape: ask for a stream (chat, responses; Gemini streams by -url)")
	flag.Var(&o.headers, "H", "extra request header 'Name: value' (repeatable)")
	flag.StringVar(&o.mode, "mode", "open", "open, closed or hold")
	flag.Float64Var(&o.rate, "rate", 500, "open loop: requests per second")
	flag.IntVar(&o.workers, "workers", 64, "closed loop: concurrent workers")
	flag.IntVar(&o.concurrency, "concurrency", 1000, "hold: streams held open at once")
	flag.DurationVar(&o.duration, "duration", 20*time.Second, "measured phase (open, closed)")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured phase before it")
	flag.DurationVar(&o.timeout, "timeout", 30*time.Second, "per-request timeout")
	flag.StringVar(&o.expect, "expect", "", "a successful body must contain this")
	flag.StringVar(&o.name, "name", "", "label of this run")
	flag.StringVar(&o.scenario, "scenario", "", "scenario label (for the report)")
	flag.StringVar(&o.target, "target", "", "target label (for the report)")
	flag.IntVar(&o.rep, "rep", 1, "repetition number of this scenario and target (for the report)")
	flag.StringVar(&o.jsonOut, "json", "", "write the result as JSON to this file")
	flag.IntVar(&o.pid, "pid", 0, "gateway process to measure (CPU seconds, peak RSS)")
	flag.StringVar(&o.adminURL, "admin", "", "hold: Caddy admin URL, to count goroutines with the streams open")
	flag.IntVar(&o.maxInflight, "max-inflight", 20000, "open loop: requests in flight beyond this count as errors")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	if o.url == "" || (o.body == "") == (o.shape == "") {
		return fmt.Errorf("-url and one of -body or -shape are required")
	}
	body := []byte(o.body)
	if o.shape != "" {
		var err error
		if body, err = shapeBody(o.shape, o.model, o.stream); err != nil {
			return err
		}
	} else if name, ok := strings.CutPrefix(o.body, "@"); ok {
		var err error
		if body, err = os.ReadFile(name); err != nil {
			return err
		}
	}
	hdr := http.Header{"Content-Type": {"application/json"}}
	for _, h := range o.headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return fmt.Errorf("header %q: want 'Name: value'", h)
		}
		hdr.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	s := &shooter{url: o.url, body: body, header: hdr, expect: []byte(o.expect), client: newClient(o)}
	var res *result
	var err error
	switch o.mode {
	case "open":
		res, err = s.openLoop(o)
	case "closed":
		res, err = s.closedLoop(o)
	case "hold":
		res, err = s.hold(o)
	default:
		return fmt.Errorf("unknown -mode %q", o.mode)
	}
	if err != nil {
		return err
	}
	res.Name, res.Scenario, res.Target, res.Rep, res.Mode = o.name, o.scenario, o.target, o.rep, o.mode
	res.LoadAvg1 = loadAvg1()
	res.print(os.Stdout)
	if o.jsonOut != "" {
		out, _ := json.MarshalIndent(res, "", "  ")
		return os.WriteFile(o.jsonOut, append(out, '\n'), 0o644)
	}
	return nil
}

// newClient keeps connections alive and never caps them: the generator
// must not be the bottleneck or queue requests itself.
func newClient(o options) *http.Client {
	return &http.Client{
		Timeout: o.timeout,
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        0,
			MaxIdleConnsPerHost: 4096,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
	}
}

// phase runs f for d, or until ctx ends.
func phase(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}
