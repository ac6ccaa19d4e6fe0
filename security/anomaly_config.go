package security

import "time"

// AnomalyConfig tunes AnomalyDetector. Zero (or negative) fields take the
// documented defaults, so the zero value is a sensible configuration.
type AnomalyConfig struct {
	// Factor: a client is anomalous when its short-term rate exceeds Factor
	// times its own baseline. Default 10.
	Factor float64
	// MinRate (requests per second): below it nothing is anomalous, however
	// quiet the client usually is. Default 5.
	MinRate float64
	// Baseline is the horizon of the long-term average (EWMA) a client is
	// compared with. Default 10m; raised to twice Window if shorter.
	Baseline time.Duration
	// CoolDown is how long a client stays blocked. Default 5m.
	CoolDown time.Duration
	// Window is the horizon of the short-term rate. Default 10s.
	Window time.Duration
	// MaxClients bounds memory: beyond it the least recently seen client is
	// forgotten. Default 10000.
	MaxClients int
}

// Defaults for AnomalyConfig.
const (
	DefaultAnomalyFactor     = 10
	DefaultAnomalyMinRate    = 5
	DefaultAnomalyBaseline   = 10 * time.Minute
	DefaultAnomalyCoolDown   = 5 * time.Minute
	DefaultAnomalyWindow     = 10 * time.Second
	DefaultAnomalyMaxClients = 10000
)

// withDefaults fills in unset fields. A baseline not clearly longer than the
// short window would compare the rate with itself and never fire.
func (c AnomalyConfig) withDefaults() AnomalyConfig {
	if !(c.Factor > 0) {
		c.Factor = DefaultAnomalyFactor
	}
	if !(c.MinRate > 0) {
		c.MinRate = DefaultAnomalyMinRate
	}
	if c.Window <= 0 {
		c.Window = DefaultAnomalyWindow
	}
	if c.Baseline <= 0 {
		c.Baseline = DefaultAnomalyBaseline
	}
	c.Baseline = max(c.Baseline, 2*c.Window)
	if c.CoolDown <= 0 {
		c.CoolDown = DefaultAnomalyCoolDown
	}
	if c.MaxClients <= 0 {
		c.MaxClients = DefaultAnomalyMaxClients
	}
	return c
}
