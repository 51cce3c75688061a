package store_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/surveys"
)

// vn is the province's time zone.
var vn = time.FixedZone("ICT", 7*3600)

// patternSurvey is survey "khao-sat" (three index questions Q1, Q2, Q3 and a
// text) filled with answers made to raise each flag once, beside ordinary
// answers that raise none. Monday 7 September 2026 is the first day.
func patternSurvey(t *testing.T) (*store.Store, *surveys.Service, int64) {
	t.Helper()
	s := storetest.Open(t)
	svc := newSurvey(t, s, nil)
	p := surveys.DefaultPatterns
	p.StraightMin = 3 // the small questionnaire has three questions on the scale
	svc.Patterns = p
	c, err := svc.Campaign(t.Context(), "khao-sat")
	must(t, err)
	db := s.Gorm().WithContext(t.Context())
	monday := time.Date(2026, 9, 7, 0, 0, 0, 0, vn)
	day := func(d int, h, m int) time.Time {
		return monday.AddDate(0, 0, d).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
	}
	ordinary := []string{"454", "534", "443", "244", "453", "345", "432", "554", "435", "324"}
	add := func(unit, channel, answers, status, flags string, at time.Time, answered *time.Time, texts string) {
		t.Helper()
		row := &store.SurveyResponseRow{CampaignID: c.ID, UnitCode: unit, Channel: channel, Answers: answers + "0", Texts: texts,
			Status: status, Flags: flags, SubmittedAt: at.UTC(), AnsweredAt: answered}
		must(t, db.Create(row).Error)
	}
	// S1, kiosk: 30 answers of "5" everywhere, one a working hour over
	// three weeks: 100 % satisfied and straight-lined.
	for i := range 30 {
		add("S1", "kiosk", "555", "valid", "", day(i%5+7*(i/10), 8+i%8, 10), nil, "")
	}
	// S1, web: 40 ordinary answers in working hours over four weeks.
	for i := range 40 {
		add("S1", "web", ordinary[i%len(ordinary)], "valid", "", day(i%5+7*(i/10), 9+i%7, 20), nil, "")
	}
	// S2, web: 25 answers within five minutes on a Tuesday morning.
	for i := range 25 {
		add("S2", "web", ordinary[i%len(ordinary)], "valid", "", day(1, 9, 0).Add(time.Duration(i)*12*time.Second), nil, "")
	}
	// X1, code: 12 answers at ten at night, one a night.
	for i := range 12 {
		add("X1", "code", ordinary[i%len(ordinary)], "valid", "", day(i, 22, 0), nil, "")
	}
	// X1, interviewer: visits in the evening, sent together the next day.
	for i := range 12 {
		at := day(i%5, 19, 30)
		add("X1", "interviewer", ordinary[i%len(ordinary)], "valid", "", day(6, 8, 0), &at, "")
	}
	// S2, paper and import: typed in together, one after the other.
	for i := range 25 {
		add("S2", "paper", ordinary[i%len(ordinary)], "valid", "", day(2, 14, 0).Add(time.Duration(i)*time.Second), nil, "")
		add("S2", "import", ordinary[i%len(ordinary)], "valid", "", day(3, 14, 0), nil, "")
	}
	// A rejected honeypot answer and a flagged one, with a comment that
	// looks like a formula.
	add("S1", "web", "111", "rejected", "honeypot", day(2, 10, 0), nil, "")
	add("S1", "web", "222", "flagged", "burst,duplicate", day(2, 10, 1), nil, `{"T":"=HYPERLINK(\"x\")"}`)
	return s, svc, c.ID
}

