package bridge

// Outcome says what a processor did with a batch.
type Outcome uint32

// The outcomes, numbered as OTB_OUTCOME_*.
const (
	OutcomeUnchanged Outcome = 0
	OutcomeReplaced  Outcome = 1
	OutcomeDropped   Outcome = 2
	// OutcomeEdited: Bytes holds edits to apply to the batch in place (go/internal/edits).
	OutcomeEdited Outcome = 3
)
