package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/workflow"
)

//go:embed i18n/*.json
var i18nFiles embed.FS

// languageOrder lists the supported languages, Vietnamese first.
var languageOrder = []string{"vi", "en"}

// numberStyle is how a language writes numbers: Vietnamese 1.234,50,
// English 1,234.50.
var numberStyle = map[string]struct{ decimal, group string }{
	"vi": {decimal: ",", group: "."},
	"en": {decimal: ".", group: ","},
}

// locale is one language: its message catalogue and number style, and the
// province's time zone every moment is shown in.
type locale struct {
	code    string
	msgs    map[string]string
	decimal string
	group   string
	zone    *time.Location
}

// languages holds every supported locale and the default one.
type languages struct {
	byCode   map[string]*locale
	order    []*locale
	fallback *locale
}

// loadLanguages reads the catalogues; zone is the province's time zone
// (nil: Vietnam's, UTC+7).
func loadLanguages(defaultLang string, zone *time.Location) (*languages, error) {
	if zone == nil {
		zone = workflow.Vietnam
	}
	ls := &languages{byCode: map[string]*locale{}}
	for _, code := range languageOrder {
		msgs, err := readCatalogue(i18nFiles, code)
		if err != nil {
			return nil, err
		}
		ns := numberStyle[code]
		l := &locale{code: code, msgs: msgs, decimal: ns.decimal, group: ns.group, zone: zone}
		ls.byCode[code] = l
		ls.order = append(ls.order, l)
	}
	ls.fallback = ls.byCode["vi"]
	if l := ls.get(defaultLang); l != nil {
		ls.fallback = l
	}
	return ls, nil
}

// readCatalogue merges a language's catalogue files: i18n/LANG.json and one
// i18n/AREA.LANG.json per feature area, so that areas keep their texts apart.
// A key defined in two files is an error.
func readCatalogue(fsys fs.FS, lang string) (map[string]string, error) {
	files, err := fs.Glob(fsys, "i18n/*"+lang+".json")
	if err != nil {
		return nil, fmt.Errorf("web: catalogue %s: %w", lang, err)
	}
	msgs := map[string]string{}
	from := map[string]string{}
	for _, f := range files {
		base := path.Base(f)
		if base != lang+".json" && !strings.HasSuffix(base, "."+lang+".json") {
			continue
		}
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("web: read catalogue %s: %w", f, err)
		}
		var part map[string]string
		if err := json.Unmarshal(data, &part); err != nil {
			return nil, fmt.Errorf("web: catalogue %s: %w", f, err)
		}
		for k, v := range part {
			if prev, dup := from[k]; dup {
				return nil, fmt.Errorf("web: catalogue key %q is in both %s and %s", k, prev, f)
			}
			msgs[k], from[k] = v, f
		}
	}
	if len(msgs) == 0 {
		return nil, fmt.Errorf("web: no catalogue for %s", lang)
	}
	return msgs, nil
}

// get returns the locale of a language code, or nil when it is not supported.
func (ls *languages) get(code string) *locale {
	return ls.byCode[strings.ToLower(strings.TrimSpace(code))]
}

// T returns the message of a key, formatted with args (fmt verbs). A missing
// key shows as ⟦key⟧ so that it stands out on the page and in tests.
func (l *locale) T(key string, args ...any) string {
	msg, ok := l.msgs[key]
	if !ok {
		return "⟦" + key + "⟧"
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Number writes a decimal as published (rounded half up, two decimals) in
// the language's style: 90,10 in Vietnamese, 90.10 in English.
func (l *locale) Number(d scoring.Decimal) string {
	s := scoring.FormatPublished(d)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	out := l.groupDigits(whole) + l.decimal + frac
	if neg && strings.Trim(out, "0"+l.decimal+l.group) != "" {
		out = "−" + out // U+2212, the typographic minus
	}
	return out
}

// Signed writes a change with its sign: +1,25 / −0,50 / 0,00.
func (l *locale) Signed(d scoring.Decimal) string {
	s := l.Number(d)
	if scoring.Publish(d).IsPositive() {
		return "+" + s
	}
	return s
}

// Int writes a whole number with the language's digit grouping.
func (l *locale) Int(n int) string {
	if n < 0 {
		return "−" + l.groupDigits(fmt.Sprint(-n))
	}
	return l.groupDigits(fmt.Sprint(n))
}

func (l *locale) groupDigits(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	lead := len(digits) % 3
	if lead > 0 {
		b.WriteString(digits[:lead])
	}
	for i := lead; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteString(l.group)
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}
