//go:build !unix

package integration

import (
	"net"
	"testing"
)

// closedAddress returns the URL of a port nobody listens on any more (see
// the unix version for the stronger guarantee).
func closedAddress(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}
