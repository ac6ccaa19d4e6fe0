package caddyargs

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// parse runs one block through EachOption with every reader, the way the
// handler's and the providers' blocks use them.
func parse(input string) (map[string]any, error) {
	d := caddyfile.NewTestDispenser(input)
	d.Next()
	got := map[string]any{}
	err := EachOption(d, func(name string) (err error) {
		switch name {
		case "s":
			var v string
			err = String(d, &v)
			got[name] = v
		case "i":
			got[name], err = Int(d)
		case "p":
			got[name], err = PositiveInt(d)
		case "f":
			got[name], err = Float(d)
		case "ib":
			got[name], err = IntBetween(d, 400, 599)
		case "fb":
			got[name], err = FloatBetween(d, 0, 1)
		case "d":
			var v caddy.Duration
			err = Duration(d, &v)
			got[name] = time.Duration(v)
		case "z":
			got[name], err = Size(d)
		case "flag":
			got[name] = true
			err = None(d)
		default:
			err = Unrecognized(d, "test", name)
		}
		return err
	})
	return got, err
}

func TestReadersAccept(t *testing.T) {
	got, err := parse("block {\n s word\n i 0\n p 3\n f 0.5\n ib 599\n fb 1\n d 1d\n z 2KiB\n flag\n}")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"s": "word", "i": 0, "p": 3, "f": 0.5, "ib": 599, "fb": 1.0, "d": 24 * time.Hour, "z": int64(2048), "flag": true}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v (%T), want %v (%T)", k, got[k], got[k], v, v)
		}
	}
}

// Every refusal names the subdirective, not the bad value twice.
func TestReadersRefuse(t *testing.T) {
	for _, tc := range []struct{ input, want string }{
		{"s", "wrong argument count"},
		{"s a b", "wrong argument count"},
		{"i -1", `i: want a non-negative integer, got "-1"`},
		{"p 0", `p: want a positive integer, got "0"`},
		{"f x", `f: want a non-negative number, got "x"`},
		{"f NaN", `f: want a non-negative number, got "NaN"`},
		{"ib 399", `ib: want an integer between 400 and 599, got "399"`},
		{"fb 1.5", `fb: want a number between 0 and 1, got "1.5"`},
		{"d soon", `d: time: invalid duration "soon"`},
		{"d -1s", `d: must not be negative, got "-1s"`},
		{"z 0", `z: want a size from 1B to 1TiB, got "0"`},
		{"z 2TiB", `z: want a size from 1B to 1TiB, got "2TiB"`},
		{"flag on", "wrong argument count"},
		{"other 1", `unrecognized test option "other"`},
	} {
		_, err := parse("block {\n " + tc.input + "\n}")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to contain %q", tc.input, err, tc.want)
		}
	}
}

// The first error ends the walk: later options are not read.
func TestEachOptionStopsAtFirstError(t *testing.T) {
	d := caddyfile.NewTestDispenser("block {\n a\n b\n c\n}")
	d.Next()
	stop := errors.New("stop")
	var seen []string
	err := EachOption(d, func(name string) error {
		seen = append(seen, name)
		if name == "b" {
			return stop
		}
		return nil
	})
	if err != stop || strings.Join(seen, ",") != "a,b" {
		t.Fatalf("err %v, seen %v", err, seen)
	}
}

// Once refuses a second block and arguments on the first.
func TestOnce(t *testing.T) {
	type config struct{ n int }
	at := func(input string) *caddyfile.Dispenser {
		d := caddyfile.NewTestDispenser(input)
		d.Next()
		return d
	}
	var dst *config
	c, err := Once(at("cache {\n}"), &dst)
	if err != nil || c == nil || dst != c {
		t.Fatalf("first: %v, %p, %p", err, c, dst)
	}
	if _, err := Once(at("cache {\n}"), &dst); err == nil || !strings.Contains(err.Error(), "cache is configured twice") {
		t.Fatalf("second: %v", err)
	}
	var other *config
	if _, err := Once(at("other x {\n}"), &other); err == nil || !strings.Contains(err.Error(), "wrong argument count") || other != nil {
		t.Fatalf("with an argument: %v", err)
	}
}
