package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/workflow"
)

// formatTime writes a moment in the province's time: 15/01/2026 17:00 in
// Vietnamese, 15 Jan 2026 17:00 in English.
func formatTime(l *locale, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if l.code == "vi" {
		return t.In(l.zone).Format("02/01/2006 15:04")
	}
	return t.In(l.zone).Format("2 Jan 2006 15:04")
}

// formatDate writes a calendar date (a decision's date).
func formatDate(l *locale, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if l.code == "vi" {
		return t.UTC().Format("02/01/2006")
	}
	return t.UTC().Format("2 Jan 2006")
}

// deadlinePhases are the phases that can have a deadline, in order.
var deadlinePhases = []domain.Phase{domain.PhaseSelfAssessment, domain.PhaseAppraisal, domain.PhaseExplanation, domain.PhaseFinalAppraisal}

func phaseIndex(p domain.Phase) int { return slices.Index(domain.Phases, p) }

// phaseStep is one phase in the progress line of a period.
type phaseStep struct {
	Label string
	State string // done, current or todo
}

func phaseSteps(l *locale, current domain.Phase) []phaseStep {
	steps := make([]phaseStep, 0, len(domain.Phases))
	at := phaseIndex(current)
	for i, p := range domain.Phases {
		if p == domain.PhaseCorrection && current != p {
			continue // a correction is a step only of a period reopened
		}
		st := "todo"
		switch {
		case i < at:
			st = "done"
		case i == at:
			st = "current"
		}
		steps = append(steps, phaseStep{Label: l.T("work.phase." + string(p)), State: st})
	}
	return steps
}

// deadlineView is a phase's deadline as shown.
type deadlineView struct {
	Phase  string
	When   string
	Passed bool
}

func deadlineViews(l *locale, deadlines map[domain.Phase]time.Time, now time.Time) []deadlineView {
	var out []deadlineView
	for _, p := range deadlinePhases {
		if t, ok := deadlines[p]; ok {
			out = append(out, deadlineView{Phase: l.T("work.phase." + string(p)), When: formatTime(l, t), Passed: !now.Before(t)})
		}
	}
	return out
}

// reminderView is a reminder from the secretariat as shown.
type reminderView struct {
	Message, Author, When string
}

func reminderViews(l *locale, rs []workflow.Reminder) []reminderView {
	out := make([]reminderView, 0, len(rs))
	for i := len(rs) - 1; i >= 0; i-- { // newest first
		out = append(out, reminderView{Message: rs[i].Message, Author: rs[i].Author, When: formatTime(l, rs[i].At)})
	}
	return out
}

func workUnitURL(period, unit string) string {
	return "/work/periods/" + url.PathEscape(period) + "/units/" + url.PathEscape(unit)
}

func workPeriodURL(period string) string { return "/work/periods/" + url.PathEscape(period) }

// workPage is the staff home: the periods and what the user does in each.
type workPage struct {
	chrome
	UserName string
	RoleName string
	Role     string
	UnitName string
	Work     []workPeriod // newest first
	Notice   string
}

// workPeriod is one period on the staff home.
type workPeriod struct {
	Code, Name string
	Phase      string
	Steps      []phaseStep
	Deadlines  []deadlineView
	// Officer: their unit's assessment and reminders.
	AssessmentURL string
	Submitted     bool
	NoSet         bool // the unit's group has no criteria set this period
	Reminders     []reminderView
	// MoreReminders counts the older reminders not shown.
	MoreReminders int
	// Appraiser: the units to appraise.
	Units  []workUnit
	Fields string // the fields the assignments narrow to, comma-separated
	// Secretariat and committee.
	DashboardURL string
	PublishURL   string
	Published    bool
}

// workUnit is a unit an appraiser appraises.
type workUnit struct {
	Code, Name, URL string
	Submitted       bool
}

// workHome shows every period with its phase and deadlines, and per role the
// links to the user's work.
func (s *server) workHome(c echo.Context) error {
	ctx, l, u := c.Request().Context(), s.locale(c), currentUser(c)
	home, err := s.workflow.Home(ctx, u)
	if err != nil {
		return err
	}
	page := workPage{chrome: s.chrome(c, l, l.T("work.home.title")), UserName: nameOr(u.Name, u.Username),
		RoleName: l.T("work.role." + string(u.Role)), Role: string(u.Role), Notice: doneMessage(l, c)}
	if u.Role == auth.Officer {
		page.UnitName = nameOr(home.Unit.Name, home.Unit.Code)
	}
	now := s.now()
	for _, hp := range home.Periods {
		p := hp.Period
		wp := workPeriod{Code: p.Code, Name: periodName(p), Phase: l.T("work.phase." + string(p.Phase)),
			Steps: phaseSteps(l, p.Phase), Deadlines: deadlineViews(l, hp.Deadlines, now), Published: p.Published(),
			Fields: strings.Join(hp.Fields, ", "), Submitted: hp.Submitted, Reminders: reminderViews(l, hp.Reminders),
			MoreReminders: hp.ReminderCount - len(hp.Reminders)}
		switch u.Role {
		case auth.Officer:
			wp.NoSet = !hp.Assessed
			if hp.Assessed {
				wp.AssessmentURL = workUnitURL(p.Code, home.Unit.Code)
			}
		case auth.Appraiser:
			for _, hu := range hp.Units {
				wp.Units = append(wp.Units, workUnit{Code: hu.Unit.Code, Name: nameOr(hu.Unit.Name, hu.Unit.Code),
					URL: workUnitURL(p.Code, hu.Unit.Code), Submitted: hu.Submitted})
			}
		case auth.Admin, auth.Committee:
			wp.DashboardURL = workPeriodURL(p.Code) + "/dashboard"
			wp.PublishURL = workPeriodURL(p.Code) + "/publish"
		}
		page.Work = append(page.Work, wp)
	}
	return s.render(c, http.StatusOK, "work", page)
}
