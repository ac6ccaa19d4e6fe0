package catalog

import (
	"sync"
	"sync/atomic"
	"time"
)

// Status describes a loaded catalog for the status API.
type Status struct {
	Source       string    `json:"source"`                  // file path, or URL without credentials or query
	Version      string    `json:"version,omitempty"`       // sha256 of the loaded document, first 12 hex digits
	ETag         string    `json:"etag,omitempty"`          // the server's, for the next conditional request
	LastModified string    `json:"last_modified,omitempty"` // the server's, likewise
	LoadedAt     time.Time `json:"loaded_at,omitzero"`      // when the table in use was loaded
	CheckedAt    time.Time `json:"checked_at,omitzero"`     // the last attempt, changed or not
	Entries      int       `json:"entries"`                 // models in the table in use
	Skipped      int       `json:"skipped,omitempty"`       // entries of that document that could not be used
	Refresh      string    `json:"refresh"`                 // the polling interval
	LoadErrors   int64     `json:"load_errors"`             // failed attempts since this source was first loaded
	LastError    string    `json:"last_error,omitempty"`    // why the last attempt failed; cleared by a success
	LastErrorAt  time.Time `json:"last_error_at,omitzero"`
}

// loadErrors counts failed loads of every loader, for the
// ai_catalog_load_errors_total counter (monotonic across reloads).
var loadErrors atomic.Int64

// LoadErrors is the number of failed catalog loads in this process.
func LoadErrors() int64 { return loadErrors.Load() }

// BuiltinEntries is the number of models in the built-in table.
func BuiltinEntries() int { return len(builtin) }

// live are the running loaders, for the metrics collector.
var live sync.Map // *Loader → struct{}

// Live returns the status of every running loader.
func Live() []Status {
	var out []Status
	live.Range(func(k, _ any) bool {
		out = append(out, k.(*Loader).Status())
		return true
	})
	return out
}
