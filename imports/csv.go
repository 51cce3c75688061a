// Package imports reads the data files of contract.md (units, groups, scores,
// inputs) and checks them completely before anything is written: every
// problem is reported with the file, line and field, and a file with any
// problem is refused whole.
package imports

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/parindex/parindex/domain/problem"
)

// problems collects problems for one file.
type problems struct {
	file string
	list []problem.Problem
}

func (ps *problems) add(line int, field, format string, args ...any) {
	ps.list = append(ps.list, problem.Problem{File: ps.file, Line: line, Column: field, Msg: fmt.Sprintf(format, args...)})
}

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &problem.List{Problems: ps.list}
}

// record is one data line of a CSV file with its fields by column name.
type record struct {
	line   int
	fields map[string]string
}

func (r record) get(col string) string { return strings.TrimSpace(r.fields[col]) }

// readCSV reads a UTF-8 CSV file with a header row. The header must hold every
// required column and may hold the optional ones, in any order; any other
// column is refused. A byte-order mark (as Excel writes) is ignored.
func readCSV(file string, r io.Reader, required, optional []string) ([]record, error) {
	ps := &problems{file: file}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("imports: read %s: %w", file, err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		ps.add(0, "", "the file is not UTF-8 text (save it as CSV UTF-8)")
		return nil, ps.err()
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		// Valid UTF-8, but no database keeps it in text (PostgreSQL refuses it).
		ps.add(bytes.Count(data[:i], []byte("\n"))+1, "", "holds a NUL character, which text cannot")
		return nil, ps.err()
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		ps.add(0, "", "the file is empty; it needs a header row: %s", strings.Join(required, ","))
		return nil, ps.err()
	}
	if err != nil {
		ps.add(1, "", "%s", csvMessage(err))
		return nil, ps.err()
	}
	known := map[string]bool{}
	for _, c := range append(append([]string{}, required...), optional...) {
		known[c] = true
	}
	cols := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		cols[i] = h
		switch {
		case h == "":
			ps.add(1, "", "column %d has no name", i+1)
		case !known[h]:
			ps.add(1, h, "unknown column (expected %s)", describeColumns(required, optional))
		case seen[h]:
			ps.add(1, h, "the column appears twice")
		}
		seen[h] = true
	}
	for _, c := range required {
		if !seen[c] {
			ps.add(1, c, "the column is missing (expected %s)", describeColumns(required, optional))
		}
	}
	if len(ps.list) > 0 {
		return nil, ps.err()
	}
	var recs []record
	for {
		line, _ := cr.FieldPos(0)
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			ps.add(line, "", "%s", csvMessage(err))
			return nil, ps.err()
		}
		line, _ = cr.FieldPos(0)
		if len(fields) == 1 && strings.TrimSpace(fields[0]) == "" {
			continue // a blank line
		}
		if len(fields) != len(cols) {
			ps.add(line, "", "has %d fields, the header has %d", len(fields), len(cols))
			continue
		}
		rec := record{line: line, fields: make(map[string]string, len(cols))}
		for i, c := range cols {
			rec.fields[c] = fields[i]
		}
		recs = append(recs, rec)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		ps.add(0, "", "the file has a header but no data rows")
		return nil, ps.err()
	}
	return recs, nil
}

func describeColumns(required, optional []string) string {
	s := strings.Join(required, ",")
	if len(optional) > 0 {
		s += "[," + strings.Join(optional, ",") + "]"
	}
	return s
}

func csvMessage(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
