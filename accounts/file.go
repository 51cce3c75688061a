// Package accounts imports staff accounts and the appraisers' assignments
// in bulk — the province's 78 officers and its appraisal council from one
// workbook (or CSV files) — all or nothing: every problem is named with its
// sheet (or file), row and column, and a file with any problem changes
// nothing. New accounts get a generated first password, shown once on a
// sheet to print and hand out, which their owner must change at the first
// login.
//
// It is pure: storage comes through the Store interface it declares.
package accounts

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/domain/problem"
	"github.com/parindex/parindex/internal/xlsxread"
)

// The workbook's sheets (the template's names; a sheet may be left out).
const (
	AccountsSheet    = "Tài khoản"
	AssignmentsSheet = "Phân công"
)

// The columns, by key; a header cell may hold the key or the template's
// Vietnamese heading.
var (
	accountColumns    = []column{{"username", "Tên đăng nhập"}, {"name", "Họ và tên"}, {"role", "Vai trò"}, {"unit", "Mã đơn vị"}}
	assignmentColumns = []column{{"period", "Kỳ đánh giá"}, {"username", "Tên đăng nhập"}, {"unit", "Mã đơn vị"}, {"field", "Lĩnh vực"}}
)

type column struct{ key, heading string }

// MaxFile is the largest file read (a workbook of a few thousand rows
// takes well under a megabyte).
const MaxFile = 8 << 20

// maxRows caps the rows of one sheet or file.
const maxRows = 10000

// Account is one row of the accounts sheet.
type Account struct {
	At                   problem.Problem // where the row is (file, sheet, row)
	Username, Name, Role string
	Unit                 string
	cells                map[string]problem.Problem
}

// Where places a problem of the row's value of a column (username, role…).
func (a Account) Where(key string) problem.Problem { return where(a.At, a.cells, key) }

// Assignment is one row of the assignments sheet: an appraiser assigned,
// in a period, to a unit or a field (or a field of a unit); a row with
// neither leaves them every unit.
type Assignment struct {
	At                            problem.Problem
	Period, Username, Unit, Field string
	cells                         map[string]problem.Problem
}

// Where places a problem of the row's value of a column.
func (a Assignment) Where(key string) problem.Problem { return where(a.At, a.cells, key) }

func where(row problem.Problem, cells map[string]problem.Problem, key string) problem.Problem {
	if p, ok := cells[key]; ok {
		return p
	}
	row.Column = key
	return row
}

// Batch is what one import holds.
type Batch struct {
	Accounts    []Account
	Assignments []Assignment
}

// Read reads one file into the batch: an Excel workbook (.xlsx) with the
// sheets AccountsSheet and AssignmentsSheet, or a CSV file (UTF-8) whose
// header says which it holds (username,name,role,unit or
// period,username,unit,field). Problems of form (a missing column, a row of
// the wrong length, a file that is neither) are returned as a
// *problem.List; the values are checked by Service.Import.
func (b *Batch) Read(ctx context.Context, file string, r io.Reader) error {
	data, err := io.ReadAll(io.LimitReader(r, MaxFile+1))
	if err != nil {
		return fmt.Errorf("accounts: read %s: %w", file, err)
	}
	ps := &problem.List{}
	if len(data) > MaxFile {
		ps.Add(problem.Problem{File: file}, "the file is larger than %d MB", MaxFile>>20)
		return ps.Err()
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		b.readWorkbook(ctx, file, data, ps)
	case strings.EqualFold(filepath.Ext(file), ".xlsx"):
		ps.Add(problem.Problem{File: file}, "is not an Excel workbook (.xlsx)")
	default:
		b.readCSV(file, data, ps)
	}
	return ps.Err()
}

func (b *Batch) readWorkbook(ctx context.Context, file string, data []byte, ps *problem.List) {
	lim := xlsxread.Default
	lim.MaxRows = maxRows
	book, err := xlsxread.Open(ctx, data, lim)
	if err != nil {
		ps.Add(problem.Problem{File: file}, "is not a workbook that can be read: %v", err)
		return
	}
	defer book.Close()
	found := 0
	for _, sheet := range book.Sheets() {
		var cols []column
		switch strings.TrimSpace(sheet) {
		case AccountsSheet:
			cols = accountColumns
		case AssignmentsSheet:
			cols = assignmentColumns
		default:
			continue
		}
		found++
		var rows [][]string
		err := book.Rows(sheet, false, func(line int, cells []string) error {
			for len(rows) < line-1 {
				rows = append(rows, nil)
			}
			rows = append(rows, cells)
			return nil
		})
		if err != nil {
			ps.Add(problem.Problem{File: file, Sheet: sheet}, "%v", err)
			continue
		}
		b.readRows(problem.Problem{File: file, Sheet: sheet}, rows, cols, true, ps)
	}
	if found == 0 {
		ps.Add(problem.Problem{File: file}, "has no sheet %q nor %q (it has %s); start from the template", AccountsSheet, AssignmentsSheet,
			strings.Join(book.Sheets(), ", "))
	}
}

