package providers

import (
	"io"
	"net/http"
	"strconv"
)

// MaxResponseSize bounds a non-streamed upstream answer, so a broken
// upstream cannot make the gateway buffer without limit. One limit for
// every provider.
const MaxResponseSize = 64 << 20

// ReadAnswer reads a whole successful body, at most limit bytes (normally
// MaxResponseSize), and closes it. A read failure is classified and
// scrubbed like a transport failure; a longer body is KindUpstream.
func (c *Config) ReadAnswer(resp *http.Response, limit int64) ([]byte, error) {
	defer resp.Body.Close()
	body, err := ReadAtMost(resp.Body, resp.ContentLength, limit)
	if err != nil {
		return nil, c.TransportError(err)
	}
	if int64(len(body)) > limit {
		return nil, &Error{Kind: KindUpstream, Provider: c.Name,
			Message: "upstream response is larger than the limit of " + strconv.FormatInt(limit>>20, 10) + " MiB"}
	}
	return body, nil
}

// ReadAtMost reads r to its end, but no more than limit+1 bytes: a result
// longer than limit tells the caller the body was too large. size is the
// announced length (Content-Length, or -1); when it is known and within the
// limit the body is read into one buffer of that size instead of the
// repeated growth of io.ReadAll.
func ReadAtMost(r io.Reader, size, limit int64) ([]byte, error) {
	lr := io.LimitReader(r, limit+1)
	if size <= 0 || size > limit {
		return io.ReadAll(lr)
	}
	buf := make([]byte, 0, size+1) // +1: a body longer than announced still shows
	for {
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case err == io.EOF:
			return buf, nil
		case err != nil:
			return buf, err
		case len(buf) == cap(buf):
			rest, err := io.ReadAll(lr)
			return append(buf, rest...), err
		}
	}
}
