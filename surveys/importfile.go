package surveys

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

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/internal/xlsxread"
)

// TableRow is one row of a data file and the line it stands on.
type TableRow struct {
	Line  int
	Cells []string
}

// MaxImportRows bounds one import.
const MaxImportRows = 200_000

// ReadTable reads a CSV (UTF-8, comma-separated) or Excel (.xlsx, first
// sheet) file into its header and rows. Empty rows are skipped. A workbook
// is read under xlsxread's limits (at most two at once in the process; ctx
// bounds the wait).
func ReadTable(ctx context.Context, name string, data []byte) ([]string, []TableRow, error) {
	var rows []TableRow
	if strings.EqualFold(filepath.Ext(name), ".xlsx") || bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		// Unzip limits, a temporary folder removed on every path, rows
		// streamed with the row cap enforced while reading.
		f, err := xlsxread.Open(ctx, data, xlsxread.Default)
		if xlsxread.IsLimit(err) {
			return nil, nil, domain.Invalidf("%s: %v", name, err)
		}
		if err != nil {
			return nil, nil, domain.Invalidf("%s: not a readable Excel file: %v", name, err)
		}
		defer f.Close()
		sheets := f.Sheets()
		if len(sheets) == 0 {
			return nil, nil, domain.Invalidf("%s: the workbook has no sheet", name)
		}
		err = f.Rows(sheets[0], false, func(line int, cells []string) error {
			rows = append(rows, TableRow{Line: line, Cells: cells})
			return nil
		})
		if err != nil {
			return nil, nil, domain.Invalidf("%s: %v", name, err)
		}
	} else {
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = -1
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					return nil, nil, domain.Invalidf("%s:%d: %v", name, pe.Line, pe.Err)
				}
				return nil, nil, domain.Invalidf("%s: %v", name, err)
			}
			line, _ := r.FieldPos(0)
			rows = append(rows, TableRow{Line: line, Cells: rec})
		}
	}
	var out []TableRow
	for _, row := range rows {
		for _, c := range row.Cells {
			if !utf8.ValidString(c) || strings.ContainsRune(c, 0) {
				// PostgreSQL refuses such text and SQLite would keep it raw.
				return nil, nil, domain.Invalidf("%s:%d: the row holds text that is not UTF-8 (save the file as CSV UTF-8)", name, row.Line)
			}
		}
		empty := true
		for _, c := range row.Cells {
			if strings.TrimSpace(c) != "" {
				empty = false
				break
			}
		}
		if !empty {
			out = append(out, row)
		}
	}
	if len(out) == 0 {
		return nil, nil, domain.Invalidf("%s: the file is empty", name)
	}
	if len(out)-1 > MaxImportRows {
		return nil, nil, domain.Invalidf("%s: %d rows; at most %d may be imported at once", name, len(out)-1, MaxImportRows)
	}
	header := make([]string, len(out[0].Cells))
	for i, h := range out[0].Cells {
		header[i] = strings.TrimSpace(h)
	}
	return header, out[1:], nil
}

// ImportHeader is the header of an import file for an instrument: unit,
// code, then one column per question.
func ImportHeader(ins *Instrument) []string {
	h := []string{"unit", "code"}
	for _, q := range ins.Questions {
		h = append(h, q.Code)
	}
	return h
}

// maxProblems bounds the problems reported for one file.
const maxProblems = 200

// Import reads questionnaires from a CSV or Excel file — columns unit,
// code (optional: a one-time code or dossier number) and one per question
// (any subset, any order) — and stores them all, or none when any row is
// wrong. Problems name the line and the question.
func (s *Service) Import(ctx context.Context, campaign, name string, data []byte, author string) (int, error) {
	c, err := s.Campaign(ctx, campaign)
	if err != nil {
		return 0, err
	}
	if c.State == Draft {
		return 0, domain.Conflictf("survey %s is still a draft; open it first", c.Code)
	}
	header, rows, err := ReadTable(ctx, name, data)
	if err != nil {
		return 0, err
	}
	var problems []Problem
	add := func(line int, code, format string, args ...any) {
		problems = append(problems, Problem{Line: line, Code: code, Msg: fmt.Sprintf(format, args...)})
	}
	unitCol, codeCol := -1, -1
	seen := map[string]bool{}
	for i, h := range header {
		key := h
		switch strings.ToLower(h) {
		case "unit":
			unitCol, key = i, "unit"
		case "code":
			codeCol, key = i, "code"
		default:
			if c.Instrument.Question(h) == nil {
				add(1, "", "column %q is not a question of instrument %s", h, c.Instrument.Code)
			}
		}
		if seen[key] {
			add(1, "", "column %q appears twice", h)
		}
		seen[key] = true
	}
	if unitCol < 0 {
		add(1, "", "the header has no unit column")
	}
	if len(problems) > 0 {
		return 0, &ValidationError{Problems: problems}
	}
	codes := map[string]int{}
	responses := make([]*Response, 0, len(rows))
	for _, row := range rows {
		if len(problems) >= maxProblems {
			break
		}
		if len(row.Cells) > len(header) {
			add(row.Line, "", "%d cells, but the header has %d columns", len(row.Cells), len(header))
			continue
		}
		cell := func(i int) string {
			if i < 0 || i >= len(row.Cells) {
				return ""
			}
			return strings.TrimSpace(row.Cells[i])
		}
		unit := cell(unitCol)
		if c.Unit(unit) == nil {
			add(row.Line, "unit", "unit %q is not covered by survey %s", unit, c.Code)
		}
		answers := map[string]string{}
		for i, h := range header {
			if i != unitCol && i != codeCol {
				answers[h] = cell(i)
			}
		}
		enc, err := c.Instrument.Check(answers)
		var ve *ValidationError
		if errors.As(err, &ve) {
			for _, p := range ve.Problems {
				add(row.Line, p.Code, "%s", p.Msg)
			}
		}
		r := &Response{Campaign: c.ID, Unit: unit, Channel: Import, Answers: enc, Author: author}
		if code := NormalizeCode(cell(codeCol)); code != "" {
			if first, dup := codes[code]; dup {
				add(row.Line, "code", "code %s is already used on line %d", cell(codeCol), first)
			}
			codes[code] = row.Line
			r.CodeHash = HashCode(code)
		} else if c.RequireCode {
			add(row.Line, "code", "survey %s needs a one-time code on every questionnaire", c.Code)
		}
		responses = append(responses, r)
	}
	if len(rows) == 0 {
		add(0, "", "the file has a header but no rows")
	}
	if len(problems) > 0 {
		if len(problems) >= maxProblems {
			problems = append(problems, Problem{Msg: "too many problems; the rest of the file was not checked"})
		}
		return 0, &ValidationError{Problems: problems}
	}
	if err := s.store.InsertResponses(ctx, responses); err != nil {
		var re *RowError
		if errors.As(err, &re) && re.Index < len(rows) {
			return 0, &ValidationError{Problems: []Problem{{Line: rows[re.Index].Line, Code: "code", Msg: re.Err.Error()}}}
		}
		return 0, err
	}
	return len(responses), nil
}
