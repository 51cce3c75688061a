package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/surveys"
)

// surveyYAML is a small instrument: two elements of the index "sat"
// (Q1 required, Q2; Q3) and a text question.
const surveyYAML = `code: small
name: {vi: Phiếu nhỏ, en: Small form}
scales:
  - code: sat
    satisfied: [4, 5]
    options:
      - {value: 1, label: {vi: Rất không hài lòng}}
      - {value: 2, label: {vi: Không hài lòng}}
      - {value: 3, label: {vi: Bình thường}}
      - {value: 4, label: {vi: Hài lòng}}
      - {value: 5, label: {vi: Rất hài lòng}}
indices:
  - measure: sat
    name: {vi: Chỉ số}
    sections: [E1, E2]
sections:
  - code: E1
    title: {vi: Yếu tố 1}
    questions:
      - {code: Q1, text: {vi: Câu 1}, scale: sat, required: true}
      - {code: Q2, text: {vi: Câu 2}, scale: sat}
  - code: E2
    title: {vi: Yếu tố 2}
    questions:
      - {code: Q3, text: {vi: Câu 3}, scale: sat}
      - {code: T, type: text, text: {vi: Góp ý}}
`

// newSurvey seeds units S1, S2 (SO) and X1 (XA), stores the small
// instrument for 2025 and opens survey "khao-sat" over the three units.
func newSurvey(t *testing.T, s *store.Store, mutate func(*surveys.CampaignSpec)) *surveys.Service {
	t.Helper()
	seed(t, s)
	svc := surveys.NewService(s)
	if _, err := svc.SaveInstrument(t.Context(), "2025", []byte(surveyYAML)); err != nil {
		t.Fatal(err)
	}
	spec := surveys.CampaignSpec{Code: "khao-sat", Name: "Khảo sát 2025", Period: "2025", Instrument: "small",
		Units: []surveys.CampaignUnit{{Code: "S1", Transactions: 1000}, {Code: "S2", Transactions: 10}, {Code: "X1"}}}
	if mutate != nil {
		mutate(&spec)
	}
	if _, err := svc.CreateCampaign(t.Context(), spec); err != nil {
		t.Fatal(err)
	}
	must(t, svc.SetState(t.Context(), "khao-sat", surveys.Open))
	return svc
}

