package web

import (
	"context"
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

// vnZone is the province's clock: Vietnam keeps UTC+7 all year, so a fixed
// zone needs no time-zone database on the server.
var vnZone = time.FixedZone("ICT", 7*60*60)

// formatTime writes a moment in Vietnam time: 15/01/2026 17:00 in
// Vietnamese, 15 Jan 2026 17:00 in English.
func formatTime(l *locale, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if l.code == "vi" {
		return t.In(vnZone).Format("02/01/2006 15:04")
	}
	return t.In(vnZone).Format("2 Jan 2006 15:04")
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
	periods, err := s.catalog.Periods(ctx)
	if err != nil {
		return err
	}
	page := workPage{chrome: s.chrome(c, l, l.T("work.home.title")), UserName: nameOr(u.Name, u.Username),
		RoleName: l.T("work.role." + string(u.Role)), Role: string(u.Role), Notice: doneMessage(l, c)}
	var unit domain.Unit
	if u.Role == auth.Officer {
		if unit, err = s.workflow.Store.Unit(ctx, u.Unit); err != nil {
			return err
		}
		page.UnitName = nameOr(unit.Name, unit.Code)
	}
	now := time.Now()
	if s.workflow.Now != nil {
		now = s.workflow.Now()
	}
	for i := len(periods) - 1; i >= 0; i-- {
		p := periods[i]
		deadlines, err := s.workflow.Store.Deadlines(ctx, p.Code)
		if err != nil {
			return err
		}
		wp := workPeriod{Code: p.Code, Name: periodName(p), Phase: l.T("work.phase." + string(p.Phase)),
			Steps: phaseSteps(l, p.Phase), Deadlines: deadlineViews(l, deadlines, now), Published: p.Phase == domain.PhasePublished}
		switch u.Role {
		case auth.Officer:
			if err := s.officerPeriod(ctx, l, &wp, unit); err != nil {
				return err
			}
		case auth.Appraiser:
			if err := s.appraiserPeriod(ctx, &wp, u); err != nil {
				return err
			}
		case auth.Admin, auth.Committee:
			wp.DashboardURL = workPeriodURL(p.Code) + "/dashboard"
			wp.PublishURL = workPeriodURL(p.Code) + "/publish"
		}
		page.Work = append(page.Work, wp)
	}
	return s.render(c, http.StatusOK, "work", page)
}

func (s *server) officerPeriod(ctx context.Context, l *locale, wp *workPeriod, unit domain.Unit) error {
	groups, err := s.workflow.Store.FrameworkGroups(ctx, wp.Code)
	if err != nil {
		return err
	}
	if !slices.Contains(groups, unit.Group) {
		wp.NoSet = true
		return nil
	}
	wp.AssessmentURL = workUnitURL(wp.Code, unit.Code)
	sub, err := s.workflow.Store.Submission(ctx, wp.Code, unit.Code)
	if err != nil {
		return err
	}
	wp.Submitted = sub.Status == workflow.Submitted
	rs, err := s.workflow.Store.Reminders(ctx, wp.Code, unit.Code)
	if err != nil {
		return err
	}
	wp.Reminders = reminderViews(l, rs)
	return nil
}

// appraiserPeriod lists the units an appraiser appraises: those of their
// assignments, or every assessed unit when they have none.
func (s *server) appraiserPeriod(ctx context.Context, wp *workPeriod, u auth.User) error {
	mine, err := s.myAssignments(ctx, wp.Code, u)
	if err != nil {
		return err
	}
	groups, err := s.workflow.Store.FrameworkGroups(ctx, wp.Code)
	if err != nil || len(groups) == 0 {
		return err
	}
	units, err := s.workflow.Store.Units(ctx, "")
	if err != nil {
		return err
	}
	subs, err := s.workflow.Store.Submissions(ctx, wp.Code)
	if err != nil {
		return err
	}
	submitted := map[string]bool{}
	for _, sub := range subs {
		submitted[sub.Unit] = sub.Status == workflow.Submitted
	}
	allUnits := len(mine) == 0
	named := map[string]bool{}
	var fields []string
	for _, a := range mine {
		allUnits = allUnits || a.Unit == ""
		named[a.Unit] = true
		if a.Field != "" && !slices.Contains(fields, a.Field) {
			fields = append(fields, a.Field)
		}
	}
	wp.Fields = strings.Join(fields, ", ")
	lin, err := s.lineageOf(ctx)
	if err != nil {
		return err
	}
	for _, un := range units {
		if !slices.Contains(groups, un.Group) || !(allUnits || named[un.Code]) || !lin.Exists(un.Code, wp.Code) {
			continue
		}
		wp.Units = append(wp.Units, workUnit{Code: un.Code, Name: nameOr(un.Name, un.Code), URL: workUnitURL(wp.Code, un.Code), Submitted: submitted[un.Code]})
	}
	return nil
}

// myAssignments returns an appraiser's assignments in a period.
func (s *server) myAssignments(ctx context.Context, period string, u auth.User) ([]workflow.Assignment, error) {
	all, err := s.workflow.Store.Assignments(ctx, period)
	if err != nil {
		return nil, err
	}
	var mine []workflow.Assignment
	for _, a := range all {
		if a.UserID == u.ID {
			mine = append(mine, a)
		}
	}
	return mine, nil
}

// workPages registers the staff pages: login, the work pages of each role
// and account management. Each route names the roles it admits; the
// workflow service checks, in addition, which units and stages the user may
// touch. Every form posts with the session's CSRF token and answers with a
// redirect (POST-redirect-GET), or with the page again when something must
// be corrected.
func (s *server) workPages(e *echo.Echo) {
	e.GET("/login", s.loginForm)
	e.POST("/login", s.loginSubmit)
	e.POST("/logout", s.logoutSubmit)
	e.GET("/account/password", s.passwordForm, requireRole())
	e.POST("/account/password", s.passwordSubmit, requireRole())

	work := e.Group("/work", requireRole())
	work.GET("", s.workHome)
	work.GET("/periods/:period/units/:unit", s.assessmentPage)
	work.POST("/periods/:period/units/:unit/fields/:field", s.saveField)
	work.POST("/periods/:period/units/:unit/submission", s.submissionSubmit, requireRole(auth.Officer))
	work.GET("/periods/:period/units/:unit/audit", s.auditPage)
	work.GET("/periods/:period/dashboard", s.dashboardPage, requireRole(auth.Admin, auth.Committee))
	work.POST("/periods/:period/phase", s.phaseSubmit, requireRole(auth.Admin))
	work.POST("/periods/:period/deadlines", s.deadlinesSubmit, requireRole(auth.Admin))
	work.POST("/periods/:period/reminders", s.remindersSubmit, requireRole(auth.Admin))
	work.GET("/periods/:period/publish", s.publishForm, requireRole(auth.Committee, auth.Admin))
	work.POST("/periods/:period/publish", s.publishSubmit, requireRole(auth.Committee))

	admin := e.Group("/admin", requireRole(auth.Admin))
	admin.GET("/users", s.usersList)
	admin.POST("/users", s.userCreate)
	admin.GET("/users/:username", s.userEdit)
	admin.POST("/users/:username", s.userUpdate)
	admin.POST("/users/:username/status", s.userStatus)
	admin.POST("/users/:username/password", s.userPassword)
	admin.POST("/users/:username/assignments", s.userAssignments)
}
