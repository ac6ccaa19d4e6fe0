package sharedstate

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sira-ai/caddy-ai-backends/dialects/responses"
)

// Stored responses (previous_response_id and GET/DELETE /v1/responses/{id})
// live under
//
//	resp:{len(owner)}:{owner}:{id}   the responses.Stored as JSON, PX = TTL
//
// so any instance can continue a conversation another one started. The
// owner's length comes first so neither name can forge the other's key.
const kindResponse = "resp:"

// Operation names of the response store (op label of
// ai_shared_state_errors_total).
const (
	opResponsePut    = "response_put"
	opResponseGet    = "response_get"
	opResponseDelete = "response_delete"
)

// ResponseStore is the Redis-backed responses.Store. Entries expire TTL
// after they were put; Redis's own memory policy bounds their total size.
// While Redis is unavailable its calls fail at once with ErrUnavailable
// (never responses.ErrNotFound), so the caller can tell "gone" from
// "cannot tell now".
type ResponseStore struct {
	s   *Store
	ttl time.Duration
}

// Responses returns the response store on s; ttl <= 0 means
// responses.DefaultTTL.
func (s *Store) Responses(ttl time.Duration) *ResponseStore {
	if ttl <= 0 {
		ttl = responses.DefaultTTL
	}
	return &ResponseStore{s: s, ttl: ttl}
}

func (r *ResponseStore) key(owner, id string) string {
	return r.s.key(kindResponse, strconv.Itoa(len(owner))+":"+owner+":"+id)
}

// Put stores v for owner under id, replacing what was there.
func (r *ResponseStore) Put(ctx context.Context, owner, id string, v *responses.Stored) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return r.s.do(ctx, opResponsePut, func(ctx context.Context) error {
		return r.s.client.Set(ctx, r.key(owner, id), data, r.ttl).Err()
	})
}

// Get returns owner's stored response id, or responses.ErrNotFound.
func (r *ResponseStore) Get(ctx context.Context, owner, id string) (*responses.Stored, error) {
	var data []byte
	err := r.s.do(ctx, opResponseGet, func(ctx context.Context) error {
		b, err := r.s.client.Get(ctx, r.key(owner, id)).Bytes()
		if errors.Is(err, redis.Nil) {
			return nil
		}
		data = b
		return err
	})
	if err != nil {
		return nil, err
	}
	if data == nil {
		return nil, responses.ErrNotFound
	}
	v := new(responses.Stored)
	if err := json.Unmarshal(data, v); err != nil {
		return nil, err
	}
	return v, nil
}

// Delete removes owner's stored response id, or returns responses.ErrNotFound.
func (r *ResponseStore) Delete(ctx context.Context, owner, id string) error {
	var n int64
	err := r.s.do(ctx, opResponseDelete, func(ctx context.Context) error {
		var err error
		n, err = r.s.client.Del(ctx, r.key(owner, id)).Result()
		return err
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return responses.ErrNotFound
	}
	return nil
}

var _ responses.Store = (*ResponseStore)(nil)