func answers(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func submit(t *testing.T, svc *surveys.Service, sub surveys.Submission) (*surveys.Response, error) {
	t.Helper()
	if sub.Campaign == "" {
		sub.Campaign = "khao-sat"
	}
	if sub.Channel == "" {
		sub.Channel = surveys.Web
	}
	return svc.Submit(t.Context(), sub)
}

func TestSurveyCampaign(t *testing.T) {
	s := storetest.Open(t)
	svc := newSurvey(t, s, nil)
	ctx := t.Context()

	c, err := svc.Campaign(ctx, "khao-sat")
	must(t, err)
	if c.State != surveys.Open || len(c.Units) != 3 || c.Units[0].Name != "Sở Nội vụ" || c.Units[2].Group != "XA" || c.Target("S1") != 286 || c.Target("S2") != 10 {
		t.Fatalf("campaign %+v", c)
	}
	open, err := svc.OpenCampaigns(ctx, "X1")
	must(t, err)
	if len(open) != 1 || open[0].Code != "khao-sat" {
		t.Errorf("open campaigns of X1: %+v", open)
	}
	if open, _ := svc.OpenCampaigns(ctx, "NOPE"); len(open) != 0 {
		t.Errorf("open campaigns of an unknown unit: %+v", open)
	}

	for i, a := range []map[string]string{
		answers("Q1", "5", "Q2", "4", "Q3", "2", "T", "Cảm ơn"),
		answers("Q1", "3", "Q2", "5", "Q3", "4"),
		answers("Q1", "4", "Q3", "5"),
		answers("Q1", "1", "Q2", "2"),
	} {
		r, err := submit(t, svc, surveys.Submission{Unit: "S1", Answers: a, Client: fmt.Sprintf("10.0.0.%d", i)})
		must(t, err)
		if r.ID == 0 || r.Status != surveys.Valid {
			t.Fatalf("response %d: %+v", i, r)
		}
	}
	_, err = submit(t, svc, surveys.Submission{Unit: "S2", Answers: answers("Q1", "5", "Q3", "5"), Client: "10.0.1.1"})
	must(t, err)

	_, res, err := svc.Results(ctx, "khao-sat")
	must(t, err)
	// The hand calculation of surveys.TestIndexHandComputed: S1 0.625.
	if got := res.Unit("S1").Main().Value.StringFixed(4); got != "0.6250" {
		t.Errorf("S1 satisfaction %s, want 0.6250", got)
	}
	if u := res.Unit("S1"); u.Responses != 4 || !u.Insufficient || u.Target != 286 {
		t.Errorf("S1 %d responses of %d, insufficient %v", u.Responses, u.Target, u.Insufficient)
	}
	if got := res.Unit("S2").Main().Value.StringFixed(4); got != "1.0000" {
		t.Errorf("S2 satisfaction %s", got)
	}
	if len(res.Groups) != 2 || res.Groups[0].Code != "SO" || res.Province.Responses != 5 {
		t.Errorf("groups %d, province %d responses", len(res.Groups), res.Province.Responses)
	}
	_, progress, err := svc.Progress(ctx, "khao-sat")
	must(t, err)
	if len(progress) != 3 || progress[0].Valid != 4 || progress[0].Target != 286 || progress[0].Percent() != 1 || progress[2].Valid != 0 {
		t.Errorf("progress %+v", progress)
	}

	// Errors: an unknown survey, a unit it does not cover, bad answers, a
	// closed survey.
	_, err = submit(t, svc, surveys.Submission{Campaign: "nope", Unit: "S1", Answers: answers("Q1", "5")})
	wantKind(t, err, domain.ErrNotFound)
	_, err = submit(t, svc, surveys.Submission{Unit: "NOPE", Answers: answers("Q1", "5")})
	wantKind(t, err, domain.ErrInvalid)
	_, err = submit(t, svc, surveys.Submission{Unit: "S1", Answers: answers("Q2", "9")})
	wantKind(t, err, domain.ErrInvalid)
	if err == nil || !strings.Contains(err.Error(), "Q1: an answer is required") || !strings.Contains(err.Error(), `Q2: "9" is not one of`) {
		t.Errorf("answer problems: %v", err)
	}
	must(t, svc.SetState(ctx, "khao-sat", surveys.Closed))
	_, err = submit(t, svc, surveys.Submission{Unit: "S1", Answers: answers("Q1", "5")})
	wantKind(t, err, domain.ErrConflict)
	// An operator may still type in a paper form after the close.
	_, err = submit(t, svc, surveys.Submission{Unit: "S1", Answers: answers("Q1", "5"), Channel: surveys.Paper, Author: "op"})
	must(t, err)
	wantKind(t, svc.SetState(ctx, "khao-sat", surveys.Draft), domain.ErrConflict)

	// The instrument is locked once its campaign has opened.
	_, err = svc.SaveInstrument(ctx, "2025", []byte(surveyYAML))
	wantKind(t, err, domain.ErrConflict)
	// And the survey id is unique.
	_, err = svc.CreateCampaign(ctx, surveys.CampaignSpec{Code: "khao-sat", Name: "x", Period: "2025", Instrument: "small",
		Units: []surveys.CampaignUnit{{Code: "S1"}}})
	wantKind(t, err, domain.ErrConflict)
	_, err = svc.CreateCampaign(ctx, surveys.CampaignSpec{Code: "Bad Id", Name: "", Period: "2025", Instrument: "none",
		Units: []surveys.CampaignUnit{{Code: "S1"}}})
	wantKind(t, err, domain.ErrInvalid)
	for _, w := range []string{`survey id "Bad Id"`, "the name is empty", "instrument none is not stored for period 2025"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("campaign problems lack %q: %v", w, err)
		}
	}
}

