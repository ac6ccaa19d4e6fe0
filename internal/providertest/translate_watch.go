package providertest

import "github.com/sira-ai/caddy-ai-backends/providers"

// Watch wraps tr so that each sees what tr makes of every event it is fed
// (by TranslateEvents, say): the event's chunks, or tr's failure. A fuzz
// test checks the chunks as they come and tells tr's failures from the
// reader's.
func Watch(tr EventTranslator, each func(chunks []*providers.ChatChunk, err error)) EventTranslator {
	return watched{tr, each}
}

type watched struct {
	EventTranslator
	each func([]*providers.ChatChunk, error)
}

func (w watched) Translate(event string, data []byte) ([]*providers.ChatChunk, error) {
	chunks, err := w.EventTranslator.Translate(event, data)
	w.each(chunks, err)
	return chunks, err
}
