package surveys

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/internal/csvout"
)

// The raw export: every response of a survey, one row each, as contract.md
// gives it — id,unit,channel,submitted_at,status,flags, then one column per
// question holding the answer's value (a choice's value, a text's text) —
// as CSV or as an Excel workbook with a codebook sheet. Rows are read from
// the database one at a time and written at once, so memory stays flat
// however many there are.

// ExportFormats are the formats of the raw export.
var ExportFormats = []string{"csv", "xlsx"}

// ExportOptions say how the raw export is written.
type ExportOptions struct {
	// Format is "csv" (the default) or "xlsx".
	Format string
	// Lang is the language of the workbook's sheet names and codebook
	// ("vi", the default, or "en"); the columns keep contract.md's names.
	Lang string
	// BOM starts a CSV with a UTF-8 byte-order mark (downloads opened in a
	// spreadsheet).
	BOM bool
}

// ExportHeader is the export's header row for an instrument.
func ExportHeader(ins *Instrument) []string {
	h := []string{"id", "unit", "channel", "submitted_at", "status", "flags"}
	for _, q := range ins.Questions {
		h = append(h, q.Code)
	}
	return h
}

// exportTime is how the CSV writes a time: ISO 8601 in the province's zone,
// with its offset.
const exportTime = "2006-01-02T15:04:05-07:00"

// Export writes every response of a campaign to w.
func (s *Service) Export(ctx context.Context, code string, w io.Writer, opt ExportOptions) error {
	rs, ok := s.store.(RecordStore)
	if !ok {
		return errors.New("surveys: the store cannot stream responses")
	}
	c, err := s.Campaign(ctx, code)
	if err != nil {
		return err
	}
	hours, err := s.hours(c)
	if err != nil {
		return err
	}
	e := &exporter{ins: c.Instrument, hours: hours, patterns: s.patterns(), texts: map[string]string{}}
	switch opt.Format {
	case "", "csv":
		return e.csv(ctx, rs, c, w, opt)
	case "xlsx":
		return e.xlsx(ctx, rs, c, w, opt)
	}
	return fmt.Errorf("surveys: export format %q must be csv or xlsx", opt.Format)
}

// exporter turns records into rows.
type exporter struct {
	ins      *Instrument
	hours    *Hours
	patterns Patterns
	texts    map[string]string // the current record's text answers
}

// flags is a record's flags column.
func (e *exporter) flags(r *Record) string {
	straightLined, offHours := e.patterns.markers(e.ins, e.hours, r)
	return FlagList(r.Flags, straightLined, offHours)
}

// answer returns the answer to the question at pos of the current record:
// its value, its text, or "" for none.
func (e *exporter) answer(r *Record, q *Question) string {
	if q.Type == FreeText {
		return e.texts[q.Code]
	}
	if q.Pos < len(r.Choices) {
		if v := r.Choices[q.Pos]; v > NoAnswer && v <= '9' {
			return digits[v-'0']
		}
	}
	return ""
}

// digits are the answers' values as strings, made once.
var digits = [10]string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

// readTexts decodes the record's text answers into e.texts.
func (e *exporter) readTexts(r *Record) error {
	clear(e.texts)
	if r.Texts == "" {
		return nil
	}
	m, err := DecodeTexts(r.Texts)
	if err != nil {
		return fmt.Errorf("response %d: %w", r.ID, err)
	}
	for k, v := range m {
		e.texts[k] = v
	}
	return nil
}

func (e *exporter) csv(ctx context.Context, rs RecordStore, c *Campaign, w io.Writer, opt ExportOptions) error {
	cw := csvout.NewWriter(w, csvout.Options{BOM: opt.BOM})
	if err := cw.Header(ExportHeader(e.ins)...); err != nil {
		return err
	}
	row := make([]csvout.Cell, 6+len(e.ins.Questions))
	err := rs.EachResponse(ctx, c.ID, func(r *Record) error {
		if err := e.readTexts(r); err != nil {
			return err
		}
		row[0] = csvout.Number(strconv.FormatInt(r.ID, 10))
		row[1] = csvout.Text(r.Unit)
		row[2] = csvout.Text(string(r.Channel))
		row[3] = csvout.Text(r.SubmittedAt.In(ProvinceZone).Format(exportTime))
		row[4] = csvout.Text(string(r.Status))
		row[5] = csvout.Text(e.flags(r))
		for i, q := range e.ins.Questions {
			row[6+i] = csvout.Text(e.answer(r, q))
		}
		return cw.Write(row)
	})
	if err != nil {
		return err
	}
	return cw.Flush()
}

// wallClock is a time's wall clock in the province, as Excel keeps times
// (without a zone).
func wallClock(t time.Time) time.Time {
	l := t.In(ProvinceZone)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
}

func (e *exporter) xlsx(ctx context.Context, rs RecordStore, c *Campaign, w io.Writer, opt ExportOptions) error {
	tx := exportTexts(opt.Lang)
	f := excelize.NewFile()
	defer f.Close()
	// excelize builds the whole archive in memory before writing it out;
	// its zip writer is written straight to w instead, so that a million
	// rows stream from the sheet's temporary file to the destination.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	when, err := f.NewStyle(&excelize.Style{NumFmt: 22, CustomNumFmt: ptr("dd/mm/yyyy hh:mm:ss")})
	if err != nil {
		return err
	}
	header := ExportHeader(e.ins)
	cells := make([]any, len(header))
	var sw *excelize.StreamWriter
	sheets, line := 0, 0
	// newSheet starts a sheet of responses with its header: one, or more
	// when the responses outnumber Excel's rows.
	newSheet := func() error {
		if sw != nil {
			if err := sw.Flush(); err != nil {
				return err
			}
		}
		sheets++
		name := tx.sheet
		if sheets == 1 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else {
			name = fmt.Sprintf("%s (%d)", tx.sheet, sheets)
			if _, err := f.NewSheet(name); err != nil {
				return err
			}
		}
		var err error
		if sw, err = f.NewStreamWriter(name); err != nil {
			return err
		}
		_ = sw.SetColWidth(1, 3, 10)
		_ = sw.SetColWidth(4, 4, 19)
		_ = sw.SetColWidth(6, 6, 16)
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		head := make([]any, len(header))
		for i, h := range header {
			head[i] = excelize.Cell{StyleID: bold, Value: h}
		}
		line = 1
		return sw.SetRow("A1", head)
	}
	if err := newSheet(); err != nil {
		return err
	}
	err = rs.EachResponse(ctx, c.ID, func(r *Record) error {
		if err := e.readTexts(r); err != nil {
			return err
		}
		if line == excelize.TotalRows {
			if err := newSheet(); err != nil {
				return err
			}
		}
		line++
		cells[0] = r.ID
		cells[1] = r.Unit
		cells[2] = string(r.Channel)
		cells[3] = excelize.Cell{StyleID: when, Value: wallClock(r.SubmittedAt)}
		cells[4] = string(r.Status)
		cells[5] = e.flags(r)
		if cells[5] == "" {
			cells[5] = nil
		}
		for i, q := range e.ins.Questions {
			a := e.answer(r, q)
			switch {
			case a == "":
				cells[6+i] = nil
			case q.Type == FreeText:
				cells[6+i] = a // an inline string: Excel never runs it as a formula
			default:
				cells[6+i] = int(a[0] - '0')
			}
		}
		return sw.SetRow("A"+strconv.Itoa(line), cells)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := e.codebook(f, c, tx, bold); err != nil {
		return err
	}
	return f.Write(io.Discard) // the archive went to w through the zip writer
}

func ptr[T any](v T) *T { return &v }
