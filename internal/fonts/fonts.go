// Package fonts holds the typeface of the documents parindex prints,
// Liberation Serif 2.1.5 (SIL Open Font License 1.1; see README.md): a
// serif with the metrics of Times New Roman, which Decree 30/2020/NĐ-CP
// prescribes for administrative documents, and full Vietnamese coverage.
//
// The PDF appendix embeds it; the workbook names "Times New Roman", which
// spreadsheets without it (LibreOffice on Linux) replace by this very
// font, so its advance widths tell how wide a cell's text prints.
package fonts

import (
	"embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/signintech/gopdf/fontmaker/core"
)

//go:embed *.ttf
var files embed.FS

// Face is one face of the typeface.
type Face string

// The faces.
const (
	Regular    Face = "LiberationSerif-Regular.ttf"
	Bold       Face = "LiberationSerif-Bold.ttf"
	Italic     Face = "LiberationSerif-Italic.ttf"
	BoldItalic Face = "LiberationSerif-BoldItalic.ttf"
)

// Faces lists every face, in a fixed order.
var Faces = []Face{Regular, Bold, Italic, BoldItalic}

// Data is a face's TrueType file.
func Data(f Face) ([]byte, error) {
	b, err := files.ReadFile(string(f))
	if err != nil {
		return nil, fmt.Errorf("fonts: %w", err)
	}
	return b, nil
}

// metrics are a face's advance widths in em, by character. Read once and
// never changed, so any goroutine may measure.
type metrics struct {
	// dense holds the advances of the characters below denseEnd (Latin,
	// Vietnamese, punctuation): an index is faster than a map, and a
	// workbook measures millions of characters. adv holds the others.
	dense   []float64
	adv     map[rune]float64
	missing float64 // the advance of a character the face lacks
}

// denseEnd bounds the characters held in metrics.dense: past the general
// punctuation block (U+2000–U+206F), so that Vietnamese letters
// (U+1EA0–U+1EF9), dashes and the minus sign's neighbours are there.
const denseEnd = 0x2300

// advance is a character's advance in em.
func (m *metrics) advance(r rune) float64 {
	if r >= 0 && r < denseEnd {
		return m.dense[r]
	}
	if a, ok := m.adv[r]; ok {
		return a
	}
	return m.missing
}

var loaded sync.Map // Face → func() (*metrics, error)

func metricsOf(f Face) (*metrics, error) {
	load, _ := loaded.LoadOrStore(f, sync.OnceValues(func() (*metrics, error) {
		data, err := Data(f)
		if err != nil {
			return nil, err
		}
		var p core.TTFParser
		if err := p.ParseFontData(data); err != nil {
			return nil, fmt.Errorf("fonts: %s: %w", f, err)
		}
		upem := float64(p.UnitsPerEm())
		widths := p.Widths()
		m := &metrics{adv: map[rune]float64{}}
		for r, glyph := range p.Chars() {
			if int(glyph) < len(widths) {
				m.adv[rune(r)] = float64(widths[glyph]) / upem
			}
		}
		if len(widths) > 0 {
			m.missing = float64(widths[0]) / upem
		}
		m.dense = make([]float64, denseEnd)
		for r := range m.dense {
			m.dense[r] = m.missing
			if a, ok := m.adv[rune(r)]; ok {
				m.dense[r] = a
			}
		}
		return m, nil
	}))
	return load.(func() (*metrics, error))()
}

// Width is how wide a text prints in a face at a size, in points.
func Width(f Face, size float64, s string) float64 {
	m, err := metricsOf(f)
	if err != nil {
		// The faces are embedded: only a broken build gets here. Err on
		// the wide side.
		return float64(utf8.RuneCountInString(s)) * size * 0.6
	}
	w := 0.0
	for _, r := range s {
		w += m.advance(r)
	}
	return w * size
}

// LineCount is how many lines a text prints on in a box width points
// wide: the length of Lines, counted in one pass without building the
// lines (the workbook sizes hundreds of thousands of rows with it).
func LineCount(f Face, size, width float64, s string) int {
	m, err := metricsOf(f)
	if err != nil || width <= 0 {
		return len(Lines(f, size, width, s))
	}
	space := m.advance(' ') * size
	n := 1
	line := -1.0 // the current line's width; -1 before its first word
	word := func(w float64, text string) {
		switch {
		case line < 0 && w <= width:
			line = w
		case line >= 0 && line+space+w <= width:
			line += space + w
		case w <= width:
			n++
			line = w
		default:
			// A word wider than the box is broken between characters.
			if line >= 0 {
				n++
			}
			line = 0
			for _, r := range text {
				a := m.advance(r) * size
				if line > 0 && line+a > width {
					n++
					line = 0
				}
				line += a
			}
		}
	}
	start, w := -1, 0.0
	for i, r := range s {
		if r == '\n' || unicode.IsSpace(r) {
			if start >= 0 {
				word(w, s[start:i])
				start, w = -1, 0
			}
			if r == '\n' {
				n++
				line = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
		w += m.advance(r) * size
	}
	if start >= 0 {
		word(w, s[start:])
	}
	return n
}

// Lines breaks a text into the lines it prints on in a box width points
// wide, at spaces as spreadsheets and the PDF do; a word wider than the
// box is broken between characters.
func Lines(f Face, size, width float64, s string) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			cand := word
			if line != "" {
				cand = line + " " + word
			}
			if Width(f, size, cand) <= width {
				line = cand
				continue
			}
			if line != "" {
				lines = append(lines, line)
				line = ""
			}
			for Width(f, size, word) > width {
				r := []rune(word)
				n := len(r) - 1
				for n > 1 && Width(f, size, string(r[:n])) > width {
					n--
				}
				lines = append(lines, string(r[:n]))
				word = string(r[n:])
			}
			line = word
		}
		lines = append(lines, line)
	}
	return lines
}
