package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// rowOrder returns the units of the dashboard's rows, in order.
func rowOrder(body string) []string {
	var out []string
	for _, part := range strings.Split(body, `<tr id="unit-`)[1:] {
		out = append(out, part[:strings.Index(part, `"`)])
	}
	return out
}

// The dashboard's list is searched without diacritics, filtered by
// status, ordered by a column (a second click reverses it), and the Excel
// download gives the rows the page shows, in its order.
func TestDashboardSearchFilterSortExport(t *testing.T) {
	p := newWorkProvince(t)
	officer, admin := p.login(t, "canbo"), p.login(t, "thuongtruc")
	officer.postMultipart(snvPage, fieldForm("self", map[string]leafTyped{"1.1": {points: "10"}, "1.2": {points: "8"}}),
		upload{field: "file.1.1", name: "ke-hoach.pdf", content: tinyPDF("kh")})
	officer.postMultipart(snvPage, fieldForm("self", map[string]leafTyped{"2.2": {points: "36"}}))
	if res, _ := officer.post(snvPage+"/submission", url.Values{"action": {"submit"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	cases := []struct {
		query string
		want  string
	}{
		{"", "SNV STP SYT"},
		{"q=so+tu+phap", "STP"},             // no diacritics typed
		{"q=Y+T%E1%BA%BF", "SYT"},           // "Y Tế", with them
		{"q=stp", "STP"},                    // the code
		{"status=submitted", "SNV"},         // only SNV submitted
		{"status=draft", "STP SYT"},         // the others did not
		{"sort=self&desc=1", "SNV STP SYT"}, // 3/3, 3/3, 0/3: ties keep the name order
		{"sort=self", "SYT SNV STP"},
		{"sort=name&desc=1", "SYT STP SNV"},
		{"q=nothing+like+this", ""},
	}
	for _, c := range cases {
		res, body := admin.get(dashboard + "?" + c.query)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", c.query, res.StatusCode)
		}
		if got := strings.Join(rowOrder(body), " "); got != c.want {
			t.Errorf("%q: rows %q, want %q", c.query, got, c.want)
		}
	}
	_, body := admin.get(dashboard + "?q=nothing")
	mustContain(t, "no match", body, "Không có đơn vị nào khớp với điều kiện tìm.", "Đang hiện 0 trên 3 đơn vị.", "Bỏ lọc")
	// The sorted column says so to assistive technology, and its link
	// reverses the order.
	_, body = admin.get(dashboard + "?sort=name")
	mustContain(t, "sorted heading", body, `aria-sort="ascending"`, `href="/work/periods/2026/dashboard?desc=1&sort=name#units-title"`)

	res, xlsx := admin.get(dashboard + ".xlsx?status=draft&sort=name&desc=1")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "tien-do-2026.xlsx") {
		t.Fatalf("xlsx: %d %v", res.StatusCode, res.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Tiến độ")
	if err != nil {
		t.Fatal(err)
	}
	// Title, blank, header, then SYT and STP (drafts, names descending).
	if len(rows) != 5 || rows[2][0] != "Mã" || rows[3][1] != "Sở Y tế" || rows[4][1] != "Sở Tư pháp" || rows[4][3] != "Chưa nộp" {
		t.Errorf("xlsx rows = %q", rows)
	}
	// The committee may download it; an officer may not.
	if res, _ := p.login(t, "bcd").get(dashboard + ".xlsx"); res.StatusCode != http.StatusOK {
		t.Errorf("committee's xlsx: %d", res.StatusCode)
	}
	if res, _ := officer.get(dashboard + ".xlsx"); res.StatusCode != http.StatusForbidden {
		t.Errorf("officer's xlsx: %d", res.StatusCode)
	}
}

// The audit page names items, inputs and people, says where a change came
// from in words, and filters, searches and orders the one list of
// changes; its Excel download gives the same rows.
func TestAuditNamesFiltersExport(t *testing.T) {
	p := newWorkProvince(t)
	officer, admin := p.login(t, "canbo.stp"), p.login(t, "thuongtruc")
	stp := "/work/periods/2026/units/STP"
	v := storedVersion(t, p, "STP", "1.1", "self")
	if res, _ := officer.postMultipart(stp, fieldForm("self", map[string]leafTyped{"1.1": {points: "7", comment: "Ban hành theo Quyết định số 12/QĐ-STP", version: v}})); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	_, body := admin.get(stp + "/audit")
	mustContain(t, "audit", body, "Trần Văn Minh", "canbo.stp", "Trên trang web", "Nhập từ tệp", "Ban hành theo Quyết định số 12/QĐ-STP",
		"Đang hiện ", `<span class="code">1.1</span>`)
	mustNotContain(t, "audit", body, `<td class="muted">web</td>`, `<td class="muted">import</td>`)

	_, body = admin.get(stp + "/audit?source=import")
	mustNotContain(t, "imports only", body, "Ban hành theo Quyết định số 12/QĐ-STP")
	mustContain(t, "imports only", body, "Nhập từ tệp")
	_, body = admin.get(stp + "/audit?author=canbo.stp")
	mustContain(t, "one person", body, "Ban hành theo Quyết định số 12/QĐ-STP", "Đang hiện 1 trên")
	_, body = admin.get(stp + "/audit?q=quyet+dinh+so+12")
	mustContain(t, "search without diacritics", body, "Ban hành theo Quyết định số 12/QĐ-STP", "Đang hiện 1 trên")
	_, body = admin.get(stp + "/audit?stage=input")
	mustContain(t, "inputs only", body, "Số liệu đầu vào")
	mustNotContain(t, "inputs only", body, "Ban hành theo Quyết định số 12/QĐ-STP")

	res, xlsx := admin.get(stp + "/audit.xlsx?author=canbo.stp")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("xlsx: %d", res.StatusCode)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Nhật ký")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[3][1] != "1.1" || rows[3][5] != "7,00" || rows[3][7] != "Trần Văn Minh" || rows[3][9] != "Trên trang web" {
		t.Errorf("xlsx rows = %q", rows)
	}
	// Another unit's officer reads neither.
	if res, _ := p.login(t, "canbo").get(stp + "/audit.xlsx"); res.StatusCode != http.StatusForbidden {
		t.Errorf("outsider's xlsx: %d", res.StatusCode)
	}
}
