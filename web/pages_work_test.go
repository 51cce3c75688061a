package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestLoginAndLogout(t *testing.T) {
	p := newWorkProvince(t)
	c := p.client(t)

	res, body := c.get("/login?next=/work/periods/2026/units/SNV")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("login form: %d", res.StatusCode)
	}
	mustContain(t, "login form", body, "Đăng nhập hệ thống", `name="username"`, `name="password"`,
		`name="next" value="/work/periods/2026/units/SNV"`)
	mustNotContain(t, "login form", body, "csrf_token")

	// Wrong password: the form again, the user name kept, a clear message.
	res, body = c.post("/login", url.Values{"username": {"canbo"}, "password": {"sai-mat-khau-roi"}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password: %d, want 401", res.StatusCode)
	}
	mustContain(t, "wrong password", body, "Tên đăng nhập hoặc mật khẩu không đúng.", `value="canbo"`)
	if len(c.cookies) != 0 {
		t.Errorf("a failed login set cookies: %v", c.cookies)
	}

	// A good login goes to next when it is a path of this site...
	res, _ = c.post("/login", url.Values{"username": {"canbo"}, "password": {testPassword}, "next": {"/work/periods/2026/units/SNV"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/work/periods/2026/units/SNV" {
		t.Fatalf("login: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	ck := c.cookies["parindex_session"]
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v", ck)
	}
	res, body = c.get("/work")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/work after login: %d", res.StatusCode)
	}
	// The header names the user and role, links their pages, and logs out.
	mustContain(t, "header", body, "Nguyễn Thị Lan", "Cán bộ đầu mối CCHC", `href="/account/password"`, `action="/logout"`, "Đăng xuất")
	mustNotContain(t, "officer header", body, `href="/admin/users"`)
	c.csrf = csrfPattern.FindStringSubmatch(body)[1]

	// Logout needs the CSRF token.
	res, _ = c.post("/logout", url.Values{"csrf_token": {"wrong"}})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("logout without the token: %d, want 403", res.StatusCode)
	}
	res, _ = c.post("/logout", url.Values{})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?done=logged_out" {
		t.Errorf("logout: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, _ = c.get("/work")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Fwork" {
		t.Errorf("/work after logout: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	// The public header offers the login link.
	_, body = c.get("/login?done=logged_out")
	mustContain(t, "public header", body, `class="login-link" href="/login"`, "Bạn đã đăng xuất.")
}

func TestLoginRedirectsOnlyToLocalPaths(t *testing.T) {
	p := newWorkProvince(t)
	for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/login", ""} {
		c := p.client(t)
		res, _ := c.post("/login", url.Values{"username": {"thuongtruc"}, "password": {testPassword}, "next": {next}})
		if got := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || got != "/work" {
			t.Errorf("next=%q: %d → %q, want /work", next, res.StatusCode, got)
		}
	}
}

func TestLoginRateLimit(t *testing.T) {
	p := newWorkProvince(t)
	c := p.client(t)
	for range 5 {
		c.post("/login", url.Values{"username": {"bcd"}, "password": {"khong-dung-dau-nhe"}})
	}
	res, body := c.post("/login", url.Values{"username": {"bcd"}, "password": {testPassword}})
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after 5 failures: %d, want 429", res.StatusCode)
	}
	mustContain(t, "429 page", body, "Bạn đã nhập sai quá nhiều lần", `value="bcd"`)
}

func TestChangeOwnPassword(t *testing.T) {
	p := newWorkProvince(t)
	c := p.login(t, "canbo")
	other := p.login(t, "canbo") // a second session of the same user
	res, body := c.get("/account/password")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("password page: %d", res.StatusCode)
	}
	mustContain(t, "password page", body, "Đổi mật khẩu", `name="current_password"`)

	for _, tc := range []struct {
		name                   string
		current, next, confirm string
		status                 int
		message                string
	}{
		{"mismatch", testPassword, "mat-khau-moi-2027", "mat-khau-khac-2027", 422, "không khớp"},
		{"weak", testPassword, "ngan", "ngan", 422, "ít nhất 10 ký tự"},
		{"wrong current", "khong-phai-mat-khau", "mat-khau-moi-2027", "mat-khau-moi-2027", 422, "Mật khẩu hiện tại không đúng."},
	} {
		res, body := c.post("/account/password", url.Values{"current_password": {tc.current}, "new_password": {tc.next}, "confirm_password": {tc.confirm}})
		if res.StatusCode != tc.status || !strings.Contains(body, tc.message) {
			t.Errorf("%s: %d, want %d with %q", tc.name, res.StatusCode, tc.status, tc.message)
		}
	}
	res, _ = c.post("/account/password", url.Values{"current_password": {testPassword}, "new_password": {"mat-khau-moi-2027"}, "confirm_password": {"mat-khau-moi-2027"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", res.StatusCode)
	}
	_, body = c.get(res.Header.Get("Location"))
	mustContain(t, "after change", body, "Đã đổi mật khẩu.")
	// The other session ended; the new password logs in.
	if res, _ := other.get("/work"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the other session still works: %d", res.StatusCode)
	}
	res, _ = p.client(t).post("/login", url.Values{"username": {"canbo"}, "password": {"mat-khau-moi-2027"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("login with the new password: %d", res.StatusCode)
	}
}

// TestPageRoleGates checks every page route for every role: the public is
// sent to the login page (or refused, for a form), a role that may not use
// the page gets 403, and an officer never reaches another unit.
func TestPageRoleGates(t *testing.T) {
	p := newWorkProvince(t)
	const unit, other = "/work/periods/2026/units/SNV", "/work/periods/2026/units/STP"
	clients := map[string]*pageClient{"": p.client(t)}
	for name := range p.users {
		clients[name] = p.login(t, name)
	}
	type gate struct {
		method, path string
		want         map[string]int // by user ("" the public); absent: 200 for GET
	}
	redirect := map[string]int{"": http.StatusSeeOther}
	forbidden := func(users ...string) map[string]int {
		m := map[string]int{"": http.StatusSeeOther}
		for _, u := range users {
			m[u] = http.StatusForbidden
		}
		return m
	}
	gates := []gate{
		{"GET", "/work", redirect},
		{"GET", "/account/password", redirect},
		{"GET", unit, forbidden("canbo.stp")},
		{"GET", other, forbidden("canbo")},
		{"GET", unit + "/audit", forbidden("canbo.stp")},
		{"GET", other + "/audit", forbidden("canbo")},
		{"GET", "/work/periods/2026/dashboard", forbidden("canbo", "canbo.stp", "thamdinh")},
		{"GET", "/work/periods/2026/publish", forbidden("canbo", "canbo.stp", "thamdinh")},
		{"GET", "/admin/users", forbidden("canbo", "canbo.stp", "thamdinh", "bcd")},
		{"GET", "/admin/users/canbo", forbidden("canbo", "canbo.stp", "thamdinh", "bcd")},
	}
	for _, g := range gates {
		for name, c := range clients {
			want, ok := g.want[name]
			if !ok {
				want = http.StatusOK
			}
			res, body := c.get(g.path)
			if res.StatusCode != want {
				t.Errorf("%s %s as %q: %d, want %d\n%s", g.method, g.path, name, res.StatusCode, want, clip(body))
			}
			if name == "" && want == http.StatusSeeOther && !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
				t.Errorf("%s as the public: redirected to %q", g.path, res.Header.Get("Location"))
			}
		}
	}

	// Forms: the public gets 401, other roles 403; nothing reaches the
	// service for them.
	posts := []struct {
		path    string
		allowed []string // roles whose request passes the gate (the answer then depends on the data)
	}{
		{unit, []string{"canbo", "thamdinh", "thuongtruc", "bcd"}},
		{unit + "/submission", []string{"canbo"}},
		{other + "/submission", []string{"canbo.stp"}},
		{"/work/periods/2026/phase", []string{"thuongtruc"}},
		{"/work/periods/2026/deadlines", []string{"thuongtruc"}},
		{"/work/periods/2026/reminders", []string{"thuongtruc"}},
		{"/work/periods/2026/publish", []string{"bcd"}},
		{"/admin/users", []string{"thuongtruc"}},
		{"/admin/users/canbo", []string{"thuongtruc"}},
		{"/admin/users/canbo/status", []string{"thuongtruc"}},
		{"/admin/users/canbo/password", []string{"thuongtruc"}},
		{"/admin/users/thamdinh/assignments", []string{"thuongtruc"}},
	}
	for _, ps := range posts {
		for name, c := range clients {
			if name == "" {
				res, _ := c.post(ps.path, url.Values{})
				if res.StatusCode != http.StatusUnauthorized {
					t.Errorf("POST %s as the public: %d, want 401", ps.path, res.StatusCode)
				}
				continue
			}
			allowed := false
			for _, a := range ps.allowed {
				allowed = allowed || a == name
			}
			if allowed {
				continue
			}
			res, _ := c.post(ps.path, url.Values{"phase": {"appraisal"}, "password": {"mat-khau-moi-tinh"}})
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s as %s: %d, want 403", ps.path, name, res.StatusCode)
			}
		}
	}
	// An officer saving into another unit is refused by the service, and
	// nothing is written.
	res, _ := clients["canbo"].postMultipart(other, fieldForm("self", map[string]leafTyped{"1.2": {points: "9"}}))
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("officer writes another unit: %d, want 403", res.StatusCode)
	}
	// The committee reads the assessment but never edits it.
	_, body := clients["bcd"].get(unit)
	mustNotContain(t, "committee's assessment page", body, `name="points.1.1"`, "field-form")
}

func TestFormsNeedTheCSRFToken(t *testing.T) {
	p := newWorkProvince(t)
	c := p.login(t, "canbo")
	form := fieldForm("self", map[string]leafTyped{"1.2": {points: "8"}})
	form.Set("csrf_token", "forged")
	res, body := c.postMultipart("/work/periods/2026/units/SNV", form)
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("without the token: %d, want 403", res.StatusCode)
	}
	mustContain(t, "CSRF refusal", body, "biểu mẫu đã cũ")
	recs, err := p.st.ScoreRecords(t.Context(), "2026", "SNV")
	if err != nil || len(recs) != 0 {
		t.Errorf("a refused form wrote %d values (%v)", len(recs), err)
	}
	a := p.login(t, "thuongtruc")
	res, _ = a.post("/work/periods/2026/phase", url.Values{"phase": {"appraisal"}, "csrf_token": {""}})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("phase move without the token: %d, want 403", res.StatusCode)
	}
}
