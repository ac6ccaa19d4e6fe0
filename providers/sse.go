package providers

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"time"
)

// SSEEvent is one server-sent event. Data is valid until the next Next call.
type SSEEvent struct {
	Name string // the "event:" field; empty for OpenAI and Gemini streams
	Data []byte // "data:" lines joined by "\n"
}

// SSEReader reads server-sent events from an upstream body without
// buffering more than one event.
type SSEReader struct {
	r    *bufio.Reader
	data []byte
	line []byte

	// Set by OpenEventStream, to say what a body without events was.
	contentType string
	scrub       *Scrubber
	started     bool   // an event was dispatched
	junk        []byte // the first lines that are no SSE field, until started

	// first is data's first backing array, allocated with the reader: most
	// events fit, so a stream's data buffer does not grow through several
	// small arrays on its first events.
	first [512]byte
}

// NewSSEReader reads events from r.
func NewSSEReader(r io.Reader) *SSEReader {
	// Events are a few hundred bytes and the transport buffers the body
	// already; a small buffer keeps held streams cheap (longer lines are
	// joined in readLine).
	s := &SSEReader{r: bufio.NewReaderSize(r, 1<<10)}
	s.data = s.first[:0]
	return s
}

// MaxSSEEventSize bounds one event, so a broken upstream cannot make the
// gateway buffer without limit.
const MaxSSEEventSize = 8 << 20

// ErrSSETooLarge is returned for an event past MaxSSEEventSize.
var ErrSSETooLarge = errors.New("upstream stream event too large")

// Next returns the next event with data. At the end of the body it returns
// io.EOF; a body that ends inside an event returns io.ErrUnexpectedEOF.
func (s *SSEReader) Next() (SSEEvent, error) {
	var ev SSEEvent
	s.data = s.data[:0]
	hasData := false
	for {
		line, err := s.readLine()
		if err != nil {
			if err == io.EOF && (hasData || ev.Name != "") {
				return SSEEvent{}, io.ErrUnexpectedEOF
			}
			if err == io.EOF && !s.started && len(s.junk) > 0 {
				return SSEEvent{}, s.noEvents()
			}
			return SSEEvent{}, err
		}
		if len(line) == 0 { // blank line: dispatch
			if hasData {
				ev.Data = s.data
				s.started = true
				return ev, nil
			}
			ev.Name = ""
			continue
		}
		if line[0] == ':' { // comment / keep-alive
			continue
		}
		field, value := line, []byte(nil)
		if i := bytes.IndexByte(line, ':'); i >= 0 {
			field, value = line[:i], line[i+1:]
			if len(value) > 0 && value[0] == ' ' {
				value = value[1:]
			}
		}
		switch string(field) {
		case "event":
			ev.Name = eventName(value)
		case "data":
			if hasData {
				s.data = append(s.data, '\n')
			}
			s.data = append(s.data, value...)
			hasData = true
			if len(s.data) > MaxSSEEventSize {
				return SSEEvent{}, ErrSSETooLarge
			}
		case "id", "retry":
		default:
			if !s.started && len(s.junk) < sniffSize {
				s.junk = append(append(s.junk, line[:min(len(line), sniffSize)]...), '\n')
			}
		}
	}
}

// readLine returns one line without its line ending.
func (s *SSEReader) readLine() ([]byte, error) {
	s.line = s.line[:0]
	for {
		chunk, err := s.r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			s.line = append(s.line, chunk...)
			if len(s.line) > MaxSSEEventSize {
				return nil, ErrSSETooLarge
			}
			continue
		}
		if err != nil {
			if err == io.EOF && len(chunk)+len(s.line) > 0 {
				// A final line without newline still counts; the next call sees EOF.
				s.line = append(s.line, chunk...)
				return bytes.TrimRight(s.line, "\r"), nil
			}
			return nil, err
		}
		var line []byte
		if len(s.line) > 0 {
			s.line = append(s.line, chunk...)
			line = s.line
		} else {
			line = chunk
		}
		line = line[:len(line)-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		return line, nil
	}
}

// maxDrain bounds what Drain reads: after a stream's own end marker an
// upstream sends at most a blank line and the body's end.
const maxDrain = 4 << 10

// DrainWait bounds how long a stream's Close waits, in Drain, for the body
// to end after the end marker; a healthy upstream ends it at once. Past it
// the request is cancelled and the connection closed.
const DrainWait = 100 * time.Millisecond

// Drain reads what is left of the body after the stream's end marker
// ([DONE], message_stop), at most maxDrain bytes, so that the body reaches
// its end: the transport then puts the connection back in its pool, where
// closing a body short of its end closes the connection, and the next
// request would pay a new TCP (and TLS) handshake. It blocks until the
// upstream ends the body: callers cancel the request after DrainWait.
func (s *SSEReader) Drain() {
	_, _ = io.Copy(io.Discard, io.LimitReader(s.r, maxDrain))
}

// knownEvents are the event names Anthropic, OpenAI chat and Responses
// streams repeat on every token or item; returning the map's own string
// saves an allocation per event (a lookup by string(b) does not allocate).
var knownEvents = func() map[string]string {
	m := map[string]string{}
	for _, name := range []string{
		"content_block_delta", "content_block_start", "content_block_stop",
		"message_delta", "message_start", "message_stop", "ping", "error",
		"response.created", "response.in_progress", "response.completed",
		"response.failed", "response.incomplete", "response.queued",
		"response.output_item.added", "response.output_item.done",
		"response.content_part.added", "response.content_part.done",
		"response.output_text.delta", "response.output_text.done",
		"response.output_text.annotation.added",
		"response.refusal.delta", "response.refusal.done",
		"response.function_call_arguments.delta", "response.function_call_arguments.done",
		"response.reasoning_summary_part.added", "response.reasoning_summary_part.done",
		"response.reasoning_summary_text.delta", "response.reasoning_summary_text.done",
		"response.reasoning_text.delta", "response.reasoning_text.done",
	} {
		m[name] = name
	}
	return m
}()

// eventName returns the event name, without allocating for a known one.
func eventName(b []byte) string {
	if name, ok := knownEvents[string(b)]; ok {
		return name
	}
	return string(b)
}
