package reports

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parindex/parindex/scoring"
)

// DocumentConfig says who issues and signs the documents the steering
// committee signs: the decision appendix (PDF and print page) and the
// workbook's summary sheets. Defaults come from DefaultDocumentConfig; the
// command line overrides them from PARINDEX_… variables and flags.
type DocumentConfig struct {
	// Issuer is the issuing body as printed top left, one line each, the
	// last in bold (Decree 30/2020/NĐ-CP): "ỦY BAN NHÂN DÂN", "TỈNH CÀ MAU".
	Issuer []string
	// IssuerName names the body in running text: "Kèm theo Quyết định số …
	// của Ủy ban nhân dân tỉnh Cà Mau".
	IssuerName string
	// Place is the place of the place-date line: "Cà Mau, ngày …".
	Place string
	// SignerTitle is the signature block's authority lines: "TM. ỦY BAN
	// NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH".
	SignerTitle []string
	// SignerName is printed under the space for the signature; empty leaves
	// the line blank.
	SignerName string
	// Recipients are the "Nơi nhận" lines, without their dash and
	// semicolon.
	Recipients []string
}

// unknownPlace stands for a province no one has configured: the document
// shows dots to be filled in rather than a guess.
const unknownPlace = "………"

// DefaultDocumentConfig derives the issuing body and the place from the
// province's name ("Tỉnh Cà Mau", "Thành phố Hà Nội"; empty: dots to fill
// in) and uses the usual signature of a provincial People's Committee
// decision signed by a vice-chairman.
func DefaultDocumentConfig(province string) DocumentConfig {
	province = strings.TrimSpace(province)
	kind, place := "tỉnh", unknownPlace
	if province != "" {
		place = province
		for _, k := range []string{"Thành phố", "Tỉnh"} {
			if rest, ok := cutPrefixFold(province, k+" "); ok {
				kind, place = strings.ToLower(k), strings.TrimSpace(rest)
				break
			}
		}
	}
	return DocumentConfig{
		Issuer:      []string{"ỦY BAN NHÂN DÂN", strings.ToUpper(kind + " " + place)},
		IssuerName:  "Ủy ban nhân dân " + kind + " " + place,
		Place:       place,
		SignerTitle: []string{"TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"},
		Recipients: []string{"Như Điều 3", "Bộ Nội vụ (b/c)", "Thường trực Tỉnh ủy (b/c)", "Thường trực HĐND " + kind + " (b/c)",
			"CT, các PCT UBND " + kind, "Các sở, ban, ngành " + kind, "UBND các xã, phường", "Cổng Thông tin điện tử " + kind, "Lưu: VT"},
	}
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// SplitLines splits a configured list ("TM. ỦY BAN NHÂN DÂN|KT. CHỦ
// TỊCH"): lines are separated by "|" or new lines; blank lines are dropped.
func SplitLines(s string) []string {
	var out []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '|' || r == '\n' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Check reports what is missing from a configuration, naming the setting.
func (c DocumentConfig) Check() error {
	switch {
	case len(c.Issuer) == 0:
		return fmt.Errorf("reports: the issuing body (PARINDEX_ISSUER) is empty")
	case strings.TrimSpace(c.IssuerName) == "":
		return fmt.Errorf("reports: the issuing body's name (PARINDEX_ISSUER_NAME) is empty")
	case strings.TrimSpace(c.Place) == "":
		return fmt.Errorf("reports: the place (PARINDEX_PLACE) is empty")
	case len(c.SignerTitle) == 0:
		return fmt.Errorf("reports: the signer's title (PARINDEX_SIGNER_TITLE) is empty")
	}
	return nil
}

// placeDate is the place-date line of Decree 30/2020/NĐ-CP: days below 10
// and the months January and February with a leading zero ("Cà Mau, ngày
// 05 tháng 02 năm 2026"); a draft leaves the date blank to be filled in.
func placeDate(place string, d time.Time, draftYear int) string {
	if d.IsZero() {
		return fmt.Sprintf("%s, ngày %s tháng %s năm %d", place, blank, blank, draftYear)
	}
	month := fmt.Sprint(int(d.Month()))
	if d.Month() <= 2 {
		month = fmt.Sprintf("%02d", int(d.Month()))
	}
	return fmt.Sprintf("%s, ngày %02d tháng %s năm %d", place, d.Day(), month, d.Year())
}

// viDate is a date as dd/mm/yyyy.
func viDate(d time.Time) string { return d.Format("02/01/2006") }

// viNumber writes a published decimal in the Vietnamese style: 91,72;
// negative values with the typographic minus (−1,00).
func viNumber(d scoring.Decimal) string {
	s := scoring.FormatPublished(d)
	neg := strings.HasPrefix(s, "-")
	s = strings.Replace(strings.TrimPrefix(s, "-"), ".", ",", 1)
	if neg && strings.Trim(s, "0,") != "" {
		return "−" + s
	}
	return s
}

// viSigned writes a bonus or a change with its sign: +0,25, −1,00, 0,00.
func viSigned(d scoring.Decimal) string {
	if scoring.Publish(d).IsPositive() {
		return "+" + viNumber(d)
	}
	return viNumber(d)
}

// abbreviations are the usual short forms of administrative Vietnamese,
// longest first so that a phrase is shortened before its parts.
var abbreviations = []struct{ long, short string }{
	{"cải cách hành chính", "CCHC"},
	{"thủ tục hành chính", "TTHC"},
	{"hành chính nhà nước", "HCNN"},
	{"chính quyền điện tử", "CQĐT"},
	{"chính quyền số", "CQS"},
	{"kinh tế - xã hội", "KT-XH"},
	{"kinh tế – xã hội", "KT-XH"},
	{"ủy ban nhân dân", "UBND"},
	{"hội đồng nhân dân", "HĐND"},
	{"công nghệ thông tin", "CNTT"},
	{"cán bộ, công chức, viên chức", "CBCCVC"},
	{"dịch vụ công trực tuyến", "DVCTT"},
}

// axisBudget is the longest field label of a chart's axis: short enough
// that a phone's chart keeps room for its bars.
const axisBudget = 18

// ShortLabel is an item's name for a narrow heading or a chart's axis: the
// criteria set's own short name when it gives one, else the name with the
// usual abbreviations, cut at a word to budget characters.
func ShortLabel(it *scoring.Item, budget int) string {
	if it.Short != "" {
		return it.Short
	}
	s, _ := shortName(it.Name, budget)
	return s
}

// shortName shortens a field's name for a narrow column heading: the name
// itself when it has at most budget characters, else with the usual
// abbreviations, else cut at a word with "…". The key under the table
// gives every full name.
func shortName(name string, budget int) (string, bool) {
	if utf8.RuneCountInString(name) <= budget {
		return name, false
	}
	s := name
	// "Công tác …" (the work of …) says nothing a heading needs.
	if rest, ok := cutPrefixFold(s, "Công tác "); ok && rest != "" {
		r := []rune(rest)
		s = strings.ToUpper(string(r[0])) + string(r[1:])
	}
	for _, a := range abbreviations {
		s = replaceFold(s, a.long, a.short)
	}
	if utf8.RuneCountInString(s) <= budget {
		return s, true
	}
	words := strings.Fields(s)
	out := ""
	for _, w := range words {
		next := strings.TrimSpace(out + " " + w)
		if utf8.RuneCountInString(next)+1 > budget {
			break
		}
		out = next
	}
	if out == "" {
		out = string([]rune(s)[:budget-1])
	}
	return strings.TrimRight(out, ",;:-– ") + "…", true
}

// replaceFold replaces every occurrence of old, ignoring case, by new.
func replaceFold(s, old, repl string) string {
	lower := strings.ToLower(s)
	lo := strings.ToLower(old)
	if len(lower) != len(s) || len(lo) != len(old) {
		// Indices of the lower-case text would not fit the original.
		return strings.ReplaceAll(s, old, repl)
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, lo)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, lower = s[i+len(old):], lower[i+len(lo):]
	}
}

// romanNumeral numbers the groups of an appendix: I, II, III…
func romanNumeral(n int) string {
	vals := []struct {
		v int
		s string
	}{{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}}
	var b strings.Builder
	for _, v := range vals {
		for n >= v.v {
			b.WriteString(v.s)
			n -= v.v
		}
	}
	return b.String()
}
