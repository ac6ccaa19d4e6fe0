package providers

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadAtMost(t *testing.T) {
	const body = "0123456789"
	for _, c := range []struct {
		name        string
		size, limit int64
		want        string
	}{
		{"announced", 10, 100, body},
		{"unknown length", -1, 100, body},
		{"announced short", 4, 100, body}, // more than announced: read on
		{"announced long", 50, 100, body}, // less than announced: what came
		{"over the limit", 10, 5, body[:6]},
		{"unknown over the limit", -1, 5, body[:6]},
		{"exactly the limit", 10, 10, body},
	} {
		got, err := ReadAtMost(iotest.OneByteReader(strings.NewReader(body)), c.size, c.limit)
		if err != nil || string(got) != c.want {
			t.Errorf("%s: got %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	boom := errors.New("connection reset")
	got, err := ReadAtMost(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)), 10, 100)
	if !errors.Is(err, boom) || !bytes.Equal(got, []byte("abc")) {
		t.Errorf("read error: got %q, %v", got, err)
	}
}
