// Package pdfcheck reads PDF files back with an independent reader,
// poppler's pdftotext and pdfinfo, for the tests of the documents parindex
// writes: the text in drawing order and every word with its box.
package pdfcheck

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Require returns the path of a poppler tool, failing the test under
// CI=true when it is missing (.ci/run installs poppler-utils) and skipping
// it elsewhere.
func Require(t testing.TB, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s (poppler-utils) is required under CI=true: apt-get install poppler-utils", tool)
		}
		t.Skipf("%s (poppler-utils) is not installed", tool)
	}
	return p
}

// Word is a word on a page with its box in points, origin top left.
type Word struct {
	Text                   string
	XMin, YMin, XMax, YMax float64
}

// Page is a page's size and words.
type Page struct {
	Width, Height float64
	Words         []Word
}

// Text is the text of every page in the order it was drawn (pdftotext
// -raw), one string per page.
func Text(t testing.TB, pdf string) []string {
	t.Helper()
	out := run(t, Require(t, "pdftotext"), "-raw", "-enc", "UTF-8", pdf, "-")
	pages := strings.Split(string(out), "\f")
	if n := len(pages); n > 0 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	return pages
}

var (
	pageTag = regexp.MustCompile(`<page width="([0-9.]+)" height="([0-9.]+)">`)
	wordTag = regexp.MustCompile(`<word xMin="([0-9.-]+)" yMin="([0-9.-]+)" xMax="([0-9.-]+)" yMax="([0-9.-]+)">([^<]*)</word>`)
)

// Boxes reads every word's box, page by page (pdftotext -bbox).
func Boxes(t testing.TB, pdf string) []Page {
	t.Helper()
	dir := t.TempDir()
	htmlFile := filepath.Join(dir, "bbox.html")
	run(t, Require(t, "pdftotext"), "-bbox", "-enc", "UTF-8", pdf, htmlFile)
	data, err := os.ReadFile(htmlFile)
	if err != nil {
		t.Fatal(err)
	}
	var pages []Page
	for _, chunk := range strings.Split(string(data), "</page>") {
		m := pageTag.FindStringSubmatch(chunk)
		if m == nil {
			continue
		}
		p := Page{Width: num(m[1]), Height: num(m[2])}
		for _, w := range wordTag.FindAllStringSubmatch(chunk, -1) {
			p.Words = append(p.Words, Word{Text: html.UnescapeString(w[5]),
				XMin: num(w[1]), YMin: num(w[2]), XMax: num(w[3]), YMax: num(w[4])})
		}
		pages = append(pages, p)
	}
	return pages
}

// Pages is the page count pdfinfo reports.
func Pages(t testing.TB, pdf string) int {
	t.Helper()
	out := run(t, Require(t, "pdfinfo"), pdf)
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo %s: no page count\n%s", pdf, out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// Overlaps lists the pairs of words on a page printed over each other:
// their boxes overlap across more than a sliver and over more than half
// the height of the smaller one. (The boxes of two lines of one paragraph
// touch: a reader's box is the font's full height, a little more than the
// distance between lines.)
func Overlaps(p Page) []string {
	var out []string
	const slack = 0.8
	for i, a := range p.Words {
		for _, b := range p.Words[i+1:] {
			dy := min(a.YMax, b.YMax) - max(a.YMin, b.YMin)
			if a.XMin+slack < b.XMax && b.XMin+slack < a.XMax && dy > 0.5*min(a.YMax-a.YMin, b.YMax-b.YMin) {
				out = append(out, fmt.Sprintf("%q at (%.0f,%.0f) and %q at (%.0f,%.0f)", a.Text, a.XMin, a.YMin, b.Text, b.XMin, b.YMin))
			}
		}
	}
	return out
}

// Squash collapses runs of white space into one space.
func Squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func num(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

func run(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, stderr.String())
	}
	return out
}
