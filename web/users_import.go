package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime/multipart"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/accounts"
	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
)

// Bulk import of accounts and assignments (package accounts): the form
// with the template to fill in, the upload (all or nothing, every problem
// listed with its sheet, row and column), and the sheet of first passwords
// to print, shown once.

// importPage is the upload form, with the problems of a refused file.
type importPage struct {
	chrome
	CSRF     string
	Problems []string
	Error    string
	MaxMB    int
}

// usersImportForm shows the upload form.
func (s *server) usersImportForm(c echo.Context) error {
	return s.renderImport(c, http.StatusOK, importPage{})
}

func (s *server) renderImport(c echo.Context, status int, page importPage) error {
	l := s.locale(c)
	page.chrome = s.chrome(c, l, l.T("pages.import.title"))
	page.CSRF, page.MaxMB = csrfToken(c), accounts.MaxFile>>20
	page.Scripts = []string{"work.js"}
	return s.render(c, status, "users_import", page)
}

// usersImportTemplate downloads the workbook to fill in.
func (s *server) usersImportTemplate(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := s.templateData(ctx, currentUser(c))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := accounts.WriteTemplate(&buf, d); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="nhap-tai-khoan.xlsx"`)
	return c.Blob(http.StatusOK, xlsxMIME, buf.Bytes())
}

// templateData reads what the template lists.
func (s *server) templateData(ctx context.Context, me auth.User) (accounts.TemplateData, error) {
	units, err := s.workflow.Units(ctx, me)
	if err != nil {
		return accounts.TemplateData{}, err
	}
	users, err := s.auth.Users(ctx)
	if err != nil {
		return accounts.TemplateData{}, err
	}
	groups, err := s.groupNames(ctx)
	if err != nil {
		return accounts.TemplateData{}, err
	}
	periods, err := s.catalog.Periods(ctx)
	if err != nil {
		return accounts.TemplateData{}, err
	}
	lin, err := s.lineageOf(ctx)
	if err != nil {
		return accounts.TemplateData{}, err
	}
	return accounts.TemplateData{Units: units, Users: users, Groups: groups, Periods: periods, Lineage: lin}, nil
}

// usersImport reads the uploaded files, imports them, and answers with the
// sheet of first passwords (the only time they are shown), or the form
// again with every problem.
func (s *server) usersImport(c echo.Context) error {
	ctx, l := c.Request().Context(), s.locale(c)
	form, err := c.MultipartForm()
	if err != nil {
		return s.renderImport(c, http.StatusUnprocessableEntity, importPage{Error: l.T("pages.import.no_file")})
	}
	files := form.File["file"]
	if len(files) == 0 {
		return s.renderImport(c, http.StatusUnprocessableEntity, importPage{Error: l.T("pages.import.no_file")})
	}
	b := &accounts.Batch{}
	var refused error
	for _, fh := range files {
		if err := readUpload(ctx, b, fh); err != nil {
			refused = errors.Join(refused, err)
		}
	}
	var res *accounts.Result
	if refused == nil {
		res, refused = s.accounts.Import(ctx, currentUser(c), b)
	}
	var list *domain.ProblemList
	switch {
	case errors.As(refused, &list):
		page := importPage{Error: l.T("pages.import.refused")}
		// Every list the files gave, one problem a line.
		for _, e := range unwrapAll(refused) {
			if errors.As(e, &list) {
				page.Problems = append(page.Problems, list.Lines()...)
			}
		}
		return s.renderImport(c, http.StatusUnprocessableEntity, page)
	case refused != nil:
		if msg, ok := userError(l, refused); ok {
			return s.renderImport(c, statusOf(refused), importPage{Error: msg})
		}
		return refused
	}
	return s.renderCredentials(c, res)
}

// readUpload reads one uploaded file into the batch.
func readUpload(ctx context.Context, b *accounts.Batch, fh *multipart.FileHeader) error {
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("web: open the upload %s: %w", fh.Filename, err)
	}
	defer f.Close()
	return b.Read(ctx, fh.Filename, f)
}

// unwrapAll flattens errors joined by errors.Join.
func unwrapAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// credentialsSheet is the sheet of first passwords: a card per new
// account, to cut out and hand over.
type credentialsSheet struct {
	Lang, Title, Province string
	LoginURL              string
	Date                  string
	Cards                 []credentialCard
	// Screen: the page shown after an upload (with its summary and a
	// print button); a file written by the command line has neither.
	Screen         bool
	Updated        []string
	Unchanged      int
	Assigned, Rows int
	Stylesheet     string       // the sheet's stylesheet on the server
	InlineCSS      template.CSS // the same, inline, in a file
}

type credentialCard struct {
	Name, Username, Password, Role, Unit string
}

func newCredentialsSheet(l *locale, province, loginURL string, now time.Time, res *accounts.Result) credentialsSheet {
	sh := credentialsSheet{Lang: l.code, Title: l.T("pages.sheet.title"), Province: province, LoginURL: loginURL,
		Date: now.In(l.zone).Format("02/01/2006"), Updated: res.Updated, Unchanged: res.Unchanged,
		Assigned: res.Assigned, Rows: res.Rows}
	for _, cr := range res.Created {
		card := credentialCard{Name: cr.Name, Username: cr.Username, Password: cr.Password, Role: l.T("work.role." + string(cr.Role))}
		if cr.Unit != "" {
			card.Unit = nameOr(cr.UnitName, cr.Unit)
		}
		sh.Cards = append(sh.Cards, card)
	}
	return sh
}

// renderCredentials answers an import with its sheet. It is not cached
// anywhere: the first passwords are on it and nowhere else.
func (s *server) renderCredentials(c echo.Context, res *accounts.Result) error {
	l := s.locale(c)
	sh := newCredentialsSheet(l, s.province, c.Scheme()+"://"+c.Request().Host+"/login", s.now(), res)
	sh.Screen, sh.Stylesheet = true, s.assets.url("sheet.css")
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	var buf bytes.Buffer
	if err := s.pages.pages[l.code]["credentials"].ExecuteTemplate(&buf, "sheet", sh); err != nil {
		return fmt.Errorf("web: render the credentials: %w", err)
	}
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

// WriteCredentials writes the sheet of first passwords of an import as a
// file (HTML, its stylesheet inside) to print: the command line's
// `user import --sheet`. lang is "vi" or "en"; zone the province's (nil:
// Vietnam's).
func WriteCredentials(w io.Writer, lang, province, loginURL string, zone *time.Location, now time.Time, res *accounts.Result) error {
	langs, err := loadLanguages(lang, zone)
	if err != nil {
		return err
	}
	a, err := loadAssets()
	if err != nil {
		return err
	}
	r, err := newRenderer(langs, a)
	if err != nil {
		return err
	}
	l := langs.fallback
	sh := newCredentialsSheet(l, province, loginURL, now, res)
	sh.InlineCSS = template.CSS(a.files["sheet.css"].body)
	return r.pages[l.code]["credentials"].ExecuteTemplate(w, "sheet", sh)
}
