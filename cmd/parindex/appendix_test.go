package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parindex/parindex/demo"
	"github.com/parindex/parindex/internal/pdfcheck"
	"github.com/parindex/parindex/scoring"
)

// demoSet reads a demo criteria set: the signs of its bonus and penalty
// fields and its grade names, which the appendix prints.
func demoSet(t *testing.T, group, period string) *scoring.Framework {
	t.Helper()
	f, err := demo.Files.Open(fmt.Sprintf("data/framework-%s-%s.yaml", group, period))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fw, err := scoring.ParseFramework(f)
	if err != nil {
		t.Fatal(err)
	}
	return fw
}

// vi writes a CSV number ("-1.04") as the appendix does ("−1,04").
func vi(s string) string {
	s = strings.Replace(s, ".", ",", 1)
	if rest, ok := strings.CutPrefix(s, "-"); ok && strings.Trim(rest, "0,") != "" {
		return "−" + rest
	}
	return strings.TrimPrefix(s, "-")
}

// The demo's 2025 appendix, read back by pdftotext: every unit's row as
// `score --format csv` gives it (name with its diacritics, field points
// with the signs of bonus and penalty, total, maximum, index, rank, grade,
// change), the decision, the heading and the signature block; header rows
// on every page of a table, page numbers, and no text outside the printed
// area or over other text.
func TestReportAppendixPDF(t *testing.T) {
	c := newCLI(t)
	c.ok("demo")
	out := filepath.Join(t.TempDir(), "phu-luc-2025.pdf")
	if got := c.ok("report", "--period", "2025", "--out", out, "--province", "Tỉnh Cà Mau", "--signer-name", "Nguyễn Văn Mẫu"); !strings.Contains(got, "312/QĐ-UBND") {
		t.Errorf("report output: %q", got)
	}
	pages := pdfcheck.Text(t, out)
	all := pdfcheck.Squash(strings.Join(pages, " "))
	score := readCSV(t, c.ok("score", "--period", "2025", "--format", "csv"))
	col := map[string]int{}
	for i, h := range score[0] {
		col[h] = i
	}
	sets := map[string]*scoring.Framework{"SO": demoSet(t, "SO", "2025"), "XA": demoSet(t, "XA", "2025")}
	no := map[string]int{}
	for _, rec := range score[1:] {
		fw := sets[rec[col["group"]]]
		no[fw.Group]++
		row := []string{fmt.Sprint(no[fw.Group]), rec[col["unit_name"]]}
		sum := scoring.NewInt(0)
		for _, it := range fw.Items {
			v := rec[col["item:"+it.Code]]
			d, _ := scoring.ParseDecimal(v)
			switch {
			case it.Method == scoring.Penalty && !d.IsZero():
				d = d.Neg()
				v = "-" + v
			case it.Method == scoring.Bonus && d.IsPositive():
				v = "+" + v
			}
			sum = sum.Add(d)
			row = append(row, vi(v))
		}
		points := vi(rec[col["points"]])
		if p, _ := scoring.ParseDecimal(rec[col["points"]]); !p.Equal(sum) {
			points += "*" // the rounded parts do not add up: marked, and explained in the key
		}
		var grade string
		for _, g := range fw.Grades {
			if g.Code == rec[col["grade"]] {
				grade = g.Name
			}
		}
		change := rec[col["rank_change"]]
		if change != "" && change != "0" && !strings.HasPrefix(change, "-") {
			change = "+" + change
		}
		row = append(row, points, vi(rec[col["max"]]), vi(rec[col["index"]]), rec[col["rank"]], grade, vi(change))
		if want := strings.Join(row, " "); !strings.Contains(all, want) {
			t.Errorf("no row %q in the appendix", want)
		}
	}
	if no["SO"] != 14 || no["XA"] != 64 {
		t.Fatalf("units in score: %v", no)
	}
	for _, want := range []string{
		"ỦY BAN NHÂN DÂN TỈNH CÀ MAU", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"Số: 312/QĐ-UBND", "Cà Mau, ngày 25 tháng 3 năm 2026", "PHỤ LỤC",
		"KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025",
		"(Kèm theo Quyết định số 312/QĐ-UBND ngày 25/03/2026 của Ủy ban nhân dân tỉnh Cà Mau)",
		"I. SỞ, BAN, NGÀNH TỈNH", "II. UBND XÃ, PHƯỜNG",
		"Cột 10: Điểm trừ, ghi số âm và trừ vào tổng điểm", "(*) Tổng điểm được tính từ điểm chưa làm tròn",
		"Nơi nhận:", "- Như Điều 3;", "- Lưu: VT.",
		"TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH", "Nguyễn Văn Mẫu",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the appendix lacks %q", want)
		}
	}
	if strings.Contains(all, "DỰ THẢO") {
		t.Error("a published appendix is marked as a draft")
	}
	n := pdfcheck.Pages(t, out)
	if n < 4 || n > 8 {
		t.Errorf("%d pages; 78 units on A4 landscape take 4 to 8", n)
	}
	checkPages(t, out, n, false)
}

