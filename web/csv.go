package web

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/internal/csvout"
)

// csvDownload reads a CSV download's options. Downloads are meant for
// spreadsheets, so they start with a byte-order mark unless ?bom=0 asks
// for a file for machines. Column names are the contract's English ones,
// which scripts rely on, unless ?lang=vi asks for Vietnamese headers — the
// pages' download links ask for them in Vietnamese. Only the query decides
// the headers, never the language cookie: a script fetching the URL always
// gets the contract's columns.
func (s *server) csvDownload(c echo.Context) (csvout.Options, func(col string) string, error) {
	var opt csvout.Options
	switch b := c.QueryParam("bom"); b {
	case "", "1":
		opt.BOM = true
	case "0":
	default:
		return opt, nil, invalid("documents.csv.bad_bom", b)
	}
	if c.QueryParam(langParam) != "vi" {
		return opt, nil, nil
	}
	l := s.langs.get("vi")
	return opt, func(col string) string { return csvColumn(l, col) }, nil
}

// csvColumn names a CSV column in a language: csv.col.NAME from the
// catalogue, item:CODE as the item's heading; a column without a name in
// the catalogue keeps its contract name.
func csvColumn(l *locale, col string) string {
	if code, ok := strings.CutPrefix(col, "item:"); ok {
		return l.T("documents.csv.col.item_points", code)
	}
	if msg, ok := l.msgs["documents.csv.col."+col]; ok {
		return msg
	}
	return col
}

// csvLink adds the page language's headers to a download link: Vietnamese
// pages link to Vietnamese headers.
func csvLink(l *locale, url string) string {
	if l.code != "vi" {
		return url
	}
	if strings.Contains(url, "?") {
		return url + "&lang=vi"
	}
	return url + "?lang=vi"
}