func TestSurveyOneTimeCodes(t *testing.T) {
	s := storetest.Open(t)
	svc := newSurvey(t, s, nil)
	ctx := t.Context()
	codes, err := svc.NewCodes(ctx, "khao-sat", "S1", 3)
	must(t, err)
	if len(codes) != 3 || codes[0] == codes[1] {
		t.Fatalf("codes %v", codes)
	}
	a := answers("Q1", "4")
	// Codes are stored only as hashes.
	var stored int64
	must(t, s.Gorm().Raw("SELECT count(*) FROM survey_codes WHERE code_hash = ?", codes[0]).Scan(&stored).Error)
	if stored != 0 {
		t.Error("a code is stored in clear")
	}
	r, err := submit(t, svc, surveys.Submission{Unit: "S1", Answers: a, Code: strings.ToLower(codes[0]), Client: "c"})
	must(t, err)
	if r.Status != surveys.Valid {
		t.Errorf("status %s", r.Status)
	}
	_, err = submit(t, svc, surveys.Submission{Unit: "S1", Answers: a, Code: codes[0], Client: "d"})
	wantKind(t, err, domain.ErrConflict)
	_, err = submit(t, svc, surveys.Submission{Unit: "S2", Answers: a, Code: codes[1]})
	wantKind(t, err, domain.ErrInvalid)
	_, err = submit(t, svc, surveys.Submission{Unit: "S1", Answers: a, Code: "ABCDE-FGHJK"})
	wantKind(t, err, domain.ErrInvalid)
	// A refused submission stores nothing and does not burn the code.
	_, err = submit(t, svc, surveys.Submission{Unit: "S1", Answers: answers("Q1", "7"), Code: codes[1]})
	wantKind(t, err, domain.ErrInvalid)
	_, err = submit(t, svc, surveys.Submission{Unit: "S1", Answers: a, Code: codes[1]})
	must(t, err)
	if n := count(t, s, "survey_responses"); n != 2 {
		t.Errorf("%d responses stored, want 2", n)
	}

	// Dossier numbers of the one-stop system work the same way.
	n, err := svc.AddDossiers(ctx, "khao-sat", "S2", []string{"000.00.12.H12-250101-0001", "", "000.00.12.H12-250101-0002"})
	must(t, err)
	if n != 2 {
		t.Errorf("%d dossiers registered", n)
	}
	_, err = svc.AddDossiers(ctx, "khao-sat", "S2", []string{"000.00.12.H12-250101-0001"})
	wantKind(t, err, domain.ErrConflict)
	_, err = svc.AddDossiers(ctx, "khao-sat", "S2", []string{"A1", "a 1"})
	if err == nil || !strings.Contains(err.Error(), "line 2: dossier a 1 already appears on line 1") {
		t.Errorf("duplicate dossier: %v", err)
	}
	_, err = submit(t, svc, surveys.Submission{Unit: "S2", Answers: a, Code: "000.00.12.H12 250101 0001"})
	must(t, err)
	_, err = submit(t, svc, surveys.Submission{Unit: "S2", Answers: a, Code: "000.00.12.H12-250101-0001"})
	wantKind(t, err, domain.ErrConflict)
	_, err = svc.NewCodes(ctx, "khao-sat", "S1", 0)
	wantKind(t, err, domain.ErrInvalid)
}

func TestSurveyRequiresCode(t *testing.T) {
	s := storetest.Open(t)
	svc := newSurvey(t, s, func(spec *surveys.CampaignSpec) { spec.RequireCode = true })
	_, err := submit(t, svc, surveys.Submission{Unit: "S1", Answers: answers("Q1", "4")})
	wantKind(t, err, domain.ErrInvalid)
	codes, err := svc.NewCodes(t.Context(), "khao-sat", "S1", 1)
	must(t, err)
	_, err = submit(t, svc, surveys.Submission{Unit: "S1", Answers: answers("Q1", "4"), Code: codes[0]})
	must(t, err)
}

