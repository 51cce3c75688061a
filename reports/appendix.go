package reports

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// Appendix is the decision appendix the steering committee signs: the
// published ranking per group laid out as a Vietnamese administrative
// document (Decree 30/2020/NĐ-CP). It is assembled once, with every text
// in Vietnamese, and rendered the same way as PDF, as the print page and
// on the workbook's summary sheets.
type Appendix struct {
	Config DocumentConfig
	Period string
	// Draft is an appendix of a period not yet published: its number and
	// date are blank and its pages carry the watermark.
	Draft                bool
	DecisionNo           string
	DecisionDate         time.Time
	Number               string // "Số: 312/QĐ-UBND"
	PlaceDate            string // "Cà Mau, ngày 25 tháng 3 năm 2026"
	Kicker               string // "PHỤ LỤC"
	Title                string // "KẾT QUẢ XÁC ĐỊNH CHỈ SỐ …"
	Attached             string // "(Kèm theo Quyết định số … của …)"
	Watermark            string // "DỰ THẢO" in a draft
	NationalName, Motto  string
	RecipientsHeading    string
	Groups               []AppendixGroup
	DocumentTitle        string // the PDF's title property
	NoUnits, PageCaption string
}

// AppendixGroup is one group's ranking.
type AppendixGroup struct {
	Code, Name, SetName string
	Heading             string // "I. SỞ, BAN, NGÀNH TỈNH"
	Summary             string // "Số đơn vị: 14; chỉ số bình quân: 78,66; …"
	Fields              []AppendixField
	Rows                []AppendixRow
	// Head are the fixed columns' headings.
	Head AppendixHead
	// Key explains the columns: every field's full name and maximum, how
	// the total is made, the grade bands and where rounded parts do not add
	// up to the rounded total.
	Key []string
}

// AppendixHead are the headings of a group's fixed columns.
type AppendixHead struct {
	No, Unit, Fields, Points, Max, Index, Rank, Grade, RankChange string
}

// AppendixField is a field's column: a short heading (the key gives the
// full name) and the sign its points are added with.
type AppendixField struct {
	Code, Name string
	Heading    string // "1. Công tác chỉ đạo, điều hành CCHC"
	MaxText    string // "(tối đa 9)"
	Max        scoring.Decimal
	// Sign is +1 for bonus points, −1 for penalty points (shown negative),
	// 0 for the regular fields.
	Sign        int
	Abbreviated bool
}

// AppendixRow is a unit's line, with published values: field points
// signed (penalty negative) so that the row adds up as printed.
type AppendixRow struct {
	No                  int
	Unit, Name          string
	Items               []scoring.Decimal
	ItemTexts           []string
	Points, Max, Index  scoring.Decimal
	PointsText, MaxText string
	IndexText           string
	Rank                int
	Grade, GradeName    string
	RankChange          *int
	RankChangeText      string
	// PartsSum is the sum of the rounded, signed field points; Mismatch
	// marks a row where it differs from the rounded total (the total is
	// computed from unrounded points, or kept within 0..max).
	PartsSum scoring.Decimal
	Mismatch bool
}

// blank is a draft's placeholder for what is filled in on signing.
const blank = "……"

// headingBudget is the most characters a field's heading keeps before it
// is abbreviated: about six lines of a narrow column.
const headingBudget = 30

