package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// outcome is one request's answer.
type outcome struct {
	status             int
	code               string // the error body's code, when refused
	prompt, completion int    // from the stream's usage chunk
	err                error
}

type result struct {
	outcomes []outcome
	elapsed  time.Duration
}

// run starts o.n streams together and waits for all of them. With the
// probe's own upstream, the streams are held until every request was
// admitted or refused.
func run(o options, up *fakeUpstream) result {
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	body := map[string]any{
		"model": o.model, "stream": true, "stream_options": map[string]bool{"include_usage": true},
		"messages": []map[string]string{{"role": "user", "content": "Tell me a long story."}},
	}
	if o.maxTokens > 0 {
		body["max_tokens"] = o.maxTokens
	}
	raw, _ := json.Marshal(body)
	start := time.Now()
	out := make([]outcome, o.n)
	refused := make(chan struct{}, o.n)
	var wg sync.WaitGroup
	for i := range o.n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = send(ctx, o, raw)
			if out[i].status != http.StatusOK {
				refused <- struct{}{}
			}
		}()
	}
	if up != nil {
		for decided := 0; decided < o.n; decided++ {
			select {
			case <-up.arrived:
			case <-refused:
			case <-ctx.Done():
				decided = o.n
			}
		}
		up.goAhead()
	}
	wg.Wait()
	return result{outcomes: out, elapsed: time.Since(start)}
}

func send(ctx context.Context, o options, body []byte) outcome {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(o.gateway, "/")+"/v1/chat/completions", bytes.NewReader(body))
	if err != nil {
		return outcome{err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+o.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return outcome{err: err}
	}
	defer resp.Body.Close()
	oc := outcome{status: resp.StatusCode}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		_ = json.Unmarshal(b, &e)
		oc.code = e.Error.Code
		return oc
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<24)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok || data == "[DONE]" {
			continue
		}
		var c struct {
			Usage *struct {
				Prompt     int `json:"prompt_tokens"`
				Completion int `json:"completion_tokens"`
			} `json:"usage"`
		}
		if json.Unmarshal([]byte(data), &c) == nil && c.Usage != nil {
			oc.prompt, oc.completion = c.Usage.Prompt, c.Usage.Completion
		}
	}
	oc.err = sc.Err()
	return oc
}

func (r result) admitted() (n, prompt, completion int) {
	for _, oc := range r.outcomes {
		if oc.status == http.StatusOK {
			n++
			prompt += oc.prompt
			completion += oc.completion
		}
	}
	return
}

func (r result) spend(o options) float64 {
	_, p, c := r.admitted()
	return (float64(p)*o.priceIn + float64(c)*o.priceOut) / 1e6
}

// withinBound is the verdict. A gateway that reserves each request's
// estimate at admission runs at most as many streams at once as the limit
// holds at their reserved size (the output part of it, max_tokens or the
// default expected output of 256; the prompt only lowers the count), or
// one when a single reservation is larger than the budget. A gateway that
// counts only finished requests runs all of them.
func (r result) withinBound(o options) bool {
	n, _, _ := r.admitted()
	return n <= r.maxAdmitted(o)
}

func (r result) maxAdmitted(o options) int {
	if o.check == "budget" {
		if o.reservedUSD() <= 0 {
			return o.n // unpriced: the budget cannot limit anything
		}
		return max(1, int(o.budget/o.reservedUSD()+1e-9))
	}
	return o.tpm / o.reservedTokens()
}

// reservedUSD and reservedTokens are what the gateway is expected to hold
// per request: the output part of the estimate (max_tokens or 256).
func (o options) reservedUSD() float64 {
	return float64(o.expectedOutput()) * o.priceOut / 1e6
}

func (o options) reservedTokens() int { return o.expectedOutput() }

func (o options) expectedOutput() int {
	if o.maxTokens > 0 {
		return min(o.maxTokens, 4096)
	}
	return 256
}

func (r result) print(w io.Writer, o options) {
	n, p, c := r.admitted()
	codes := map[string]int{}
	var errs []string
	for _, oc := range r.outcomes {
		switch {
		case oc.err != nil:
			errs = append(errs, oc.err.Error())
		case oc.status != http.StatusOK:
			codes[fmt.Sprintf("%d %s", oc.status, oc.code)]++
		}
	}
	mt := "unset"
	if o.maxTokens > 0 {
		mt = fmt.Sprint(o.maxTokens)
	}
	fmt.Fprintf(w, "check %s: %d concurrent streams on key %s, model %s, max_tokens %s, in %s\n",
		o.check, o.n, o.key, o.model, mt, r.elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "  admitted %d, refused %d\n", n, o.n-n-len(errs))
	keys := make([]string, 0, len(codes))
	for k := range codes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "    %-32s %d\n", k, codes[k])
	}
	for _, e := range errs {
		fmt.Fprintf(w, "  error: %s\n", e)
	}
	fmt.Fprintf(w, "  usage of the admitted streams: %d prompt + %d completion = %d tokens\n", p, c, p+c)
	switch o.check {
	case "budget":
		spend := r.spend(o)
		fmt.Fprintf(w, "  spend at $%g/M in, $%g/M out: $%.4f against a $%.2f budget (%+.1f%%)\n",
			o.priceIn, o.priceOut, spend, o.budget, 100*(spend-o.budget)/o.budget)
	default:
		fmt.Fprintf(w, "  tokens used: %d against %d per minute (%+.1f%%)\n", p+c, o.tpm, 100*float64(p+c-o.tpm)/float64(o.tpm))
	}
	verdict := fmt.Sprintf("PASS: %d ran at once, the limit holds at most %d at their reserved size", n, r.maxAdmitted(o))
	if !r.withinBound(o) {
		verdict = fmt.Sprintf("FAIL: %d ran at once, the limit holds at most %d at their reserved size: "+
			"requests in flight are not reserved at admission", n, r.maxAdmitted(o))
	}
	fmt.Fprintf(w, "  %s\n", verdict)
}
