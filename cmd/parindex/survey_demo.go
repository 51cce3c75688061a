package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/parindex/parindex/demo"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/surveys"
)

// The demo's open SIPAS survey: the questionnaires of the shipped
// templates stored for 2026, the survey over every unit with its
// transactions, and the responses of demo/data (written by `go run ./gen
// -surveys` in demo/).
const (
	demoSurvey     = "sipas-2026"
	demoSurveyName = "Khảo sát sự hài lòng của người dân, tổ chức năm 2026 (SIPAS)"
)

// loadDemoSurveys loads the demo's survey after the rest of the demo.
func loadDemoSurveys(e *env, st *store.Store, progress io.Writer) error {
	ctx := e.ctx
	svc := surveys.NewService(st)
	txData, err := fs.ReadFile(demo.Files, "data/survey-transactions-"+demoOpenPeriod+".csv")
	if err != nil {
		return err
	}
	responses, err := fs.ReadFile(demo.Files, "data/survey-responses-"+demoOpenPeriod+".csv")
	if err != nil {
		return err
	}
	for _, code := range surveys.Templates() {
		src, _, err := surveys.Template(code)
		if err != nil {
			return err
		}
		if _, err := svc.SaveInstrument(ctx, demoOpenPeriod, src); err != nil {
			return err
		}
	}
	_, rows, err := surveys.ReadTable(ctx, "survey-transactions.csv", txData)
	if err != nil {
		return err
	}
	var units []surveys.CampaignUnit
	for _, r := range rows {
		n, err := strconv.ParseInt(r.Cells[1], 10, 64)
		if err != nil {
			return fmt.Errorf("survey-transactions:%d: %w", r.Line, err)
		}
		units = append(units, surveys.CampaignUnit{Code: r.Cells[0], Transactions: n})
	}
	if _, err := svc.CreateCampaign(ctx, surveys.CampaignSpec{Code: demoSurvey, Name: demoSurveyName, Period: demoOpenPeriod,
		Instrument: "sipas", Units: units}); err != nil {
		return err
	}
	if err := svc.SetState(ctx, demoSurvey, surveys.Open); err != nil {
		return err
	}
	n, links, err := loadDemoResponses(ctx, svc, st, responses)
	if err != nil {
		return fmt.Errorf("demo/data/survey-responses-%s.csv: %w", demoOpenPeriod, err)
	}
	// A phone that sends the same answers again and again: the rules flag
	// what follows the first, for the secretariat to review.
	for range 4 {
		if _, err := svc.Submit(ctx, surveys.Submission{Campaign: demoSurvey, Unit: "P-TANTHANH", Channel: surveys.Web,
			Client: "198.51.100.23", Answers: map[string]string{"TC1": "1", "TT1": "1", "CC1": "1", "KQ1": "1"}}); err != nil {
			return err
		}
	}
	fmt.Fprintf(progress, "survey %s open over %d units with %d responses (public form: /s/%s)\n", demoSurvey, len(units), n, demoSurvey)
	for _, l := range links {
		fmt.Fprintf(progress, "  interviewer %s\n", l)
	}
	return nil
}

// demoInterviewers collect answers door to door in the demo's communes,
// unit by unit in turn (the responses file numbers them 1 to 4).
var demoInterviewers = []string{"Nguyễn Thị Hoa", "Trần Văn Phúc", "Lê Minh Tâm", "Phạm Thị Thu Hà"}

