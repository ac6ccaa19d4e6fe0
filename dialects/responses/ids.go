package responses

import (
	"crypto/rand"
	"encoding/hex"
)

// NewID returns prefix + "_" + 48 random hex digits, the shape of OpenAI's
// ids (resp_…, msg_…, fc_…). crypto/rand: ids are unguessable, which the
// store relies on as a second line behind owner scoping.
func NewID(prefix string) string {
	var b [24]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	out := make([]byte, 0, len(prefix)+1+2*len(b))
	out = append(out, prefix...)
	out = append(out, '_')
	return string(hex.AppendEncode(out, b[:]))
}
