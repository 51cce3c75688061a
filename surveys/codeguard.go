package surveys

import (
	"errors"
	"time"
)

// CodeGuard throttles the guessing of one-time codes and dossier numbers.
//
// A submission that carries a code is not rate-limited as such: the code is
// the control, so a desk typing paper forms, a kiosk, or a one-stop centre
// whose citizens share one address behind NAT may send as many coded
// answers as it has codes. What is limited is failing: each code checked
// first takes a slot from two buckets of failures, and a code that turns out
// valid gives its slots back.
//
//   - Per client (an address, or a registered kiosk): 5, then one more a
//     minute. Taken before the check, so that concurrent guesses count at
//     once.
//   - Per survey, across clients: 100, then one more a second. When it is
//     used up (guessing from many addresses), a client with recent failures
//     of its own is refused; a client with a clean record is still checked,
//     so that an attack does not lock the survey for everyone.
type CodeGuard struct {
	client *Limiter
	survey *Limiter
}

// Default limits of NewCodeGuard.
const (
	ClientCodeFailures = 5
	SurveyCodeFailures = 100
)

// NewCodeGuard returns a guard with the default limits.
func NewCodeGuard() *CodeGuard {
	return &CodeGuard{
		client: NewLimiterEvery(time.Minute, ClientCodeFailures),
		survey: NewLimiterEvery(time.Second, SurveyCodeFailures),
	}
}

// Ticket is the reservation of one code check.
type Ticket struct {
	client, survey string
	tookSurvey     bool
}

// Reserve takes the slots of one code check by client for survey at now.
// When the client's failures are used up, or the survey's are and the
// client failed lately, it returns false and how long to wait.
func (g *CodeGuard) Reserve(client, survey string, now time.Time) (Ticket, bool, time.Duration) {
	clean := g.client.Full(client, now)
	if ok, wait := g.client.Allow(client, now); !ok {
		return Ticket{}, false, wait
	}
	t := Ticket{client: client, survey: survey}
	ok, wait := g.survey.Allow(survey, now)
	switch {
	case ok:
		t.tookSurvey = true
	case !clean:
		g.client.Refund(client)
		return Ticket{}, false, wait
	}
	return t, true, 0
}

// Settle ends a code check: failed reports whether the code was refused
// (unknown, another unit's, already used); otherwise the slots are given
// back.
func (g *CodeGuard) Settle(t Ticket, failed bool) {
	if failed {
		return
	}
	g.client.Refund(t.client)
	if t.tookSurvey {
		g.survey.Refund(t.survey)
	}
}

// CodeFailed reports whether a submission's error is a refused code: the
// failures CodeGuard counts.
func CodeFailed(err error) bool {
	return errors.Is(err, ErrCodeUnknown) || errors.Is(err, ErrCodeOtherUnit) || errors.Is(err, ErrCodeUsed)
}
