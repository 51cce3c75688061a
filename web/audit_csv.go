package web

import (
	"io"
	"strconv"
	"time"

	"github.com/parindex/parindex/internal/csvout"
)

// auditColumns are the audit CSV's columns.
var auditColumns = []string{"id", "at", "period", "unit", "item", "stage", "old", "new", "reason", "author", "source", "kind", "input"}

// writeAuditCSV writes a unit's change log, points and inputs in the order
// they were made. Reasons, authors and sources are text anyone with a
// session typed, so they go through the one CSV writer that keeps
// formulas out; old and new values are numbers ("na" for not applicable).
func writeAuditCSV(w io.Writer, entries []auditEntry, opt csvout.Options, header func(string) string) {
	cw := csvout.NewWriter(w, opt)
	cols := append([]string{}, auditColumns...)
	if header != nil {
		for i, c := range cols {
			cols[i] = header(c)
		}
	}
	_ = cw.Header(cols...)
	for _, e := range entries {
		if ch := e.point; ch != nil {
			_ = cw.Write([]csvout.Cell{csvout.Number(strconv.FormatInt(ch.ID, 10)), csvout.Text(ch.At.UTC().Format(time.RFC3339)),
				csvout.Text(ch.Period), csvout.Text(ch.Unit), csvout.Text(ch.Item), csvout.Text(string(ch.Stage)),
				csvout.Number(valueText(ch.Old)), csvout.Number(valueText(ch.New)), csvout.Text(ch.Reason),
				csvout.Text(ch.Author), csvout.Text(ch.Source), csvout.Text("points"), csvout.Text("")})
			continue
		}
		ch, old := e.input, ""
		if ch.Old != nil {
			old = ch.Old.String()
		}
		_ = cw.Write([]csvout.Cell{csvout.Number(strconv.FormatInt(ch.ID, 10)), csvout.Text(ch.At.UTC().Format(time.RFC3339)),
			csvout.Text(ch.Period), csvout.Text(ch.Unit), csvout.Text(""), csvout.Text(""),
			csvout.Number(old), csvout.Number(ch.New.String()), csvout.Text(ch.Reason),
			csvout.Text(ch.Author), csvout.Text(ch.Source), csvout.Text("input"), csvout.Text(ch.Name)})
	}
	_ = cw.Flush() // a bytes.Buffer never fails
}
