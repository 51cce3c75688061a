package store

import (
	"database/sql/driver"
	"strings"
)

// pgTextArray is a list of texts passed to PostgreSQL as one text[]
// parameter (written ?::text[] in the SQL) rather than expanded by gorm
// into one parameter per element: the statement's text, and the plan the
// server caches for it, are then the same whatever the list's length.
type pgTextArray []string

// Value renders the array's text form, {"a","b"}, each element quoted with
// its backslashes and double quotes escaped.
func (a pgTextArray) Value() (driver.Value, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, v := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		for _, r := range v {
			if r == '"' || r == '\\' {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String(), nil
}
