package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/workflow"
)

// dashboardPage is a period's progress per unit, with the secretariat's
// controls: phase moves, deadlines and reminders.
type dashboardPage struct {
	chrome
	Period     domain.Period
	PeriodName string
	PhaseName  string
	Steps      []phaseStep
	Admin      bool
	Committee  bool
	Published  bool
	// CanReopen: the secretariat may reopen the published period for a
	// correction (with a reason); Correction: a correction is open.
	CanReopen  bool
	Correction bool
	Moves      []phaseMove
	Deadlines  []deadlineField
	Summary    dashSummary
	Rows       []dashRow
	// Query is the list's search, filters and order; Heads its sortable
	// column headings; Total the units before the filters.
	Query         dashQuery
	Heads         []sortHead
	GroupOptions  []option
	StatusOptions []option
	Total         int
	ListURL       string
	XLSXURL       string
	Message       string
	Notice        string
	Error         string
	CSRF          string
	BaseURL       string
	PublishURL    string
}

// phaseMove is a button that moves the period to a phase.
type phaseMove struct {
	Phase, Label string
	Next, Back   bool
}

// deadlineField is a phase's deadline input (dd/mm/yyyy hh:mm, the
// province's time).
type deadlineField struct {
	Phase, Label, Value, Shown string
	Passed                     bool
}

type dashSummary struct {
	Units, Submitted, Late, MissingEvidence, Leaves, SelfDone, Appraised, Finalised int
	SelfPct, AppraisedPct                                                           scoring.Decimal
}

// dashRow is one unit's line.
type dashRow struct {
	Code, Name, Group, URL, AuditURL  string
	GroupCode                         string
	GroupIndex                        int // the group's place in the list of groups
	Submitted, Late                   bool
	SubmittedAt                       string
	Leaves, SelfDone, MissingEvidence int
	Appraised, Changed, Finalised     int
	Reminders                         int
	SelfBar, AppraisedBar             string
	Selected                          bool
}

func percent(part, whole int) scoring.Decimal {
	if whole == 0 {
		return scoring.NewInt(0)
	}
	return scoring.NewInt(int64(part)*100).DivRound(scoring.NewInt(int64(whole)), 2)
}

// dashboardPage shows the dashboard.
func (s *server) dashboardPage(c echo.Context) error {
	page, err := s.dashboardView(c, "", nil, "")
	if err != nil {
		return err
	}
	page.Notice = doneMessage(s.locale(c), c)
	return s.render(c, http.StatusOK, "dashboard", page)
}

// dashboardView builds the dashboard; on a failed action it keeps the
// reminder being written and the units chosen.
func (s *server) dashboardView(c echo.Context, errMsg string, selected map[string]bool, message string) (dashboardPage, error) {
	ctx, l, u := c.Request().Context(), s.locale(c), currentUser(c)
	d, err := s.workflow.Dashboard(ctx, u, c.Param("period"))
	if err != nil {
		return dashboardPage{}, err
	}
	groups, err := s.groupNames(ctx)
	if err != nil {
		return dashboardPage{}, err
	}
	p := d.Period
	page := dashboardPage{
		chrome: s.chrome(c, l, l.T("work.dash.title", periodName(p))), Period: p, PeriodName: periodName(p),
		PhaseName: l.T("work.phase." + string(p.Phase)), Steps: phaseSteps(l, p.Phase),
		Admin: u.Role == auth.Admin, Committee: u.Role == auth.Committee, Published: p.Published(),
		CanReopen: u.Role == auth.Admin && p.Phase == domain.PhasePublished, Correction: p.Phase == domain.PhaseCorrection,
		Message: message, Error: errMsg, CSRF: csrfToken(c), BaseURL: workPeriodURL(p.Code),
		PublishURL: workPeriodURL(p.Code) + "/publish", Query: readDashQuery(c),
	}
	page.ListURL = workPeriodURL(p.Code) + "/dashboard"
	xq := page.Query.values()
	page.XLSXURL = page.ListURL + ".xlsx"
	if len(xq) > 0 {
		page.XLSXURL += "?" + xq.Encode()
	}
	page.Heads = page.Query.heads(l, page.ListURL)
	for _, st := range dashStatuses {
		page.StatusOptions = append(page.StatusOptions, option{Value: st, Label: l.T("pages.dash.status." + st), Selected: st == page.Query.Status})
	}
	groupOrder := map[string]int{}
	page.Scripts = []string{"work.js"}
	if !page.Published {
		at := phaseIndex(p.Phase)
		for i, ph := range domain.Phases {
			if ph == p.Phase || ph == domain.PhasePublished || ph == domain.PhaseCorrection {
				continue
			}
			page.Moves = append(page.Moves, phaseMove{Phase: string(ph), Label: l.T("work.phase." + string(ph)), Next: i == at+1, Back: i < at})
		}
	}
	now := s.now()
	for _, ph := range deadlinePhases {
		f := deadlineField{Phase: string(ph), Label: l.T("work.phase." + string(ph))}
		if t, ok := d.Deadlines[ph]; ok {
			f.Value, f.Shown, f.Passed = inputDateTime(l, t), formatTime(l, t), !now.Before(t)
		}
		page.Deadlines = append(page.Deadlines, f)
	}
	sum := &page.Summary
	for _, up := range d.Units {
		gi, ok := groupOrder[up.Unit.Group]
		if !ok {
			gi = len(groupOrder)
			groupOrder[up.Unit.Group] = gi
			page.GroupOptions = append(page.GroupOptions, option{Value: up.Unit.Group, Label: nameOr(groups[up.Unit.Group], up.Unit.Group),
				Selected: up.Unit.Group == page.Query.Group})
		}
		row := dashRow{
			Code: up.Unit.Code, Name: nameOr(up.Unit.Name, up.Unit.Code), Group: nameOr(groups[up.Unit.Group], up.Unit.Group),
			GroupCode: up.Unit.Group, GroupIndex: gi,
			URL: workUnitURL(p.Code, up.Unit.Code), AuditURL: workUnitURL(p.Code, up.Unit.Code) + "/audit",
			Submitted: up.Submission.Status == workflow.Submitted, Late: up.Late,
			Leaves: up.Leaves, SelfDone: up.SelfDone, MissingEvidence: up.MissingEvidence,
			Appraised: up.Appraised, Changed: up.Changed, Finalised: up.Finalised, Reminders: up.Reminders,
			SelfBar: svgNumber(percent(up.SelfDone, up.Leaves)), AppraisedBar: svgNumber(percent(up.Appraised, up.Leaves)),
			Selected: selected[up.Unit.Code],
		}
		if row.Submitted {
			row.SubmittedAt = formatTime(l, up.Submission.SubmittedAt)
			sum.Submitted++
		}
		if up.Late {
			sum.Late++
		}
		sum.Units++
		sum.MissingEvidence += up.MissingEvidence
		sum.Leaves += up.Leaves
		sum.SelfDone += up.SelfDone
		sum.Appraised += up.Appraised
		sum.Finalised += up.Finalised
		page.Total++
		if page.Query.keep(row) {
			page.Rows = append(page.Rows, row)
		}
	}
	page.Query.order(page.Rows)
	sum.SelfPct, sum.AppraisedPct = percent(sum.SelfDone, sum.Leaves), percent(sum.Appraised, sum.Leaves)
	return page, nil
}