func TestSurveyFlaggedBursts(t *testing.T) {
	s := storetest.Open(t)
	svc := newSurvey(t, s, nil)
	ctx := t.Context()
	shown := time.Now().Add(-time.Minute)
	status := func(r *surveys.Response, err error) string {
		t.Helper()
		must(t, err)
		return string(r.Status) + strings.Join(r.Flags, ",")
	}
	sub := func(client, q1 string, shown time.Time) surveys.Submission {
		return surveys.Submission{Unit: "S1", Answers: answers("Q1", q1), Client: client, Shown: shown}
	}
	got := []string{
		status(submit(t, svc, sub("10.1.1.1", "5", shown))),
		status(submit(t, svc, sub("10.1.1.1", "5", shown))), // the same answers again
		status(submit(t, svc, sub("10.1.1.1", "4", shown))),
		status(submit(t, svc, sub("10.1.1.1", "3", shown))),       // the fourth in ten minutes
		status(submit(t, svc, sub("10.1.1.2", "4", time.Now()))),  // answered in no time
		status(submit(t, svc, sub("10.1.1.3", "4", time.Time{}))), // timing unknown: fine
		status(submit(t, svc, surveys.Submission{Unit: "S1", Answers: answers("Q1", "1"), Client: "10.1.1.4", Honeypot: "http://spam"})),
	}
	want := []string{"valid", "flaggedduplicate", "valid", "flaggedburst", "flaggedtoo_fast", "valid", "rejectedhoneypot"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("statuses\n got %v\nwant %v", got, want)
	}
	// Flagged and rejected responses are kept but do not count.
	_, res, err := svc.Results(ctx, "khao-sat")
	must(t, err)
	if u := res.Unit("S1"); u.Responses != 3 || u.Main().Value.StringFixed(4) != "1.0000" {
		t.Errorf("S1: %d valid responses, satisfaction %s; want 3 and 1 (5, 4, 4)", u.Responses, u.Main().Value)
	}
	flagged, err := s.Responses(ctx, 1, surveys.Flagged, 10)
	must(t, err)
	if len(flagged) != 3 || flagged[0].Flags[0] != "too_fast" || flagged[1].Duration < time.Minute {
		t.Fatalf("flagged %+v", flagged)
	}
	// Review: clear the duplicate, reject the burst; both are logged.
	dup := flagged[2]
	must(t, svc.Review(ctx, "khao-sat", dup.ID, surveys.Valid, "Người nhà cùng dùng một điện thoại", "thư ký"))
	must(t, svc.Review(ctx, "khao-sat", flagged[1].ID, surveys.Rejected, "Gửi hàng loạt", "thư ký"))
	wantKind(t, svc.Review(ctx, "khao-sat", dup.ID, surveys.Valid, "again", "x"), domain.ErrConflict)
	wantKind(t, svc.Review(ctx, "khao-sat", dup.ID, surveys.Rejected, " ", "x"), domain.ErrInvalid)
	wantKind(t, svc.Review(ctx, "khao-sat", 999, surveys.Rejected, "x", "x"), domain.ErrNotFound)
	_, res, err = svc.Results(ctx, "khao-sat")
	must(t, err)
	if u := res.Unit("S1"); u.Responses != 4 {
		t.Errorf("after the review S1 has %d valid responses, want 4", u.Responses)
	}
	trail, err := s.Reviews(ctx, 1, 10)
	must(t, err)
	if len(trail) != 2 || trail[1].Response != dup.ID || trail[1].Old != surveys.Flagged || trail[1].New != surveys.Valid ||
		trail[1].Author != "thư ký" || trail[0].New != surveys.Rejected {
		t.Errorf("trail %+v", trail)
	}
	// The trail is append-only.
	if err := s.Gorm().Exec("UPDATE survey_reviews SET reason = 'x'").Error; err == nil {
		t.Error("a review decision was changed")
	}
	if err := s.Gorm().Exec("DELETE FROM survey_reviews").Error; err == nil {
		t.Error("a review decision was deleted")
	}
}

