package sim

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"sync"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

const (
	imageSide = 64 // pixels; whatever size was asked for
	maxImages = 10 // OpenAI's limit of n
)

// Images returns n small PNGs whose colours derive from the prompt, as
// base64 (b64_json, the default) or as data: URLs when the client asked for
// url, since the simulator has nowhere to host files.
func (p *Provider) Images(ctx context.Context, t providers.Target, req *providers.ImageRequest) (*providers.ImageResponse, error) {
	if req.Prompt == "" {
		return nil, p.invalid("prompt", "prompt must not be empty")
	}
	n := req.Count()
	if n > maxImages {
		return nil, p.invalid("n", "n must be at most "+strconv.Itoa(maxImages))
	}
	switch req.ResponseFormat {
	case "", "b64_json", "url":
	default:
		return nil, p.invalid("response_format", "response_format must be url or b64_json")
	}
	if err := p.begin(ctx); err != nil {
		return nil, err
	}
	h := newHasher()
	h.str(t.Model)
	h.str(req.Prompt)
	seed := h.sum()
	data := make([]providers.ImageData, n)
	for i := range data {
		b64 := base64.StdEncoding.EncodeToString(renderPNG(mix64(seed + uint64(i)*golden)))
		if req.ResponseFormat == "url" {
			data[i].URL = "data:image/png;base64," + b64
		} else {
			data[i].B64JSON = b64
		}
	}
	return &providers.ImageResponse{Created: p.now().Unix(), Data: data}, nil
}

// renderPNG draws a diagonal gradient between two colours chosen by seed.
func renderPNG(seed uint64) []byte {
	seq := sequence(seed)
	from, to := randomColor(&seq), randomColor(&seq)
	img := image.NewNRGBA(image.Rect(0, 0, imageSide, imageSide))
	const span = 2 * (imageSide - 1)
	for y := range imageSide {
		for x := range imageSide {
			k := x + y
			img.SetNRGBA(x, y, color.NRGBA{
				R: blend(from.R, to.R, k, span),
				G: blend(from.G, to.G, k, span),
				B: blend(from.B, to.B, k, span),
				A: 0xff,
			})
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: pngBuffers{}}
	_ = enc.Encode(&buf, img) // writing to memory cannot fail
	return buf.Bytes()
}

func randomColor(seq *sequence) color.NRGBA {
	v := seq.next()
	return color.NRGBA{R: uint8(v), G: uint8(v >> 8), B: uint8(v >> 16), A: 0xff}
}

func blend(a, b uint8, k, span int) uint8 {
	return uint8((int(a)*(span-k) + int(b)*k) / span)
}

// pngBuffers reuses the encoder's scratch buffers between images.
type pngBuffers struct{}

var pngPool sync.Pool

func (pngBuffers) Get() *png.EncoderBuffer {
	b, _ := pngPool.Get().(*png.EncoderBuffer)
	return b
}

func (pngBuffers) Put(b *png.EncoderBuffer) { pngPool.Put(b) }
