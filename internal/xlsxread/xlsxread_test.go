package xlsxread_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/internal/xlsxread"
	"github.com/parindex/parindex/internal/xlsxread/xlsxtest"
)

// tempDir points the process's temporary folder at a fresh directory and
// returns a check that it is empty again.
func tempDir(t *testing.T) func() {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	return func() {
		t.Helper()
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			info, _ := e.Info()
			t.Errorf("left in the temporary folder: %s (%d bytes)", e.Name(), info.Size())
		}
	}
}

// readAll opens a workbook and streams its first sheet, returning the rows
// read and the error.
func readAll(t *testing.T, data []byte, lim xlsxread.Limits) (int, error) {
	t.Helper()
	b, err := xlsxread.Open(t.Context(), data, lim)
	if err != nil {
		return 0, err
	}
	defer b.Close()
	n := 0
	err = b.Rows(b.Sheets()[0], false, func(int, []string) error { n++; return nil })
	return n, err
}

func TestReadsAWorkbook(t *testing.T) {
	empty := tempDir(t)
	f := excelize.NewFile()
	for i, row := range [][]any{{"unit", "code", "Q1"}, {"S1", "", 4}, nil, {"S2", "ABCDE-FGH23", 5}} {
		if row != nil {
			if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	b, err := xlsxread.Open(t.Context(), buf.Bytes(), xlsxread.Default)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = b.Rows("Sheet1", false, func(line int, cells []string) error {
		got = append(got, fmt.Sprintf("%d:%s", line, strings.Join(cells, "|")))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "1:unit|code|Q1 2:S1||4 4:S2|ABCDE-FGH23|5"; strings.Join(got, " ") != want {
		t.Errorf("rows %q, want %q", strings.Join(got, " "), want)
	}
	if err := b.Close(); err != nil {
		t.Error(err)
	}
	_ = b.Close() // twice is fine
	empty()
}

// TestZipBomb is issue 11's item 3: a 6 MB workbook whose sheet unzips to
// 1.7 GB. It is refused from the zip's directory, before anything is
// unzipped; nothing stays in the temporary folder.
func TestZipBomb(t *testing.T) {
	empty := tempDir(t)
	bomb := xlsxtest.Bomb(1700 << 20)
	start := time.Now()
	var err error
	peak := xlsxtest.PeakHeap(func() { _, err = readAll(t, bomb, xlsxread.Default) })
	if !xlsxread.IsLimit(err) || !strings.Contains(err.Error(), "unzips to more than 64 MB") {
		t.Errorf("a %d MB bomb: %v", len(bomb)>>20, err)
	}
	if d := time.Since(start); d > 2*time.Second || peak > 16<<20 {
		t.Errorf("refusing it took %v and %d MB of heap", d, peak>>20)
	}
	empty()
}

// TestRowCapWhileReading: a sheet within the unzip limit but with more rows
// than allowed stops at the cap, with the memory of the rows read so far.
func TestRowCapWhileReading(t *testing.T) {
	empty := tempDir(t)
	bomb := xlsxtest.Bomb(40 << 20) // about 450,000 rows, streamed from the temporary folder
	var n int
	var err error
	peak := xlsxtest.PeakHeap(func() { n, err = readAll(t, bomb, xlsxread.Default) })
	if !xlsxread.IsLimit(err) || !strings.Contains(err.Error(), "more than 200001 rows") {
		t.Errorf("got %v", err)
	}
	if n != xlsxread.Default.MaxRows {
		t.Errorf("%d rows handed out before the cap, want %d", n, xlsxread.Default.MaxRows)
	}
	if peak > 48<<20 {
		t.Errorf("%d MB of heap while streaming", peak>>20)
	}
	empty()

	lim := xlsxread.Default
	lim.MaxCells = 1000
	if _, err := readAll(t, bomb, lim); !xlsxread.IsLimit(err) || !strings.Contains(err.Error(), "more than 1000 cells") {
		t.Errorf("cell cap: %v", err)
	}
	empty()
}

func TestHostileParts(t *testing.T) {
	empty := tempDir(t)
	huge := `<row r="1"><c r="A1" t="inlineStr"><is><t>` + strings.Repeat("x", 2<<20) + `</t></is></c></row>`
	if _, err := readAll(t, xlsxtest.Sheet(huge), xlsxread.Default); !xlsxread.IsLimit(err) || !strings.Contains(err.Error(), "longer than 1024 KB") {
		t.Errorf("a 2 MB cell: %v", err)
	}
	// A part that unzips to more than it declares is caught by the zip
	// reader while scanning, after the declared size.
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestCompression)
	_, _ = fw.Write(bytes.Repeat([]byte("<row></row>"), 1_000_000))
	_ = fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: uint64(deflated.Len()), UncompressedSize64: 1000})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(deflated.Bytes())
	_ = zw.Close()
	if _, err := readAll(t, buf.Bytes(), xlsxread.Default); err == nil || !strings.Contains(err.Error(), "not a valid zip") {
		t.Errorf("a part larger than it declares: %v", err)
	}
	// Too many parts.
	buf.Reset()
	zw = zip.NewWriter(&buf)
	for i := range 1001 {
		_, _ = zw.Create(fmt.Sprintf("xl/media/image%d.png", i))
	}
	_ = zw.Close()
	if _, err := readAll(t, buf.Bytes(), xlsxread.Default); !xlsxread.IsLimit(err) || !strings.Contains(err.Error(), "1001 parts") {
		t.Errorf("1001 parts: %v", err)
	}
	if _, err := readAll(t, []byte("PK\x03\x04 not a zip"), xlsxread.Default); err == nil || xlsxread.IsLimit(err) {
		t.Errorf("not a zip: %v", err)
	}
	empty()
}

func FuzzOpen(f *testing.F) {
	f.Add(xlsxtest.Sheet(`<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>`))
	f.Add(xlsxtest.Sheet(`<row r="3"><c r="B3" t="s"><v>7</v></c></row>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := xlsxread.Limits{MaxUnzipped: 1 << 20, MaxInMemory: 64 << 10, MaxOtherPart: 256 << 10, MaxParts: 50, MaxToken: 64 << 10, MaxRows: 1000, MaxCells: 10_000}
		b, err := xlsxread.Open(t.Context(), data, lim)
		if err != nil {
			return
		}
		defer b.Close()
		for _, s := range b.Sheets() {
			_ = b.Rows(s, true, func(int, []string) error { return nil })
		}
	})
}
