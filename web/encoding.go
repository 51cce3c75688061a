package web

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
)

// maxCheckedJSON bounds a JSON body read whole to check its text; every
// JSON endpoint takes far less (submissions 64 KB). multipartMemory is how
// much of a multipart form's files is kept in memory while it is checked.
const (
	maxCheckedJSON  = 1 << 20
	multipartMemory = 1 << 20
)

// rejectBadText answers 400 before any handler when a request's path, query,
// form fields (names, values, file names) or JSON body carry bytes that are
// not UTF-8, or a NUL character. PostgreSQL refuses both in text (SQLSTATE
// 22021, which was a 500) and SQLite stored them raw, to break every page
// and export that shows them later. JSON strings are decoded with invalid
// bytes replaced, so only raw invalid bytes and the \u0000 escape are
// refused there.
func rejectBadText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if !validText(r.URL.Path) {
			return badText("security.utf8.path")
		}
		query, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return badText("security.utf8.query_syntax")
		}
		if name, ok := badField(query); ok {
			return badText("security.utf8.query", name)
		}
		// Bodies are read only for routes that exist: a post to an unknown
		// path gets its 404 without being parsed.
		if !unsafeMethod(r.Method) || r.Body == nil || r.Body == http.NoBody || c.Path() == "" {
			return next(c)
		}
		ctype, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
		switch ctype {
		case echo.MIMEApplicationForm:
			if err := r.ParseForm(); err != nil {
				return badText("security.utf8.form_syntax")
			}
			if name, ok := badField(r.PostForm); ok {
				return badText("security.utf8.form", name)
			}
		case echo.MIMEMultipartForm:
			// The parse FormValue and FormFile would do later (they reuse
			// it), but keeping at most 1 MB of files in memory: the rest
			// goes to temporary files, which net/http removes at the end.
			if err := r.ParseMultipartForm(multipartMemory); err != nil {
				return next(c) // the handler reports a broken form as it always did
			}
			if name, ok := badField(r.MultipartForm.Value); ok {
				return badText("security.utf8.form", name)
			}
			for field, files := range r.MultipartForm.File {
				for _, fh := range files {
					// Both the name Go keeps and the one the client sent
					// (with any directories, which handlers refuse).
					if !validText(fh.Filename) || !validText(rawFileName(fh)) {
						return badText("security.utf8.filename", shown(field))
					}
				}
			}
		case echo.MIMEApplicationJSON:
			body, err := io.ReadAll(io.LimitReader(r.Body, maxCheckedJSON+1))
			if err != nil {
				return domain.Invalidf("the request body could not be read: %v", err)
			}
			if len(body) > maxCheckedJSON {
				return domain.TooLargef("the JSON body is larger than %d KB", maxCheckedJSON>>10)
			}
			if !utf8.Valid(body) || jsonHasNUL(body) {
				return badText("security.utf8.json")
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		return next(c)
	}
}

// validText reports whether s is UTF-8 without a NUL character.
func validText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// badField returns the name of the first field whose name or a value is not
// valid text.
func badField(values url.Values) (string, bool) {
	for k, vs := range values {
		if !validText(k) {
			return shown(k), true
		}
		for _, v := range vs {
			if !validText(v) {
				return shown(k), true
			}
		}
	}
	return "", false
}

// shown is a field name fit to quote in a message: valid, and short.
func shown(name string) string {
	name = strings.ToValidUTF8(strings.ReplaceAll(name, "\x00", ""), "�")
	if r := []rune(name); len(r) > 40 {
		name = string(r[:40]) + "…"
	}
	return name
}

// jsonHasNUL reports whether a JSON text escapes a NUL character (\u0000)
// in a string. Outside strings valid JSON has no backslash; inside, a
// backslash escapes the next character, which is skipped.
func jsonHasNUL(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if i+5 < len(b) && b[i+1] == 'u' && string(b[i+2:i+6]) == "0000" {
			return true
		}
		i++
	}
	return false
}

// badText is the 400 answer naming where the bad bytes are.
func badText(key string, args ...any) error {
	return domain.Keyed(domain.ErrBadRequest, key, args...)
}
