package breaker

import (
	"errors"
	"fmt"
	"time"
)

// Defaults applied by Config.WithDefaults to fields left at zero.
const (
	DefaultFailureThreshold = 5
	DefaultMinRequests      = 10
	DefaultWindow           = 60 * time.Second
	DefaultRecoveryTimeout  = 60 * time.Second
	DefaultSuccessThreshold = 3
	DefaultHalfOpenProbes   = 1
)

// Config holds the thresholds of a breaker. The zero value is usable: every
// zero field takes its default, so a configuration file only has to name
// what it changes.
type Config struct {
	// FailureThreshold is the number of consecutive failures that opens
	// the breaker. Default 5.
	FailureThreshold int

	// FailureRatio opens the breaker when failures/requests within Window
	// reaches it. It catches a backend that fails often but not in a row,
	// which FailureThreshold alone misses. It is checked when a failure is
	// recorded, since only a failure can raise the ratio. 0 disables it.
	FailureRatio float64

	// MinRequests is the number of requests Window must hold before
	// FailureRatio applies, so that one failure out of two requests does
	// not open the breaker. Default 10.
	MinRequests int

	// Window is the span over which FailureRatio is measured. It is kept
	// as a fixed number of buckets, so its memory does not grow with
	// traffic and it rolls forward one bucket (a tenth of Window) at a
	// time. Default 60s.
	Window time.Duration

	// RecoveryTimeout is how long the breaker stays open before it lets
	// probes through. Default 60s.
	RecoveryTimeout time.Duration

	// SuccessThreshold is the number of successful probes that closes a
	// half-open breaker. Default 3.
	SuccessThreshold int

	// HalfOpenProbes is the number of probe requests a half-open breaker
	// lets run at the same time; it bounds the load put on a backend that
	// may still be sick. Default 1.
	HalfOpenProbes int
}

// WithDefaults returns c with every zero or negative field set to its
// default. FailureRatio is the exception: 0 is meaningful (disabled), and a
// negative ratio is treated as 0.
func (c Config) WithDefaults() Config {
	if c.FailureThreshold <= 0 {
		c.FailureThreshold = DefaultFailureThreshold
	}
	if c.FailureRatio < 0 {
		c.FailureRatio = 0
	}
	if c.MinRequests <= 0 {
		c.MinRequests = DefaultMinRequests
	}
	if c.Window <= 0 {
		c.Window = DefaultWindow
	}
	if c.RecoveryTimeout <= 0 {
		c.RecoveryTimeout = DefaultRecoveryTimeout
	}
	if c.SuccessThreshold <= 0 {
		c.SuccessThreshold = DefaultSuccessThreshold
	}
	if c.HalfOpenProbes <= 0 {
		c.HalfOpenProbes = DefaultHalfOpenProbes
	}
	return c
}

// Validate reports values that WithDefaults would silently replace or that
// can never take effect, so that a configuration loader can reject a typo
// instead of running with a surprising breaker.
func (c Config) Validate() error {
	var errs []error
	if c.FailureThreshold < 0 {
		errs = append(errs, errors.New("failure threshold must not be negative"))
	}
	if c.FailureRatio < 0 || c.FailureRatio > 1 {
		errs = append(errs, errors.New("failure ratio must be between 0 and 1"))
	}
	if c.MinRequests < 0 {
		errs = append(errs, errors.New("min requests must not be negative"))
	}
	if c.Window < 0 {
		errs = append(errs, errors.New("window must not be negative"))
	}
	if c.RecoveryTimeout < 0 {
		errs = append(errs, errors.New("recovery timeout must not be negative"))
	}
	if c.SuccessThreshold < 0 {
		errs = append(errs, errors.New("success threshold must not be negative"))
	}
	if c.HalfOpenProbes < 0 {
		errs = append(errs, errors.New("half-open probes must not be negative"))
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("breaker: invalid config: %w", errors.Join(errs...))
}