// NewAppendix assembles a period's appendix from its results (final
// stage), the groups' names and the latest publication (nil: a draft).
// now dates a draft's place-date line.
func NewAppendix(out *results.Output, groupNames map[string]string, pub *domain.Publication, cfg DocumentConfig, now time.Time) *Appendix {
	a := &Appendix{Config: cfg, Period: out.Period, Draft: pub == nil,
		Kicker: label("appendix.kicker"), NationalName: label("appendix.national"), Motto: label("appendix.motto"),
		RecipientsHeading: label("appendix.recipients"), NoUnits: label("appendix.no_units"), PageCaption: label("appendix.page")}
	suffix := "QĐ-UBND"
	if pub != nil {
		a.DecisionNo, a.DecisionDate = pub.DecisionNo, pub.DecisionDate
		if _, s, ok := strings.Cut(pub.DecisionNo, "/"); ok && s != "" {
			suffix = s
		}
	}
	if a.Draft {
		a.Watermark = label("appendix.watermark")
		// Dots mark what is filled in on signing (spaces would not survive
		// wrapping).
		a.Number = label("appendix.number", blank+"/"+suffix)
		a.PlaceDate = placeDate(cfg.Place, time.Time{}, now.Year())
		a.Attached = label("appendix.attached", blank+"/"+suffix, fmt.Sprintf("%s/%s/%d", blank, blank, now.Year()), cfg.IssuerName)
	} else {
		a.Number = label("appendix.number", a.DecisionNo)
		a.PlaceDate = placeDate(cfg.Place, a.DecisionDate, now.Year())
		a.Attached = label("appendix.attached", a.DecisionNo, viDate(a.DecisionDate), cfg.IssuerName)
	}
	a.Title = label("appendix.title", periodWords(out.Period))
	a.DocumentTitle = label("appendix.document_title", periodWords(out.Period))
	for i, g := range out.Groups {
		a.Groups = append(a.Groups, newAppendixGroup(i+1, g, nameOr(groupNames[g.Code], g.Code)))
	}
	return a
}

var yearPeriod = regexp.MustCompile(`^[0-9]{4}$`)

// periodWords names a period in a title: "NĂM 2025" for a year, "KỲ
// 2025-Q3" otherwise.
func periodWords(p string) string {
	if yearPeriod.MatchString(p) {
		return label("appendix.year", p)
	}
	return label("appendix.period", p)
}

// FieldSign is +1 for a bonus field, −1 for a penalty field, 0 otherwise
// (a regular field, or extras of both kinds): how a field's points count.
func FieldSign(it *scoring.Item) int {
	if !it.Extra() {
		return 0
	}
	var bonus, penalty bool
	var walk func(*scoring.Item)
	walk = func(it *scoring.Item) {
		switch {
		case !it.IsLeaf():
			for _, c := range it.Items {
				walk(c)
			}
		case it.Method == scoring.Bonus:
			bonus = true
		case it.Method == scoring.Penalty:
			penalty = true
		}
	}
	walk(it)
	switch {
	case bonus && !penalty:
		return 1
	case penalty && !bonus:
		return -1
	}
	return 0
}

func newAppendixGroup(n int, g results.Group, name string) AppendixGroup {
	f := g.Framework
	ag := AppendixGroup{Code: g.Code, Name: name, SetName: f.Name,
		Heading: romanNumeral(n) + ". " + strings.ToUpper(name)}
	ag.Head = AppendixHead{No: label("appendix.col.no"), Unit: label("appendix.col.unit"), Fields: label("appendix.col.fields"),
		Points: label("appendix.col.points"), Max: label("appendix.col.max"), Index: label("appendix.col.index"),
		Rank: label("appendix.col.rank"), Grade: label("appendix.col.grade"), RankChange: label("appendix.col.rank_change_none")}
	if g.Previous != "" {
		ag.Head.RankChange = label("appendix.col.rank_change", periodLower(g.Previous))
	}
	for _, it := range f.Items {
		fd := AppendixField{Code: it.Code, Name: it.Name, Max: it.Max, Sign: FieldSign(it)}
		short, abbr := shortName(it.Name, headingBudget)
		if it.Short != "" {
			short, abbr = it.Short, true // the set's own short name; the key gives the full one
		}
		fd.Heading, fd.Abbreviated = it.Code+". "+short, abbr
		switch fd.Sign {
		case 1:
			fd.MaxText = label("appendix.max_bonus", shortNumber(it.Max))
		case -1:
			fd.MaxText = label("appendix.max_penalty", shortNumber(it.Max))
		default:
			fd.MaxText = label("appendix.max", shortNumber(it.Max))
		}
		ag.Fields = append(ag.Fields, fd)
	}
	var gap scoring.Decimal // the largest difference of a mismatched row
	for i := range g.Results {
		r := &g.Results[i]
		row := AppendixRow{No: i + 1, Unit: r.Unit, Name: nameOr(r.UnitName, r.Unit),
			Points: scoring.Publish(r.Points), Max: scoring.Publish(r.Max), Index: r.Published(),
			Rank: r.Rank, Grade: r.Grade.Code, GradeName: r.Grade.Name, RankChange: r.RankChange}
		sum := scoring.NewInt(0)
		for _, fd := range ag.Fields {
			v := scoring.Publish(r.Nodes[fd.Code].Points)
			text := viNumber(v)
			switch fd.Sign {
			case -1:
				v = v.Neg()
				text = viNumber(v)
			case 1:
				text = viSigned(v)
			}
			row.Items = append(row.Items, v)
			row.ItemTexts = append(row.ItemTexts, text)
			sum = sum.Add(v)
		}
		row.PartsSum = sum
		row.Mismatch = !sum.Equal(row.Points)
		row.PointsText, row.MaxText, row.IndexText = viNumber(row.Points), viNumber(row.Max), viNumber(row.Index)
		if row.Mismatch {
			row.PointsText += "*"
			gap = decimal.Max(gap, sum.Sub(row.Points).Abs())
		}
		row.RankChangeText = rankChangeText(r.RankChange)
		ag.Rows = append(ag.Rows, row)
	}
	ag.Summary = groupSummary(g)
	ag.Key = appendixKey(ag, f, gap)
	return ag
}

