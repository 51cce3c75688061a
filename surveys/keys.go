package surveys

import (
	"errors"
	"regexp"

	"github.com/parindex/parindex/domain"
)

// Keys make a submission idempotent. A device that collects answers offline
// makes a key for each one (a random id) and sends it with the answer until
// the server acknowledges it; the network may lose the acknowledgement, so
// the same answer may arrive twice or more. The server stores a key once: a
// repeat stores nothing new and is answered as the first arrival was — the
// stored response, or the same refusal (a used code, a closed survey).

// keyPattern is what a device-made key looks like: a UUID, or any short id
// of letters, digits, '-' and '_'.
var keyPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// ErrBadKey is the refusal of a key that is not 8 to 64 letters, digits,
// '-' or '_'.
var ErrBadKey = domain.Errorf(domain.ErrInvalid, "survey.err.key", "the key must be 8 to 64 letters, digits, '-' or '_'")

// CheckKey checks a device-made key; empty (no key) is fine.
func CheckKey(key string) error {
	if key == "" || keyPattern.MatchString(key) {
		return nil
	}
	return ErrBadKey
}

// Receipt is what became of a keyed submission the first time: the stored
// response, or the reason it was refused.
type Receipt struct {
	Response *Response
	Reason   Refusal
	Detail   string
}

// Refusal is why a submission was refused, in a form that can be stored and
// turned back into the same error.
type Refusal string

// The refusals remembered for a key. Refusals that may pass on a retry —
// too many submissions, a server failure — are never remembered.
const (
	RefusedCodeUsed      Refusal = "code_used"
	RefusedCodeUnknown   Refusal = "code_unknown"
	RefusedCodeOtherUnit Refusal = "code_other_unit"
	RefusedCodeRequired  Refusal = "code_required"
	RefusedClosed        Refusal = "closed"
	RefusedUnit          Refusal = "unit"
	RefusedInvalid       Refusal = "invalid"
)

// refusalErrors are the errors the refusals stand for.
var refusalErrors = map[Refusal]error{
	RefusedCodeUsed:      ErrCodeUsed,
	RefusedCodeUnknown:   ErrCodeUnknown,
	RefusedCodeOtherUnit: ErrCodeOtherUnit,
	RefusedCodeRequired:  ErrCodeRequired,
	RefusedClosed:        ErrNotOpen,
	RefusedUnit:          ErrUnitNotCovered,
}

// RefusalOf says which refusal an error of Submit is, and with what detail
// (the problems of invalid answers); ok is false for errors a retry may get
// past.
func RefusalOf(err error) (r Refusal, detail string, ok bool) {
	for r, e := range refusalErrors {
		if errors.Is(err, e) {
			return r, "", true
		}
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		return RefusedInvalid, ve.Error(), true
	}
	return "", "", false
}

// Err is the error a remembered refusal stands for: the same as the first
// time (for invalid answers, the problems found then).
func (rc *Receipt) Err() error {
	if e, ok := refusalErrors[rc.Reason]; ok {
		return e
	}
	return &ValidationError{Problems: []Problem{{Msg: rc.Detail}}}
}