func (b *Batch) readCSV(file string, data []byte, ps *problem.List) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		ps.Add(problem.Problem{File: file}, "is not UTF-8 text (save it as CSV UTF-8)")
		return
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		ps.Add(problem.Problem{File: file, Line: bytes.Count(data[:i], []byte("\n")) + 1}, "holds a NUL character, which text cannot")
		return
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	var rows [][]string
	for len(rows) <= maxRows {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p := problem.Problem{File: file}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				p.Line, err = pe.Line, pe.Err
			}
			ps.Add(p, "%v", err)
			return
		}
		rows = append(rows, rec)
	}
	if len(rows) == 0 {
		ps.Add(problem.Problem{File: file}, "the file is empty")
		return
	}
	cols := accountColumns
	if header := headerKeys(rows[0]); header["period"] {
		cols = assignmentColumns
	} else if !header["role"] {
		ps.Add(problem.Problem{File: file, Line: 1}, "the header names neither accounts (username,name,role,unit) nor assignments (period,username,unit,field)")
		return
	}
	b.readRows(problem.Problem{File: file}, rows, cols, false, ps)
}

// headerKeys reads a header row into column keys.
func headerKeys(header []string) map[string]bool {
	out := map[string]bool{}
	for _, h := range header {
		if k := keyOf(h); k != "" {
			out[k] = true
		}
	}
	return out
}

// keyOf is the column key of a header cell: the key itself or the
// template's heading, in any case.
func keyOf(h string) string {
	h = strings.TrimSpace(h)
	for _, set := range [][]column{accountColumns, assignmentColumns} {
		for _, c := range set {
			if strings.EqualFold(h, c.key) || strings.EqualFold(h, c.heading) {
				return c.key
			}
		}
	}
	return ""
}

// readRows reads a sheet's or file's rows: the first non-empty row is the
// header; every later non-empty row is an account or an assignment.
func (b *Batch) readRows(where problem.Problem, rows [][]string, cols []column, sheet bool, ps *problem.List) {
	at := func(i, col int) problem.Problem {
		p := where
		if sheet {
			p.Row = i + 1
		} else {
			p.Line = i + 1
		}
		if col >= 0 {
			if sheet {
				p.Column, _ = excelize.ColumnNumberToName(col + 1)
			} else {
				p.Column = fmt.Sprintf("column %d", col+1)
			}
		}
		return p
	}
	head := -1
	for i, r := range rows {
		if !blank(r) {
			head = i
			break
		}
	}
	if head < 0 {
		return // an empty sheet holds nothing to import
	}
	index := map[string]int{}
	for i, h := range rows[head] {
		if strings.TrimSpace(h) == "" {
			continue
		}
		k := keyOf(h)
		known := false
		for _, c := range cols {
			known = known || c.key == k
		}
		switch {
		case !known:
			ps.Add(at(head, i), "unknown column %q (expected %s)", strings.TrimSpace(h), describe(cols))
		case index[k] > 0:
			ps.Add(at(head, i), "the column %q appears twice", k)
		default:
			index[k] = i + 1
		}
	}
	for _, c := range cols {
		if index[c.key] == 0 && c.key != "unit" && c.key != "field" {
			ps.Add(at(head, -1), "the column %q (%s) is missing", c.key, c.heading)
		}
	}
	if len(ps.Problems) > 0 {
		return
	}
	for i := head + 1; i < len(rows); i++ {
		r := rows[i]
		if blank(r) {
			continue
		}
		cells := map[string]problem.Problem{}
		get := func(key string) string {
			j := index[key] - 1
			if j < 0 {
				return ""
			}
			p := at(i, j)
			if sheet {
				p.Column += " (" + key + ")"
			} else {
				p.Column = key
			}
			cells[key] = p
			if j >= len(r) {
				return ""
			}
			return strings.TrimSpace(r[j])
		}
		row := at(i, -1)
		if cols[2].key == "role" {
			a := Account{At: row, cells: cells}
			a.Username, a.Name, a.Role, a.Unit = get("username"), get("name"), get("role"), get("unit")
			b.Accounts = append(b.Accounts, a)
			continue
		}
		a := Assignment{At: row, cells: cells}
		a.Period, a.Username, a.Unit, a.Field = get("period"), get("username"), get("unit"), get("field")
		b.Assignments = append(b.Assignments, a)
	}
}

func blank(r []string) bool {
	for _, c := range r {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func describe(cols []column) string {
	keys := make([]string, len(cols))
	for i, c := range cols {
		keys[i] = c.key
	}
	return strings.Join(keys, ", ")
}
