package cache

// embeddingKeyVersion: see chatKeyVersion.
const embeddingKeyVersion = "emb/v1"

// EmbeddingKey returns the cache key of one embedding input: "emb:" and
// the hex SHA-256 of the model, the input text, the dimensions and the
// encoding format. Embeddings are cached per input, so a batch that shares
// inputs with earlier batches only sends the new ones upstream. An empty
// encoding format means "float", OpenAI's default, so both spellings share
// entries; the format stays in the key because the stored vector is encoded
// as the client asked.
func EmbeddingKey(model string, input string, dimensions *int, encodingFormat string) string {
	w := getKeyWriter()
	defer putKeyWriter(w)
	w.str(embeddingKeyVersion)
	w.embeddingParams(model, dimensions, encodingFormat)
	w.tag('s')
	w.str(input)
	return w.sum("emb:")
}

// EmbeddingTokensKey is EmbeddingKey for an input given as token IDs. It
// never equals the key of a text input, even one that tokenises the same.
func EmbeddingTokensKey(model string, tokens []int, dimensions *int, encodingFormat string) string {
	w := getKeyWriter()
	defer putKeyWriter(w)
	w.str(embeddingKeyVersion)
	w.embeddingParams(model, dimensions, encodingFormat)
	w.tag('k')
	w.count(len(tokens))
	for _, t := range tokens {
		w.int64(int64(t))
	}
	return w.sum("emb:")
}

func (w *keyWriter) embeddingParams(model string, dimensions *int, encodingFormat string) {
	w.str(model)
	w.optInt(dimensions)
	if encodingFormat == "" {
		encodingFormat = "float"
	}
	w.str(encodingFormat)
}
