package reports_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/internal/pdfcheck"
	"github.com/parindex/parindex/reports"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// signedSet has a bonus and a penalty field, and thirds of a point that
// do not add up once rounded.
const signedSet = `period: "2025"
group: XA
name: Bộ chỉ số thử
grades:
  - {code: T, name: Tốt, min: 80}
  - {code: Y, name: Yếu, min: 0}
items:
  - code: "1"
    name: Công tác chỉ đạo, điều hành cải cách hành chính
    items:
      - {code: "1.1", name: Kế hoạch, max: 50, method: manual}
  - code: "2"
    name: Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội
    items:
      - {code: "2.1", name: Hài lòng, max: 50, method: manual}
  - {code: "3", name: Điểm thưởng, max: 2, method: bonus}
  - {code: "4", name: Điểm trừ, max: 5, method: penalty}
`

// signedOutput scores n units of the signed set: unit 0 has a bonus,
// unit 1 a penalty, every unit thirds of a point.
func signedOutput(t *testing.T, n int, name func(i int) string) *results.Output {
	t.Helper()
	fw, err := scoring.ParseFramework(strings.NewReader(signedSet))
	if err != nil {
		t.Fatal(err)
	}
	third := scoring.NewInt(100).Div(scoring.NewInt(3)) // 33.333…
	var units []scoring.UnitData
	for i := range n {
		d := scoring.UnitData{Code: fmt.Sprintf("X%03d", i), Name: name(i)}
		d.SetPoints("1.1", scoring.StageFinal, scoring.Value{Points: third.Add(scoring.NewInt(int64(i % 10)))})
		d.SetPoints("2.1", scoring.StageFinal, scoring.Value{Points: third})
		switch i {
		case 0:
			d.SetPoints("3", scoring.StageFinal, scoring.Value{Points: scoring.NewInt(1)})
		case 1:
			d.SetPoints("4", scoring.StageFinal, scoring.Value{Points: scoring.NewInt(2)})
		}
		units = append(units, d)
	}
	svc := &results.Service{Store: memResults{fw: fw, units: units}}
	out, err := svc.Compute(t.Context(), "2025", "", scoring.StageFinal)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAppendixRows(t *testing.T) {
	out := signedOutput(t, 3, func(i int) string { return fmt.Sprintf("UBND xã Thử %d", i) })
	pub := &domain.Publication{Number: 1, DecisionNo: "45/QĐ-UBND", DecisionDate: time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC)}
	a := reports.NewAppendix(out, map[string]string{"XA": "UBND xã, phường"}, pub, reports.DefaultDocumentConfig("Tỉnh Cà Mau"), time.Now())
	if a.Draft || a.Watermark != "" || a.Number != "Số: 45/QĐ-UBND" || a.PlaceDate != "Cà Mau, ngày 03 tháng 02 năm 2026" ||
		a.Attached != "(Kèm theo Quyết định số 45/QĐ-UBND ngày 03/02/2026 của Ủy ban nhân dân tỉnh Cà Mau)" {
		t.Errorf("heading: %q %q %q %q", a.Watermark, a.Number, a.PlaceDate, a.Attached)
	}
	g := a.Groups[0]
	if g.Heading != "I. UBND XÃ, PHƯỜNG" {
		t.Errorf("group heading %q", g.Heading)
	}
	var heads []string
	for _, f := range g.Fields {
		heads = append(heads, fmt.Sprintf("%s %s %d", f.Heading, f.MaxText, f.Sign))
	}
	if got := strings.Join(heads, " | "); got != "1. Chỉ đạo, điều hành CCHC (tối đa 50) 0 | 2. Tác động của CCHC đến người… (tối đa 50) 0 | 3. Điểm thưởng (cộng, tối đa 2) 1 | 4. Điểm trừ (trừ, tối đa 5) -1" {
		t.Errorf("field headings: %s", got)
	}
	byUnit := map[string]reports.AppendixRow{}
	for _, r := range g.Rows {
		byUnit[r.Unit] = r
	}
	// X000: 33.33 + 33.33 + 1 shown; the total 67.67 is computed exactly.
	// X001: 34.33 + 33.33 − 2 = 65.66 shown, the total 65.67.
	for unit, want := range map[string]string{
		"X000": "33,33 33,33 +1,00 0,00 → 67,67*",
		"X001": "34,33 33,33 0,00 −2,00 → 65,67*",
		"X002": "35,33 33,33 0,00 0,00 → 68,67*",
	} {
		r := byUnit[unit]
		if got := strings.Join(r.ItemTexts, " ") + " → " + r.PointsText; got != want {
			t.Errorf("%s: %s, want %s", unit, got, want)
		}
	}
	if r := byUnit["X001"]; !r.Mismatch || r.PartsSum.String() != "65.66" {
		t.Errorf("X001 parts %s mismatch %v", r.PartsSum, r.Mismatch)
	}
	key := strings.Join(g.Key, "\n")
	for _, want := range []string{"Cột 2: Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội (tối đa 50 điểm)",
		"Cột 4: Điểm trừ, ghi số âm", "chênh lệch không quá 0,01 điểm", "Xếp loại: Tốt: từ 80 trở lên; Yếu: dưới 80."} {
		if !strings.Contains(key, want) {
			t.Errorf("key lacks %q:\n%s", want, key)
		}
	}
	draft := reports.NewAppendix(out, nil, nil, reports.DefaultDocumentConfig("Tỉnh Cà Mau"), time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	if !draft.Draft || draft.Watermark != "DỰ THẢO" || draft.Number != "Số: ……/QĐ-UBND" || !strings.Contains(draft.Attached, "ngày ……/……/2026") {
		t.Errorf("draft: %+v", draft)
	}
}

// A province of 150 communes with long names: the rows wrap inside their
// cells and the header repeats, nothing leaves the printed area.
func TestAppendixPDFLargeProvince(t *testing.T) {
	out := signedOutput(t, 150, func(i int) string {
		return fmt.Sprintf("Ủy ban nhân dân xã Nguyễn Việt Khái mở rộng số %d (sáp nhập từ các xã Tân Hưng Đông, Hàm Rồng)", i)
	})
	a := reports.NewAppendix(out, map[string]string{"XA": "UBND xã, phường"}, nil, reports.DefaultDocumentConfig("Tỉnh Cà Mau"), time.Now())
	var buf bytes.Buffer
	if err := reports.WriteAppendixPDF(&buf, a); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "a.pdf")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	pages := pdfcheck.Pages(t, file)
	if pages < 10 || pages > 40 {
		t.Errorf("%d pages for 150 communes", pages)
	}
	const mm = 72 / 25.4
	text := pdfcheck.Text(t, file)
	all := pdfcheck.Squash(strings.Join(text, " "))
	for i := range 150 {
		if name := fmt.Sprintf("Ủy ban nhân dân xã Nguyễn Việt Khái mở rộng số %d (sáp nhập từ các xã Tân Hưng Đông, Hàm Rồng)", i); !strings.Contains(all, name) {
			t.Errorf("no %q", name)
			break
		}
	}
	for i, p := range pdfcheck.Boxes(t, file) {
		var words []pdfcheck.Word
		for _, w := range p.Words {
			if strings.Contains("DỰ THẢO", w.Text) || w.YMax < 20*mm {
				continue // the watermark, the page number
			}
			words = append(words, w)
			if w.XMin < 30*mm-0.5 || w.XMax > 842-15*mm+0.5 || w.YMin < 20*mm-0.5 || w.YMax > 595-20*mm+0.5 {
				t.Errorf("page %d: %q outside the printed area", i+1, w.Text)
			}
		}
		if over := pdfcheck.Overlaps(pdfcheck.Page{Words: words}); len(over) > 0 {
			t.Errorf("page %d: text over text: %v", i+1, over[:min(3, len(over))])
		}
		if i > 0 && i < pages-1 && !strings.Contains(pdfcheck.Squash(text[i]), "STT Tên cơ quan, đơn vị") {
			t.Errorf("page %d without the table header", i+1)
		}
	}
}
