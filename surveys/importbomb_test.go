package surveys_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/internal/xlsxread/xlsxtest"
	"github.com/parindex/parindex/surveys"
)

// TestImportWorkbookBombs is issue 11's item 3 for survey imports: a 6 MB
// workbook that unzips to 1.7 GB killed the server after 73 s and left
// 1.9 GB in the temporary folder, because the whole sheet was loaded
// before the row cap was checked. Now it is refused from the zip's
// directory, and a sheet within the unzip limit stops at the row cap while
// streaming; nothing is left in the temporary folder.
func TestImportWorkbookBombs(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, tc := range []struct {
		name     string
		unzipped int64
		want     string
	}{
		{"1.7 GB once unzipped", 1700 << 20, "phieu.xlsx: the workbook unzips to more than 64 MB"},
		{"680,000 rows", 60 << 20, `phieu.xlsx: sheet "Sheet1" has more than 200001 rows`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wb := xlsxtest.Bomb(tc.unzipped)
			var err error
			peak := xlsxtest.PeakHeap(func() { _, _, err = surveys.ReadTable(t.Context(), "phieu.xlsx", wb) })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %.300v, want %q", err, tc.want)
			}
			if err != nil && !errors.Is(err, domain.ErrInvalid) {
				t.Errorf("not an invalid-input error (422): %v", err)
			}
			if peak > 64<<20 {
				t.Errorf("%d MB of heap", peak>>20)
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("left in the temporary folder: %v", left)
			}
		})
	}
}
