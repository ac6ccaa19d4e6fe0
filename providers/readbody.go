package providers

import "io"

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