func TestSurveyImport(t *testing.T) {
	s := storetest.Open(t)
	svc := newSurvey(t, s, nil)
	ctx := t.Context()
	codes, err := svc.NewCodes(ctx, "khao-sat", "S1", 2)
	must(t, err)

	bad := "unit,code,Q1,Q2,Q3,T\n" +
		"S1,,5,4,3,\n" +
		"S9,,5,,,\n" + // line 3: unknown unit
		"S1,,,4,,\n" + // line 4: Q1 required
		"S1," + codes[0] + ",6,x,,\n" + // line 5: two bad answers
		"S2," + codes[1] + ",4,,,\n" +
		"S1," + codes[1] + ",4,,,\n" + // line 7: the code again
		"S1,,4,4,4,quá dài,thừa\n" // line 8: an extra cell
	_, err = svc.Import(ctx, "khao-sat", "phieu.csv", []byte(bad), "op")
	wantKind(t, err, domain.ErrInvalid)
	for _, w := range []string{
		`line 3: unit: unit "S9" is not covered by survey khao-sat`,
		"line 4: Q1: an answer is required",
		`line 5: Q1: "6" is not one of 1, 2, 3, 4, 5`,
		`line 5: Q2: "x" is not one of 1, 2, 3, 4, 5`,
		"line 7: code: code " + codes[1] + " is already used on line 6",
		"line 8: 7 cells, but the header has 6 columns",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("import problems lack %q:\n%v", w, err)
		}
	}
	if n := count(t, s, "survey_responses"); n != 0 {
		t.Fatalf("a refused import stored %d responses", n)
	}
	// A code for another unit is found only when storing: still nothing is kept.
	_, err = svc.Import(ctx, "khao-sat", "phieu.csv", []byte("unit,code,Q1\nS1,,5\nS2,"+codes[0]+",4\n"), "op")
	if err == nil || !strings.Contains(err.Error(), "line 3: code: the one-time code belongs to another unit") {
		t.Errorf("code of another unit: %v", err)
	}
	if n := count(t, s, "survey_responses"); n != 0 {
		t.Fatalf("a refused import stored %d responses", n)
	}
	_, err = svc.Import(ctx, "khao-sat", "phieu.csv", []byte("unit,Q9,Q1,Q1\n"), "op")
	for _, w := range []string{`line 1: column "Q9" is not a question of instrument small`, `line 1: column "Q1" appears twice`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("bad header: %v lacks %q", err, w)
		}
	}

	// A good CSV, then the same as an Excel workbook.
	good := "\xef\xbb\xbfunit,code,Q1,Q2,Q3,T\nS1," + codes[0] + ",5,4,3,\"Tốt, nhanh\"\nS2,,4,,,\n\n"
	n, err := svc.Import(ctx, "khao-sat", "phieu.csv", []byte(good), "op")
	must(t, err)
	if n != 2 {
		t.Errorf("%d imported", n)
	}
	_, err = submit(t, svc, surveys.Submission{Unit: "S1", Answers: answers("Q1", "4"), Code: codes[0]})
	wantKind(t, err, domain.ErrConflict) // the import used the code

	x := excelize.NewFile()
	rows := [][]any{{"unit", "Q1", "Q3"}, {"X1", 5, 4}, {"X1", 2, nil}, {"S1", 9, 1}}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		must(t, x.SetSheetRow("Sheet1", cell, &r))
	}
	var buf bytes.Buffer
	must(t, x.Write(&buf))
	_, err = svc.Import(ctx, "khao-sat", "phieu.xlsx", buf.Bytes(), "op")
	if err == nil || !strings.Contains(err.Error(), `line 4: Q1: "9" is not one of`) {
		t.Errorf("xlsx with a bad row: %v", err)
	}
	must(t, x.SetCellValue("Sheet1", "B4", 1))
	buf.Reset()
	must(t, x.Write(&buf))
	n, err = svc.Import(ctx, "khao-sat", "phieu.xlsx", buf.Bytes(), "op")
	must(t, err)
	if n != 3 {
		t.Errorf("%d imported from Excel", n)
	}
	_, progress, err := svc.Progress(ctx, "khao-sat")
	must(t, err)
	if progress[0].Valid != 2 || progress[1].Valid != 1 || progress[2].Valid != 2 {
		t.Errorf("progress after imports %+v", progress)
	}
	var re *surveys.RowError
	if errors.As(err, &re) {
		t.Error("unexpected row error")
	}
}

