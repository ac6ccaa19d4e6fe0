package bedrock

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
)

// maxFrameSize bounds one event-stream message. Bedrock's events are small
// (a text delta, a base64 chunk of one Anthropic event); the codec itself
// would buffer whatever length a frame's prelude claims.
const maxFrameSize = 16 << 20

// The prelude of a frame: total length, headers length, prelude CRC; the
// message CRC trails. eventstream defines the same sizes unexported.
const (
	preludeSize = 12
	minFrame    = preludeSize + 4
)

// errFrameTooLarge is a frame longer than maxFrameSize, or one whose
// lengths contradict each other.
var errFrameTooLarge = errors.New("upstream event-stream frame has an invalid length")

// frameReader reads AWS event-stream messages with the SDK's decoder, which
// verifies both CRCs of every frame. Before each frame it checks the
// lengths in the prelude, so a broken or hostile stream cannot make it
// allocate gigabytes.
type frameReader struct {
	r   *bufio.Reader
	dec *eventstream.Decoder
	buf []byte // payload buffer, reused: a frame is valid until the next
}

func newFrameReader(r io.Reader) *frameReader {
	return &frameReader{r: bufio.NewReaderSize(r, 8<<10), dec: eventstream.NewDecoder()}
}

// frame is one decoded message: its type headers and payload.
type frame struct {
	messageType   string // event, exception or error
	eventType     string // messageStart, contentBlockDelta, chunk, ...
	exceptionType string
	errorCode     string
	errorMessage  string
	payload       []byte
}

// next returns the next frame, io.EOF at a clean end between frames, and
// io.ErrUnexpectedEOF for a frame cut short.
func (f *frameReader) next() (frame, error) {
	head, err := f.r.Peek(8)
	if err != nil {
		if errors.Is(err, io.EOF) && len(head) > 0 {
			return frame{}, io.ErrUnexpectedEOF
		}
		return frame{}, err
	}
	total, headers := binary.BigEndian.Uint32(head), binary.BigEndian.Uint32(head[4:])
	if total > maxFrameSize || total < minFrame || uint64(headers)+minFrame > uint64(total) {
		return frame{}, errFrameTooLarge
	}
	m, err := f.dec.Decode(f.r, f.buf[:0])
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		var crc eventstream.ChecksumError
		if errors.As(err, &crc) {
			return frame{}, fmt.Errorf("upstream event-stream frame failed its checksum: %w", err)
		}
		return frame{}, err
	}
	if cap(m.Payload) > cap(f.buf) {
		f.buf = m.Payload[:0]
	}
	fr := frame{payload: m.Payload}
	for _, h := range m.Headers {
		s, ok := h.Value.(eventstream.StringValue)
		if !ok {
			continue
		}
		switch h.Name {
		case ":message-type":
			fr.messageType = string(s)
		case ":event-type":
			fr.eventType = string(s)
		case ":exception-type":
			fr.exceptionType = string(s)
		case ":error-code":
			fr.errorCode = string(s)
		case ":error-message":
			fr.errorMessage = string(s)
		}
	}
	return fr, nil
}

// failure is the classified error of an exception or error frame, or nil
// for an event.
func (fr *frame) failure() error {
	switch fr.messageType {
	case "exception":
		return streamException(fr.exceptionType, fr.payload)
	case "error":
		e := streamException(fr.errorCode, nil)
		if fr.errorMessage != "" {
			e.Message = fr.errorCode + ": " + fr.errorMessage
		}
		return e
	}
	return nil
}

// isChecksum reports whether err is a failed frame checksum.
func isChecksum(err error) bool {
	var crc eventstream.ChecksumError
	return errors.As(err, &crc)
}
