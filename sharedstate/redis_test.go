package sharedstate

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

// The tests run against real redis-server processes on free loopback
// ports: one shared by most tests (started in TestMain), and private ones
// for the tests that kill or pause their server.

// requireRedisEnv makes a missing redis-server a failure instead of a skip
// (CI sets it, so that a missing install step cannot pass unnoticed).
const requireRedisEnv = "SHAREDSTATE_REQUIRE_REDIS"

var shared *redisServer

func TestMain(m *testing.M) {
	var launchErr error
	if _, err := exec.LookPath("redis-server"); err == nil {
		shared, launchErr = launchRedis(0, nil)
	}
	code := m.Run()
	if shared != nil {
		shared.kill()
	}
	if launchErr != nil {
		fmt.Fprintln(os.Stderr, "sharedstate: could not start redis-server:", launchErr)
		code = 1
	}
	if code == 0 {
		// go-redis's pool redials a dead server from a goroutine that
		// notices Close only after its 1s sleep; it is not ours to wait for.
		if err := goleak.Find(goleak.IgnoreAnyFunction("github.com/redis/go-redis/v9/internal/pool.(*ConnPool).tryDial")); err != nil {
			fmt.Fprintln(os.Stderr, "sharedstate: leaked goroutines:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// needRedis skips (or fails, under SHAREDSTATE_REQUIRE_REDIS=1) a test
// that needs redis-server when it is not installed.
func needRedis(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		msg := "redis-server is not on PATH; install it (Debian: apt-get install -y redis-server) to run the shared-state tests"
		if os.Getenv(requireRedisEnv) == "1" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	if shared == nil {
		tb.Fatal("the shared redis-server did not start (see TestMain's output)")
	}
}

// redisServer is a redis-server process owned by the tests.
type redisServer struct {
	port   int
	addr   string
	cmd    *exec.Cmd
	exited chan struct{}
	output *bytes.Buffer
}

// freePort asks the OS for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// launchRedis starts redis-server without persistence on port (0: a free
// one) and waits, at most 5s, until it answers PING.
func launchRedis(port int, extra []string) (*redisServer, error) {
	if port == 0 {
		var err error
		if port, err = freePort(); err != nil {
			return nil, err
		}
	}
	args := append([]string{
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--loglevel", "warning",
	}, extra...)
	r := &redisServer{
		port:   port,
		addr:   "127.0.0.1:" + strconv.Itoa(port),
		cmd:    exec.Command("redis-server", args...),
		exited: make(chan struct{}),
		output: new(bytes.Buffer),
	}
	r.cmd.Stdout, r.cmd.Stderr = r.output, r.output
	if err := r.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { _ = r.cmd.Wait(); close(r.exited) }()
	deadline := time.Now().Add(5 * time.Second)
	for !pingRaw(r.addr) {
		select {
		case <-r.exited:
			return nil, fmt.Errorf("redis-server exited: %s", strings.TrimSpace(r.output.String()))
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			r.kill()
			return nil, errors.New("redis-server did not answer PING within 5s")
		}
	}
	return r, nil
}

// startRedis is launchRedis for one test, stopped at its end.
func startRedis(tb testing.TB, port int, extra ...string) *redisServer {
	tb.Helper()
	needRedis(tb)
	r, err := launchRedis(port, extra)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(r.kill)
	return r
}

// pingRaw reports whether a server answers PING on addr (no AUTH).
func pingRaw(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && (line == "+PONG\r\n" || strings.HasPrefix(line, "-NOAUTH"))
}

// kill ends the server at once (SIGKILL) and waits for it; it is safe to
// call more than once.
var killMu sync.Mutex

func (r *redisServer) kill() {
	killMu.Lock()
	defer killMu.Unlock()
	select {
	case <-r.exited:
		return
	default:
	}
	_ = r.cmd.Process.Signal(syscall.SIGCONT) // a paused server cannot die otherwise on some kernels
	_ = r.cmd.Process.Kill()
	<-r.exited
}

// pause freezes the server (SIGSTOP): connections stay open but nothing is
// answered, which is what a slow or hung Redis looks like.
func (r *redisServer) pause()  { _ = r.cmd.Process.Signal(syscall.SIGSTOP) }
func (r *redisServer) resume() { _ = r.cmd.Process.Signal(syscall.SIGCONT) }

// newFakeClock is the injected clock. It starts at a realistic instant, so
// that the scripts work on real-sized timestamps (about 1.8e15 µs),
// exercising their exactness.
func newFakeClock() *testclock.Clock {
	return testclock.At(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
}

// testTimeout is the per-call budget of the functional tests: generous, so
// that a loaded CI machine running -race never turns a slow answer into a
// failure. The fault tests set their own, tight one.
const testTimeout = 2 * time.Second

// newTestStore connects a Store to srv under a key prefix private to the
// test (two stores of one test share it: two gateway instances), and waits
// until it is healthy.
func newTestStore(tb testing.TB, srv *redisServer, clock *testclock.Clock, edit ...func(*Config)) *Store {
	tb.Helper()
	cfg := Config{Address: srv.addr, KeyPrefix: testPrefix(tb), Timeout: testTimeout}
	if clock != nil {
		cfg.Now = clock.Now
	}
	for _, e := range edit {
		e(&cfg)
	}
	s, err := New(cfg, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	waitHealthy(tb, s, true)
	return s
}

// testPrefixes gives each test (and each run of it, under -count) a key
// prefix of its own on the shared server.
var (
	testPrefixMu sync.Mutex
	testPrefixes = make(map[testing.TB]string)
	testRuns     int
)

func testPrefix(tb testing.TB) string {
	testPrefixMu.Lock()
	defer testPrefixMu.Unlock()
	p, ok := testPrefixes[tb]
	if !ok {
		testRuns++
		p = "t:" + strconv.Itoa(testRuns) + ":" + tb.Name() + ":"
		testPrefixes[tb] = p
		tb.Cleanup(func() {
			testPrefixMu.Lock()
			defer testPrefixMu.Unlock()
			delete(testPrefixes, tb)
		})
	}
	return p
}

// waitHealthy waits, at most 5s, for s to report the wanted health. This
// waits on a real process (a server starting, a pool reconnecting), which
// no fake clock can stand in for; it polls every 10ms.
func waitHealthy(tb testing.TB, s *Store, want bool) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for s.Healthy() != want {
		if time.Now().After(deadline) {
			tb.Fatalf("Healthy() still %v after 5s", !want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// rawClient talks to srv directly, to inspect what the Store wrote.
func rawClient(tb testing.TB, srv *redisServer) *redis.Client {
	tb.Helper()
	c := redis.NewClient(&redis.Options{Addr: srv.addr, MaxRetries: -1, DisableIdentity: true})
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

func bg() context.Context { return context.Background() }
