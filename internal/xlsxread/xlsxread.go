// Package xlsxread is the one way parindex opens an Excel workbook from
// outside (the statistics workbook of `import inputs`, survey imports). A
// workbook is a zip of XML files, and a few megabytes can unzip to
// gigabytes: opened as excelize does by default (a 16 GB unzip limit, whole
// sheets loaded), a 5.6 MB survey import took the server down after 73 s
// and left 1.9 GB in the temporary folder.
//
// Here, before excelize sees the file, the zip's directory is checked (each
// part's unzipped size, their sum, their number) and each sheet's XML is
// scanned as a stream for text or tags longer than a cell can be; excelize
// then opens it with the same unzip limits, in a temporary folder of its
// own that Close removes on every path; rows are streamed, with the row and
// cell caps enforced while reading. At most two workbooks are read at once
// in the process, so that concurrent uploads cannot add up.
package xlsxread

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"
)

// Limits bound one workbook.
type Limits struct {
	// MaxUnzipped bounds the sum of the parts' unzipped sizes.
	MaxUnzipped int64
	// MaxInMemory is the largest sheet kept in memory; larger sheets are
	// unzipped to the workbook's temporary folder and streamed from there.
	MaxInMemory int64
	// MaxOtherPart bounds each part that is not a sheet or the shared
	// strings (styles, theme, workbook…), which excelize always reads whole.
	MaxOtherPart int64
	// MaxParts bounds the number of files in the zip.
	MaxParts int
	// MaxToken bounds a run of text or a tag in a sheet's XML: a single
	// cell larger than that is refused before it is read into memory.
	MaxToken int64
	// MaxRows is the last row number read from a sheet; MaxCells bounds
	// the cells handed out from one sheet.
	MaxRows  int
	MaxCells int
}

// Default limits: 64 MB unzipped (about 80,000 rows of 25 answers), 1 MB a
// cell, 200,000 rows and 2 million cells a sheet.
var Default = Limits{
	MaxUnzipped:  64 << 20,
	MaxInMemory:  4 << 20,
	MaxOtherPart: 8 << 20,
	MaxParts:     1000,
	MaxToken:     1 << 20,
	MaxRows:      200_001,
	MaxCells:     2_000_000,
}

// LimitError is a workbook refused by the limits; its text says which, and
// is meant to be shown.
type LimitError struct {
	Msg string
}

// Error returns the message.
func (e *LimitError) Error() string { return e.Msg }

// IsLimit reports whether err is a refusal by the limits.
func IsLimit(err error) bool {
	var e *LimitError
	return errors.As(err, &e)
}

// slots bounds the workbooks being read at once in the process.
var slots = make(chan struct{}, 2)

// Book is an open workbook. Close it.
type Book struct {
	f     *excelize.File
	dir   string
	lim   Limits
	close sync.Once
}

// Open checks a workbook's bytes against the limits and opens it. It waits
// while two other workbooks are being read. A refused workbook gives a
// *LimitError; a file that is not a workbook, excelize's or zip's error.
func Open(ctx context.Context, data []byte, lim Limits) (b *Book, err error) {
	if err := precheck(data, lim); err != nil {
		return nil, err
	}
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	dir, err := os.MkdirTemp("", "parindex-xlsx-")
	if err != nil {
		<-slots
		return nil, fmt.Errorf("xlsxread: temporary folder: %w", err)
	}
	b = &Book{dir: dir, lim: lim}
	defer func() {
		if err != nil {
			b.Close()
			b = nil
		}
	}()
	// excelize returns a half-open file with some errors: close it too, and
	// the folder goes with everything excelize unzipped into it.
	b.f, err = excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: lim.MaxUnzipped, UnzipXMLSizeLimit: lim.MaxInMemory, TmpDir: dir,
	})
	if err != nil && strings.Contains(err.Error(), "unzip size exceeds") {
		err = &LimitError{Msg: fmt.Sprintf("the workbook unzips to more than %d MB", lim.MaxUnzipped>>20)}
	}
	return b, err
}

