package workflow

import (
	"context"
	"strings"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
)

// MaxReminderUnits bounds the units one reminder names: far above a
// province's units (a few hundred), far below what would make one request
// write without end.
const MaxReminderUnits = 1000

// Remind sends a message to units (the secretariat); it is shown on their
// assessment pages and home. A unit named twice gets one reminder; more
// than MaxReminderUnits distinct units, an empty or too long message, or
// an unknown unit are refused (422, 404) and nothing is sent: the
// reminders are stored all together or not at all. It returns how many
// units were reminded.
func (s *Service) Remind(ctx context.Context, user auth.User, period string, units []string, message string) (int, error) {
	if user.Role != auth.Admin {
		return 0, domain.Errorf(domain.ErrForbidden, "wf.remind_forbidden", "only the secretariat sends reminders")
	}
	message = strings.TrimSpace(message)
	if message == "" || len([]rune(message)) > 2000 {
		return 0, domain.Errorf(domain.ErrInvalid, "wf.remind_length", "the reminder must have 1 to 2000 characters")
	}
	distinct := make([]string, 0, min(len(units), MaxReminderUnits))
	seen := make(map[string]bool, cap(distinct))
	for _, u := range units {
		u = strings.TrimSpace(u)
		if u == "" || seen[u] {
			continue
		}
		if len(distinct) == MaxReminderUnits {
			return 0, domain.Errorf(domain.ErrInvalid, "wf.remind_too_many", "a reminder names at most %d units", MaxReminderUnits)
		}
		seen[u] = true
		distinct = append(distinct, u)
	}
	if len(distinct) == 0 {
		return 0, domain.Errorf(domain.ErrInvalid, "wf.remind_units", "choose at least one unit")
	}
	if _, err := s.store.Period(ctx, period); err != nil {
		return 0, err
	}
	rs := make([]Reminder, len(distinct))
	for i, u := range distinct {
		rs[i] = Reminder{Period: period, Unit: u, Message: message, Author: user.Username, At: s.now()}
	}
	if _, err := s.store.AddReminders(ctx, rs); err != nil {
		return 0, err
	}
	return len(rs), nil
}
