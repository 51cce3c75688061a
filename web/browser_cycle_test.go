package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/internal/browsertest"
	"github.com/parindex/parindex/workflow"
)

// TestBrowserAssessmentCycle walks a whole period in headless Chromium, as
// the people who do it would: an officer scores the unit, uploads a PDF and
// submits; the secretariat opens the appraisal; an appraiser lowers a leaf
// with a reason; the officer contests it with a new document and an
// explanation; the final round accepts the contest; the steering committee
// publishes; the public ranking shows the unit's rank and grade. Each step
// is checked on the page and saved as a screenshot.
func TestBrowserAssessmentCycle(t *testing.T) {
	p := newWorkProvince(t)
	f := newFlow(t, p, 3*time.Minute)
	b, srv := f.b, struct{ URL string }{f.base}
	after, expect, login, logout := f.after, f.expect, f.login, f.logout
	dir := t.TempDir()
	writePDF := func(name, title string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, tinyPDF(title), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	plan, decision := writePDF("ke-hoach-cchc-2026.pdf", "ke hoach"), writePDF("quyet-dinh-ban-hanh.pdf", "quyet dinh")

	movePhase := func(phase, label string) {
		t.Helper()
		login("thuongtruc")
		b.Run(chromedp.Navigate(srv.URL + "/work/periods/2026/dashboard"))
		after(chromedp.Click(`button[name=phase][value=`+phase+`]`, chromedp.ByQuery))
		expect("move to "+phase, ".flash.ok", "Đã chuyển giai đoạn")
		expect("move to "+phase, ".phase-line li.current", label)
	}

	// 1. The officer logs in, scores the unit and attaches the plan.
	login("canbo")
	expect("officer's work", "main", "Công việc của tôi", "Kỳ đánh giá 2026", "Chưa nộp")
	b.Screenshot("01-officer-work")
	after(chromedp.Click(`a.button[href="/work/periods/2026/units/SNV"]`, chromedp.ByQuery))
	expect("assessment", "main h1", "Sở Nội vụ")
	expect("assessment", ".submit-panel", "Còn 3 tiêu chí chưa hoàn thành")
	b.Run(
		typeInto(`input[name="points.1.1"]`, "10"),
		typeInto(`input[name="points.1.2"]`, "8"),
		chromedp.SetUploadFiles(`input[name="file.1.1"]`, []string{plan}, chromedp.ByQuery),
	)
	after(chromedp.Click(`#field-1 .form-actions button`, chromedp.ByQuery))
	expect("field 1 saved", ".flash.ok", "Đã lưu các thay đổi.")
	expect("field 1 saved", `[id="leaf-1.1"] .files`, "ke-hoach-cchc-2026.pdf")
	// Field 2: the computed leaf's count from the one-stop register (95 of
	// 100 dossiers on time: 2.1 = 38 of 40), and a manual leaf.
	b.Run(
		typeInto(`input[name="input.on_time"]`, "95"),
		// The note's box is empty: typed into without clearing it first
		// (chromedp's SetValue failed on it, for a reason not found).
		chromedp.SendKeys(`input[name="input_reason.on_time"]`, "Sổ theo dõi một cửa năm 2026", chromedp.ByQuery),
		typeInto(`input[name="points.2.2"]`, "36"),
	)
	b.Screenshot("01b-officer-inputs")
	after(chromedp.Click(`#field-2 .form-actions button`, chromedp.ByQuery))
	expect("inputs saved", `[id="leaf-2.1"]`, "38,00 / 40,00", "canbo")
	expect("scored", ".status-panel", "92,00", "XS")
	expect("scored", ".submit-panel", "Tất cả các tiêu chí đã hoàn thành.")
	b.Screenshot("02-officer-scored")
	after(chromedp.Click(`form[action$="/submission"] button`, chromedp.ByQuery))
	expect("submitted", ".flash.ok", "Đã nộp bản tự đánh giá.")
	expect("submitted", ".status-panel", "Đã nộp", "Nộp bởi canbo")
	b.Screenshot("03-officer-submitted")
	logout()

	// 2. The secretariat sees the submission and opens the appraisal.
	login("thuongtruc")
	b.Run(chromedp.Navigate(srv.URL + "/work/periods/2026/dashboard"))
	expect("dashboard", "#unit-SNV", "Sở Nội vụ", "Đã nộp", "3 / 3")
	expect("dashboard", ".dash-stats", "1 / 3")
	logout()
	movePhase("appraisal", "Thẩm định")
	b.Screenshot("04-admin-opens-appraisal")
	logout()

	// 3. The appraiser lowers 1.1 with a reason.
	login("thamdinh")
	after(chromedp.Click(`a[href="/work/periods/2026/units/SNV"]`, chromedp.ByQuery))
	expect("appraiser", ".filters", "Chưa thẩm định (3)")
	b.Run(
		typeInto(`input[name="points.1.1"]`, "5"),
		chromedp.SendKeys(`textarea[name="comment.1.1"]`, "Kế hoạch ban hành chậm (ngày 15/01/2026)", chromedp.ByQuery),
	)
	after(chromedp.Click(`#field-1 .form-actions button`, chromedp.ByQuery))
	expect("appraised", ".flash.ok", "Đã lưu các thay đổi.")
	expect("appraised", `[id="leaf-1.1"]`, "Điểm thay đổi", "Kế hoạch ban hành chậm")
	expect("appraised", ".status-panel", "Điểm sau thẩm định", "87,00")
	b.Screenshot("05-appraiser-lowers")
	logout()

	// 4. Explanation: the officer contests 1.1 with a new document.
	movePhase("explanation", "Giải trình")
	logout()
	login("canbo")
	b.Run(chromedp.Navigate(srv.URL + "/work/periods/2026/units/SNV"))
	expect("explanation", `[id="leaf-1.1"]`, "Kế hoạch ban hành chậm", "Bị điều chỉnh")
	b.Run(
		typeInto(`input[name="points.1.1"]`, "10"),
		chromedp.SendKeys(`textarea[name="comment.1.1"]`, "Kế hoạch ban hành ngày 28/12/2025, xem quyết định kèm theo", chromedp.ByQuery),
		chromedp.SetUploadFiles(`input[name="file.1.1"]`, []string{decision}, chromedp.ByQuery),
	)
	after(chromedp.Click(`button[name=upload][value="1.1"]`, chromedp.ByQuery))
	expect("contested", ".flash.ok", "Đã lưu các thay đổi.")
	expect("contested", `[id="leaf-1.1"]`, "quyet-dinh-ban-hanh.pdf", "Kế hoạch ban hành ngày 28/12/2025")
	b.Screenshot("06-officer-contests")
	logout()

	// 5. The final round accepts the contest.
	movePhase("final_appraisal", "Thẩm định lần cuối")
	logout()
	login("thamdinh")
	b.Run(chromedp.Navigate(srv.URL + "/work/periods/2026/units/SNV"))
	expect("final round", `[id="leaf-1.1"]`, "Có giải trình", "quyet-dinh-ban-hanh.pdf")
	b.Run(
		typeInto(`input[name="points.1.1"]`, "10"),
		chromedp.SendKeys(`textarea[name="comment.1.1"]`, "Chấp nhận giải trình", chromedp.ByQuery),
	)
	after(chromedp.Click(`#field-1 .form-actions button`, chromedp.ByQuery))
	expect("final", ".status-panel", "Điểm sau thẩm định", "92,00")
	b.Screenshot("07-final-accepts")
	logout()

	// 6. The steering committee publishes.
	login("bcd")
	after(chromedp.Click(`a[href="/work/periods/2026/publish"]`, chromedp.ByQuery))
	expect("publish preview", "table.ranking tbody tr", "1", "Sở Nội vụ", "92,00", "XS")
	// Only SNV went through the rounds: the page says the period is not
	// ready, and the committee publishes with the reason.
	expect("readiness", ".readiness", "Chưa sẵn sàng", "1 / 3")
	b.Run(
		chromedp.SendKeys(`#decision_no`, "45/QĐ-UBND", chromedp.ByQuery),
		chromedp.SetValue(`#decision_date`, "2026-03-15", chromedp.ByQuery),
		chromedp.SendKeys(`#override`, "Sở Tư pháp và Sở Y tế thí điểm, không qua thẩm định", chromedp.ByQuery),
	)
	b.Screenshot("08-committee-preview")
	after(chromedp.Click(`form[action$="/publish"] button[type=submit]`, chromedp.ByQuery))
	expect("published", ".flash.ok", "Đã phê duyệt và công bố kết quả.")
	expect("published", ".decision", "45/QĐ-UBND", "15/03/2026", "Sở Tư pháp và Sở Y tế thí điểm")
	b.Screenshot("09-committee-published")
	logout()

	// 7. The public ranking shows the unit's rank and grade.
	b.Run(chromedp.Navigate(srv.URL + "/periods/2026"))
	expect("public ranking", "main", "Kết quả được công bố theo Quyết định số 45/QĐ-UBND ngày 15/03/2026.")
	expect("public ranking", "table.ranking tbody tr", "1", "Sở Nội vụ", "92,00", "XS")
	expect("public ranking", "table.ranking tbody tr:nth-child(2)", "2", "Sở Tư pháp", "50,00", "TB")
	b.Screenshot("10-public-ranking")
	after(chromedp.Click(`table.ranking a[href="/periods/2026/units/SNV"]`, chromedp.ByQuery))
	expect("public unit page", "main", "Sở Nội vụ", "1 / 2", "XS · Xuất sắc")
	b.Screenshot("11-public-unit")
}

// TestBrowserWorkPagesOnAPhone looks at the officer's assessment and the
// dashboard on a phone-sized screen: nothing may be wider than the screen.
func TestBrowserWorkPagesOnAPhone(t *testing.T) {
	p := newWorkProvince(t)
	srv := httptest.NewServer(p.handler)
	defer srv.Close()
	b := browsertest.New(t, 390, 844, time.Minute)
	look := func(path, shot string) {
		t.Helper()
		b.Run(chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(`main h1`, chromedp.ByQuery))
		var overflow bool
		b.Run(chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow))
		if overflow {
			t.Errorf("%s: the page is wider than a phone's screen", path)
		}
		b.Screenshot("phone-" + shot)
	}
	for _, step := range []struct{ user, path, shot string }{
		{"canbo", "/work/periods/2026/units/SNV", "assessment"},
		{"thuongtruc", "/work/periods/2026/dashboard", "dashboard"},
		{"bcd", "/work/periods/2026/publish", "publish"},
	} {
		b.Run(chromedp.Navigate(srv.URL+"/login"),
			chromedp.SendKeys(`#username`, step.user, chromedp.ByQuery), chromedp.SendKeys(`#password`, testPassword, chromedp.ByQuery),
			chromedp.Click(`form[action="/login"] button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`form.logout`, chromedp.ByQuery))
		look(step.path, step.shot)
		b.Run(chromedp.Click(`form.logout button`, chromedp.ByQuery), chromedp.WaitVisible(`#username`, chromedp.ByQuery))
	}
	// A corrected publication's public pages.
	ctx := context.Background()
	for i, reason := range []string{"", "Đính chính điểm của Sở Tư pháp"} {
		phase := domain.PhaseFinalAppraisal
		if i > 0 {
			phase = domain.PhaseCorrection
		}
		if _, err := p.wf.SetPhase(ctx, p.users["thuongtruc"], "2026", phase, "Sở Tư pháp bổ sung hồ sơ"); err != nil {
			t.Fatal(err)
		}
		if _, err := p.wf.Publish(ctx, p.users["bcd"], workflow.PublishRequest{Period: "2026", DecisionNo: fmt.Sprintf("%d/QĐ-UBND", 45+i),
			DecisionDate: time.Date(2026, 3, 15+i, 0, 0, 0, 0, time.UTC), Reason: reason, Override: "Thí điểm"}); err != nil {
			t.Fatal(err)
		}
	}
	look("/periods/2026", "public-ranking")
	look("/periods/2026/publications/2", "publication-2")
}

// jsString quotes a string for a JavaScript expression.
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
