package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
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
	RoleName string
	Role     string
	UnitName string
	Work     []workPeriod // newest first
	Notice   string
}

// workPeriod is one period on the staff home. A published period is a
// short card (its decision and, for an officer, the unit's result); an
// open one shows its phases, deadlines and the work to do.
type workPeriod struct {
	Code, Name string
	Phase      string
	Steps      []phaseStep
	Deadlines  []deadlineView
	Published  bool
	// Decision is the publication in force of a published period.
	Decision *publicationView
	// Officer: their unit's assessment, its submission and reminders, and
	// once published its result.
	AssessmentURL string
	Submitted     bool
	NoSet         bool // the unit's group has no criteria set this period
	Reminders     []reminderView
	// MoreReminders counts the older reminders not shown.
	MoreReminders int
	Result        *unitResult
	// Appraiser: the units to appraise, by group; Appraising says the
	// period is in a round of appraisal, when the list is what they work
	// on (else it is folded).
	Groups         []workGroup
	UnitCount      int
	SubmittedUnits int
	Appraising     bool
	Fields         string // the fields the assignments narrow to, comma-separated
	// Links of the period for the role: dashboard, publication, reports,
	// public page.
	DashboardURL, PublishURL, ReportURL, PublicURL string
}

// unitResult is an officer's unit in a published period.
type unitResult struct {
	Rank, Count        int
	Index              scoring.Decimal
	Grade              badge
	RankChange         *int
	IndexChange        *scoring.Decimal
	PublicURL, CardURL string
}

// workGroup is one group of the units an appraiser appraises.
type workGroup struct {
	Name  string
	Units []workUnit
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
	names, err := s.groupNames(ctx)
	if err != nil {
		return err
	}
	page := workPage{chrome: s.chrome(c, l, l.T("work.home.title")),
		RoleName: l.T("work.role." + string(u.Role)), Role: string(u.Role), Notice: doneMessage(l, c)}
	if u.Role == auth.Officer {
		page.UnitName = nameOr(home.Unit.Name, home.Unit.Code)
	}
	now := s.now()
	for _, hp := range home.Periods {
		p := hp.Period
		wp := workPeriod{Code: p.Code, Name: periodName(p), Phase: l.T("work.phase." + string(p.Phase)),
			Steps: phaseSteps(l, p.Phase), Published: p.Published(),
			Fields: strings.Join(hp.Fields, ", "), Submitted: hp.Submitted, Reminders: reminderViews(l, hp.Reminders),
			MoreReminders: hp.ReminderCount - len(hp.Reminders)}
		if wp.Published {
			pubs, err := s.publications(ctx, l, p.Code)
			if err != nil {
				return err
			}
			if len(pubs) > 0 {
				wp.Decision = &pubs[0]
			}
			wp.PublicURL = periodURL(p.Code)
		} else {
			wp.Deadlines = deadlineViews(l, hp.Deadlines, now)
		}
		switch u.Role {
		case auth.Officer:
			wp.NoSet = !hp.Assessed
			if hp.Assessed {
				wp.AssessmentURL = workUnitURL(p.Code, home.Unit.Code)
			}
			if hp.Assessed && wp.Published {
				if wp.Result, err = s.publishedResult(ctx, p.Code, home.Unit); err != nil {
					return err
				}
			}
		case auth.Appraiser:
			wp.ReportURL = reportURL(p.Code)
			wp.Appraising = p.Phase == domain.PhaseAppraisal || p.Phase == domain.PhaseFinalAppraisal || p.Phase == domain.PhaseCorrection
			byGroup := map[string]int{}
			for _, hu := range hp.Units {
				i, ok := byGroup[hu.Unit.Group]
				if !ok {
					i = len(wp.Groups)
					byGroup[hu.Unit.Group] = i
					wp.Groups = append(wp.Groups, workGroup{Name: nameOr(names[hu.Unit.Group], hu.Unit.Group)})
				}
				wp.Groups[i].Units = append(wp.Groups[i].Units, workUnit{Code: hu.Unit.Code, Name: nameOr(hu.Unit.Name, hu.Unit.Code),
					URL: workUnitURL(p.Code, hu.Unit.Code), Submitted: hu.Submitted})
				wp.UnitCount++
				if hu.Submitted {
					wp.SubmittedUnits++
				}
			}
		case auth.Admin, auth.Committee:
			wp.DashboardURL = workPeriodURL(p.Code) + "/dashboard"
			wp.PublishURL = workPeriodURL(p.Code) + "/publish"
			wp.ReportURL = reportURL(p.Code)
		}
		page.Work = append(page.Work, wp)
	}
	return s.render(c, http.StatusOK, "work", page)
}

// publishedResult is a unit's result in a published period, as the public
// reads it; nil when the unit has none there.
func (s *server) publishedResult(ctx context.Context, period string, unit domain.Unit) (*unitResult, error) {
	out, err := s.results.Compute(ctx, period, unit.Group, scoring.StageFinal)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("web: results of %s: %w", period, err)
	}
	g, r := findUnit(out, unit.Code)
	if r == nil {
		return nil, nil
	}
	return &unitResult{Rank: r.Rank, Count: g.Summary.Count, Index: r.Index, Grade: gradeBadge(g.Framework, r.Grade),
		RankChange: r.RankChange, IndexChange: r.IndexChange,
		PublicURL: unitURL(period, unit.Code), CardURL: reportUnitURL(period, unit.Code)}, nil
}