// periodLower names the previous period in a heading: "năm 2024".
func periodLower(p string) string { return strings.ToLower(periodWords(p)) }

func rankChangeText(ch *int) string {
	switch {
	case ch == nil:
		return "–"
	case *ch > 0:
		return fmt.Sprintf("+%d", *ch)
	case *ch < 0:
		return fmt.Sprintf("−%d", -*ch)
	}
	return "0"
}

// shortNumber writes a maximum without needless decimals: 9, 14,5.
func shortNumber(d scoring.Decimal) string {
	s := viNumber(d)
	if strings.Contains(s, ",") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ",")
	}
	return s
}

func groupSummary(g results.Group) string {
	parts := []string{label("appendix.summary.count", g.Summary.Count)}
	if g.Summary.Count > 0 {
		parts = append(parts, label("appendix.summary.mean", viNumber(g.Summary.MeanIndex)))
	}
	for _, gr := range g.Framework.Grades {
		parts = append(parts, fmt.Sprintf("%s: %d", gr.Name, g.Summary.Grades[gr.Code]))
	}
	return strings.Join(parts, "; ") + "."
}

func appendixKey(ag AppendixGroup, f *scoring.Framework, gap scoring.Decimal) []string {
	key := []string{label("appendix.key.fields")}
	for _, fd := range ag.Fields {
		switch fd.Sign {
		case 1:
			key = append(key, label("appendix.key.bonus", fd.Code, fd.Name, shortNumber(fd.Max)))
		case -1:
			key = append(key, label("appendix.key.penalty", fd.Code, fd.Name, shortNumber(fd.Max)))
		default:
			key = append(key, label("appendix.key.field", fd.Code, fd.Name, shortNumber(fd.Max)))
		}
	}
	key = append(key, label("appendix.key.total"))
	var bands []string
	for i, gr := range f.Grades {
		switch {
		case i == 0:
			bands = append(bands, label("appendix.key.band_top", gr.Name, shortNumber(gr.Min)))
		case gr.Min.IsZero():
			bands = append(bands, label("appendix.key.band_bottom", gr.Name, shortNumber(f.Grades[i-1].Min)))
		default:
			bands = append(bands, label("appendix.key.band", gr.Name, shortNumber(gr.Min), shortNumber(f.Grades[i-1].Min)))
		}
	}
	if len(bands) > 0 {
		key = append(key, label("appendix.key.grades", strings.Join(bands, "; ")))
	}
	if gap.IsPositive() {
		key = append(key, label("appendix.key.mismatch", viNumber(gap)))
	}
	return key
}

// RecipientLines are the "Nơi nhận" lines as printed: a dash before each,
// a semicolon after each but the last, which ends with a full stop.
func (a *Appendix) RecipientLines() []string {
	out := make([]string, len(a.Config.Recipients))
	for i, r := range a.Config.Recipients {
		end := ";"
		if i == len(a.Config.Recipients)-1 {
			end = "."
		}
		out[i] = "- " + r + end
	}
	return out
}

// LastIssuerLine reports whether the i-th line of the issuing body is its
// last, the one printed in bold.
func (a *Appendix) LastIssuerLine(i int) bool { return i == len(a.Config.Issuer)-1 }
