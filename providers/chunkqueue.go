package providers

// ChunkQueue holds the chunks one upstream event translated to, for a
// ChatStream's Next to hand out one per call. It keeps an index rather than
// reslicing, so one backing array serves every event of the stream.
type ChunkQueue struct {
	chunks []*ChatChunk
	next   int // chunks[next:] are still to hand out
}

// Pop returns the next queued chunk and drops the queue's reference to it.
func (q *ChunkQueue) Pop() (*ChatChunk, bool) {
	if q.next >= len(q.chunks) {
		return nil, false
	}
	c := q.chunks[q.next]
	q.chunks[q.next] = nil
	q.next++
	return c, true
}

// Refill replaces the (empty) queue with chunks.
func (q *ChunkQueue) Refill(chunks []*ChatChunk) {
	q.chunks, q.next = append(q.chunks[:0], chunks...), 0
}
