package report

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// lineReader yields lines of at most max bytes from a stream, reusing one
// buffer. A longer line is skipped to its end and reported as too long,
// so one huge line costs neither memory nor the rest of the report
// (bufio.Scanner would stop at it).
type lineReader struct {
	r   *bufio.Reader
	buf []byte
	max int
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next line without its line ending, valid until the
// next call; tooLong when it was skipped. err is io.EOF at the end.
func (lr *lineReader) next() (line []byte, tooLong bool, err error) {
	lr.buf = lr.buf[:0]
	sawData := false
	for {
		chunk, err := lr.r.ReadSlice('\n')
		sawData = sawData || len(chunk) > 0
		if !tooLong {
			if len(lr.buf)+len(chunk) > lr.max+2 { // +2: the line ending
				tooLong = true
				lr.buf = lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, chunk...)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if !sawData {
				return nil, false, io.EOF
			}
		case err != nil:
			return nil, false, err
		}
		if tooLong {
			return nil, true, nil
		}
		line = bytes.TrimSuffix(lr.buf, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > lr.max {
			return nil, true, nil
		}
		return line, false, nil
	}
}
