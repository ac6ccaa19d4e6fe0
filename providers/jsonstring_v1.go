//go:build !goexperiment.jsonv2

package providers

// invalidUTF8 is what encoding/json writes for each byte of invalid UTF-8 in
// a string: the escape \ufffd. (Built with GOEXPERIMENT=jsonv2, encoding/json
// writes the character itself; see jsonstring_v2.go.)
const invalidUTF8 = `\ufffd`
