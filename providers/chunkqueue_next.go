package providers

// Next is a ChatStream's Next over the queue: it hands out the queued
// chunks, refilling the queue with step's while it is empty. step reads
// one upstream event and returns its chunks (often none), or an error:
// io.EOF after the last event, or the classified failure. That error is
// kept in *sticky, every later call returns it, and close is called once
// with it, so the stream releases its connection as soon as it is over.
func (q *ChunkQueue) Next(sticky *error, step func() ([]*ChatChunk, error), close func() error) (*ChatChunk, error) {
	for {
		if c, ok := q.Pop(); ok {
			return c, nil
		}
		if *sticky != nil {
			return nil, *sticky
		}
		chunks, err := step()
		if err != nil {
			*sticky = err
			close()
			return nil, err
		}
		q.Refill(chunks)
	}
}
