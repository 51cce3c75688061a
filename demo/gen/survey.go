package main

import (
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"github.com/parindex/parindex/surveys"
)

// The demo's open SIPAS survey of 2026 (written by `go run ./gen -surveys`):
//
//	data/survey-transactions-2026.csv   unit,transactions
//	data/survey-responses-2026.csv      unit,code,TC1,…,GY1 (the SIPAS questionnaire's columns)
//
// Each unit's transactions are its dossiers received in 2025; its target
// sample follows (n = N / (1 + N·e²), e = 5 %), and it has collected between
// a quarter and four fifths of it so far. A unit's answers are drawn around
// its 2025 `sipas` input, so that the survey agrees with last year's figure:
// a question is answered "satisfied" (4 or 5) with about that probability,
// element by element a little better or worse; optional questions are
// skipped as people skip them.

const surveyPeriod = "2026"

// surveyComments are the suggestions a few people leave.
var surveyComments = []string{
	"Cán bộ hướng dẫn nhiệt tình, chu đáo.",
	"Nên bố trí thêm ghế ngồi chờ.",
	"Thời gian chờ còn lâu vào buổi sáng.",
	"Mong được nhận kết quả qua bưu điện.",
	"Thủ tục nhanh gọn, cảm ơn cán bộ.",
	"Cần niêm yết phí, lệ phí rõ hơn.",
	"Máy lấy số thứ tự hay bị lỗi.",
}

func writeSurveys(dir string) error {
	units, err := readUnits(filepath.Join(dir, "units.csv"))
	if err != nil {
		return err
	}
	inputs, err := readInputs(filepath.Join(dir, "inputs-2025.csv"))
	if err != nil {
		return err
	}
	_, ins, err := surveys.Template("sipas")
	if err != nil {
		return err
	}
	tx := [][]string{{"unit", "transactions"}}
	rows := [][]string{surveys.ImportHeader(ins)}
	total, totalTarget := 0, int64(0)
	for _, u := range units {
		in := inputs[u.code]
		if in == nil {
			continue // a unit that no longer takes part (the 2025 reform)
		}
		n := int64(in["dossiers_received"])
		p := in["sipas"]
		if n <= 0 || p <= 0 {
			return fmt.Errorf("unit %s has no dossiers_received or sipas in inputs-2025.csv", u.code)
		}
		tx = append(tx, []string{u.code, strconv.FormatInt(n, 10)})
		target := surveys.SampleSize(n, surveys.DefaultMargin)
		totalTarget += target
		g := gen{rand.New(rand.NewPCG(seed, hash("survey/"+surveyPeriod+"/"+u.code)))}
		count := int(math.Round(float64(target) * g.uni(0.25, 0.8)))
		// Elements differ a little from the unit's overall satisfaction.
		offset := map[string]float64{}
		for _, sec := range ins.Sections {
			offset[sec.Code] = g.nrm(0.04)
		}
		for range count {
			rows = append(rows, surveyRow(u.code, ins, p, offset, g))
		}
		total += count
	}
	if err := writeCSV(filepath.Join(dir, "survey-transactions-"+surveyPeriod+".csv"), tx); err != nil {
		return err
	}
	if err := writeCSV(filepath.Join(dir, "survey-responses-"+surveyPeriod+".csv"), rows); err != nil {
		return err
	}
	fmt.Printf("survey %s: %d units, %d responses of a target of %d\n", surveyPeriod, len(units), total, totalTarget)
	return nil
}

// answerRate is how often an optional question of a section is answered.
var answerRate = map[string]float64{"TC": 0.8, "TT": 0.75, "CC": 0.8, "KQ": 0.75, "PA": 0.2, "CS": 0.55, "TN": 0.85, "GY": 0.08}

func surveyRow(unit string, ins *surveys.Instrument, p float64, offset map[string]float64, g gen) []string {
	row := []string{unit, ""}
	// A respondent is more or less pleased overall.
	mood := g.nrm(0.05)
	for _, q := range ins.Questions {
		if !q.Required && !g.chance(answerRate[q.Section]) {
			row = append(row, "")
			continue
		}
		switch {
		case q.Type == surveys.FreeText:
			row = append(row, surveyComments[g.r.IntN(len(surveyComments))])
		case len(q.Scale.Satisfied) == 0: // yes/no: harassment and informal payments are rare
			v := 2
			if g.chance((1 - p) * 0.3) {
				v = 1
			}
			row = append(row, strconv.Itoa(v))
		default:
			row = append(row, strconv.Itoa(satisfaction(g, p+offset[q.Section]+mood)))
		}
	}
	return row
}

// satisfaction draws a five-level answer: satisfied (4, or 5 one time in
// three) with probability p, else neutral, dissatisfied or very.
func satisfaction(g gen, p float64) int {
	p = math.Min(0.995, math.Max(0.3, p))
	if g.chance(p) {
		if g.chance(0.35) {
			return 5
		}
		return 4
	}
	switch x := g.r.Float64(); {
	case x < 0.6:
		return 3
	case x < 0.9:
		return 2
	}
	return 1
}

// readInputs reads inputs-PERIOD.csv into unit → input → value.
func readInputs(path string) (map[string]map[string]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string]map[string]float64{}
	for _, r := range recs[1:] {
		v, err := strconv.ParseFloat(r[3], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		if out[r[1]] == nil {
			out[r[1]] = map[string]float64{}
		}
		out[r[1]][r[2]] = v
	}
	return out, nil
}
