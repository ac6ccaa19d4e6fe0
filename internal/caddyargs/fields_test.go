package caddyargs

import (
	"slices"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// fields is a config with one option of each shape the field readers fill.
type fields struct {
	Name, Region string
	Models       []string
	Headers      map[string]string
}

func (f *fields) parse(input string) error {
	d := caddyfile.NewTestDispenser(input)
	d.Next()
	return EachOption(d, func(name string) error {
		if known, err := StringField(d, map[string]*string{"name": &f.Name, "region": &f.Region}); known {
			return err
		}
		switch name {
		case "models":
			return Append(d, &f.Models)
		case "header":
			return MapEntry(d, &f.Headers, "<name> <value>")
		}
		return Unrecognized(d, "test", name)
	})
}

func TestFieldReadersAccept(t *testing.T) {
	var f fields
	err := f.parse("block {\n name n1\n region r1\n models a b\n models c\n header X-A 1\n header X-B 2\n header X-A 3\n}")
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "n1" || f.Region != "r1" || !slices.Equal(f.Models, []string{"a", "b", "c"}) ||
		len(f.Headers) != 2 || f.Headers["X-A"] != "3" || f.Headers["X-B"] != "2" {
		t.Errorf("parsed %+v", f)
	}
}

// The field readers refuse a wrong number of arguments, MapEntry with the
// option's usage; StringField leaves a name it does not list to the block.
func TestFieldReadersRefuse(t *testing.T) {
	for want, inputs := range map[string][]string{
		"wrong argument count":             {"name", "name a b", "models"},
		"usage: header <name> <value>":     {"header X-A", "header X-A 1 2"},
		`unrecognized test option "other"`: {"other x"},
	} {
		for _, input := range inputs {
			var f fields
			if err := f.parse("block {\n " + input + "\n}"); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%q: error %v, want it to contain %q", input, err, want)
			}
		}
	}
}