// dashboardFailed shows the dashboard again with an error the user can act
// on; other errors go to the central handler.
func (s *server) dashboardFailed(c echo.Context, err error, selected map[string]bool, message string) error {
	msg, ok := userError(s.locale(c), err)
	if !ok {
		return err
	}
	page, verr := s.dashboardView(c, msg, selected, message)
	if verr != nil {
		return verr
	}
	return s.render(c, statusOf(err), "dashboard", page)
}

func (s *server) dashboardDone(c echo.Context, done string) error {
	return c.Redirect(http.StatusSeeOther, workPeriodURL(c.Param("period"))+"/dashboard?"+url.Values{"done": {done}}.Encode())
}

// phaseSubmit moves the period to another phase (the secretariat), or
// reopens a published period for a correction with the reason given.
func (s *server) phaseSubmit(c echo.Context) error {
	phase := domain.Phase(c.FormValue("phase"))
	_, err := s.workflow.SetPhase(c.Request().Context(), currentUser(c), c.Param("period"), phase, c.FormValue("reason"))
	if err != nil {
		return s.dashboardFailed(c, err, nil, "")
	}
	if phase == domain.PhaseCorrection {
		return s.dashboardDone(c, "reopened")
	}
	return s.dashboardDone(c, "phase_moved")
}

// deadlinesSubmit sets the deadlines that changed; an emptied field removes
// its deadline. Times are typed dd/mm/yyyy hh:mm in the province's time;
// every field is read before any deadline is saved, so a mistyped one
// changes nothing.
func (s *server) deadlinesSubmit(c echo.Context) error {
	ctx, l, u := c.Request().Context(), s.locale(c), currentUser(c)
	type change struct {
		phase domain.Phase
		at    time.Time
	}
	var changes []change
	for _, ph := range deadlinePhases {
		val := strings.TrimSpace(c.FormValue("deadline." + string(ph)))
		if val == strings.TrimSpace(c.FormValue("orig."+string(ph))) {
			continue
		}
		var at time.Time
		if val != "" {
			t, err := parseDateTime(l, val)
			if err != nil {
				return s.dashboardFailed(c, invalid("work.dash.bad_time", val, l.T("work.phase."+string(ph))), nil, "")
			}
			at = t.UTC()
		}
		changes = append(changes, change{ph, at})
	}
	for _, ch := range changes {
		if err := s.workflow.SetDeadline(ctx, u, c.Param("period"), ch.phase, ch.at); err != nil {
			return s.dashboardFailed(c, err, nil, "")
		}
	}
	return s.dashboardDone(c, "deadlines_saved")
}

// remindersSubmit sends a reminder to the chosen units, or to every unit
// that has not submitted (target=unsubmitted).
func (s *server) remindersSubmit(c echo.Context) error {
	ctx, u := c.Request().Context(), currentUser(c)
	form, err := c.FormParams()
	if err != nil {
		return domain.Invalidf("the form could not be read: %v", err)
	}
	units, message := form["unit"], form.Get("message")
	if form.Get("target") == "unsubmitted" {
		d, err := s.workflow.Dashboard(ctx, u, c.Param("period"))
		if err != nil {
			return err
		}
		units = nil
		for _, up := range d.Units {
			if up.Submission.Status != workflow.Submitted {
				units = append(units, up.Unit.Code)
			}
		}
	}
	if _, err := s.workflow.Remind(ctx, u, c.Param("period"), units, message); err != nil {
		selected := map[string]bool{}
		for _, code := range units {
			selected[code] = true
		}
		return s.dashboardFailed(c, err, selected, message)
	}
	return s.dashboardDone(c, "reminded")
}
