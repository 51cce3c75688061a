package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/internal/pdfcheck"
)

// pdfText saves a PDF answer and reads its text back with pdftotext.
func pdfText(t *testing.T, body string) string {
	t.Helper()
	if !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("not a PDF: %.60q", body)
	}
	f := filepath.Join(t.TempDir(), "a.pdf")
	if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return pdfcheck.Squash(strings.Join(pdfcheck.Text(t, f), " "))
}

// The board reads the draft appendix before publication; after it the
// public gets the published one, as PDF and as the print page, with the
// same rows; the page's chrome follows the language, the document stays
// Vietnamese.
func TestAppendixDraftThenPublished(t *testing.T) {
	p := newProvince(t)
	officer := p.as("officer1")
	for item, pts := range map[string]any{"1.1": 8, "1.2": 20, "3.1": 30} {
		if code, body := officer.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/"+item+"/self", map[string]any{"points": pts}); code != 200 {
			t.Fatalf("self %s: %d %s", item, code, body)
		}
	}
	committee := p.as("committee")
	code, body := committee.json(http.MethodGet, "/reports/2025/appendix.pdf", nil)
	p.wantStatus("draft pdf", code, body, 200)
	draft := pdfText(t, body)
	for _, want := range []string{"DỰ THẢO", "Số: ……/QĐ-UBND", "PHỤ LỤC", "Sở Nội vụ", "85,00", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"} {
		if !strings.Contains(draft, want) {
			t.Errorf("draft lacks %q: %s", want, draft)
		}
	}
	code, body = committee.json(http.MethodGet, "/reports/2025/print", nil)
	p.wantStatus("draft print", code, body, 200)
	if !strings.Contains(body, `class="doc-watermark"`) || !strings.Contains(body, "Số: ……/QĐ-UBND") {
		t.Errorf("draft print page lacks the draft mark or the blank number")
	}

	p.setPhase(domain.PhaseFinalAppraisal)
	code, body = committee.json(http.MethodPost, "/api/v1/periods/2025/publication",
		map[string]any{"decision_no": "45/QĐ-UBND", "decision_date": "2025-11-25", "override": "Kiểm thử"})
	p.wantStatus("publish", code, body, 201)
	code, body = p.as("").json(http.MethodGet, "/periods/2025/appendix.pdf", nil)
	p.wantStatus("public pdf", code, body, 200)
	final := pdfText(t, body)
	row := "1 Sở Nội vụ 28,00 27,00 30,00 85,00 100,00 85,00 1"
	for _, want := range []string{"Số: 45/QĐ-UBND", "ngày 25 tháng 11 năm 2025", "(Kèm theo Quyết định số 45/QĐ-UBND ngày 25/11/2025", row} {
		if !strings.Contains(final, want) {
			t.Errorf("published appendix lacks %q: %s", want, final)
		}
	}
	if strings.Contains(final, "DỰ THẢO") {
		t.Error("the published appendix is marked as a draft")
	}
	code, page := p.as("").json(http.MethodGet, "/periods/2025/print", nil)
	p.wantStatus("public print", code, page, 200)
	squashed := pdfcheck.Squash(stripTags(page))
	for _, want := range []string{"Số: 45/QĐ-UBND", row, "Nơi nhận:", "- Lưu: VT.", "Tải phụ lục quyết định (PDF)"} {
		if !strings.Contains(squashed, want) {
			t.Errorf("print page lacks %q", want)
		}
	}
	if strings.Contains(page, "doc-watermark") {
		t.Error("the published print page carries the draft mark")
	}
	_, page = p.as("").json(http.MethodGet, "/periods/2025/print?lang=en", nil)
	if en := pdfcheck.Squash(stripTags(page)); !strings.Contains(en, "Download the decision appendix (PDF)") || !strings.Contains(en, "PHỤ LỤC") {
		t.Errorf("English print page: chrome in English, document in Vietnamese; got %.300s", en)
	}
}

// stripTags drops an HTML page's tags, leaving its text.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
			b.WriteByte(' ')
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#34;", `"`, "&lt;", "<", "&gt;", ">").Replace(b.String())
}
