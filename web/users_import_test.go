package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/accounts"
)

// The secretariat imports accounts from the page: the template to fill in,
// a refused file with every problem and nothing saved, then the sheet of
// first passwords, shown once; a new account must choose its own password
// before anything else.
func TestUsersImportPage(t *testing.T) {
	p := newWorkProvince(t)
	admin := p.login(t, "thuongtruc")
	res, body := admin.get("/admin/users")
	mustContain(t, "users page", body, `href="/admin/users/import"`)
	res, body = admin.get("/admin/users/import")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("import form: %d", res.StatusCode)
	}
	mustContain(t, "import form", body, "Nhập tài khoản và phân công hàng loạt", `href="/admin/users/import/template.xlsx"`, `name="file"`)

	res, tpl := admin.get("/admin/users/import/template.xlsx")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("template: %d", res.StatusCode)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(tpl)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(accounts.AccountsSheet)
	// SNV and STP have officers; SYT gets a row.
	if len(rows) != 2 || rows[1][0] != "cb.syt" || rows[1][3] != "SYT" {
		t.Fatalf("template rows %q", rows)
	}

	csv := func(s string) []byte { return []byte(s) }
	// A refused file: every problem, nothing saved.
	res, body = admin.postMultipart("/admin/users/import", url.Values{},
		upload{field: "file", name: "tai-khoan.csv", content: csv("username,name,role,unit\ncb.syt,Lê Thị Hoa,officer,SYT\ncb.x,X,officer,NOPE\n")},
		upload{field: "file", name: "phan-cong.csv", content: csv("period,username,unit,field\n2026,canbo,SNV,\n")})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad file: %d", res.StatusCode)
	}
	mustContain(t, "bad file", body, "không có gì được lưu", "tai-khoan.csv:3: unit: unit NOPE does not exist",
		"phan-cong.csv:2: username: canbo is not an appraiser")
	if _, err := p.st.UserByUsername(t.Context(), "cb.syt"); err == nil {
		t.Fatal("a refused file created an account")
	}

	// A good one: the sheet of first passwords.
	res, body = admin.postMultipart("/admin/users/import", url.Values{},
		upload{field: "file", name: "tai-khoan.csv", content: csv("username,name,role,unit\ncb.syt,Lê Thị Hoa,officer,SYT\ntd.an,Phạm Văn An,appraiser,\n")},
		upload{field: "file", name: "phan-cong.csv", content: csv("period,username,unit,field\n2026,td.an,STP,\n")})
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("import: %d %v", res.StatusCode, res.Header)
	}
	mustContain(t, "sheet", body, "Tạo mới 2 tài khoản.", "Ghi 1 phân công thẩm định", "Lê Thị Hoa", "cb.syt", "td.an",
		"Mật khẩu lần đầu", "http://example.com/login", "data-print")
	mustNotContain(t, "sheet", body, "style=", "<script>")
	pw := regexp.MustCompile(`cb\.syt</dd></div>\s*<div><dt>Mật khẩu lần đầu</dt><dd class="cred-value">([^<]+)</dd>`).FindStringSubmatch(body)
	if pw == nil {
		t.Fatalf("no password for cb.syt on the sheet:\n%s", clip(body))
	}

	// The new officer signs in with it and must change it first.
	officer := p.client(t)
	res, _ = officer.post("/login", url.Values{"username": {"cb.syt"}, "password": {pw[1]}, "next": {"/work"}})
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/account/password?first=1") {
		t.Fatalf("first login: %d → %q", res.StatusCode, loc)
	}
	_, body = officer.get("/account/password?first=1&next=%2Fwork")
	if m := csrfPattern.FindStringSubmatch(body); m != nil {
		officer.csrf = m[1]
	}
	mustContain(t, "first password form", body, "Mật khẩu của bạn do Văn phòng cấp", `name="next" value="/work"`)
	mustNotContain(t, "first password form", body, `href="/work"`) // no staff menu yet
	for _, path := range []string{"/work", "/work/periods/2026/units/SYT", "/reports/2026/units/SYT"} {
		if res, _ := officer.get(path); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/account/password?first=1") {
			t.Errorf("%s before the change: %d %q", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	if res, body := officer.get("/api/v1/periods/2026/units/SYT/assessment"); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Cần đổi mật khẩu") {
		t.Errorf("the API before the change: %d %s", res.StatusCode, body)
	}
	if res, _ := officer.get("/periods/2025"); res.StatusCode == http.StatusSeeOther {
		t.Error("a public page sends the user to the password form")
	}
	res, _ = officer.post("/account/password", url.Values{"current_password": {pw[1]}, "new_password": {"mat-khau-rieng-cua-hoa"},
		"confirm_password": {"mat-khau-rieng-cua-hoa"}, "next": {"/work"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/work" {
		t.Fatalf("change: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := officer.get("/work"); res.StatusCode != http.StatusOK {
		t.Errorf("/work after the change: %d", res.StatusCode)
	}

	// Only the secretariat imports.
	for _, who := range []string{"canbo", "thamdinh", "bcd"} {
		if res, _ := p.login(t, who).get("/admin/users/import"); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s opens the import: %d", who, res.StatusCode)
		}
	}
}