// loadDemoResponses stores the demo's responses with their channels and
// the times they were given: the file's times are relative to the week the
// demo is loaded in ("-3w T4 09:41"), so the demo stays recent. The
// interviewers are registered first; it returns their sign-in links.
func loadDemoResponses(ctx context.Context, svc *surveys.Service, st *store.Store, data []byte) (int, []string, error) {
	c, err := svc.Campaign(ctx, demoSurvey)
	if err != nil {
		return 0, nil, err
	}
	header, rows, err := surveys.ReadTable(ctx, "survey-responses.csv", data)
	if err != nil {
		return 0, nil, err
	}
	if len(header) < 4 || strings.Join(header[:4], ",") != "unit,channel,answered,interviewer" {
		return 0, nil, fmt.Errorf("the header must start with unit,channel,answered,interviewer")
	}
	// Each interviewer's units and their share (a quarter) of each
	// unit's target sample.
	quotas := make([]map[string]int, len(demoInterviewers))
	for i := range quotas {
		quotas[i] = map[string]int{}
	}
	for _, r := range rows {
		if n, err := strconv.Atoi(r.Cells[3]); err == nil && n >= 1 && n <= len(demoInterviewers) {
			quotas[n-1][r.Cells[0]] = int((c.Target(r.Cells[0]) + 3) / 4)
		}
	}
	var ivs []*surveys.Interviewer
	var links []string
	for i, name := range demoInterviewers {
		var units []surveys.InterviewerUnit
		for u, q := range quotas[i] {
			units = append(units, surveys.InterviewerUnit{Unit: u, Quota: q})
		}
		token, iv, err := svc.RegisterInterviewer(ctx, demoSurvey, name, fmt.Sprintf("0290 381 %04d", 2610+i), units, "demo")
		if err != nil {
			return 0, nil, err
		}
		ivs = append(ivs, iv)
		links = append(links, fmt.Sprintf("%s: /i/%s?token=%s", name, demoSurvey, token))
	}
	week := startOfWeek(time.Now())
	rs := make([]*surveys.Response, 0, len(rows))
	for _, r := range rows {
		answers := map[string]string{}
		for i, q := range header[4:] {
			if 4+i < len(r.Cells) {
				answers[q] = r.Cells[4+i]
			}
		}
		enc, err := c.Instrument.Check(answers)
		if err != nil {
			return 0, nil, fmt.Errorf("line %d: %w", r.Line, err)
		}
		ch, err := surveys.ParseChannel(r.Cells[1])
		if err != nil {
			return 0, nil, fmt.Errorf("line %d: %w", r.Line, err)
		}
		at, err := demoTime(week, r.Cells[2])
		if err != nil {
			return 0, nil, fmt.Errorf("line %d: %w", r.Line, err)
		}
		resp := &surveys.Response{Campaign: c.ID, Unit: r.Cells[0], Channel: ch, Answers: enc, AnsweredAt: at, Author: "demo"}
		if ch == surveys.Interview {
			n, _ := strconv.Atoi(r.Cells[3])
			if n < 1 || n > len(ivs) {
				return 0, nil, fmt.Errorf("line %d: interviewer %q must be 1 to %d", r.Line, r.Cells[3], len(ivs))
			}
			resp.Interviewer, resp.Author = ivs[n-1].ID, ivs[n-1].Name
		}
		rs = append(rs, resp)
	}
	if err := st.InsertResponses(ctx, rs); err != nil {
		return 0, nil, err
	}
	return len(rs), links, nil
}

// startOfWeek is the Monday, at midnight in the province, of t's week.
func startOfWeek(t time.Time) time.Time {
	l := t.In(surveys.ProvinceZone)
	d := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, surveys.ProvinceZone)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// demoTime reads "-3w T4 09:41": three weeks before the week starting at
// monday, on Wednesday (T2 is Monday … CN Sunday), at 9:41.
func demoTime(monday time.Time, s string) (time.Time, error) {
	var weeks, hh, mm int
	var day string
	if _, err := fmt.Sscanf(s, "-%dw %s %d:%d", &weeks, &day, &hh, &mm); err != nil {
		return time.Time{}, fmt.Errorf("answered %q must look like -3w T4 09:41", s)
	}
	days := map[string]int{"T2": 0, "T3": 1, "T4": 2, "T5": 3, "T6": 4, "T7": 5, "CN": 6}
	d, ok := days[day]
	if !ok || weeks < 1 || hh > 23 || mm > 59 {
		return time.Time{}, fmt.Errorf("answered %q must look like -3w T4 09:41", s)
	}
	return monday.AddDate(0, 0, -7*weeks+d).Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute), nil
}
