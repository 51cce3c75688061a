package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/workflow"
)

const snvPage = "/work/periods/2026/units/SNV"

// storedVersion returns the version of a stored value ("0" when none).
func storedVersion(t testing.TB, p *workProvince, unit, item string, stage scoring.Stage) string {
	t.Helper()
	recs, err := p.st.ScoreRecords(context.Background(), "2026", unit)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Item == item && r.Stage == stage {
			return strconv.FormatInt(r.Version, 10)
		}
	}
	return "0"
}

// leafSection returns the HTML of one leaf's card on the assessment page.
func leafSection(body, code string) string {
	start := strings.Index(body, `id="leaf-`+code+`"`)
	if start < 0 {
		return ""
	}
	end := strings.Index(body[start:], "</article>")
	if end < 0 {
		return body[start:]
	}
	return body[start : start+end]
}

func TestAssessmentPageShowsTheTree(t *testing.T) {
	p := newWorkProvince(t)
	c := p.login(t, "canbo")
	res, body := c.get(snvPage)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("assessment page: %d\n%s", res.StatusCode, clip(body))
	}
	mustContain(t, "assessment page", body,
		"<h1>Sở Nội vụ</h1>", "Bộ Chỉ số CCHC cấp sở năm 2026", `aria-current="step">Tự đánh giá<`,
		"Công tác chỉ đạo, điều hành CCHC", "Ban hành kế hoạch CCHC năm đúng hạn",
		"Ban hành trước ngày 31/12 năm trước: 10 điểm", // guidance
		"tối đa 10,00 điểm", "bước 0,50", "Bắt buộc có tài liệu kiểm chứng",
		`name="points.1.1" type="text" inputmode="decimal" autocomplete="off"`,
		`name="points.1.2" type="text" inputmode="decimal" autocomplete="off"`,
		`name="na.1.1"`, `name="comment.1.1"`, `name="version.1.1" value="0"`,
		`enctype="multipart/form-data"`, `name="file.1.1" accept=".pdf,.jpg,.jpeg,.png`, "tối đa 1 MB mỗi lần tải",
		// The computed leaf shows its points and, to the unit's officer in
		// self-assessment, an editor of each input it reads.
		"Điểm được tính tự động từ các số liệu dưới đây", `name="input.on_time" type="text" inputmode="decimal" autocomplete="off" value="90"`, "36,00 / 40,00",
		// Totals: only the computed leaf has points yet.
		"Điểm tự đánh giá", "36,00 <span class=\"of\">/ 100,00</span>",
		// What keeps the unit from submitting.
		"Còn 3 tiêu chí chưa hoàn thành", `href="#leaf-1.1"`, "Chưa chấm điểm", "Nộp bản tự đánh giá",
		`<script src="/static/work.js?v=`, "Lưu tất cả thay đổi",
		// The page is one form: every field's editors are saved together.
		`<form id="assessment-form" class="assessment-form" method="post" action="/work/periods/2026/units/SNV"`,
		`name="field" value="1"`, `name="field" value="2"`,
	)
	if n := strings.Count(body, `class="assessment-form"`); n != 1 {
		t.Errorf("the page has %d assessment forms, want 1", n)
	}
	mustNotContain(t, "assessment page", body, `name="points.2.1"`, "⟦", "style=")
	// An officer in the self-assessment phase sees only the self stage.
	mustNotContain(t, "officer's columns", body, "stage-appraisal", "stage-final")

	_, en := c.get(snvPage + "?lang=en")
	mustContain(t, "English page", en, "Ban hành kế hoạch CCHC năm đúng hạn", "max 10.00 points", "Save all changes", "Submit the self-assessment")
}

