package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
)

func TestUsersPage(t *testing.T) {
	p := newWorkProvince(t)
	ctx := context.Background()
	admin := p.login(t, "thuongtruc")
	res, body := admin.get("/admin/users")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("users: %d", res.StatusCode)
	}
	mustContain(t, "users page", body, "Danh sách tài khoản", "canbo.stp", "Trần Văn Minh", "SNV · Sở Nội vụ",
		"Thành viên Hội đồng thẩm định", `<option value="STP">STP · Sở Tư pháp</option>`, "Thêm tài khoản")

	// Create an officer; a taken name or a weak password show the form again
	// with what was typed.
	form := url.Values{"username": {"canbo.syt"}, "name": {"Phạm Thu Hà"}, "role": {"officer"}, "unit": {"SYT"}, "password": {testPassword}}
	res, _ = admin.post("/admin/users", form)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/users/canbo.syt?done=user_created" {
		t.Fatalf("create: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, body = admin.post("/admin/users", url.Values{"username": {"canbo.syt"}, "name": {"Người khác"}, "role": {"officer"}, "unit": {"SYT"}, "password": {testPassword}})
	if res.StatusCode != http.StatusConflict {
		t.Errorf("taken user name: %d, want 409", res.StatusCode)
	}
	mustContain(t, "taken user name", body, `value="Người khác"`, `<option value="SYT" selected>`)
	res, body = admin.post("/admin/users", url.Values{"username": {"bcd2"}, "role": {"committee"}, "password": {"ngan"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("weak password: %d, want 422", res.StatusCode)
	}
	mustContain(t, "weak password", body, "Dữ liệu chưa hợp lệ.", `value="bcd2"`)
	if res, _ := p.client(t).post("/login", url.Values{"username": {"canbo.syt"}, "password": {testPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the new officer logs in: %d", res.StatusCode)
	}

	// Edit the name and role.
	_, body = admin.get("/admin/users/canbo.syt")
	mustContain(t, "edit page", body, "Tài khoản canbo.syt", `value="Phạm Thu Hà"`, "Đặt lại mật khẩu", "Khóa tài khoản")
	res, _ = admin.post("/admin/users/canbo.syt", url.Values{"name": {"Phạm Thị Thu Hà"}, "role": {"officer"}, "unit": {"STP"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	u, err := p.auth.User(ctx, "canbo.syt")
	if err != nil || u.Name != "Phạm Thị Thu Hà" || u.Unit != "STP" {
		t.Errorf("after edit: %+v %v", u, err)
	}
	// An officer needs a unit.
	res, body = admin.post("/admin/users/canbo.syt", url.Values{"name": {"X"}, "role": {"officer"}, "unit": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("officer without unit: %d", res.StatusCode)
	}
	mustContain(t, "officer without unit", body, "an officer needs a unit")

	// Disable: the user's session ends and login fails; enable again.
	victim := p.login(t, "canbo.syt")
	res, _ = admin.post("/admin/users/canbo.syt/status", url.Values{"disabled": {"true"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", res.StatusCode)
	}
	if res, _ := victim.get("/work"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a disabled user's session still works: %d", res.StatusCode)
	}
	_, body = admin.get("/admin/users/canbo.syt?done=user_disabled")
	mustContain(t, "disabled", body, "Đã khóa tài khoản.", "Tài khoản này đang bị khóa.", "Mở khóa tài khoản")
	if res, _ := p.client(t).post("/login", url.Values{"username": {"canbo.syt"}, "password": {testPassword}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a disabled user logs in: %d", res.StatusCode)
	}
	admin.post("/admin/users/canbo.syt/status", url.Values{"disabled": {"false"}})
	// The secretariat cannot lock itself out.
	res, body = admin.post("/admin/users/thuongtruc/status", url.Values{"disabled": {"true"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("disable oneself: %d", res.StatusCode)
	}
	mustContain(t, "disable oneself", body, "Bạn không thể khóa tài khoản của chính mình.")

	// Reset the password.
	res, _ = admin.post("/admin/users/canbo.syt/password", url.Values{"password": {"mat-khau-cap-lai-2026"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d", res.StatusCode)
	}
	if res, _ := p.client(t).post("/login", url.Values{"username": {"canbo.syt"}, "password": {"mat-khau-cap-lai-2026"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("login with the reset password: %d", res.StatusCode)
	}
}

func TestAppraiserAssignmentsPage(t *testing.T) {
	p := newWorkProvince(t)
	admin := p.login(t, "thuongtruc")
	_, body := admin.get("/admin/users/thamdinh")
	mustContain(t, "appraiser's edit page", body, "Phân công thẩm định", "tất cả các đơn vị, tất cả lĩnh vực",
		`name="unit" value="STP"`, `name="field" value="1"`, "1 · Công tác chỉ đạo, điều hành CCHC")

	res, _ := admin.post("/admin/users/thamdinh/assignments?period=2026", url.Values{"period": {"2026"}, "unit": {"STP"}, "field": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("assign: %d", res.StatusCode)
	}
	_, body = admin.get(res.Header.Get("Location"))
	mustContain(t, "after assigning", body, "Đã lưu phân công thẩm định.", "STP · Sở Tư pháp — 1 · Công tác chỉ đạo", `name="unit" value="STP" checked`)

	// The appraiser now sees only STP, and edits only field 1 there.
	ap := p.login(t, "thamdinh")
	_, body = ap.get("/work")
	mustContain(t, "appraiser's work page", body, "Sở Tư pháp", "Lĩnh vực được phân công: 1")
	mustNotContain(t, "appraiser's work page", body, `href="/work/periods/2026/units/SNV"`)
	if res, _ := ap.get(snvPage); res.StatusCode != http.StatusForbidden {
		t.Errorf("unassigned unit: %d, want 403", res.StatusCode)
	}
	if _, err := p.wf.SetPhase(context.Background(), p.users["thuongtruc"], "2026", "appraisal", ""); err != nil {
		t.Fatal(err)
	}
	_, body = ap.get("/work/periods/2026/units/STP")
	mustContain(t, "assigned field", body, `name="field" value="1"`, `name="points.1.1"`)
	mustNotContain(t, "unassigned field", body, `name="field" value="2"`, `name="points.2.2"`)

	// Choosing nothing lets the appraiser appraise everything again.
	admin.post("/admin/users/thamdinh/assignments", url.Values{"period": {"2026"}})
	if res, _ := ap.get(snvPage); res.StatusCode != http.StatusOK {
		t.Errorf("after clearing the assignments: %d", res.StatusCode)
	}
}
