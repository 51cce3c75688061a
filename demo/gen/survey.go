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
//	data/survey-responses-2026.csv      unit,channel,answered,interviewer,TC1,…,GY1
//
// Each response has the channel it came through and when it was answered,
// relative to the day the demo is loaded ("-3w T4 09:41": three weeks
// before the current one, on Wednesday, at 9:41), so that the demo looks
// alive whenever it is loaded; interviewers (1..4) visit the communes.
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
	header := []string{"unit", "channel", "answered", "interviewer"}
	for _, q := range ins.Questions {
		header = append(header, q.Code)
	}
	rows := [][]string{header}
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
		// Channels and times come from a generator of their own, so that
		// the answers stay those of the earlier demo.
		h := gen{rand.New(rand.NewPCG(seed, hash("survey-channel/"+surveyPeriod+"/"+u.code)))}
		commune := u.group == "XA"
		for i := range count {
			answers := surveyRow(u.code, ins, p, offset, g)
			ch := pickChannel(h, commune, pleased(ins, answers))
			interviewer := ""
			if ch == "interviewer" {
				interviewer = strconv.Itoa(1 + unitIndex(units, u.code)%4)
			}
			rows = append(rows, append([]string{u.code, ch, answeredAt(h, ch, i), interviewer}, answers[2:]...))
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

// channelWeights are how a unit's answers arrive: departments' mostly at
// the desk (QR code, kiosk) and with the dossier's number, communes' also
// through interviewers going door to door.
var channelWeights = map[bool][]struct {
	ch string
	w  float64
}{
	false: {{"web", 0.33}, {"kiosk", 0.15}, {"code", 0.15}, {"dossier", 0.22}, {"paper", 0.15}},
	true:  {{"web", 0.28}, {"kiosk", 0.08}, {"code", 0.10}, {"dossier", 0.14}, {"interviewer", 0.30}, {"paper", 0.10}},
}

// pickChannel draws a response's channel. People who were not pleased answer
// the desk's own QR code and kiosk a little less often than the others, as
// independent surveys find.
func pickChannel(h gen, commune, pleased bool) string {
	ws := channelWeights[commune]
	total := 0.0
	weight := func(ch string, w float64) float64 {
		if !pleased && (ch == "web" || ch == "kiosk") {
			return w * 0.75
		}
		return w
	}
	for _, c := range ws {
		total += weight(c.ch, c.w)
	}
	x := h.r.Float64() * total
	for _, c := range ws {
		if x -= weight(c.ch, c.w); x < 0 {
			return c.ch
		}
	}
	return ws[len(ws)-1].ch
}

// pleased reports whether a response answers every question of the index's
// scale with 4 or 5.
func pleased(ins *surveys.Instrument, row []string) bool {
	for i, q := range ins.Questions {
		if q.Type != surveys.Choice || len(q.Scale.Satisfied) == 0 {
			continue
		}
		if v := row[2+i]; v != "" && v != "4" && v != "5" {
			return false
		}
	}
	return true
}

// answeredAt draws when a response was given, over the twelve weeks before
// the current one: at the desk during its opening hours (Monday to Friday,
// Saturday morning), interviewers also in the evening and at the weekend.
func answeredAt(h gen, ch string, i int) string {
	week := 1 + h.r.IntN(12)
	day := 1 + h.r.IntN(5) // Monday..Friday
	minute := 7*60 + 30 + h.r.IntN(9*60+20)
	switch {
	case ch == "interviewer":
		day = 1 + h.r.IntN(7)
		minute = 8*60 + h.r.IntN(12*60)
	case h.chance(0.06):
		day, minute = 6, 7*60+30+h.r.IntN(4*60)
	}
	names := []string{"", "T2", "T3", "T4", "T5", "T6", "T7", "CN"}
	return fmt.Sprintf("-%dw %s %02d:%02d", week, names[day], minute/60, minute%60)
}

// unitIndex is a unit's place in units.csv.
func unitIndex(units []unit, code string) int {
	for i, u := range units {
		if u.code == code {
			return i
		}
	}
	return 0
}
