package web

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// fold prepares text for a search that ignores case and diacritics, as
// people type on a keyboard without Vietnamese input ("so tu phap" finds
// "Sở Tư pháp"): lower case, marks removed, đ read as d.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ':
			r = 'd'
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// matches reports whether every word of the query is in one of the texts
// (folded); an empty query matches everything.
func matches(query string, texts ...string) bool {
	q := strings.Fields(fold(query))
	if len(q) == 0 {
		return true
	}
	hay := fold(strings.Join(texts, " "))
	for _, w := range q {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}
