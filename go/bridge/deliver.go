package bridge

import "fmt"

// deliver consumes one batch a Rust receiver or connector produced, on its own goroutine, then
// frees the batch and answers Rust.
func deliver(sinkID uint64, signal Signal, deadline int64, records []byte, data otbBuf, completion uint64) {
	err := consumeBatch(sinkID, signal, deadline, records, data.bytes())
	freeBuf(&data)
	completeConsume(completion, err)
}

func consumeBatch(sinkID uint64, signal Signal, deadline int64, records, data []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("otelbridge: the next consumer panicked: %v", r)
		}
	}()
	s := sinkFor(sinkID)
	if s == nil || s.Next == nil {
		return errNoNext
	}
	ctx, cancel, err := consumeContext(records, deadline)
	if err != nil {
		return err
	}
	defer cancel()
	return s.Next.Consume(ctx, signal, data)
}

// completeConsume answers Rust: OK for nil, else the error as Rust's status.
func completeConsume(completion uint64, err error) {
	if err == nil {
		abiConsumeComplete(completion, nil)
		return
	}
	abiConsumeComplete(completion, asRustError(err))
}
