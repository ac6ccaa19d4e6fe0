// Command upstream is the benchmark's fake AI provider: OpenAI chat
// completions and Anthropic messages, JSON and SSE, answered as cheaply as
// possible (see package fastfake). The flags set the defaults; a path
// prefix /k/delay=50ms,chunks=20,interval=5ms/ overrides them per request,
// so one upstream serves every scenario of a benchmark run. It speaks
// HTTP/1.1 and HTTP/2 with prior knowledge (h2c) on the same port, so
// clients can compare both against the same upstream.
//
//	upstream -addr 127.0.0.1:9100 -delay 0 -chunks 20 -interval 5ms
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sira-ai/caddy-ai-backends/bench/fastfake"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9100", "listen address (loopback)")
	var k fastfake.Knobs
	flag.DurationVar(&k.Delay, "delay", 0, "wait before the response headers")
	flag.IntVar(&k.Chunks, "chunks", 20, "text pieces of a stream")
	flag.DurationVar(&k.Interval, "interval", 0, "wait between two stream pieces")
	flag.IntVar(&k.Words, "words", 20, "words of a non-streamed answer")
	flag.Parse()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: fastfake.New(k), ReadHeaderTimeout: 10 * time.Second}
	// The server tells an h2c client by its connection preface; everything
	// else is served as HTTP/1.1.
	srv.Protocols = new(http.Protocols)
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetUnencryptedHTTP2(true)
	fmt.Printf("upstream listening on http://%s\n", ln.Addr())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-stop
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
