package anthropic

import (
	"strconv"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Image media types the Messages API accepts in a base64 source
// (https://docs.anthropic.com/en/docs/build-with-claude/vision).
var imageMediaTypes = map[string]bool{
	"image/jpeg": true,
	"image/png":  true,
	"image/gif":  true,
	"image/webp": true,
}

// imageBlock turns an OpenAI image URL into an image block: a data URL
// becomes a base64 source (the data is passed on, not decoded), an http(s)
// URL a url source that Anthropic fetches itself.
func imageBlock(url string) (Block, *providers.Error) {
	if rest, ok := cutPrefixFold(url, "data:"); ok {
		src, err := parseDataURL(rest)
		if err != nil {
			return Block{}, err
		}
		return Block{Type: "image", Source: src}, nil
	}
	if hasPrefixFold(url, "https://") || hasPrefixFold(url, "http://") {
		return Block{Type: "image", Source: &Source{Type: "url", URL: url}}, nil
	}
	return Block{}, providers.Errorf(providers.KindInvalidRequest,
		"image_url must be an http(s) URL or a base64 data URL")
}

// parseDataURL reads "<media type>[;param]*;base64,<data>" (after "data:").
func parseDataURL(rest string) (*Source, *providers.Error) {
	meta, data, ok := strings.Cut(rest, ",")
	if !ok || data == "" {
		return nil, providers.Errorf(providers.KindInvalidRequest, "image data URL has no data")
	}
	// The first and last of the ;-separated parameters matter; they are
	// the same one when there is no ';'.
	first, last := meta, meta
	if i := strings.IndexByte(meta, ';'); i >= 0 {
		first, last = meta[:i], meta[strings.LastIndexByte(meta, ';')+1:]
	}
	if !strings.EqualFold(last, "base64") {
		return nil, providers.Errorf(providers.KindInvalidRequest, "image data URL must be base64-encoded")
	}
	mediaType := strings.ToLower(strings.TrimSpace(first))
	if mediaType == "image/jpg" {
		mediaType = "image/jpeg"
	}
	if !imageMediaTypes[mediaType] {
		return nil, &providers.Error{Kind: providers.KindUnsupported, Code: "unsupported_content",
			Message: "image type " + strconv.Quote(mediaType) + " is not supported by provider type anthropic (jpeg, png, gif, webp)"}
	}
	return &Source{Type: "base64", MediaType: mediaType, Data: data}, nil
}

// DataURL is the inverse of parseDataURL, for the inbound direction.
func DataURL(mediaType, data string) string {
	return "data:" + mediaType + ";base64," + data
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if !hasPrefixFold(s, prefix) {
		return s, false
	}
	return s[len(prefix):], true
}
