package governance

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/caddyserver/caddy/v2"
)

// AdminPrefix is the part of the path ServeAdmin routes after.
const AdminPrefix = "/ai_backends/"

// maxAdminBody bounds a create or update body.
const maxAdminBody = 64 << 10

// ServeAdmin serves the management API, routing on the path after
// AdminPrefix wherever it is mounted:
//
//	POST   client_keys            create; the secret is in the answer once
//	GET    client_keys?limit&after list, a page at a time
//	GET    client_keys/<id>       read
//	PATCH  client_keys/<id>       update the fields given
//	DELETE client_keys/<id>       revoke (the record stays)
//	POST   teams, GET teams, GET|PATCH|DELETE teams/<name>
//
// Errors are caddy.APIError values, which Caddy's admin endpoint answers
// as {"error": "..."} with their status.
func (g *Governance) ServeAdmin(w http.ResponseWriter, r *http.Request) error {
	_, rest, ok := strings.Cut(r.URL.Path, AdminPrefix)
	if !ok {
		return apiError(http.StatusNotFound, "not a management path: %s", r.URL.Path)
	}
	collection, item, hasItem := strings.Cut(strings.TrimSuffix(rest, "/"), "/")
	switch {
	case collection == "client_keys" && !hasItem:
		return g.serveKeys(w, r)
	case collection == "client_keys":
		return g.serveKey(w, r, item)
	case collection == "teams" && !hasItem:
		return g.serveTeams(w, r)
	case collection == "teams":
		return g.serveTeam(w, r, item)
	}
	return apiError(http.StatusNotFound, "unknown management path %s; use %sclient_keys or %steams",
		r.URL.Path, AdminPrefix, AdminPrefix)
}

func (g *Governance) serveKeys(w http.ResponseWriter, r *http.Request) error {
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		limit := DefaultPageSize
		if s := q.Get("limit"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > MaxPageSize {
				return apiError(http.StatusBadRequest, "limit: must be a number from 1 to %d", MaxPageSize)
			}
			limit = n
		}
		keys, next := g.ListKeys(r.Context(), limit, q.Get("after"))
		return reply(w, http.StatusOK, map[string]any{"keys": keys, "next": next})
	case http.MethodPost:
		var in KeyInput
		if err := decode(r, &in); err != nil {
			return err
		}
		k, secret, err := g.CreateKey(r.Context(), Who(r), in)
		if err != nil {
			return asAPIError(err)
		}
		w.Header().Set("Cache-Control", "no-store")
		return reply(w, http.StatusCreated, map[string]any{"key": k, "secret": secret})
	}
	return methodNotAllowed(w, "GET, POST")
}

func (g *Governance) serveKey(w http.ResponseWriter, r *http.Request, id string) error {
	if !validID(id) {
		return apiError(http.StatusNotFound, "no client key %q", id)
	}
	ctx, who := r.Context(), Who(r)
	return serveRecord(w, r,
		func() (any, error) { return g.GetKey(ctx, id) },
		func(in KeyInput) (any, error) { return g.UpdateKey(ctx, who, id, in) },
		func() (any, error) { return g.RevokeKey(ctx, who, id) })
}

func (g *Governance) serveTeams(w http.ResponseWriter, r *http.Request) error {
	switch r.Method {
	case http.MethodGet:
		return reply(w, http.StatusOK, map[string]any{"teams": g.ListTeams(r.Context())})
	case http.MethodPost:
		var in TeamInput
		if err := decode(r, &in); err != nil {
			return err
		}
		t, err := g.CreateTeam(r.Context(), Who(r), in)
		if err != nil {
			return asAPIError(err)
		}
		return reply(w, http.StatusCreated, t)
	}
	return methodNotAllowed(w, "GET, POST")
}

func (g *Governance) serveTeam(w http.ResponseWriter, r *http.Request, name string) error {
	if validTeamName(name) != nil {
		return apiError(http.StatusNotFound, "no team %q", name)
	}
	ctx, who := r.Context(), Who(r)
	return serveRecord(w, r,
		func() (any, error) { return g.GetTeam(ctx, name) },
		func(in TeamInput) (any, error) { return g.UpdateTeam(ctx, who, name, in) },
		func() (any, error) {
			if err := g.DeleteTeam(ctx, who, name); err != nil {
				return nil, err
			}
			return map[string]any{"deleted": name}, nil
		})
}

// serveRecord answers the methods on one record: GET reads it, PATCH
// changes the fields the body gives, DELETE removes (or revokes) it; each
// answers 200 with what its function returns.
func serveRecord[In any](w http.ResponseWriter, r *http.Request,
	get func() (any, error), update func(in In) (any, error), remove func() (any, error)) error {
	var v any
	var err error
	switch r.Method {
	case http.MethodGet:
		v, err = get()
	case http.MethodPatch:
		var in In
		if err := decode(r, &in); err != nil {
			return err
		}
		v, err = update(in)
	case http.MethodDelete:
		v, err = remove()
	default:
		return methodNotAllowed(w, "GET, PATCH, DELETE")
	}
	if err != nil {
		return asAPIError(err)
	}
	return reply(w, http.StatusOK, v)
}

// Who names the caller of a management request for the audit log: the
// authenticated user when a site's auth handler set one, and the remote
// address.
func Who(r *http.Request) string {
	who := r.RemoteAddr
	if repl, ok := r.Context().Value(caddy.ReplacerCtxKey).(*caddy.Replacer); ok {
		if user := repl.ReplaceAll("{http.auth.user.id}", ""); user != "" {
			who = user + "@" + who
		}
	}
	return who
}

// decode reads a JSON body strictly: an unknown field is a mistake worth
// a 400 naming it, not something to ignore.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxAdminBody+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr):
			return apiError(http.StatusBadRequest, "%s: expected %s", typeErr.Field, typeErr.Type)
		case errors.Is(err, io.EOF):
			return apiError(http.StatusBadRequest, "the request needs a JSON body")
		}
		return apiError(http.StatusBadRequest, "invalid JSON body: %v", err)
	}
	if dec.More() {
		return apiError(http.StatusBadRequest, "the body must be one JSON object")
	}
	return nil
}

func reply(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

func methodNotAllowed(w http.ResponseWriter, allow string) error {
	w.Header().Set("Allow", allow)
	return apiError(http.StatusMethodNotAllowed, "method not allowed; use %s", allow)
}

func apiError(status int, format string, args ...any) error {
	return caddy.APIError{HTTPStatus: status, Err: fmt.Errorf(format, args...)}
}

// asAPIError maps management errors to statuses: bad input 400, unknown
// 404, conflicts 409, anything else 500.
func asAPIError(err error) error {
	var fe *FieldError
	var ge *Error
	switch {
	case errors.As(err, &fe):
		return caddy.APIError{HTTPStatus: http.StatusBadRequest, Err: fe}
	case errors.As(err, &ge):
		return caddy.APIError{HTTPStatus: ge.Status, Err: ge}
	}
	return caddy.APIError{HTTPStatus: http.StatusInternalServerError, Err: err}
}
