package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/parindex/parindex/accounts"
	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/internal/csvout"
	"github.com/parindex/parindex/web"
)

// cmdUserImport is `parindex user import FILE... [--sheet FILE.html]`: the
// accounts and assignments of a workbook (or CSV files), all or nothing.
// The first passwords of the new accounts go to the sheet to print, or,
// without --sheet, to standard output as CSV (username,password): they are
// never stored, so they are written once, here.
func cmdUserImport(e *env, args []string) error {
	f := newFlags(e, "user import")
	sheet := f.String("sheet", "", "write the first passwords as a sheet to print (HTML), e.g. phieu-mat-khau.html")
	lang := f.String("lang", envOr(e, "PARINDEX_LANG", "vi"), "language of the sheet: vi or en")
	loginURL := f.String("login-url", envOr(e, "PARINDEX_PUBLIC_URL", "http://127.0.0.1:8080")+"/login", "the sign-in address printed on the sheet")
	province := f.String("province", e.getenv("PARINDEX_PROVINCE"), "the province's name on the sheet")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("user import FILE.xlsx|FILE.csv... [--sheet FILE.html]")
	}
	if *lang != "vi" && *lang != "en" {
		return usagef("--lang %q must be vi or en", *lang)
	}
	b := &accounts.Batch{}
	for _, path := range pos {
		fh, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("user import: %w", err)
		}
		err = b.Read(e.ctx, filepath.Base(path), fh)
		fh.Close()
		if err != nil {
			return err
		}
	}
	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()
	svc := &accounts.Service{Store: st}
	res, err := svc.Import(e.ctx, cliUser(e, auth.Admin), b)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d accounts created, %d updated, %d unchanged; %d assignment rows for %d appraisers and periods\n",
		len(res.Created), len(res.Updated), res.Unchanged, res.Rows, res.Assigned)
	if len(res.Created) == 0 {
		return nil
	}
	if *sheet == "" {
		cw := csvout.NewWriter(e.stdout, csvout.Options{})
		_ = cw.Header("username", "password")
		for _, c := range res.Created {
			_ = cw.Write(csvout.Texts(c.Username, c.Password))
		}
		return cw.Flush()
	}
	var buf bytes.Buffer
	zone, _ := time.LoadLocation(envOr(e, "PARINDEX_TIME_ZONE", defaultZone))
	if err := web.WriteCredentials(&buf, *lang, *province, *loginURL, zone, time.Now(), res); err != nil {
		return err
	}
	if err := os.WriteFile(*sheet, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("user import: %w", err)
	}
	fmt.Fprintf(e.stdout, "%s: the first passwords of the %d new accounts, to print and hand out (then delete the file)\n", *sheet, len(res.Created))
	return nil
}

// templateUsers is `parindex template users --out FILE.xlsx`.
func templateUsers(e *env, f *flags, out string) error {
	if out == "" {
		return usagef("template users --out FILE.xlsx")
	}
	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()
	units, err := st.Units(e.ctx, "")
	if err != nil {
		return err
	}
	users, err := st.Users(e.ctx)
	if err != nil {
		return err
	}
	groups, err := st.Groups(e.ctx)
	if err != nil {
		return err
	}
	periods, err := st.Periods(e.ctx)
	if err != nil {
		return err
	}
	lin, err := st.Lineage(e.ctx)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, g := range groups {
		names[g.Code] = g.Name
	}
	var buf bytes.Buffer
	if err := accounts.WriteTemplate(&buf, accounts.TemplateData{Units: units, Users: users, Groups: names, Periods: periods, Lineage: lin}); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	fmt.Fprintf(e.stdout, "%s: a row for the officer of each of the units without one; fill it in, then: parindex user import %s --sheet phieu-mat-khau.html\n", out, out)
	return nil
}
