package providers

// ImageRequest is OpenAI's image generation request.
type ImageRequest struct {
	Model          string `json:"model,omitempty"`
	Prompt         string `json:"prompt"`
	N              *int   `json:"n,omitempty"`
	Size           string `json:"size,omitempty"`
	Quality        string `json:"quality,omitempty"`
	Style          string `json:"style,omitempty"`
	ResponseFormat string `json:"response_format,omitempty"` // url or b64_json
	User           string `json:"user,omitempty"`

	// Raw is the client's body, for pass-through (see ChatRequest.Raw).
	Raw []byte `json:"-"`
}

// Count returns how many images were asked for (default 1).
func (r *ImageRequest) Count() int {
	if r.N == nil || *r.N < 1 {
		return 1
	}
	return *r.N
}

// ImageResponse is OpenAI's image generation response.
type ImageResponse struct {
	Created int64       `json:"created"`
	Data    []ImageData `json:"data"`
	Usage   *Usage      `json:"usage,omitempty"`

	// Raw is the upstream body when it already was OpenAI's format.
	Raw []byte `json:"-"`
}

// ImageData is one generated image.
type ImageData struct {
	URL           string `json:"url,omitempty"`
	B64JSON       string `json:"b64_json,omitempty"`
	RevisedPrompt string `json:"revised_prompt,omitempty"`
}
