package surveys

import (
	"fmt"
	"strings"
	"time"
)

// ProvinceZone is the province's time zone (Vietnam, UTC+7, no daylight
// saving): opening hours are read in it.
var ProvinceZone = time.FixedZone("ICT", 7*3600)

// DefaultHours are the opening hours of a survey that names none: one-stop
// desks open from 7:00 to 17:00 on working days (with a lunch break, during
// which people still wait and answer) and on Saturday mornings in many
// provinces; half an hour after closing still counts as open, for the last
// people served. The province sets its own with `serve --opening-hours`,
// a survey with its own field.
const DefaultHours = "T2-T6 07:00-17:30; T7 07:00-12:00"

// Hours are opening hours: for each weekday, the intervals of the day (in
// minutes since midnight, in the zone) when the desks are open.
type Hours struct {
	spec string
	days [7][][2]int // indexed by time.Weekday
	zone *time.Location
}

// dayNames are the names a day may be given by: Vietnamese (T2…T7, CN) and
// English (Mon…Sun).
var dayNames = map[string]time.Weekday{
	"T2": time.Monday, "T3": time.Tuesday, "T4": time.Wednesday, "T5": time.Thursday, "T6": time.Friday,
	"T7": time.Saturday, "CN": time.Sunday,
	"MON": time.Monday, "TUE": time.Tuesday, "WED": time.Wednesday, "THU": time.Thursday, "FRI": time.Friday,
	"SAT": time.Saturday, "SUN": time.Sunday,
}

// ParseHours reads opening hours written as "DAYS HH:MM-HH:MM[, HH:MM-HH:MM]"
// clauses separated by ';', days a single day or a range: "T2-T6
// 07:00-11:30, 13:00-17:00; T7 07:30-11:30" (English "Mon-Fri …" works
// too). Days not named are closed. Empty gives DefaultHours.
func ParseHours(spec string) (*Hours, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		spec = DefaultHours
	}
	h := &Hours{spec: spec, zone: ProvinceZone}
	for _, clause := range strings.Split(spec, ";") {
		clause = strings.TrimSpace(clause)
		if clause == "" {
			continue
		}
		days, times, ok := strings.Cut(clause, " ")
		if !ok {
			return nil, fmt.Errorf("opening hours %q: %q needs days and times, e.g. \"T2-T6 07:00-17:00\"", spec, clause)
		}
		from, to, isRange := strings.Cut(strings.ToUpper(days), "-")
		d1, ok1 := dayNames[from]
		d2, ok2 := d1, ok1
		if isRange {
			d2, ok2 = dayNames[to]
		}
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("opening hours %q: %q is not a day or a range of days (T2…T7, CN or Mon…Sun)", spec, days)
		}
		var spans [][2]int
		for _, span := range strings.Split(times, ",") {
			a, b, ok := strings.Cut(strings.TrimSpace(span), "-")
			m1, err1 := minuteOf(a)
			m2, err2 := minuteOf(b)
			if !ok || err1 != nil || err2 != nil || m2 <= m1 {
				return nil, fmt.Errorf("opening hours %q: %q is not a span of time like 07:00-11:30", spec, strings.TrimSpace(span))
			}
			spans = append(spans, [2]int{m1, m2})
		}
		for d := d1; ; d = (d + 1) % 7 {
			h.days[d] = append(h.days[d], spans...)
			if d == d2 {
				break
			}
		}
	}
	return h, nil
}

func minuteOf(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		if strings.TrimSpace(s) == "24:00" {
			return 24 * 60, nil
		}
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

// String returns the hours as they were written.
func (h *Hours) String() string { return h.spec }

// Open reports whether t falls within the opening hours.
func (h *Hours) Open(t time.Time) bool {
	lt := t.In(h.zone)
	m := lt.Hour()*60 + lt.Minute()
	for _, span := range h.days[lt.Weekday()] {
		if m >= span[0] && m < span[1] {
			return true
		}
	}
	return false
}
