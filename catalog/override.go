package catalog

// Override changes parts of a Spec from the config; nil fields keep the
// built-in value.
type Override struct {
	ContextWindow *int     `json:"context_window,omitempty"`
	MaxOutput     *int     `json:"max_output,omitempty"`
	Vision        *bool    `json:"vision,omitempty"`
	Tools         *bool    `json:"tools,omitempty"`
	JSONMode      *bool    `json:"json_mode,omitempty"`
	Streaming     *bool    `json:"streaming,omitempty"`
	Reasoning     *bool    `json:"reasoning,omitempty"`
	Input         *float64 `json:"input,omitempty"`
	CachedInput   *float64 `json:"cached_input,omitempty"`
	CacheWrite    *float64 `json:"cache_write,omitempty"`
	Output        *float64 `json:"output,omitempty"`
	ReasoningRate *float64 `json:"reasoning_rate,omitempty"`
	PerImage      *float64 `json:"per_image,omitempty"`
	PerSecond     *float64 `json:"per_second,omitempty"`
}

// Apply returns s with the override's set fields replaced.
func (o Override) Apply(s Spec) Spec {
	setInt(&s.ContextWindow, o.ContextWindow)
	setInt(&s.MaxOutput, o.MaxOutput)
	setBool(&s.Vision, o.Vision)
	setBool(&s.Tools, o.Tools)
	setBool(&s.JSONMode, o.JSONMode)
	setBool(&s.Streaming, o.Streaming)
	setBool(&s.Reasoning, o.Reasoning)
	setFloat(&s.Prices.Input, o.Input)
	setFloat(&s.Prices.CachedInput, o.CachedInput)
	setFloat(&s.Prices.CacheWrite, o.CacheWrite)
	setFloat(&s.Prices.Output, o.Output)
	setFloat(&s.Prices.Reasoning, o.ReasoningRate)
	setFloat(&s.Prices.PerImage, o.PerImage)
	setFloat(&s.Prices.PerSecond, o.PerSecond)
	return s
}

func setInt(dst *int, v *int) {
	if v != nil {
		*dst = *v
	}
}

func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}

func setFloat(dst *float64, v *float64) {
	if v != nil {
		*dst = *v
	}
}
