// Command probe repeats issue 14's concurrency checks against a running
// gateway: N streaming requests start together on one client key, and the
// probe reports how many the gateway admitted and what they used, against
// the key's budget or tokens-per-minute limit.
//
// It can serve the fake upstream itself (-upstream): every stream is held
// until all N requests were either admitted (reached the upstream) or
// refused, so they are all in flight at once, the worst case for a limit
// that only counts finished requests. See bench/README.md for a Caddyfile.
//
//	probe -upstream 127.0.0.1:19300 -print-config > Caddyfile
//	caddy run --config Caddyfile &
//	probe -upstream 127.0.0.1:19300 -gateway http://127.0.0.1:19301 -key sk-probe-budget -check budget
//	probe -upstream 127.0.0.1:19300 -gateway http://127.0.0.1:19301 -key sk-probe-tpm -check tpm
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"
)

type options struct {
	gateway, key, model, check, upstream string
	n, maxTokens, completion             int
	budget, priceIn, priceOut            float64
	tpm                                  int
	timeout                              time.Duration
	printConfig                          bool
}

func main() {
	var o options
	flag.StringVar(&o.gateway, "gateway", "http://127.0.0.1:19301", "the gateway's base URL")
	flag.StringVar(&o.key, "key", "", "client key to probe (default: sk-probe-budget or sk-probe-tpm, as in -print-config)")
	flag.StringVar(&o.model, "model", "probe-model", "model to ask for")
	flag.StringVar(&o.check, "check", "budget", "budget or tpm")
	flag.StringVar(&o.upstream, "upstream", "", "serve the fake upstream on this address (host:port); empty: the gateway has its own")
	flag.IntVar(&o.n, "n", 20, "concurrent streams")
	flag.IntVar(&o.maxTokens, "max-tokens", -1, "max_tokens of each request (-1: 1000 for budget, unset for tpm; 0: unset)")
	flag.IntVar(&o.completion, "completion", 1200, "completion tokens the fake upstream produces and reports per stream")
	flag.Float64Var(&o.budget, "budget", 0.50, "the key's budget in USD (for the verdict)")
	flag.IntVar(&o.tpm, "tpm", 3000, "the key's tokens_per_minute (for the verdict)")
	flag.Float64Var(&o.priceIn, "price-in", 0, "input price, USD per million tokens (to price the usage)")
	flag.Float64Var(&o.priceOut, "price-out", 100, "output price, USD per million tokens (to price the usage)")
	flag.DurationVar(&o.timeout, "timeout", 30*time.Second, "the longest the probe waits for every request to be decided")
	flag.BoolVar(&o.printConfig, "print-config", false, "print a Caddyfile for the gateway under test and exit")
	flag.Parse()
	log.SetFlags(0)
	if o.printConfig {
		fmt.Print(caddyfile(o))
		return
	}
	if o.check != "budget" && o.check != "tpm" {
		log.Fatalf("-check must be budget or tpm, not %q", o.check)
	}
	if o.key == "" {
		o.key = "sk-probe-" + o.check
	}
	if o.maxTokens < 0 {
		o.maxTokens = 0
		if o.check == "budget" {
			o.maxTokens = 1000
		}
	}
	var up *fakeUpstream
	if o.upstream != "" {
		ln, err := net.Listen("tcp", o.upstream)
		if err != nil {
			log.Fatal(err)
		}
		up = newFakeUpstream(o.completion)
		srv := &http.Server{Handler: up, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
	}
	res := run(o, up)
	res.print(os.Stdout, o)
	if !res.withinBound(o) {
		os.Exit(1)
	}
}

// caddyfile is a gateway configuration for the probe's upstream: one
// priced model and one client key per check.
func caddyfile(o options) string {
	up := o.upstream
	if up == "" {
		up = "127.0.0.1:19300"
	}
	_, port, _ := net.SplitHostPort(trimScheme(o.gateway))
	return fmt.Sprintf(`{
	admin off
	auto_https off
}

:%s {
	ai_backends {
		provider probe openai_compatible {
			base_url http://%s/v1
			models %s
			model_override %s {
				max_output 4096
				input %g
				output %g
			}
		}
		client_key sk-probe-budget {
			budget %g per 24h
		}
		client_key sk-probe-tpm {
			tokens_per_minute %d
		}
	}
}
`, port, up, o.model, o.model, o.priceIn, o.priceOut, o.budget, o.tpm)
}

func trimScheme(u string) string {
	for _, p := range []string{"http://", "https://"} {
		if len(u) > len(p) && u[:len(p)] == p {
			return u[len(p):]
		}
	}
	return u
}
