package google

import (
	"errors"
	"path"
	"strings"
)

// maxInlineImageSize bounds one base64 image: Gemini refuses requests with
// more than 20 MB of inline data, so larger ones are rejected here with a
// clear message instead of after the upload.
const maxInlineImageSize = 20 << 20

// filesAPIPrefix starts the URIs of files uploaded with Gemini's Files API,
// the only https URLs Gemini reads itself.
const filesAPIPrefix = "https://generativelanguage.googleapis.com/"

// imagePart turns an OpenAI image URL into a Gemini part:
//
//   - data:<mime>;base64,<data> → inlineData{mimeType, data} (data unchanged)
//   - gs://… and Files API URIs → fileData{mimeType, fileUri}
//   - any other http(s) URL is an error: Gemini does not fetch arbitrary
//     URLs, and the gateway does not download on a client's behalf (that
//     would let clients make it fetch internal addresses).
func imagePart(url string) (part, error) {
	switch {
	case strings.HasPrefix(url, "data:"):
		return dataURLPart(url)
	case strings.HasPrefix(url, "gs://"), strings.HasPrefix(url, filesAPIPrefix):
		return part{FileData: &fileData{MimeType: mimeFromExtension(url), FileURI: url}}, nil
	case strings.HasPrefix(url, "http://"), strings.HasPrefix(url, "https://"):
		return part{}, errors.New("Gemini cannot fetch image URLs; send the image as a base64 data: URL (or a gs:// or Files API URI)")
	}
	return part{}, errors.New("image_url.url must be a data: URL, a gs:// URI or a Files API URI")
}

// dataURLPart parses data:<mime>;base64,<payload>.
func dataURLPart(url string) (part, error) {
	meta, data, ok := strings.Cut(strings.TrimPrefix(url, "data:"), ",")
	if !ok {
		return part{}, errors.New("malformed data: URL")
	}
	mime, isBase64 := strings.CutSuffix(meta, ";base64")
	if !isBase64 {
		return part{}, errors.New("data: URL must be base64-encoded")
	}
	if i := strings.IndexByte(mime, ';'); i >= 0 { // drop parameters such as charset
		mime = mime[:i]
	}
	if !strings.Contains(mime, "/") {
		return part{}, errors.New("data: URL needs a MIME type such as image/png")
	}
	if data == "" {
		return part{}, errors.New("data: URL has no data")
	}
	if len(data) > maxInlineImageSize {
		return part{}, errors.New("inline image is larger than Gemini's 20 MB limit")
	}
	return part{InlineData: &blob{MimeType: strings.ToLower(mime), Data: data}}, nil
}

// mimeFromExtension guesses an image MIME type from a URI's extension; ""
// leaves it to Gemini.
func mimeFromExtension(uri string) string {
	switch strings.ToLower(path.Ext(uri)) {
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".webp":
		return "image/webp"
	case ".heic":
		return "image/heic"
	case ".heif":
		return "image/heif"
	case ".gif":
		return "image/gif"
	}
	return ""
}
