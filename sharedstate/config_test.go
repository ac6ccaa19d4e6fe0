package sharedstate

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestConfigDefaultsAndErrors(t *testing.T) {
	if _, err := New(Config{}, nil); err == nil {
		t.Fatal("New accepted a config without address")
	}
	if _, err := New(Config{Address: "127.0.0.1:1", Timeout: -time.Second}, nil); err == nil {
		t.Fatal("New accepted a negative timeout")
	}
	_, err := New(Config{Address: "redis://:hunter2@[::1"}, nil)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("invalid URL: err = %v (must fail without echoing the password)", err)
	}

	cfg, err := Config{Address: "127.0.0.1:6379"}.withDefaults()
	if err != nil || cfg.KeyPrefix != "aib:" || cfg.Timeout != 50*time.Millisecond || cfg.Now == nil || cfg.FailClosed {
		t.Fatalf("defaults = %+v, %v", cfg, err)
	}
	opt, err := cfg.redisOptions()
	if err != nil {
		t.Fatal(err)
	}
	if opt.DialTimeout != cfg.Timeout || opt.ReadTimeout != cfg.Timeout || opt.WriteTimeout != cfg.Timeout ||
		opt.PoolTimeout != cfg.Timeout || opt.MaxRetries != -1 || opt.DialerRetries != 1 || !opt.ContextTimeoutEnabled {
		t.Fatalf("options not bounded by the timeout: %+v", opt)
	}

	cfg, _ = Config{Address: "redis://:fromurl@10.0.0.1:6380/3"}.withDefaults()
	opt, _ = cfg.redisOptions()
	if opt.Addr != "10.0.0.1:6380" || opt.Password != "fromurl" || opt.DB != 3 {
		t.Fatalf("URL options = %s, %q, %d", opt.Addr, opt.Password, opt.DB)
	}
	cfg, _ = Config{Address: "redis://:fromurl@10.0.0.1:6380/3", Password: "explicit", DB: 5}.withDefaults()
	opt, _ = cfg.redisOptions()
	if opt.Password != "explicit" || opt.DB != 5 {
		t.Fatalf("explicit settings did not override the URL: %q, %d", opt.Password, opt.DB)
	}
}

func TestPasswordAndDatabase(t *testing.T) {
	srv := startRedis(t, 0, "--requirepass", "s3cret")
	s := newTestStore(t, srv, nil, func(c *Config) { c.Password, c.DB = "s3cret", 2 })
	if err := s.CacheSet(bg(), "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	wrong, err := New(Config{Address: srv.addr, Password: "wrong", Timeout: testTimeout}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer wrong.Close()
	if wrong.Healthy() {
		t.Fatal("a store with a wrong password reports healthy")
	}
	if _, _, err := wrong.CacheGet(bg(), "k"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("CacheGet with a wrong password: err = %v, want ErrUnavailable", err)
	}
}