// checkPages checks every page of an appendix: the page number at the top
// centre from page 2 on, the table's header on every page that holds rows,
// no text outside the printed area (the margins of Decree 30; the page
// number sits in the top margin) and none over other text.
func checkPages(t *testing.T, pdf string, n int, draft bool) {
	t.Helper()
	const mm = 72 / 25.4
	boxes := pdfcheck.Boxes(t, pdf)
	if len(boxes) != n {
		t.Fatalf("bbox pages %d, pdfinfo %d", len(boxes), n)
	}
	text := pdfcheck.Text(t, pdf)
	for i, p := range boxes {
		page := i + 1
		if p.Width != 842 || p.Height != 595 {
			t.Errorf("page %d is %.0f×%.0f, want A4 landscape 842×595", page, p.Width, p.Height)
		}
		var words []pdfcheck.Word
		numbered := false
		for _, w := range p.Words {
			if draft && strings.Contains("DỰ THẢO", w.Text) {
				continue // the watermark crosses the page on purpose
			}
			if w.YMax < 20*mm && w.Text == fmt.Sprint(page) && (w.XMin+w.XMax)/2 > 30*mm+300 && (w.XMin+w.XMax)/2 < 842-15*mm-300 {
				numbered = true
				continue
			}
			words = append(words, w)
			if w.XMin < 30*mm-0.5 || w.XMax > 842-15*mm+0.5 || w.YMin < 20*mm-0.5 || w.YMax > 595-20*mm+0.5 {
				t.Errorf("page %d: %q at (%.1f,%.1f)-(%.1f,%.1f) is outside the printed area", page, w.Text, w.XMin, w.YMin, w.XMax, w.YMax)
			}
		}
		if numbered != (page > 1) {
			t.Errorf("page %d: page number shown %v", page, numbered)
		}
		if over := pdfcheck.Overlaps(pdfcheck.Page{Words: words}); len(over) > 0 {
			t.Errorf("page %d: text over text: %v", page, over[:min(3, len(over))])
		}
		body := pdfcheck.Squash(text[i])
		if strings.Contains(body, "UBND xã") || strings.Contains(body, "Sở ") {
			if !strings.Contains(body, "STT Tên cơ quan, đơn vị") {
				t.Errorf("page %d has rows but no header", page)
			}
		}
	}
}

// Before publication the appendix is a draft: "DỰ THẢO" on every page,
// the number and date left blank.
func TestReportAppendixDraft(t *testing.T) {
	c := newCLI(t)
	c.ok("demo")
	out := filepath.Join(t.TempDir(), "du-thao-2026.pdf")
	if got := c.ok("report", "--period", "2026", "--out", out, "--province", "Tỉnh Cà Mau"); !strings.Contains(got, "draft") {
		t.Errorf("report output: %q", got)
	}
	pages := pdfcheck.Text(t, out)
	for i, p := range pages {
		if !strings.Contains(pdfcheck.Squash(p), "DỰ THẢO") {
			t.Errorf("page %d lacks the draft mark", i+1)
		}
	}
	all := pdfcheck.Squash(strings.Join(pages, " "))
	for _, want := range []string{"Số: ……/QĐ-UBND", "Cà Mau, ngày …… tháng …… năm", "KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2026", "(Kèm theo Quyết định số ……/QĐ-UBND ngày ……/……/"} {
		if !strings.Contains(all, want) {
			t.Errorf("the draft lacks %q", want)
		}
	}
	checkPages(t, out, pdfcheck.Pages(t, out), true)
}
