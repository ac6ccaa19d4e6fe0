//go:build unix

package integration

import (
	"fmt"
	"syscall"
	"testing"
)

// closedAddress returns the URL of a port that refuses connections for the
// whole test: a socket bound to it but not listening. A port merely closed
// again could be handed to the next server the test starts (it happened:
// the backup's fake got it, and the "refused" primary answered).
func closedAddress(t *testing.T) string {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("http://127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
}
