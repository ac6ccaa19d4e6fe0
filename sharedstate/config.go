package sharedstate

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// Defaults applied by New to a zero Config field.
const (
	DefaultKeyPrefix = "aib:"
	DefaultTimeout   = 50 * time.Millisecond
)

// Config says where the shared Redis is and how long a request may wait on
// it. The zero value of every field but Address is usable.
type Config struct {
	// Address is "host:port", or a URL (redis://, rediss://, unix://) whose
	// password and database apply unless Password or DB are set here.
	Address string
	// Password for AUTH; never logged.
	Password string
	// DB is the Redis database number.
	DB int
	// KeyPrefix starts every key this package writes, so several gateways
	// (or a staging and a production one) can share a server. Default "aib:".
	KeyPrefix string
	// Timeout is the budget of one operation, dial included: a request never
	// waits on Redis longer than this per call. Default 50ms.
	Timeout time.Duration
	// FailClosed makes the caller deny requests with 503 while Redis is
	// unavailable instead of falling back to in-process limits (the
	// default, fail open). The Store only reports the choice (FailClosed);
	// applying it is the caller's job. Named so that the zero value is
	// the safe-to-serve default.
	FailClosed bool
	// Now is the clock for rate limits and budget periods; nil means
	// time.Now. Every instance's clock must be synchronised (NTP): see the
	// package documentation. Tests inject a fake clock here.
	Now func() time.Time
}

// withDefaults returns a copy with defaults filled in, or an error for a
// setting no default can repair.
func (c Config) withDefaults() (Config, error) {
	if strings.TrimSpace(c.Address) == "" {
		return c, errors.New("sharedstate: an address is required")
	}
	if c.Timeout < 0 {
		return c, fmt.Errorf("sharedstate: timeout must not be negative, got %s", c.Timeout)
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.KeyPrefix == "" {
		c.KeyPrefix = DefaultKeyPrefix
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

// redisOptions turns the config into client options tuned to fail fast:
// every network step is bounded by Timeout, nothing is retried (a retry
// would break the budget; the health loop does the retrying), and one dial
// attempt is made per call.
func (c Config) redisOptions() (*redis.Options, error) {
	opt := &redis.Options{Addr: c.Address}
	if strings.Contains(c.Address, "://") {
		parsed, err := redis.ParseURL(c.Address)
		if err != nil {
			// The URL may hold a password: do not echo it.
			return nil, errors.New("sharedstate: the address is not a valid redis URL")
		}
		opt = parsed
	}
	if c.Password != "" {
		opt.Password = c.Password
	}
	if c.DB != 0 {
		opt.DB = c.DB
	}
	opt.DialTimeout = c.Timeout
	opt.ReadTimeout = c.Timeout
	opt.WriteTimeout = c.Timeout
	opt.PoolTimeout = c.Timeout
	opt.ContextTimeoutEnabled = true // honour each call's context deadline
	opt.MaxRetries = -1              // go-redis: -1 disables retries (0 means "default 3")
	opt.DialerRetries = 1            // one dial attempt per call (<= 0 means "default 5")
	opt.MinIdleConns = 2             // keep warm connections: requests should not pay a dial
	opt.DisableIdentity = true       // no CLIENT SETINFO round trip on connect
	opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	return opt, nil
}
