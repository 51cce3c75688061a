package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/parindex/parindex/workflow"
)

const dashboard = "/work/periods/2026/dashboard"

// dashRow returns the HTML of a unit's row on the dashboard.
func dashRow(body, unit string) string {
	start := strings.Index(body, `id="unit-`+unit+`"`)
	if start < 0 {
		return ""
	}
	end := strings.Index(body[start:], "</tr>")
	return body[start : start+end]
}

// cells returns the texts of a row's numeric cells.
func cells(row string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<td class="num[^"]*"[^>]*>(?:<span class="cell-count">)?([^<]*)`).FindAllStringSubmatch(row, -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	return out
}

func TestDashboardNumbersAndControls(t *testing.T) {
	p := newWorkProvince(t)
	officer, admin := p.login(t, "canbo"), p.login(t, "thuongtruc")
	officer.postMultipart(snvPage, fieldForm("self", map[string]leafTyped{"1.1": {points: "10"}, "1.2": {points: "8"}}),
		upload{field: "file.1.1", name: "ke-hoach.pdf", content: tinyPDF("kh")})
	officer.postMultipart(snvPage, fieldForm("self", map[string]leafTyped{"2.2": {points: "36"}}))
	if res, _ := officer.post(snvPage+"/submission", url.Values{"action": {"submit"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.StatusCode)
	}

	res, body := admin.get(dashboard)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("dashboard: %d", res.StatusCode)
	}
	// Columns: self done, missing evidence, appraised, changed, final, reminders.
	for unit, want := range map[string]string{
		"SNV": "3 / 3,0,0 / 3,0,0,0", // submitted, with the plan attached
		"STP": "3 / 3,1,0 / 3,0,0,0", // imported points, no evidence for 1.1
		"SYT": "0 / 3,1,0 / 3,0,0,0", // nothing yet
	} {
		row := dashRow(body, unit)
		if got := strings.Join(cells(row), ","); got != want {
			t.Errorf("%s row: %s, want %s\n%s", unit, got, want, row)
		}
	}
	mustContain(t, "SNV row", dashRow(body, "SNV"), "Đã nộp")
	mustContain(t, "STP row", dashRow(body, "STP"), "Chưa nộp")
	mustContain(t, "dashboard", body, "Tiến độ kỳ đánh giá 2026", `<dd>1 <span class="of">/ 3</span></dd>`, "66,67%",
		`name="phase" value="appraisal" class="button"`, `type="text" inputmode="numeric" autocomplete="off" name="deadline.self_assessment"`, "dd/mm/yyyy hh:mm",
		`name="unit" value="SYT"`, "Gửi cho tất cả đơn vị chưa nộp")

	// A deadline in the past makes the units that have not submitted late,
	// and closes their editing.
	res, _ = admin.post(dashboard[:len(dashboard)-len("/dashboard")]+"/deadlines", url.Values{
		"deadline.self_assessment": {"2026-01-15T17:00"}, "orig.self_assessment": {""},
	})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("deadline: %d", res.StatusCode)
	}
	_, body = admin.get(dashboard + "?done=deadlines_saved")
	mustContain(t, "after the deadline", body, "Đã lưu thời hạn.", `value="15/01/2026 17:00"`, "đã hết hạn")
	// SNV submitted after this deadline, the others never did: all late.
	for _, unit := range []string{"SNV", "STP", "SYT"} {
		mustContain(t, unit+" row after the deadline", dashRow(body, unit), "Trễ hạn")
	}
	_, page := p.login(t, "canbo.stp").get("/work/periods/2026/units/STP")
	mustContain(t, "STP after the deadline", page, "15/01/2026 17:00", "chỉ xem")
	mustNotContain(t, "STP after the deadline", page, `name="points.1.1"`)
	// An invalid time is refused with the page shown again.
	res, body = admin.post("/work/periods/2026/deadlines", url.Values{"deadline.appraisal": {"ngày mai"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad time: %d", res.StatusCode)
	}
	mustContain(t, "bad time", body, "“ngày mai” không phải là thời điểm hợp lệ")
	// Clearing the field removes the deadline.
	admin.post("/work/periods/2026/deadlines", url.Values{"deadline.self_assessment": {""}, "orig.self_assessment": {"15/01/2026 17:00"}})
	if d, _ := p.st.Deadlines(context.Background(), "2026"); len(d) != 0 {
		t.Errorf("deadlines after clearing: %v", d)
	}

	// Reminders: to chosen units, or to every unit that has not submitted.
	res, body = admin.post("/work/periods/2026/reminders", url.Values{"message": {"Đề nghị nộp trước 17 giờ thứ Sáu."}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("reminder to nobody: %d", res.StatusCode)
	}
	mustContain(t, "reminder to nobody", body, "Đề nghị nộp trước 17 giờ thứ Sáu.") // the message is kept
	res, _ = admin.post("/work/periods/2026/reminders", url.Values{"message": {"Đề nghị nộp trước 17 giờ thứ Sáu."}, "target": {"unsubmitted"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reminder: %d", res.StatusCode)
	}
	_, body = admin.get(dashboard)
	for unit, n := range map[string]string{"SNV": "0", "STP": "1", "SYT": "1"} {
		if c := cells(dashRow(body, unit)); len(c) < 6 || c[5] != n {
			t.Errorf("%s reminders: %v, want %s", unit, c, n)
		}
	}
	_, page = p.login(t, "canbo.stp").get("/work/periods/2026/units/STP")
	mustContain(t, "reminded unit", page, "Nhắc nhở từ Thường trực CCHC", "Đề nghị nộp trước 17 giờ thứ Sáu.", "thuongtruc")
	_, page = p.login(t, "canbo.stp").get("/work")
	mustContain(t, "reminded officer's work page", page, "Đề nghị nộp trước 17 giờ thứ Sáu.")

	// Phase moves; a published phase is not a move.
	res, _ = admin.post("/work/periods/2026/phase", url.Values{"phase": {"appraisal"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("phase: %d", res.StatusCode)
	}
	_, body = admin.get(dashboard + "?done=phase_moved")
	mustContain(t, "after the move", body, "Đã chuyển giai đoạn", `aria-current="step">Thẩm định<`, `value="self_assessment" class="button secondary"`)
	res, body = admin.post("/work/periods/2026/phase", url.Values{"phase": {"published"}})
	if res.StatusCode != http.StatusConflict {
		t.Errorf("move to published: %d, want 409", res.StatusCode)
	}
	mustContain(t, "move to published", body, "Không thực hiện được")

	// The committee reads the dashboard without the controls.
	_, body = p.login(t, "bcd").get(dashboard)
	mustContain(t, "committee's dashboard", body, "Sở Nội vụ", "Phê duyệt và công bố")
	mustNotContain(t, "committee's dashboard", body, `name="phase"`, `name="message"`, "datetime-local")
}

func TestPublishPage(t *testing.T) {
	p := newWorkProvince(t)
	committee := p.login(t, "bcd")
	_, body := committee.get("/work/periods/2026/publish")
	mustContain(t, "publish page before the final round", body, "Xem trước bảng xếp hạng", "Sở Tư pháp", "50,00", "Chỉ công bố được khi kỳ đánh giá ở giai đoạn")
	mustNotContain(t, "publish page before the final round", body, `name="decision_no"`)

	if _, err := p.wf.SetPhase(context.Background(), p.users["thuongtruc"], "2026", "final_appraisal", ""); err != nil {
		t.Fatal(err)
	}
	_, body = committee.get("/work/periods/2026/publish")
	mustContain(t, "publish form", body, `name="decision_no"`, `name="decision_date" type="text"`, "dd/mm/yyyy", "Phê duyệt và công bố")
	// The secretariat sees the preview but cannot publish.
	_, body = p.login(t, "thuongtruc").get("/work/periods/2026/publish")
	mustContain(t, "admin's publish page", body, "Xem trước bảng xếp hạng", "Ban Chỉ đạo CCHC tỉnh thực hiện")
	mustNotContain(t, "admin's publish page", body, `name="decision_no"`)

	res, body := committee.post("/work/periods/2026/publish", url.Values{"decision_no": {"45/QĐ-UBND"}, "decision_date": {"31/02/2026"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad date: %d", res.StatusCode)
	}
	mustContain(t, "bad date", body, "Ngày quyết định không hợp lệ.", `value="45/QĐ-UBND"`)
	res, body = committee.post("/work/periods/2026/publish", url.Values{"decision_no": {" "}, "decision_date": {"2026-03-15"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("no number: %d", res.StatusCode)
	}
	mustContain(t, "no number", body, "Cần nhập số quyết định (tối đa 100 ký tự)")
	// A decision dated after today (in the province) is refused.
	tomorrow := p.wf.Clock().In(workflow.Vietnam).AddDate(0, 0, 1).Format("2006-01-02")
	res, body = committee.post("/work/periods/2026/publish", url.Values{"decision_no": {"45/QĐ-UBND"}, "decision_date": {tomorrow}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a date after today: %d", res.StatusCode)
	}
	mustContain(t, "a date after today", body, "sau ngày hôm nay")
	// Nobody submitted or was appraised: the page says so per group, and
	// publishing needs an override with the reason.
	mustContain(t, "readiness", body, "Mức độ sẵn sàng công bố", "Chưa sẵn sàng", "Sở, ban, ngành", "0 / 3", `name="override"`)
	res, body = committee.post("/work/periods/2026/publish", url.Values{"decision_no": {"45/QĐ-UBND"}, "decision_date": {"2026-03-15"}})
	if res.StatusCode != http.StatusConflict {
		t.Errorf("not ready without an override: %d", res.StatusCode)
	}
	mustContain(t, "not ready", body, "chưa sẵn sàng công bố", `value="45/QĐ-UBND"`)
	res, _ = committee.post("/work/periods/2026/publish", url.Values{"decision_no": {"45/QĐ-UBND"}, "decision_date": {"2026-03-15"},
		"override": {"Các đơn vị thử nghiệm"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d", res.StatusCode)
	}
	_, body = committee.get("/work/periods/2026/publish?done=published")
	mustContain(t, "published", body, "Đã phê duyệt và công bố kết quả.", "45/QĐ-UBND", "15/03/2026", "Bảng xếp hạng đã công bố", `href="/periods/2026"`,
		"Lý do công bố khi chưa sẵn sàng", "Các đơn vị thử nghiệm")
	mustNotContain(t, "published", body, `name="decision_no"`)

	// The public ranking names the decision.
	_, body = p.client(t).get("/periods/2026")
	mustContain(t, "public ranking", body, "Kết quả được công bố theo Quyết định số 45/QĐ-UBND ngày 15/03/2026.", "Sở Tư pháp")
	_, body = p.client(t).get("/periods/2026?lang=en")
	mustContain(t, "public ranking in English", body, "Published by Decision No. 45/QĐ-UBND of 15 Mar 2026.")
}