// TestSaveFormAllOrNothing: the page saves every changed leaf of every
// field in one transaction, or nothing — a half-valid form saves nothing
// and says why next to each leaf, keeping what was typed everywhere.
func TestSaveFormAllOrNothing(t *testing.T) {
	p := newWorkProvince(t)
	c := p.login(t, "canbo")

	// Leaves of two fields, saved by field 2's button: both are saved (the
	// edits of field 1 are not lost), and the page returns to field 2.
	form := fieldForm("self", map[string]leafTyped{
		"1.1": {points: "7,5", comment: "Kế hoạch số 12/KH-SNV"},
		"1.2": {points: "8"},
		"2.2": {points: "30"},
	})
	form.Set("field", "2")
	res, _ := c.postMultipart(snvPage, form)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != snvPage+"?done=saved#field-2" {
		t.Fatalf("save: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, body := c.get(snvPage + "?done=saved")
	mustContain(t, "after saving", body, "Đã lưu các thay đổi.", "Kế hoạch số 12/KH-SNV", `name="points.1.1" type="text" inputmode="decimal" autocomplete="off" value="7,5"`,
		"Lịch sử thay đổi (1)", "— → <strong>7,50</strong>")
	mustContain(t, "leaf 1.2", leafSection(body, "1.2"), `<span class="stage-value">8,00</span>`, "canbo · ")
	mustContain(t, "leaf 2.2", leafSection(body, "2.2"), `<span class="stage-value">30,00</span>`)

	// 1.1 over its maximum, 1.2 and 2.2 valid: nothing is saved; 1.1 shows
	// the error, and every leaf keeps what was typed.
	v11, v12, v22 := storedVersion(t, p, "SNV", "1.1", "self"), storedVersion(t, p, "SNV", "1.2", "self"), storedVersion(t, p, "SNV", "2.2", "self")
	changes := func() int {
		t.Helper()
		log, err := p.st.Changes(context.Background(), "2026", "SNV")
		if err != nil {
			t.Fatal(err)
		}
		return len(log)
	}
	before := changes()
	res, body = c.postMultipart(snvPage, fieldForm("self", map[string]leafTyped{
		"1.1": {points: "11", comment: "Kế hoạch số 12/KH-SNV", version: v11, origPoints: "7.5", origComment: "Kế hoạch số 12/KH-SNV"},
		"1.2": {points: "9", version: v12, origPoints: "8"},
		"2.2": {points: "abc", version: v22, origPoints: "30"},
	}))
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid points: %d, want 422", res.StatusCode)
	}
	mustContain(t, "leaf 1.1 after the error", leafSection(body, "1.1"), `class="leaf-error"`, "Dữ liệu chưa hợp lệ.",
		"Tiêu chí 1.1: điểm 11,00 vượt điểm tối đa 10,00.", `value="11"`)
	mustContain(t, "leaf 2.2 after the error", leafSection(body, "2.2"), `class="leaf-error"`, `value="abc"`, `<span class="stage-value">30,00</span>`)
	mustContain(t, "page after the error", body, "Chưa lưu gì: 2 mục cần sửa")
	leaf := leafSection(body, "1.2")
	mustContain(t, "leaf 1.2 after the error", leaf, `<span class="stage-value">8,00</span>`, `value="9"`)
	mustNotContain(t, "leaf 1.2 after the error", leaf, `class="leaf-error"`)
	if n := changes(); n != before {
		t.Errorf("a refused form wrote %d changes", n-before)
	}
	if v := storedVersion(t, p, "SNV", "1.2", "self"); v != v12 {
		t.Errorf("1.2 was saved by a refused form: version %s, was %s", v, v12)
	}

	// A stale version: someone changed 1.2 since the page was read. The
	// whole form is refused, 2.2 included.
	if _, err := p.wf.SaveLeaf(context.Background(), p.users["canbo"], workflow.SaveRequest{Period: "2026", Unit: "SNV", Item: "1.2",
		Stage: scoring.StageSelf, Points: ptr(scoring.NewInt(9))}); err != nil {
		t.Fatal(err)
	}
	res, body = c.postMultipart(snvPage, fieldForm("self", map[string]leafTyped{
		"1.2": {points: "10", version: v12, origPoints: "8"},
		"2.2": {points: "31", version: v22, origPoints: "30"},
	}))
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("stale edit: %d, want 409", res.StatusCode)
	}
	leaf = leafSection(body, "1.2")
	mustContain(t, "leaf 1.2 after the conflict", leaf, "dữ liệu đã thay đổi", `value="10"`, `<span class="stage-value">9,00</span>`,
		`name="version.1.2" value="`+storedVersion(t, p, "SNV", "1.2", "self")+`"`)
	mustContain(t, "leaf 2.2 after the conflict", leafSection(body, "2.2"), `<span class="stage-value">30,00</span>`, `value="31"`)

	// Nothing changed.
	res, _ = c.postMultipart(snvPage, fieldForm("self", map[string]leafTyped{"1.2": {points: "9", origPoints: "9"}}))
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "done=nothing_changed") {
		t.Errorf("nothing changed: %d → %q", res.StatusCode, loc)
	}
	// Points must be given, or the leaf marked not applicable.
	res, body = c.postMultipart(snvPage, fieldForm("self", map[string]leafTyped{"2.2": {points: " ", comment: "chưa rõ", version: v22, origPoints: "30"}}))
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("empty points: %d", res.StatusCode)
	}
	mustContain(t, "empty points", leafSection(body, "2.2"), "Nhập điểm hoặc chọn “Không áp dụng”.", "chưa rõ")
	res, _ = c.postMultipart(snvPage, fieldForm("self", map[string]leafTyped{"2.2": {points: "na", comment: "Không phát sinh", version: v22, origPoints: "30"}}))
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("not applicable: %d", res.StatusCode)
	}
	_, body = c.get(snvPage)
	mustContain(t, "not applicable", leafSection(body, "2.2"), `<span class="na">không áp dụng</span>`, `name="na.2.2" value="1" checked`)
}