// TestSurveysFeedScoring: the period's survey results fill UnitData.Surveys,
// and the engine's survey leaves use them before the input of the same name.
func TestSurveysFeedScoring(t *testing.T) {
	s := storetest.Open(t)
	svc := newSurvey(t, s, nil)
	ctx := t.Context()
	set := []byte(`period: "2025"
group: SO
name: Bộ chỉ số
items:
  - {code: A, name: Tiêu chí, max: 90, method: manual}
  - {code: S, name: Hài lòng, max: 10, method: survey, survey: sat}
`)
	_, err := s.SaveFramework(ctx, parseSet(t, set), set, false)
	must(t, err)
	_, err = s.RecordScores(ctx, []domain.Score{{Period: "2025", Unit: "S1", Item: "A", Stage: scoring.StageFinal, Value: pts(t, "80")}}, "t", "t")
	must(t, err)
	// S2 has only an input "sat"; S1 has both: the survey wins.
	must(t, s.RecordInputs(ctx, []domain.Input{
		{Period: "2025", Unit: "S1", Name: "sat", Value: dec(t, "0.1")},
		{Period: "2025", Unit: "S2", Name: "sat", Value: dec(t, "0.5")},
	}, "t"))
	for _, a := range []map[string]string{answers("Q1", "5", "Q3", "4"), answers("Q1", "2", "Q3", "5")} {
		_, err := submit(t, svc, surveys.Submission{Unit: "S1", Answers: a})
		must(t, err)
	}
	// X1 answers too, but is in another group.
	_, err = submit(t, svc, surveys.Submission{Unit: "X1", Answers: answers("Q1", "5")})
	must(t, err)

	units, err := s.UnitData(ctx, "2025", "SO")
	must(t, err)
	if len(units) != 2 || units[0].Surveys["sat"].StringFixed(4) != "0.7500" || units[1].Surveys != nil {
		t.Fatalf("unit data %+v", units)
	}
	// S1: E1 = Q1 1/2, E2 = Q3 2/2 → (0.5 + 1) / 2 = 0.75 → 7.5 points; S2: 0.5 → 5.
	out, err := (&results.Service{Store: s}).Compute(ctx, "2025", "SO", scoring.StageFinal)
	must(t, err)
	pointsOf := map[string]string{}
	for _, r := range out.Groups[0].Results {
		pointsOf[r.Unit] = r.Nodes["S"].Points.StringFixed(2)
	}
	if pointsOf["S1"] != "7.50" || pointsOf["S2"] != "5.00" {
		t.Errorf("survey leaf points %v, want S1 7.50 and S2 5.00", pointsOf)
	}
	// One unit's ratios, read alone, are those UnitData gives it in its
	// group (X1's in XA).
	xa, err := s.UnitData(ctx, "2025", "XA")
	must(t, err)
	for _, u := range append(units, xa...) {
		r, err := s.UnitSurveyRatios(ctx, "2025", u.Code)
		must(t, err)
		if fmt.Sprint(r) != fmt.Sprint(u.Surveys) && !(len(r) == 0 && len(u.Surveys) == 0) {
			t.Errorf("UnitSurveyRatios(%s) = %v, UnitData gives %v", u.Code, r, u.Surveys)
		}
	}
	if len(xa) != 1 || len(xa[0].Surveys) == 0 {
		t.Errorf("X1's survey in its own group: %+v", xa)
	}
	// A draft campaign of the period does not count.
	if _, err := svc.CreateCampaign(ctx, surveys.CampaignSpec{Code: "nhap", Name: "Nháp", Period: "2025", Instrument: "small",
		Units: []surveys.CampaignUnit{{Code: "S2"}}}); err != nil {
		t.Fatal(err)
	}
	units, err = s.UnitData(ctx, "2025", "SO")
	must(t, err)
	if units[1].Surveys != nil {
		t.Errorf("a draft survey fed S2: %v", units[1].Surveys)
	}
}

