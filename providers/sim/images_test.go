package sim

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func decodePNG(t *testing.T, b64 string) []byte {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != imageSide || b.Dy() != imageSide {
		t.Errorf("bounds %v", b)
	}
	return raw
}

func TestImages(t *testing.T) {
	p, _ := newSim(t, nil)
	resp, err := p.Images(context.Background(), target, &providers.ImageRequest{Prompt: "a red fox", N: intPtr(3)})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Created != fixedNow.Unix() || len(resp.Data) != 3 {
		t.Fatalf("response %+v", resp)
	}
	seen := map[string]bool{}
	for _, d := range resp.Data {
		if d.URL != "" {
			t.Error("b64_json is the default")
		}
		seen[string(decodePNG(t, d.B64JSON))] = true
	}
	if len(seen) != 3 {
		t.Error("the n images should differ")
	}
	again, _ := p.Images(context.Background(), target, &providers.ImageRequest{Prompt: "a red fox"})
	if again.Data[0].B64JSON != resp.Data[0].B64JSON {
		t.Error("images are not deterministic")
	}
	other, _ := p.Images(context.Background(), target, &providers.ImageRequest{Prompt: "a blue whale"})
	if other.Data[0].B64JSON == resp.Data[0].B64JSON {
		t.Error("different prompts should draw different images")
	}
}

func TestImagesURL(t *testing.T) {
	p, _ := newSim(t, nil)
	resp, err := p.Images(context.Background(), target, &providers.ImageRequest{Prompt: "x", ResponseFormat: "url"})
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "data:image/png;base64,"
	if d := resp.Data[0]; d.B64JSON != "" || !strings.HasPrefix(d.URL, prefix) {
		t.Fatalf("data %+v", d)
	}
	decodePNG(t, strings.TrimPrefix(resp.Data[0].URL, prefix))
}

func TestImagesInvalid(t *testing.T) {
	p, _ := newSim(t, nil)
	for name, req := range map[string]*providers.ImageRequest{
		"no prompt":  {},
		"too many":   {Prompt: "x", N: intPtr(maxImages + 1)},
		"bad format": {Prompt: "x", ResponseFormat: "gif"},
	} {
		_, err := p.Images(context.Background(), target, req)
		if e := asError(t, err); e.Kind != providers.KindInvalidRequest {
			t.Errorf("%s: %+v", name, e)
		}
	}
}