// Close releases the workbook and removes its temporary folder. It is safe
// to call more than once.
func (b *Book) Close() error {
	var err error
	b.close.Do(func() {
		if b.f != nil {
			err = b.f.Close()
		}
		if rerr := os.RemoveAll(b.dir); err == nil {
			err = rerr
		}
		<-slots
	})
	return err
}

// Sheets lists the sheets in order.
func (b *Book) Sheets() []string { return b.f.GetSheetList() }

// Rows calls fn with each row of a sheet that has a cell, and its number
// (1 for the first). raw gives cells' stored values rather than their
// formatted text. Past MaxRows or MaxCells it stops with a *LimitError;
// an error of fn stops it and is returned.
func (b *Book) Rows(sheet string, raw bool, fn func(line int, cells []string) error) (err error) {
	rows, err := b.f.Rows(sheet)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := rows.Close(); err == nil {
			err = cerr
		}
	}()
	line, cells := 0, 0
	for rows.Next() {
		line++
		if line > b.lim.MaxRows {
			return &LimitError{Msg: fmt.Sprintf("sheet %q has more than %d rows", sheet, b.lim.MaxRows)}
		}
		row, err := rows.Columns(excelize.Options{RawCellValue: raw})
		if err != nil {
			return fmt.Errorf("sheet %q, row %d: %w", sheet, line, err)
		}
		if len(row) == 0 {
			continue
		}
		if cells += len(row); cells > b.lim.MaxCells {
			return &LimitError{Msg: fmt.Sprintf("sheet %q has more than %d cells", sheet, b.lim.MaxCells)}
		}
		if err := fn(line, row); err != nil {
			return err
		}
	}
	return rows.Error()
}

// precheck reads the zip's directory and scans the sheets' XML: nothing
// is unzipped into memory or onto disk.
func precheck(data []byte, lim Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("not a zip file: %w", err)
	}
	if len(zr.File) > lim.MaxParts {
		return &LimitError{Msg: fmt.Sprintf("the workbook has %d parts, more than %d", len(zr.File), lim.MaxParts)}
	}
	var total uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		total += size
		if total > uint64(lim.MaxUnzipped) || size > uint64(lim.MaxUnzipped) {
			return &LimitError{Msg: fmt.Sprintf("the workbook unzips to more than %d MB", lim.MaxUnzipped>>20)}
		}
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		if !isStreamed(name) && size > uint64(lim.MaxOtherPart) {
			return &LimitError{Msg: fmt.Sprintf("the workbook's part %s unzips to more than %d MB", f.Name, lim.MaxOtherPart>>20)}
		}
		if isXML(name) {
			if err := scanTokens(f, lim.MaxToken); err != nil {
				return err
			}
		}
	}
	return nil
}

// isStreamed reports whether a part holds cells: the sheets and the shared
// strings, which may be large and are read as a stream.
func isStreamed(name string) bool {
	return strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml"
}

// isXML reports whether a part is XML, which excelize decodes token by
// token (media and other binary parts are kept as bytes).
func isXML(name string) bool {
	return strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") || strings.HasSuffix(name, ".vml")
}

// scanTokens reads a part as a stream and refuses it when a tag or a run
// of text is longer than max bytes. The zip reader also refuses a part
// that unzips to more than it declared.
func scanTokens(f *zip.File, max int64) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("part %s: %w", f.Name, err)
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	var run int64
	for {
		chunk, err := br.ReadSlice('<')
		run += int64(len(chunk))
		if run > max {
			return &LimitError{Msg: fmt.Sprintf("part %s has a cell or tag longer than %d KB", f.Name, max>>10)}
		}
		switch {
		case err == nil:
			run = 0 // a '<' ends the text and starts a tag; a tag ends at the next '<' at the latest
		case errors.Is(err, bufio.ErrBufferFull):
		case errors.Is(err, io.EOF):
			return nil
		default:
			return fmt.Errorf("part %s: %w", f.Name, err)
		}
	}
}
