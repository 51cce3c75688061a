package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/parindex/parindex/domain"
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
		{"POST", "/api/v1/periods/2025/publication", map[string]string{"decision_no": "12/QĐ-UBND", "decision_date": "2026-02-01"}, false, want{"": 401, "admin": 403, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 409}},
		// The unit lineage: the secretariat's alone. An empty form is 422,
		// a link that does not exist 404.
		{"GET", "/api/v1/lineage", nil, false, want{"": 401, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"GET", "/admin/lineage", nil, false, want{"": 303, "admin": 200, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"POST", "/admin/lineage", map[string]string{}, false, want{"": 401, "admin": 422, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"POST", "/admin/lineage/delete", map[string]string{}, false, want{"": 401, "admin": 404, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
		{"POST", "/admin/lineage/import", nil, true, want{"": 401, "admin": 422, "officer1": 403, "officer2": 403, "appraiser": 403, "appraiser2": 403, "committee": 403}},
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
