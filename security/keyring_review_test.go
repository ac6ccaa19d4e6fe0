package security

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

// TestLookupIsConstantTime is an automated code review of Keyring.Lookup,
// guarding the properties a timing test could never measure reliably: the
// comparison is subtle.ConstantTimeCompare, the loop over the stored hashes
// has no early exit, and no map is indexed (a map lookup on a secret-derived
// value would leak timing through hashing and bucket probing).
func TestLookupIsConstantTime(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), "keyring.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var lookup *ast.FuncDecl
	for _, d := range file.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == "Lookup" {
			lookup = fn
		}
	}
	if lookup == nil {
		t.Fatal("Keyring.Lookup not found in keyring.go")
	}
	var usesConstantTime, hasLoop bool
	ast.Inspect(lookup.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if pkg, ok := n.X.(*ast.Ident); ok && pkg.Name == "subtle" && n.Sel.Name == "ConstantTimeCompare" {
				usesConstantTime = true
			}
			if n.Sel.Name == "Equal" || n.Sel.Name == "Compare" {
				t.Errorf("Lookup uses a variable-time comparison: %s", n.Sel.Name)
			}
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				if isDigestOrSecret(n.X) || isDigestOrSecret(n.Y) {
					t.Error("Lookup compares secret-derived bytes with == or !=")
				}
			}
		case *ast.RangeStmt:
			hasLoop = true
			assertNoEarlyExit(t, n.Body)
		case *ast.ForStmt:
			hasLoop = true
			assertNoEarlyExit(t, n.Body)
		}
		return true
	})
	if !usesConstantTime {
		t.Error("Lookup does not call subtle.ConstantTimeCompare")
	}
	if !hasLoop {
		t.Error("Lookup does not loop over every stored hash")
	}
	assertKeyringHasNoMap(t, file)
}

func isDigestOrSecret(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && (id.Name == "digest" || id.Name == "presented")
}

func assertNoEarlyExit(t *testing.T, body *ast.BlockStmt) {
	t.Helper()
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ReturnStmt:
			t.Error("Lookup returns from inside its comparison loop")
		case *ast.BranchStmt:
			t.Errorf("Lookup leaves its comparison loop early (%s)", n.Tok)
		case *ast.IfStmt:
			t.Error("Lookup branches inside its comparison loop")
		}
		return true
	})
}

// assertKeyringHasNoMap checks that the Keyring type holds no map, so no
// lookup path can be keyed by the secret or its hash.
func assertKeyringHasNoMap(t *testing.T, file *ast.File) {
	t.Helper()
	ast.Inspect(file, func(n ast.Node) bool {
		spec, ok := n.(*ast.TypeSpec)
		if !ok || spec.Name.Name != "Keyring" {
			return true
		}
		ast.Inspect(spec.Type, func(n ast.Node) bool {
			if _, isMap := n.(*ast.MapType); isMap {
				t.Error("Keyring has a map field")
			}
			return true
		})
		return false
	})
}
