package cache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"strings"
	"sync"
)

// keyWriter builds the byte string a key is hashed from. Every value is
// written as a one-byte tag followed by fixed-size data or a length-prefixed
// payload, so two different sequences of values can never produce the same
// bytes (no separator or escaping ambiguity), and absent values have their
// own tag, distinct from zero values.
type keyWriter struct {
	buf     []byte
	members []member // stack of object members being sorted (canonjson.go)
	scratch []byte   // room to reorder encoded members (canonjson.go)
}

// Tags of the key encoding. Field tags identify which field a value belongs
// to; value tags say what kind of value follows.
const (
	tagAbsent  = '-'
	tagString  = 's'
	tagInt     = 'i'
	tagFloat   = 'f'
	tagTrue    = 'T'
	tagFalse   = 'F'
	tagNull    = 'n'
	tagNumber  = 'd' // a JSON number literal in canonical text form
	tagArray   = '['
	tagObject  = '{'
	tagEnd     = ']' // closes arrays and objects; members are counted, so one suffices
	tagRawBlob = 'R' // bytes that could not be canonicalised, hashed as they are
)

var keyWriterPool = sync.Pool{New: func() any { return &keyWriter{buf: make([]byte, 0, 1024)} }}

// maxPooledBuffer keeps one huge request from pinning its buffer in the pool.
const maxPooledBuffer = 256 << 10

func getKeyWriter() *keyWriter {
	w := keyWriterPool.Get().(*keyWriter)
	w.buf = w.buf[:0]
	w.members = w.members[:0]
	return w
}

func putKeyWriter(w *keyWriter) {
	if cap(w.buf) > maxPooledBuffer || cap(w.scratch) > maxPooledBuffer {
		return
	}
	clear(w.members[:cap(w.members)]) // drop references into request bodies
	keyWriterPool.Put(w)
}

// sum returns prefix + the hex SHA-256 of everything written.
func (w *keyWriter) sum(prefix string) string {
	digest := sha256.Sum256(w.buf)
	var hexDigest [2 * sha256.Size]byte
	hex.Encode(hexDigest[:], digest[:])
	var out strings.Builder
	out.Grow(len(prefix) + len(hexDigest))
	out.WriteString(prefix)
	out.Write(hexDigest[:])
	return out.String()
}

func (w *keyWriter) tag(t byte) { w.buf = append(w.buf, t) }

func (w *keyWriter) uvarint(n uint64) { w.buf = binary.AppendUvarint(w.buf, n) }

// str writes a length-prefixed string.
func (w *keyWriter) str(s string) {
	w.buf = append(w.buf, tagString)
	w.uvarint(uint64(len(s)))
	w.buf = append(w.buf, s...)
}

// bytesStr writes a length-prefixed byte string with the string tag, so it
// matches str of the same text.
func (w *keyWriter) bytesStr(b []byte) {
	w.buf = append(w.buf, tagString)
	w.uvarint(uint64(len(b)))
	w.buf = append(w.buf, b...)
}

func (w *keyWriter) int64(n int64) {
	w.buf = append(w.buf, tagInt)
	w.buf = binary.BigEndian.AppendUint64(w.buf, uint64(n))
}

// float writes a float by its bits, with -0 folded into 0: JSON 0, 0.0 and
// -0 all decode to a zero that an upstream treats the same.
func (w *keyWriter) float(f float64) {
	if f == 0 {
		f = 0
	}
	w.buf = append(w.buf, tagFloat)
	w.buf = binary.BigEndian.AppendUint64(w.buf, math.Float64bits(f))
}

func (w *keyWriter) bool(b bool) {
	if b {
		w.tag(tagTrue)
	} else {
		w.tag(tagFalse)
	}
}

// Optional values: absent is its own tag, so "not sent" and "sent as zero"
// never share a key (an upstream default need not be zero).

func (w *keyWriter) optInt(p *int) {
	if p == nil {
		w.tag(tagAbsent)
		return
	}
	w.int64(int64(*p))
}

func (w *keyWriter) optInt64(p *int64) {
	if p == nil {
		w.tag(tagAbsent)
		return
	}
	w.int64(*p)
}

func (w *keyWriter) optFloat(p *float64) {
	if p == nil {
		w.tag(tagAbsent)
		return
	}
	w.float(*p)
}

func (w *keyWriter) optBool(p *bool) {
	if p == nil {
		w.tag(tagAbsent)
		return
	}
	w.bool(*p)
}

// count writes the length of a list that follows.
func (w *keyWriter) count(n int) {
	w.buf = append(w.buf, tagArray)
	w.uvarint(uint64(n))
}