func ptr[T any](v T) *T { return &v }

func TestUploadThroughThePage(t *testing.T) {
	p := newWorkProvince(t)
	c := p.login(t, "canbo")
	// Points typed and a document chosen go in one submission.
	res, body := c.postMultipart(snvPage,
		fieldForm("self", map[string]leafTyped{"1.1": {points: "10"}}),
		upload{field: "file.1.1", name: "ke-hoach-cchc-2026.pdf", content: tinyPDF("ke hoach")})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", res.StatusCode, clip(body))
	}
	_, body = c.get(snvPage)
	leaf := leafSection(body, "1.1")
	mustContain(t, "leaf 1.1 with its document", leaf, "ke-hoach-cchc-2026.pdf", `href="/api/v1/evidence/`, "Tự đánh giá · canbo", `<span class="stage-value">10,00</span>`)
	mustNotContain(t, "leaf 1.1 with its document", leaf, "Cần tài liệu hoặc giải trình")
	id := regexp.MustCompile(`/api/v1/evidence/(\d+)`).FindStringSubmatch(leaf)[1]
	res, got := c.get("/api/v1/evidence/" + id)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(got, "%PDF-") || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download: %d %q %q", res.StatusCode, res.Header.Get("Content-Disposition"), clip(got))
	}
	// Another unit's officer cannot download it.
	if res, _ := p.login(t, "canbo.stp").get("/api/v1/evidence/" + id); res.StatusCode != http.StatusNotFound {
		t.Errorf("another unit downloads the evidence: %d", res.StatusCode)
	}

	// A file of a refused type: the page says so next to the leaf, and
	// nothing is stored.
	res, body = c.postMultipart(snvPage, url.Values{"stage": {"self"}},
		upload{field: "file.1.2", name: "bao-cao.exe", content: []byte("MZ\x90\x00 not a document")})
	if res.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatalf("bad type: %d, want 415", res.StatusCode)
	}
	mustContain(t, "bad type", leafSection(body, "1.2"), "Không tải lên được tệp “bao-cao.exe”.", "Loại tệp không được chấp nhận.")
	res, body = c.postMultipart(snvPage, url.Values{"stage": {"self"}}, upload{field: "file.1.2", name: "trong.pdf"})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("empty file: %d, want 422", res.StatusCode)
	}
	mustContain(t, "empty file", leafSection(body, "1.2"), "Tệp \"trong.pdf\" rỗng.")
	ev, err := p.st.Evidence(context.Background(), "2026", "SNV")
	if err != nil || len(ev) != 1 {
		t.Errorf("stored evidence: %d (%v), want 1", len(ev), err)
	}
}

