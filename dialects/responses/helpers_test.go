package responses

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// fixedMeta gives deterministic ids (resp_test, msg_1, fc_2 …) and times.
func fixedMeta() Meta {
	n := 0
	return Meta{
		ID:        "resp_test",
		CreatedAt: time.Unix(1735689600, 0),
		Now:       time.Unix(1735689602, 0),
		NewID: func(prefix string) string {
			n++
			return prefix + "_" + strconv.Itoa(n)
		},
	}
}

// chunks decodes chat.completion.chunk JSON lines.
func chunks(t *testing.T, lines ...string) []*providers.ChatChunk {
	t.Helper()
	return providertest.ChunksJSON(t, lines...)
}

func chatResponse(t *testing.T, body string) *providers.ChatResponse {
	t.Helper()
	r := new(providers.ChatResponse)
	if err := json.Unmarshal([]byte(body), r); err != nil {
		t.Fatal(err)
	}
	return r
}