// TestSurveyRowsRoundTrip writes one row of every survey row struct and
// reads it back unchanged.
func TestSurveyRowsRoundTrip(t *testing.T) {
	s := storetest.Open(t)
	seed(t, s)
	db := s.Gorm()
	must(t, s.SetPhase(t.Context(), "2026", domain.PhaseDraft))
	at := time.Date(2026, 8, 1, 7, 30, 15, 123456000, time.UTC)
	ms := int64(41250)
	respID := int64(1)
	key, earlier, one := "0b6f1c9e-4d7a-4f0e-9a51-6d2b8c3e1f00", at.Add(-26*time.Hour), int64(1)
	rows := []struct {
		name string
		row  any
		read func() any
	}{
		{"instrument", &store.SurveyInstrumentRow{PeriodCode: "2026", Code: "sipas", Name: "Phiếu SIPAS", Source: []byte("code: sipas\n\x00\xff"), Version: 3, CreatedAt: at, UpdatedAt: at},
			func() any { return &store.SurveyInstrumentRow{} }},
		{"campaign", &store.SurveyCampaignRow{Code: "sipas-2026", Name: "Khảo sát", PeriodCode: "2026", InstrumentID: 1, State: "open", Formula: "mean",
			Margin: dec(t, "0.05"), RequireCode: true, Salt: "abc", Revision: 7, CreatedAt: at, UpdatedAt: at},
			func() any { return &store.SurveyCampaignRow{} }},
		{"interviewer", &store.SurveyInterviewerRow{CampaignID: 1, Name: "Lê Thị Bình", Phone: "0912 345 678", TokenHash: "def", CreatedBy: "thư ký", CreatedAt: at, RevokedAt: &at},
			func() any { return &store.SurveyInterviewerRow{} }},
		{"response", &store.SurveyResponseRow{CampaignID: 1, UnitCode: "S1", Channel: "kiosk", Answers: "540", Texts: `{"T":"Tốt"}`, ClientHash: "h",
			DurationMS: &ms, Status: "flagged", Flags: "burst,duplicate", Author: "Lê Thị Bình", SubmittedAt: at,
			SubmissionKey: &key, AnsweredAt: &earlier, InterviewerID: &one},
			func() any { return &store.SurveyResponseRow{} }},
		{"refusal", &store.SurveyRefusalRow{CampaignID: 1, SubmissionKey: "0b6f1c9e-key", Reason: "code_used", Detail: "", At: at},
			func() any { return &store.SurveyRefusalRow{} }},
		{"code", &store.SurveyCodeRow{CampaignID: 1, UnitCode: "S1", Kind: "dossier", CodeHash: "ff", CreatedAt: at, UsedAt: &at, ResponseID: &respID},
			func() any { return &store.SurveyCodeRow{} }},
		{"review", &store.SurveyReviewRow{ResponseID: 1, OldStatus: "flagged", NewStatus: "valid", Reason: "Người nhà", Author: "thư ký", At: at},
			func() any { return &store.SurveyReviewRow{} }},
		{"device", &store.SurveyDeviceRow{CampaignID: 1, UnitCode: "S2", Name: "Quầy số 3", TokenHash: "abc", CreatedBy: "thư ký", CreatedAt: at, RevokedAt: &at},
			func() any { return &store.SurveyDeviceRow{} }},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			must(t, db.Create(tc.row).Error)
			got := tc.read()
			must(t, db.Take(got).Error)
			normalize(got)
			normalize(tc.row)
			if !reflect.DeepEqual(got, tc.row) {
				t.Errorf("read back\n got %+v\nwant %+v", got, tc.row)
			}
		})
	}
	unit := &store.SurveyCampaignUnitRow{CampaignID: 1, UnitCode: "S2", Transactions: 35000}
	must(t, db.Create(unit).Error)
	var got store.SurveyCampaignUnitRow
	must(t, db.Where("campaign_id = 1 AND unit_code = 'S2'").Take(&got).Error)
	if got != *unit {
		t.Errorf("campaign unit %+v", got)
	}
	quota := &store.SurveyInterviewerUnit{InterviewerID: 1, UnitCode: "X1", Quota: 40}
	must(t, db.Create(quota).Error)
	var gotQuota store.SurveyInterviewerUnit
	must(t, db.Where("interviewer_id = 1").Take(&gotQuota).Error)
	if gotQuota != *quota {
		t.Errorf("interviewer unit %+v", gotQuota)
	}
}
