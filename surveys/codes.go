package surveys

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/parindex/parindex/domain"
	"strings"
)

// CodeAlphabet is the alphabet of one-time codes: digits and capital
// letters without the ones that are easy to confuse on paper (0/O, 1/I/L)
// or to misread (U/V).
const CodeAlphabet = "23456789ABCDEFGHJKMNPQRSTWXYZ"

// CodeLength is the number of characters of a one-time code: 29^10 ≈ 4·10^14
// possibilities (48 bits), far beyond guessing under the submission rate
// limits, and short enough to type from a paper form.
const CodeLength = 10

// NewCode returns a fresh one-time code from crypto/rand, written as two
// groups of five characters ("ABCDE-FGH23").
func NewCode() (string, error) {
	const n = len(CodeAlphabet)
	// Rejection sampling keeps every character uniform.
	limit := byte(256 - 256%n)
	out := make([]byte, 0, CodeLength+1)
	buf := make([]byte, 32)
	for len(out) < CodeLength+1 {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("surveys: new code: %w", err)
		}
		for _, b := range buf {
			if b >= limit {
				continue
			}
			if len(out) == 5 {
				out = append(out, '-')
			}
			out = append(out, CodeAlphabet[int(b)%n])
			if len(out) == CodeLength+1 {
				break
			}
		}
	}
	return string(out), nil
}

// NormalizeCode is how a typed code or dossier number is compared: capital
// letters, without spaces or hyphens.
func NormalizeCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(strings.TrimSpace(s)) {
		switch r {
		case ' ', '-', '\t', '\u00a0':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// HashCode is the hash a code or dossier number is stored under: the codes
// themselves are never stored.
func HashCode(s string) string {
	sum := sha256.Sum256([]byte("parindex-survey-code:" + NormalizeCode(s)))
	return hex.EncodeToString(sum[:])
}

// CodeKind is what a one-time code stands for.
type CodeKind string

// The code kinds.
const (
	// PaperCode is a code printed on a paper questionnaire or handed to a
	// respondent.
	PaperCode CodeKind = "paper"
	// DossierCode is the number of a dossier from the one-stop system: the
	// citizen who received the service types it in.
	DossierCode CodeKind = "dossier"
)

// Errors of submissions that callers tell apart. They are of the domain
// kinds, so the web layer answers 409 (used code, survey not open) and 422.
var (
	ErrCodeUsed       = domain.Conflictf("the one-time code has already been used")
	ErrCodeUnknown    = domain.Invalidf("the one-time code is not valid for this survey")
	ErrCodeOtherUnit  = domain.Invalidf("the one-time code belongs to another unit")
	ErrCodeRequired   = domain.Invalidf("this survey needs a one-time code")
	ErrNotOpen        = domain.Conflictf("the survey is not open")
	ErrUnitNotCovered = domain.Invalidf("the survey does not cover this unit")
)