func TestSubmitShowsWhatIsMissing(t *testing.T) {
	p := newWorkProvince(t)
	c := p.login(t, "canbo")
	res, body := c.post(snvPage+"/submission", url.Values{"action": {"submit"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("submit with nothing scored: %d, want 422", res.StatusCode)
	}
	mustContain(t, "refused submission", body, "Chưa nộp được: còn 3 tiêu chí chưa hoàn thành", `href="#leaf-1.1"`, `href="#leaf-1.2"`, `href="#leaf-2.2"`)

	// Scored, but 1.1 requires evidence and has neither a document nor an
	// explanation.
	c.postMultipart(snvPage, fieldForm("self", map[string]leafTyped{"1.1": {points: "10"}, "1.2": {points: "8"}}))
	c.postMultipart(snvPage, fieldForm("self", map[string]leafTyped{"2.2": {points: "36"}}))
	res, body = c.post(snvPage+"/submission", url.Values{"action": {"submit"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("submit without evidence: %d", res.StatusCode)
	}
	mustContain(t, "refused submission", body, "còn 1 tiêu chí chưa hoàn thành", "Cần tài liệu hoặc giải trình")

	v := storedVersion(t, p, "SNV", "1.1", "self")
	c.postMultipart(snvPage, fieldForm("self", map[string]leafTyped{"1.1": {points: "10", comment: "Quyết định đang trình ký", version: v, origPoints: "10"}}))
	_, body = c.get(snvPage)
	mustContain(t, "ready", body, "Tất cả các tiêu chí đã hoàn thành.")
	res, _ = c.post(snvPage+"/submission", url.Values{"action": {"submit"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	_, body = c.get(res.Header.Get("Location"))
	mustContain(t, "submitted", body, "Đã nộp bản tự đánh giá.", "Nộp bởi canbo lúc", "Rút lại để chỉnh sửa",
		// 10 + 8 + 36 (computed) + 36 = 90.
		"90,00 <span class=\"of\">/ 100,00</span>", `title="Xuất sắc">XS<`)
	mustNotContain(t, "submitted", body, `name="points.1.1"`, "assessment-form")

	res, _ = c.post(snvPage+"/submission", url.Values{"action": {"withdraw"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", res.StatusCode)
	}
	_, body = c.get(res.Header.Get("Location"))
	mustContain(t, "withdrawn", body, "Đã rút bản tự đánh giá", `name="points.1.1"`, "Nộp bản tự đánh giá")
}

// TestAppraisalExplanationFinal walks the council's rounds through the
// pages, checking what each side sees.
func TestAppraisalExplanationFinal(t *testing.T) {
	p := newWorkProvince(t)
	officer, admin := p.login(t, "canbo"), p.login(t, "thuongtruc")
	officer.postMultipart(snvPage, fieldForm("self", map[string]leafTyped{"1.1": {points: "10"}, "1.2": {points: "8"}}),
		upload{field: "file.1.1", name: "ke-hoach.pdf", content: tinyPDF("kh")})
	officer.postMultipart(snvPage, fieldForm("self", map[string]leafTyped{"2.2": {points: "36"}}))
	if res, _ := officer.post(snvPage+"/submission", url.Values{"action": {"submit"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	move := func(phase string) {
		t.Helper()
		if res, body := admin.post("/work/periods/2026/phase", url.Values{"phase": {phase}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("move to %s: %d\n%s", phase, res.StatusCode, clip(body))
		}
	}
	move("appraisal")

	appraiser := p.login(t, "thamdinh")
	_, body := appraiser.get(snvPage)
	mustContain(t, "appraiser's page", body, "Bạn đang nhập: Thẩm định.", "stage-self", "Chưa thẩm định (3)",
		"điền sẵn từ vòng trước, chưa lưu", `name="points.1.1" type="text" inputmode="decimal" autocomplete="off" value="10"`,
		"ke-hoach.pdf")
	// A lower score without a reason is refused with the service's message.
	res, body := appraiser.postMultipart(snvPage, fieldForm("appraisal", map[string]leafTyped{"1.1": {points: "5"}, "1.2": {points: "8"}}))
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("no reason: %d, want 422", res.StatusCode)
	}
	mustContain(t, "no reason", leafSection(body, "1.1"), "Tiêu chí 1.1: cần ghi lý do khi điểm thẩm định khác điểm tự đánh giá.", `value="5"`)
	// Nothing of the refused form was saved: both leaves are sent again.
	res, _ = appraiser.postMultipart(snvPage, fieldForm("appraisal", map[string]leafTyped{"1.1": {points: "5", comment: "Kế hoạch ban hành chậm (ngày 15/01)"},
		"1.2": {points: "8"}}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("appraise: %d", res.StatusCode)
	}
	_, body = appraiser.get(snvPage + "?filter=changed")
	mustContain(t, "changed filter", body, `aria-current="page">Điểm thay đổi (1)<`, `id="leaf-1.1"`, "Kế hoạch ban hành chậm")
	mustNotContain(t, "changed filter", body, `id="leaf-1.2"`)
	_, body = appraiser.get(snvPage + "?filter=unappraised")
	mustContain(t, "unappraised filter", body, `id="leaf-2.2"`, "Chưa thẩm định (1)")
	mustNotContain(t, "unappraised filter", body, `id="leaf-1.1"`)

	// The unit does not see the round while it runs.
	_, body = officer.get(snvPage)
	mustNotContain(t, "officer during appraisal", body, "Kế hoạch ban hành chậm", "stage-appraisal")

	move("explanation")
	_, body = officer.get(snvPage)
	leaf := leafSection(body, "1.1")
	mustContain(t, "officer in the explanation phase", leaf, "Kế hoạch ban hành chậm", "stage-cell stage-appraisal differs", "Bị điều chỉnh",
		`name="points.1.1"`, "Nội dung giải trình")
	res, body = officer.postMultipart(snvPage, fieldForm("explanation", map[string]leafTyped{"1.1": {points: "10", comment: "Kế hoạch ban hành ngày 28/12, xem quyết định kèm theo"}}),
		upload{field: "file.1.1", name: "quyet-dinh-ban-hanh.pdf", content: tinyPDF("qd")})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("contest: %d\n%s", res.StatusCode, clip(body))
	}

	move("final_appraisal")
	_, body = appraiser.get(snvPage)
	leaf = leafSection(body, "1.1")
	mustContain(t, "final round", leaf, "Kế hoạch ban hành ngày 28/12", "quyet-dinh-ban-hanh.pdf", "Giải trình", "Có giải trình",
		`autocomplete="off" value="5"`) // starts from the appraisal
	v := storedVersion(t, p, "SNV", "1.1", "final")
	res, _ = appraiser.postMultipart(snvPage, fieldForm("final", map[string]leafTyped{"1.1": {points: "10", comment: "Chấp nhận giải trình", version: v}}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("final: %d", res.StatusCode)
	}
	_, body = appraiser.get(snvPage)
	mustContain(t, "after the final round", body, "Điểm sau thẩm định", "90,00 <span class=\"of\">/ 100,00</span>")
	mustContain(t, "leaf history", leafSection(body, "1.1"), "Lịch sử thay đổi (4)", "Chấp nhận giải trình")

	// The audit page lists every change, filtered by item, with the export;
	// the unit sees the final round only once it ends.
	_, body = officer.get(snvPage + "/audit?item=1.1")
	mustContain(t, "officer's audit", body, "Kế hoạch ban hành chậm (ngày 15/01)")
	mustNotContain(t, "officer's audit", body, "Chấp nhận giải trình")
	_, body = appraiser.get(snvPage + "/audit?item=1.1")
	mustContain(t, "audit", body, "Nhật ký thay đổi điểm", "Chấp nhận giải trình", "Kế hoạch ban hành chậm (ngày 15/01)",
		"thamdinh", "/api/v1/periods/2026/units/SNV/audit?format=csv", "Các thay đổi của tiêu chí 1.1")
	mustNotContain(t, "audit of 1.1", body, "<span class=\"code\">1.2</span>")
}

// TestConflictOfTwoAppraisers: two council members edit the same leaf from
// the same page; the second gets a conflict and keeps what they typed.
func TestConflictOfTwoAppraisers(t *testing.T) {
	p := newWorkProvince(t)
	ctx := context.Background()
	if _, err := p.wf.SetPhase(ctx, p.users["thuongtruc"], "2026", "appraisal", ""); err != nil {
		t.Fatal(err)
	}
	a, b := p.login(t, "thamdinh"), p.login(t, "thuongtruc")
	const stp = "/work/periods/2026/units/STP"
	res, _ := a.postMultipart(stp, fieldForm("appraisal", map[string]leafTyped{"1.1": {points: "4", comment: "Thiếu tài liệu"}}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first: %d", res.StatusCode)
	}
	res, body := b.postMultipart(stp, fieldForm("appraisal", map[string]leafTyped{"1.1": {points: "3", comment: "Chậm"}}))
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("second: %d, want 409", res.StatusCode)
	}
	mustContain(t, "second appraiser", leafSection(body, "1.1"), "dữ liệu đã thay đổi", `value="3"`, "Chậm", "Thiếu tài liệu")
	recs, _ := p.st.ScoreRecords(ctx, "2026", "STP")
	for _, r := range recs {
		if r.Item == "1.1" && r.Stage == scoring.StageAppraisal && (r.Author != "thamdinh" || r.Value.Points.String() != "4") {
			t.Errorf("the first appraisal was overwritten: %+v", r)
		}
	}
}
