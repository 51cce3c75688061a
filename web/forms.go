package web

import (
	"regexp"
	"strings"
	"time"

	"github.com/parindex/parindex/scoring"
)

// Numbers and dates are typed and shown the province's way whatever the
// browser's language: the boxes are text boxes (a number box of an English
// browser turns "0,5" into "05", a date box follows the browser's locale),
// and the server reads what people write.

// inputNumber writes a number for a text box: the exact value with the
// page language's decimal mark and no digit grouping ("0,5", "14476").
func inputNumber(l *locale, d scoring.Decimal) string {
	return strings.Replace(d.String(), ".", l.decimal, 1)
}

var (
	groupedVI = regexp.MustCompile(`^-?\d{1,3}(\.\d{3})+$`)
	groupedEN = regexp.MustCompile(`^-?\d{1,3}(,\d{3})+(\.\d+)?$`)
)

// parseNumber reads a number as people type it in the page's language:
// Vietnamese "0,5" or "1.234,5", and "0.5" from an English keyboard;
// English "0.5" and "1,234.5". With grouping (counts of dossiers, tasks),
// Vietnamese "14.476" is fourteen thousand; without it (points, at most a
// hundred), "0.125" is an eighth. Spaces are ignored.
func parseNumber(l *locale, s string, grouping bool) (scoring.Decimal, error) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(strings.TrimSpace(s))
	s = strings.Replace(s, "−", "-", 1)
	switch {
	case l.code == "vi" && strings.Contains(s, ","):
		s = strings.Replace(strings.ReplaceAll(s, ".", ""), ",", ".", 1)
	case l.code == "vi" && grouping && groupedVI.MatchString(s):
		s = strings.ReplaceAll(s, ".", "")
	case l.code != "vi" && groupedEN.MatchString(s):
		s = strings.ReplaceAll(s, ",", "")
	case l.code != "vi" && !strings.Contains(s, "."):
		s = strings.Replace(s, ",", ".", 1)
	}
	return scoring.ParseDecimal(s)
}

// dateTimeLayouts are the ways a moment may be typed: the province's
// dd/mm/yyyy hh:mm first.
var dateTimeLayouts = []string{"02/01/2006 15:04", "2/1/2006 15:04", "02/01/2006 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"}

// dateLayouts are the ways a date may be typed.
var dateLayouts = []string{"02/01/2006", "2/1/2006", "2006-01-02"}

// endOfWorkingDay is the time of a deadline given as a date alone.
const endOfWorkingDay = 17 * time.Hour

// inputDateTime writes a moment for a text box, in the province's time:
// 15/01/2027 17:00.
func inputDateTime(l *locale, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(l.zone).Format("02/01/2006 15:04")
}

// parseDateTime reads a moment typed in the province's time: dd/mm/yyyy
// hh:mm, or a date alone (the end of the working day, 17:00).
func parseDateTime(l *locale, s string) (time.Time, error) {
	s = strings.Join(strings.Fields(s), " ")
	for _, layout := range dateTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, l.zone); err == nil {
			return t, nil
		}
	}
	d, err := parseTypedDate(s)
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, l.zone).Add(endOfWorkingDay), nil
}

// parseTypedDate reads a calendar date typed in a form: dd/mm/yyyy (or yyyy-mm-dd), as a UTC
// midnight like every stored date.
func parseTypedDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	var err error
	for _, layout := range dateLayouts {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// inputDate writes a calendar date for a text box: 25/03/2026.
func inputDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("02/01/2006")
}
