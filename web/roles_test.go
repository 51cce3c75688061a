package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/surveys"
	"github.com/parindex/parindex/web"
	"github.com/parindex/parindex/workflow"
)

// roles are the clients of the matrix: the public, and one account per
// role. officer2 belongs to U2 and appraiser2 is assigned to U2 only, so
// both are outsiders to U1, whose resources every route below touches.
var roles = []string{"", "admin", "officer1", "officer2", "appraiser", "appraiser2", "committee"}

// TestRoleRouteMatrix sends every staff route as every role and checks the
// status: who may read and change what. The period is in self-assessment,
// so stages of later phases are refused with 409 to those whose role could
// write them, and 403 to the others.
func TestRoleRouteMatrix(t *testing.T) {
	p := newProvince(t)
	// A document of U1 to download, and an appraiser's id for assignments.
	code, body := p.as("officer1").upload("/api/v1/periods/2025/units/U1/items/1.1/evidence", "ke-hoach.pdf", samplePDF)
	if code != 201 {
		t.Fatalf("upload: %d %s", code, body)
	}
	var ev struct{ ID int64 }
	_ = json.Unmarshal([]byte(body), &ev)
	evidence := fmt.Sprintf("/api/v1/evidence/%d", ev.ID)

	type want map[string]int // role → status
	u1 := "/api/v1/periods/2025/units/U1"
	routes := []struct {
		method, path string
		body         any
		upload       bool
		want         want
	}{
		{"GET", "/api/v1/me", nil, false, want{"": 401, "admin": 200, "officer1": 200, "officer2": 200, "appraiser": 200, "appraiser2": 200, "committee": 200}},
		{"GET", u1 + "/assessment", nil, false, want{"": 401, "admin": 200, "officer1": 200, "officer2": 403, "appraiser": 200, "appraiser2": 403, "committee": 200}},
		{"GET", "/api/v1/periods/2025/units/U2/assessment", nil, false, want{"": 401, "admin": 200, "officer1": 403, "officer2": 200, "appraiser": 200, "appraiser2": 200, "committee": 200}},
		{"GET", "/api/v1/periods/2025/units/NOPE/assessment", nil, false, want{"": 401, "admin": 404, "officer1": 403, "officer2": 403, "appraiser": 404, "appraiser2": 404, "committee": 404}},
		{"PUT", u1 + "/items/1.2/self", map[string]any{"points": 5}, false, want{"": 401, "admin": 403, "officer1": 200, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"PUT", u1 + "/items/1.2/appraisal", map[string]any{"points": 5, "comment": "x"}, false, want{"": 401, "admin": 409, "officer1": 403, "officer2": 403, "appraiser": 409, "appraiser2": 403, "committee": 403}},
		{"PUT", u1 + "/items/1.2/explanation", map[string]any{"points": 5, "comment": "x"}, false, want{"": 401, "admin": 403, "officer1": 409, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"PUT", u1 + "/items/1.2/final", map[string]any{"points": 5, "comment": "x"}, false, want{"": 401, "admin": 409, "officer1": 403, "officer2": 403, "appraiser": 409, "appraiser2": 403, "committee": 403}},
		{"POST", u1 + "/items/1.1/evidence", nil, true, want{"": 401, "admin": 403, "officer1": 201, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"GET", evidence, nil, false, want{"": 401, "admin": 200, "officer1": 200, "officer2": 404, "appraiser": 200, "appraiser2": 404, "committee": 200}},
		{"GET", u1 + "/audit", nil, false, want{"": 401, "admin": 200, "officer1": 200, "officer2": 403, "appraiser": 200, "appraiser2": 403, "committee": 200}},
		{"GET", u1 + "/audit?format=csv", nil, false, want{"": 401, "admin": 200, "officer1": 200, "officer2": 403, "appraiser": 200, "appraiser2": 403, "committee": 200}},
		{"POST", u1 + "/submission", nil, false, want{"": 401, "admin": 403, "officer1": 422, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"DELETE", u1 + "/submission", nil, false, want{"": 401, "admin": 403, "officer1": 409, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"GET", "/api/v1/periods/2025/dashboard", nil, false, want{"": 401, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 200}},
		{"GET", "/api/v1/periods/2025/results", nil, false, want{"": 404, "admin": 200, "officer1": 200, "officer2": 200, "appraiser": 200, "appraiser2": 200, "committee": 200}},
		{"POST", "/api/v1/periods/2025/phase", map[string]string{"phase": "self_assessment"}, false, want{"": 401, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"PUT", "/api/v1/periods/2025/deadlines/appraisal", map[string]any{"due_at": "2026-01-20T17:00:00+07:00"}, false, want{"": 401, "admin": 204, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"POST", "/api/v1/periods/2025/reminders", map[string]any{"units": []string{"U1"}, "message": "Đề nghị hoàn thành tự chấm điểm"}, false, want{"": 401, "admin": 201, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"PUT", "/api/v1/periods/2025/assignments/appraiser2", []map[string]string{{"unit": "U2"}}, false, want{"": 401, "admin": 204, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"GET", "/api/v1/users", nil, false, want{"": 401, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"PATCH", "/api/v1/users/officer2", map[string]any{"name": "Nguyễn Văn B"}, false, want{"": 401, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"POST", "/api/v1/periods/2025/publication", map[string]string{"decision_no": "12/QĐ-UBND", "decision_date": "2025-11-28"}, false, want{"": 401, "admin": 403, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 409}},
		{"POST", "/api/v1/periods/2025/phase", map[string]string{"phase": "correction", "reason": "x"}, false, want{"": 401, "admin": 409, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"GET", "/api/v1/periods/2025/readiness", nil, false, want{"": 401, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 200}},
		{"GET", "/api/v1/periods/2025/publications", nil, false, want{"": 404, "admin": 404, "officer1": 404, "officer2": 404, "appraiser": 404, "appraiser2": 404, "committee": 404}},
		{"GET", "/api/v1/periods/2025/publications/1", nil, false, want{"": 404, "admin": 404, "officer1": 404, "officer2": 404, "appraiser": 404, "appraiser2": 404, "committee": 404}},
		{"POST", "/api/v1/periods/2025/publications/1/decision", nil, true, want{"": 401, "admin": 404, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 404}},
		// Reports and the workbook: staff may open them, each reading only
		// the units and rounds they may see (TestHiddenRoundsInEveryReader);
		// the public is sent to the login page.
		{"GET", "/reports/2025", nil, false, want{"": 303, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 200, "appraiser2": 200, "committee": 200}},
		{"GET", "/reports/2025/workbook.xlsx", nil, false, want{"": 303, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 200, "appraiser2": 200, "committee": 200}},
		{"GET", "/reports/2025/units/U1", nil, false, want{"": 303, "admin": 200, "officer1": 200, "officer2": 403, "appraiser": 200, "appraiser2": 403, "committee": 200}},
		// U2 has no result yet: those who may see it learn so (404).
		{"GET", "/reports/2025/units/U2", nil, false, want{"": 303, "admin": 404, "officer1": 403, "officer2": 404, "appraiser": 404, "appraiser2": 404, "committee": 404}},
		// The decision appendix: the public only once published; the board
		// (secretariat, appraisers, committee) reads the draft before.
		{"GET", "/periods/2025/appendix.pdf", nil, false, want{"": 404, "admin": 404, "officer1": 404, "officer2": 404, "appraiser": 404, "appraiser2": 404, "committee": 404}},
		{"GET", "/periods/2025/print", nil, false, want{"": 404, "admin": 404, "officer1": 404, "officer2": 404, "appraiser": 404, "appraiser2": 404, "committee": 404}},
		{"GET", "/reports/2025/appendix.pdf", nil, false, want{"": 303, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 200, "appraiser2": 200, "committee": 200}},
		{"GET", "/reports/2025/print", nil, false, want{"": 303, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 200, "appraiser2": 200, "committee": 200}},
		{"GET", "/periods/2025/results.csv", nil, false, want{"": 404, "admin": 404, "officer1": 404, "officer2": 404, "appraiser": 404, "appraiser2": 404, "committee": 404}},
		// The unit lineage: the secretariat's alone. An empty form is 422,
		// a link that does not exist 404.
		{"GET", "/api/v1/lineage", nil, false, want{"": 401, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"GET", "/admin/lineage", nil, false, want{"": 303, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"POST", "/admin/lineage", map[string]string{}, false, want{"": 401, "admin": 422, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"POST", "/admin/lineage/delete", map[string]string{}, false, want{"": 401, "admin": 404, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"POST", "/admin/lineage/import", nil, true, want{"": 401, "admin": 422, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		// Issue 13: the lists' Excel downloads follow their pages' rules.
		{"GET", "/work/periods/2025/dashboard.xlsx", nil, false, want{"": 303, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 200}},
		{"GET", "/work/periods/2025/units/U1/audit.xlsx", nil, false, want{"": 303, "admin": 200, "officer1": 200, "officer2": 403, "appraiser": 200, "appraiser2": 403, "committee": 200}},
		// The bulk import of accounts: the secretariat only.
		{"GET", "/admin/users/import", nil, false, want{"": 303, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"GET", "/admin/users/import/template.xlsx", nil, false, want{"": 303, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"POST", "/admin/users/import", nil, true, want{"": 401, "admin": 422, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		// The menu's short addresses: the same area in the latest period,
		// for the roles the area admits.
		{"GET", "/reports", nil, false, want{"": 303, "admin": 302, "officer1": 403, "officer2": 403, "appraiser": 302, "appraiser2": 302, "committee": 302}},
		{"GET", "/reports/surveys", nil, false, want{"": 303, "admin": 302, "officer1": 403, "officer2": 403, "appraiser": 302, "appraiser2": 302, "committee": 302}},
		{"GET", "/reports/mine", nil, false, want{"": 303, "admin": 403, "officer1": 302, "officer2": 302, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"GET", "/work/dashboard", nil, false, want{"": 303, "admin": 302, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 302}},
		{"GET", "/work/publish", nil, false, want{"": 303, "admin": 302, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 302}},
		{"GET", "/charts", nil, false, want{"": 302, "admin": 302, "officer1": 302, "officer2": 302, "appraiser": 302, "appraiser2": 302, "committee": 302}},
	}
	for _, r := range routes {
		for _, role := range roles {
			c := p.as(role)
			var code int
			var body string
			if r.upload {
				code, body = c.upload(r.path, "bo-sung.pdf", samplePDF)
			} else {
				code, body = c.json(r.method, r.path, r.body)
			}
			if w := r.want[role]; code != w {
				name := role
				if name == "" {
					name = "public"
				}
				t.Errorf("%s %s as %s: %d, want %d (%s)", r.method, r.path, name, code, w, strings.TrimSpace(body))
			}
		}
	}
	// Creating users: only the secretariat; a taken name is a conflict.
	for _, role := range roles {
		code, _ := p.as(role).json("POST", "/api/v1/users", map[string]any{"username": "moi-" + strings.TrimSuffix(role+"x", "x"), "role": "committee", "password": apiPassword})
		want := map[string]int{"": 401, "admin": 201}[role]
		if want == 0 {
			want = 403
		}
		if code != want {
			t.Errorf("POST /api/v1/users as %q: %d, want %d", role, code, want)
		}
	}
	if code, _ := p.as("admin").json("POST", "/api/v1/users", map[string]any{"username": "officer1", "role": "committee", "password": apiPassword}); code != 409 {
		t.Errorf("a taken user name: %d, want 409", code)
	}
}

// TestOfficerCannotReachOtherUnits tries every unit-level route of U1 as
// U2's officer with every id the officer could guess.
func TestOfficerCannotReachOtherUnits(t *testing.T) {
	p := newProvince(t)
	code, body := p.as("officer1").upload("/api/v1/periods/2025/units/U1/items/1.1/evidence", "ke-hoach.pdf", samplePDF)
	if code != 201 {
		t.Fatalf("upload: %d %s", code, body)
	}
	intruder := p.as("officer2")
	for id := 0; id <= 5; id++ {
		if code, _ := intruder.json("GET", fmt.Sprintf("/api/v1/evidence/%d", id), nil); code != 404 {
			t.Errorf("evidence %d: %d, want 404", id, code)
		}
	}
	for _, path := range []string{"/assessment", "/audit", "/items/1.1/self"} {
		method := "GET"
		if strings.HasPrefix(path, "/items") {
			method = "PUT"
		}
		if code, _ := intruder.json(method, "/api/v1/periods/2025/units/U1"+path, map[string]any{"points": 1}); code != 403 {
			t.Errorf("%s U1%s: %d, want 403", method, path, code)
		}
		// The same with the unit code in another case or padded.
		if code, _ := intruder.json(method, "/api/v1/periods/2025/units/u1"+path, map[string]any{"points": 1}); code == 200 {
			t.Errorf("%s u1%s was allowed", method, path)
		}
	}
	// Nothing of U1 changed.
	changes, _ := p.st.Changes(t.Context(), "2025", "U1")
	if len(changes) != 0 {
		t.Errorf("U1 has %d changes", len(changes))
	}
}

// TestUnassignedAppraiserCannotAppraise: an appraiser assigned to U2 may
// not appraise U1, even in the appraisal phase.
func TestUnassignedAppraiserCannotAppraise(t *testing.T) {
	p := newProvince(t)
	p.setPhase(domain.PhaseAppraisal)
	code, body := p.as("appraiser2").json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/1.2/appraisal", map[string]any{"points": 5, "comment": "x"})
	p.wantStatus("appraiser2 on U1", code, body, 403)
	code, body = p.as("appraiser2").json(http.MethodPut, "/api/v1/periods/2025/units/U2/items/1.2/appraisal", map[string]any{"points": 5, "comment": "x"})
	p.wantStatus("appraiser2 on U2", code, body, 200)
}

// TestKioskRoutesByRole adds the kiosk routes of issue 11 to the matrix:
// with staff logged in through the real session, only the secretariat may
// list, register and revoke kiosks; the public kiosk form answers anyone.
func TestKioskRoutesByRole(t *testing.T) {
	p := newProvince(t)
	ctx := t.Context()
	svc := surveys.NewService(p.st)
	if _, err := svc.SaveInstrument(ctx, "2025", []byte(surveyYAML)); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateCampaign(ctx, surveys.CampaignSpec{Code: "ks", Name: "Khảo sát", Period: "2025", Instrument: "small",
		Units: []surveys.CampaignUnit{{Code: "U1"}, {Code: "U2"}}}); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetState(ctx, "ks", surveys.Open); err != nil {
		t.Fatal(err)
	}
	_, dev, err := svc.RegisterDevice(ctx, "ks", "U1", "Quầy 1", "thuongtruc")
	if err != nil {
		t.Fatal(err)
	}
	// The same store and sessions, with the survey area wired as `serve` does.
	res := &results.Service{Store: p.st, Publications: p.st}
	wf := workflow.NewService(p.st, res)
	wf.Now = p.clock.Now
	srv := web.New(web.Config{Logger: slog.New(slog.DiscardHandler), Survey: web.SurveyConfig{RatePerMinute: -1}}, web.Deps{
		Catalog: p.st, Results: res, Auth: auth.NewService(p.st, p.clock.Now),
		Workflow: wf,
		Surveys:  svc,
	})
	send := func(role, method, path string, form url.Values) int {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req := httptest.NewRequest(method, path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if c := p.as(role); c.cookie != nil {
			req.AddCookie(c.cookie)
			req.Header.Set("X-CSRF-Token", c.csrf)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec.Code
	}
	type want map[string]int
	for _, r := range []struct {
		method, path string
		form         url.Values
		want         want
	}{
		{"GET", "/admin/surveys/campaigns/ks/kiosks", nil,
			want{"": 303, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"POST", "/admin/surveys/campaigns/ks/kiosks", url.Values{"unit": {"U2"}, "name": {"Quầy 2"}},
			want{"": 401, "admin": 201, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"POST", fmt.Sprintf("/admin/surveys/campaigns/ks/kiosks/%d/revoke", dev.ID), nil,
			want{"": 401, "admin": 303, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"GET", "/k/ks/U1?device=khong-co", nil,
			want{"": 200, "admin": 200, "officer1": 200, "officer2": 200, "appraiser": 200, "appraiser2": 200, "committee": 200}},
	} {
		for _, role := range roles {
			if got, w := send(role, r.method, r.path, r.form), r.want[role]; got != w {
				t.Errorf("%s %s as %q: %d, want %d", r.method, r.path, role, got, w)
			}
		}
	}
	_, list, err := svc.Devices(ctx, "ks")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Errorf("%d kiosks, want the first and the secretariat's", len(list))
	}
}

// TestSurveyRoutesByRole adds the survey area's routes to the matrix: the
// secretariat's pages and the raw export are the secretariat's alone; an
// interviewer (an account kind of the survey, signed in by their link)
// reaches their home and their units' forms and nothing else, and no staff
// role reaches them without the link; the public form answers anyone.
func TestSurveyRoutesByRole(t *testing.T) {
	p := newProvince(t)
	ctx := t.Context()
	svc := surveys.NewService(p.st)
	if _, err := svc.SaveInstrument(ctx, "2025", []byte(surveyYAML)); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateCampaign(ctx, surveys.CampaignSpec{Code: "ks", Name: "Khảo sát", Period: "2025", Instrument: "small",
		Units: []surveys.CampaignUnit{{Code: "U1"}, {Code: "U2"}}}); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetState(ctx, "ks", surveys.Open); err != nil {
		t.Fatal(err)
	}
	token, iv, err := svc.RegisterInterviewer(ctx, "ks", "Lê Thị Bình", "", []surveys.InterviewerUnit{{Unit: "U1", Quota: 10}}, "admin")
	if err != nil {
		t.Fatal(err)
	}
	_, other, err := svc.RegisterInterviewer(ctx, "ks", "Trần Văn An", "", []surveys.InterviewerUnit{{Unit: "U2", Quota: 10}}, "admin")
	if err != nil {
		t.Fatal(err)
	}
	res := &results.Service{Store: p.st, Publications: p.st}
	wf := workflow.NewService(p.st, res)
	wf.Now = p.clock.Now
	srv := web.New(web.Config{Logger: slog.New(slog.DiscardHandler), Survey: web.SurveyConfig{RatePerMinute: -1}}, web.Deps{
		Catalog: p.st, Results: res, Auth: auth.NewService(p.st, p.clock.Now), Workflow: wf, Surveys: svc,
	})
	clients := append(slices.Clone(roles), "interviewer")
	send := func(role, method, path, contentType, body string) int {
		var r io.Reader
		if body != "" {
			r = strings.NewReader(body)
		}
		req := httptest.NewRequest(method, path, r)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		switch role {
		case "interviewer":
			req.AddCookie(&http.Cookie{Name: "parindex_interviewer", Value: token})
		case "":
		default:
			c := p.as(role)
			req.AddCookie(c.cookie)
			req.Header.Set("X-CSRF-Token", c.csrf)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec.Code
	}
	const form, jsonType = "application/x-www-form-urlencoded", "application/json"
	secretariat := func(get bool, ok int) map[string]int {
		w := map[string]int{"": 401, "admin": ok, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403, "interviewer": 401}
		if get {
			w[""], w["interviewer"] = 303, 303
		}
		return w
	}
	everyone := func(status int) map[string]int {
		w := map[string]int{}
		for _, c := range clients {
			w[c] = status
		}
		return w
	}
	interviewerOnly := func(ok int) map[string]int {
		w := everyone(403)
		w["interviewer"] = ok
		return w
	}
	answer := func(key string) string { return `{"key":"` + key + `","answers":{"Q1":"4"}}` }
	n := 0
	keyed := func() string { n++; return answer(fmt.Sprintf("matrix-key-%04d", n)) }
	for _, r := range []struct {
		method, path, ctype string
		body                func() string
		want                map[string]int
	}{
		{"GET", "/admin/surveys", "", nil, secretariat(true, 200)},
		{"GET", "/admin/surveys/campaigns/ks", "", nil, secretariat(true, 200)},
		{"GET", "/admin/surveys/campaigns/ks/channels", "", nil, secretariat(true, 200)},
		{"GET", "/admin/surveys/campaigns/ks/results", "", nil, secretariat(true, 200)},
		{"GET", "/admin/surveys/campaigns/ks/review", "", nil, secretariat(true, 200)},
		{"GET", "/admin/surveys/campaigns/ks/interviewers", "", nil, secretariat(true, 200)},
		{"GET", "/admin/surveys/campaigns/ks/export.csv", "", nil, secretariat(true, 200)},
		{"GET", "/admin/surveys/campaigns/ks/export.xlsx", "", nil, secretariat(true, 200)},
		{"GET", "/admin/surveys/instruments/new", "", nil, secretariat(true, 200)},
		{"POST", "/admin/surveys/instruments/builder", form, func() string { return "op=add-section&code=x&sections=0&scales=0&indices=0" }, secretariat(false, 200)},
		{"POST", "/admin/surveys/campaigns/ks/hours", form, func() string { return "hours=T2-T6+07%3A00-17%3A00" }, secretariat(false, 303)},
		{"POST", "/admin/surveys/campaigns/ks/interviewers", form, func() string { return "name=M%E1%BB%9Bi&unit=U2&quota_U2=5" }, secretariat(false, 201)},
		{"POST", fmt.Sprintf("/admin/surveys/campaigns/ks/interviewers/%d/link", other.ID), form, func() string { return "" }, secretariat(false, 200)},
		{"POST", fmt.Sprintf("/admin/surveys/campaigns/ks/interviewers/%d/revoke", other.ID), form, func() string { return "" }, secretariat(false, 303)},
		{"GET", "/api/v1/surveys/ks/results", "", nil, map[string]int{"": 401, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403, "interviewer": 401}},
		{"GET", "/api/v1/surveys/ks/progress", "", nil, map[string]int{"": 401, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403, "interviewer": 401}},
		// The committee's survey page (a board page): independent against
		// self-run channels.
		{"GET", "/reports/2025/surveys", "", nil, map[string]int{"": 303, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 200, "appraiser2": 200, "committee": 200, "interviewer": 303}},
		// The interviewer's pages: their home and their unit's form; not
		// another unit's; the same for every staff role without the link.
		{"GET", "/i/ks", "", nil, interviewerOnly(200)},
		{"GET", "/i/ks/U1", "", nil, interviewerOnly(200)},
		{"GET", "/i/ks/U2", "", nil, everyone(403)},
		{"POST", "/i/ks/U1", jsonType, keyed, interviewerOnly(201)},
		{"POST", "/i/ks/U2", jsonType, keyed, everyone(403)},
		// The public form, its offline queue's JSON, the service worker and
		// the manifest: anyone.
		{"GET", "/s/ks/U1", "", nil, everyone(200)},
		{"POST", "/s/ks/U1", jsonType, keyed, everyone(201)},
		{"POST", "/k/ks/U2", jsonType, keyed, everyone(201)},
		{"GET", "/survey-sw.js", "", nil, everyone(200)},
		{"GET", "/s/ks/U1/app.webmanifest", "", nil, everyone(200)},
		{"GET", "/i/ks/app.webmanifest", "", nil, everyone(200)},
	} {
		for _, role := range clients {
			body := ""
			if r.body != nil {
				body = r.body()
			}
			if got, w := send(role, r.method, r.path, r.ctype, body), r.want[role]; got != w {
				t.Errorf("%s %s as %q: %d, want %d", r.method, r.path, role, got, w)
			}
		}
	}
	// What the interviewer sent is theirs; the staff's JSON to /i/ stored
	// nothing. (The public answers from one test address are mostly
	// flagged as duplicates: they count here all the same.)
	c, _ := svc.Campaign(ctx, "ks")
	var stored []surveys.Response
	for _, st := range []surveys.Status{surveys.Valid, surveys.Flagged} {
		list, err := p.st.Responses(ctx, c.ID, st, 1000)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, list...)
	}
	byChannel := map[surveys.Channel]int{}
	for _, r := range stored {
		byChannel[r.Channel]++
		if r.Channel == surveys.Interview && (r.Interviewer != iv.ID || r.Unit != "U1") {
			t.Errorf("an interviewer's answer: %+v", r)
		}
	}
	if byChannel[surveys.Interview] != 1 || byChannel[surveys.Web] != len(clients) || byChannel[surveys.Kiosk] != len(clients) {
		t.Errorf("stored by channel: %v", byChannel)
	}
}
