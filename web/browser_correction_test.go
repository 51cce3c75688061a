package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/workflow"
)

// TestBrowserCorrection walks a correction of a published result in
// headless Chromium: the secretariat reopens the published period with a
// reason; the public page keeps publication 1; an appraiser corrects a
// final value; the committee sees what the correction changes and
// publishes number 2 with its reason; the public page shows number 2 and
// the list of changes, and number 1 is still readable at its own address.
func TestBrowserCorrection(t *testing.T) {
	p := newWorkProvince(t)
	ctx := context.Background()
	// 2026 is published once: STP's imported self-assessment gives 50.
	if _, err := p.wf.SetPhase(ctx, p.users["thuongtruc"], "2026", domain.PhaseFinalAppraisal, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := p.wf.Publish(ctx, p.users["bcd"], workflow.PublishRequest{Period: "2026", DecisionNo: "45/QĐ-UBND",
		DecisionDate: time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), Override: "Thí điểm"}); err != nil {
		t.Fatal(err)
	}
	f := newFlow(t, p, 3*time.Minute)
	stpRow := `table.ranking a[href="/periods/2026/units/STP"]`
	rowOf := func(link string) string {
		var s string
		f.b.Run(chromedp.Evaluate(`(function(){var a=document.querySelector(`+jsString(link)+`);return a?a.closest("tr").textContent.replace(/\s+/g," "):""})()`, &s))
		return s
	}
	f.open("/periods/2026")
	if row := rowOf(stpRow); !strings.Contains(row, "50,00") {
		t.Fatalf("publication 1: STP's row %q", row)
	}

	// 1. The secretariat reopens the period with a reason.
	f.login("thuongtruc")
	f.open("/work/periods/2026/dashboard")
	f.expect("dashboard of a published period", "main", "Mở lại để đính chính")
	f.b.Run(chromedp.SendKeys(`#reopen-reason`, "Sở Tư pháp bổ sung hồ sơ công khai thủ tục", chromedp.ByQuery))
	f.b.Screenshot("correction-01-reopen")
	f.after(chromedp.Click(`form[action$="/phase"] button[type=submit]`, chromedp.ByQuery))
	f.expect("reopened", ".flash.ok", "Đã mở lại kỳ đánh giá để đính chính")
	f.expect("reopened", ".phase-line li.current", "Đính chính")
	f.logout()
	f.open("/periods/2026")
	if row := rowOf(stpRow); !strings.Contains(row, "50,00") {
		t.Errorf("during the correction the public sees STP %q, want publication 1's 50,00", row)
	}

	// 2. An appraiser corrects STP's final value of 2.2.
	f.login("thamdinh")
	f.open("/work/periods/2026/units/STP")
	f.expect("assessment in correction", ".status-panel", "Đính chính", "Bạn đang nhập: Thẩm định cuối.")
	f.b.Run(typeInto(`input[name="points.2.2"]`, "30"),
		chromedp.SendKeys(`textarea[name="comment.2.2"]`, "Đính chính: hồ sơ công khai bổ sung", chromedp.ByQuery))
	f.after(chromedp.Click(`#field-2 .form-actions button`, chromedp.ByQuery))
	f.expect("corrected", ".flash.ok", "Đã lưu các thay đổi.")
	f.expect("corrected", ".status-panel", "60,00")
	f.b.Screenshot("correction-02-appraiser")
	f.logout()

	// 3. The committee sees the changes and publishes number 2.
	f.login("bcd")
	f.open("/work/periods/2026/publish")
	f.expect("changes to publish", ".changes", "Sở Tư pháp", "50,00", "60,00")
	f.b.Run(
		chromedp.SendKeys(`#decision_no`, "52/QĐ-UBND", chromedp.ByQuery),
		chromedp.SetValue(`#decision_date`, "2026-04-02", chromedp.ByQuery),
		chromedp.SendKeys(`#reason`, "Đính chính điểm của Sở Tư pháp", chromedp.ByQuery),
		chromedp.SendKeys(`#override`, "Thí điểm", chromedp.ByQuery),
	)
	f.b.Screenshot("correction-03-committee")
	f.after(chromedp.Click(`form[action$="/publish"] button[type=submit]`, chromedp.ByQuery))
	f.expect("published 2", ".flash.ok", "Đã phê duyệt và công bố kết quả.")
	f.expect("published 2", ".decision", "Lần công bố 2", "52/QĐ-UBND", "Đính chính điểm của Sở Tư pháp",
		"Sở Tư pháp bổ sung hồ sơ công khai thủ tục", "Lần công bố 1", "45/QĐ-UBND")
	f.logout()

	// 4. The public page shows number 2, the correction and the earlier
	// publication; number 1 is readable with what number 2 changed.
	f.open("/periods/2026")
	f.expect("public ranking", "main", "Quyết định số 52/QĐ-UBND ngày 02/04/2026", "Đính chính (lần công bố 2):", "Đính chính điểm của Sở Tư pháp")
	if row := rowOf(stpRow); !strings.Contains(row, "60,00") {
		t.Errorf("after publication 2 the public sees STP %q, want 60,00", row)
	}
	f.b.Screenshot("correction-04-public")
	f.after(chromedp.Click(`a[href="/periods/2026/publications/2"]`, chromedp.ByQuery))
	f.expect("publication 2", ".changes", "Sở Tư pháp", "50,00", "60,00")
	f.expect("publication 2", "main", "Đây là lần công bố hiện hành.")
	f.b.Screenshot("correction-05-changes")
	f.open("/periods/2026/publications/1")
	f.expect("publication 1", "main", "Lần công bố 1", "45/QĐ-UBND", "đã được đính chính")
	var stp string
	f.b.Run(chromedp.Evaluate(`[...document.querySelectorAll("table.ranking tbody tr")].map(r => r.textContent.replace(/\s+/g," ")).find(t => t.includes("Sở Tư pháp")) || ""`, &stp))
	if !strings.Contains(stp, "50,00") {
		t.Errorf("publication 1's page shows STP %q, want 50,00", stp)
	}
	f.b.Screenshot("correction-06-publication-1")
}