// TestPatternFlags raises each flag on the answers made to raise it, and no
// other.
func TestPatternFlags(t *testing.T) {
	_, svc, _ := patternSurvey(t)
	rep, err := svc.Channels(t.Context(), "khao-sat")
	must(t, err)
	var got []string
	for _, f := range rep.Flags {
		got = append(got, fmt.Sprintf("%s/%s/%s/%d/%d", f.Unit, f.Channel, f.Kind, f.Count, f.Of))
	}
	want := []string{
		"S1/kiosk/high_satisfaction/30/30",
		"S1/kiosk/straight_lining/30/30",
		"S2/web/burst/25/25",
		"X1/code/off_hours/12/12",
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("flags:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Below each threshold, nothing: 29 kiosk answers, 19 in the burst.
	p := svc.Patterns
	p.HighMin, p.StraightCount, p.BurstCount, p.OffHoursCount = 31, 31, 26, 13
	svc.Patterns = p
	rep2, err := svc.Channels(t.Context(), "khao-sat")
	must(t, err)
	if len(rep2.Flags) != 0 {
		t.Errorf("flags above every count: %+v", rep2.Flags)
	}

	// Every index per channel beside the total.
	kiosk := rep.ByChannel[surveys.Kiosk].Unit("S1").Main()
	web := rep.ByChannel[surveys.Web].Unit("S1").Main()
	total := rep.Total.Unit("S1").Main()
	if kiosk.N != 30 || kiosk.Value.StringFixed(4) != "1.0000" || web.N != 40 || total.N != 70 {
		t.Errorf("S1: kiosk %+v, web %+v, total %+v", kiosk, web, total)
	}
	if !slices.Equal(rep.Channels, []surveys.Channel{surveys.Web, surveys.Kiosk, surveys.Coded, surveys.Interview, surveys.Paper, surveys.Import}) {
		t.Errorf("channels %v", rep.Channels)
	}
	// Independent (codes, interviewers) against self-run (QR, kiosk) for X1
	// and S1.
	if ind := rep.Independent.Unit("X1").Main(); ind.N != 24 {
		t.Errorf("X1 independent: %+v", ind)
	}
	if self := rep.SelfRun.Unit("S1").Main(); self.N != 70 || rep.Independent.Unit("S1").Main().N != 0 {
		t.Errorf("S1 self-run: %+v", self)
	}
	st := rep.Stats["S1"][surveys.Web]
	if st.Responses != 42 || st.Valid != 40 || st.Flagged != 1 || st.Rejected != 1 {
		t.Errorf("S1 web counts %+v", st)
	}
}

// TestRawExport exports the pattern survey as CSV and as a workbook: the
// contract's columns, a row per response in id order, the answers' values,
// the stored flags and the markers, and a codebook.
func TestRawExport(t *testing.T) {
	_, svc, _ := patternSurvey(t)
	var buf bytes.Buffer
	must(t, svc.Export(t.Context(), "khao-sat", &buf, surveys.ExportOptions{BOM: true}))
	if !bytes.HasPrefix(buf.Bytes(), []byte("\ufeffid,unit,channel,submitted_at,status,flags,Q1,Q2,Q3,T\n")) {
		t.Fatalf("header: %q", buf.String()[:80])
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\ufeff")))).ReadAll()
	must(t, err)
	if len(recs) != 1+30+40+25+12+12+50+2 {
		t.Fatalf("%d rows", len(recs))
	}
	first, last := recs[1], recs[len(recs)-1]
	if first[1] != "S1" || first[2] != "kiosk" || first[3] != "2026-09-07T08:10:00+07:00" || first[4] != "valid" ||
		first[5] != "straight_line" || first[6] != "5" || first[8] != "5" || first[9] != "" {
		t.Errorf("first row %q", first)
	}
	if last[4] != "flagged" || last[5] != "burst;duplicate;straight_line" || last[6] != "2" || last[9] != `'=HYPERLINK("x")` {
		t.Errorf("last row %q", last)
	}
	var offHours, interviewerOff int
	for _, r := range recs[1:] {
		if strings.Contains(r[5], "off_hours") {
			offHours++
			if r[2] == "interviewer" {
				interviewerOff++
			}
		}
	}
	if offHours != 12 || interviewerOff != 0 {
		t.Errorf("%d rows off hours (%d of interviewers), want the 12 coded ones", offHours, interviewerOff)
	}

	buf.Reset()
	must(t, svc.Export(t.Context(), "khao-sat", &buf, surveys.ExportOptions{Format: "xlsx"}))
	f, err := excelize.OpenReader(&buf)
	must(t, err)
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Phiếu trả lời", "Bảng mã"}) {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows("Phiếu trả lời")
	must(t, err)
	if len(rows) != len(recs) || rows[0][9] != "T" || rows[1][2] != "kiosk" || rows[1][3] != "07/09/2026 08:10:00" {
		t.Errorf("data sheet: %d rows, first %q", len(rows), rows[1])
	}
	if typ, _ := f.GetCellType("Phiếu trả lời", "G2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("an answer's cell is of type %v, want a number", typ)
	}
	if v, _ := f.GetCellValue("Phiếu trả lời", fmt.Sprintf("J%d", len(rows))); v != `=HYPERLINK("x")` {
		t.Errorf("the comment cell holds %q", v)
	}
	if formula, _ := f.GetCellFormula("Phiếu trả lời", fmt.Sprintf("J%d", len(rows))); formula != "" {
		t.Errorf("the comment became a formula: %q", formula)
	}
	book, err := f.GetRows("Bảng mã")
	must(t, err)
	var text strings.Builder
	for _, r := range book {
		text.WriteString(strings.Join(r, "|") + "\n")
	}
	for _, w := range []string{"Cột|Nội dung|Giá trị|Ý nghĩa", "||S1|Sở Nội vụ", "||interviewer|Điều tra viên", "||off_hours|Trả lời ngoài giờ",
		"Q1|Yếu tố 1 — Câu 1", "||5|Rất hài lòng", "T|Yếu tố 2 — Góp ý", "|||Văn bản tự do"} {
		if !strings.Contains(text.String(), w) {
			t.Errorf("codebook lacks %q:\n%s", w, text.String())
		}
	}
}
