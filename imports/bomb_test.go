package imports_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/parindex/parindex/imports"
	"github.com/parindex/parindex/internal/xlsxread/xlsxtest"
)

// TestInputsWorkbookBombs is issue 11's item 3 for `import inputs`: a
// crafted statistics workbook is refused by its unzipped size, or stopped
// at the row cap while streaming, with little memory and nothing left in
// the temporary folder.
func TestInputsWorkbookBombs(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	info := xlsxtest.Part{Name: imports.InfoSheet, Data: `<row r="1"><c r="A1" t="inlineStr"><is><t>period</t></is></c>` +
		`<c r="B1" t="inlineStr"><is><t>2025</t></is></c></row>`}
	for _, tc := range []struct {
		name     string
		unzipped int64
		want     string
	}{
		{"1.7 GB once unzipped", 1700 << 20, "the workbook unzips to more than 64 MB"},
		{"450,000 rows", 40 << 20, `sheet "Số liệu" has more than 10002 rows`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wb := xlsxtest.Workbook(info, xlsxtest.Part{Name: imports.DataSheet, Bomb: tc.unzipped})
			var err error
			peak := xlsxtest.PeakHeap(func() {
				_, err = imports.InputsXLSX(context.Background(), newStatsLookup(t), "so.xlsx", bytes.NewReader(wb))
			})
			if got := problems(t, err); len(got) != 1 || !strings.Contains(got[0], tc.want) {
				t.Errorf("problems %q, want one saying %q", got, tc.want)
			}
			if peak > 16<<20 {
				t.Errorf("%d MB of heap", peak>>20)
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("left in the temporary folder: %v", left)
			}
		})
	}
}
