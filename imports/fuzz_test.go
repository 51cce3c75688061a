package imports_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/imports"
	"github.com/parindex/parindex/internal/xlsxread/xlsxtest"
)

// Fuzz targets for every file format the imports read from outside. Each
// checks that no input makes a reader panic, and that whatever it accepts
// is text a database keeps: UTF-8 without NUL (PostgreSQL refuses both).
// `.ci/run` runs each for a bounded time; failing inputs are kept in
// testdata/fuzz/ as regression cases.

// head returns the first n lines of a demo data file, as a seed.
func head(f *testing.F, name string, n int) string {
	f.Helper()
	data, err := os.ReadFile("../demo/data/" + name)
	if err != nil {
		f.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	return strings.Join(lines[:min(n, len(lines))], "")
}

func validText(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			return false
		}
	}
	return true
}

func FuzzGroups(f *testing.F) {
	f.Add(head(f, "groups.csv", 5))
	f.Add("code,name\r\nSO,\"Sở, ban\"\"\"\n")
	f.Fuzz(func(t *testing.T, src string) {
		gs, err := imports.Groups("g.csv", strings.NewReader(src))
		for _, g := range gs {
			if err == nil && !validText(g.Code, g.Name) {
				t.Errorf("accepted %q", g)
			}
		}
	})
}

func FuzzUnits(f *testing.F) {
	f.Add(head(f, "units.csv", 10))
	f.Add("code,name,group,parent\nA,B,SO,\nB,C,SO,A\n")
	f.Fuzz(func(t *testing.T, src string) {
		us, err := imports.Units("u.csv", strings.NewReader(src))
		for _, u := range us {
			if err == nil && !validText(u.Code, u.Name, u.Group, u.Parent) {
				t.Errorf("accepted %q", u)
			}
		}
	})
}

func FuzzScores(f *testing.F) {
	f.Add(head(f, "scores-2025.csv", 10))
	f.Add("period,unit,item,stage,points,comment\n2025,SNV,1.1,self,0.25,ghi chú\n2025,SNV,1.2,final,na,\n")
	f.Fuzz(func(t *testing.T, src string) {
		ss, err := imports.Scores(context.Background(), lookup(t), "s.csv", strings.NewReader(src))
		for _, s := range ss {
			if err == nil && !validText(s.Period, s.Unit, s.Item, s.Comment) {
				t.Errorf("accepted %+v", s)
			}
		}
	})
}

func FuzzInputs(f *testing.F) {
	f.Add(head(f, "inputs-2025.csv", 10))
	f.Add("period,unit,input,value\n2025,SNV,received,100\n2025,SNV,on_time,1e3\n")
	f.Fuzz(func(t *testing.T, src string) {
		ctx := context.Background()
		for _, read := range []func() ([]domain.Input, error){
			func() ([]domain.Input, error) { return imports.Inputs(ctx, lookup(t), "i.csv", strings.NewReader(src)) },
			func() ([]domain.Input, error) {
				return imports.InputsChecked(ctx, newStatsLookup(t), "i.csv", strings.NewReader(src))
			},
		} {
			ins, err := read()
			for _, in := range ins {
				if err == nil && !validText(in.Period, in.Unit, in.Name) {
					t.Errorf("accepted %+v", in)
				}
			}
		}
	})
}

func FuzzInputsXLSX(f *testing.F) {
	lk := newStatsLookup(f)
	fw := lk.sets[[2]string{"2025", "SO"}]
	var tmpl bytes.Buffer
	if err := imports.WriteTemplate(&tmpl, fw, lk.units[:2], nil); err != nil {
		f.Fatal(err)
	}
	f.Add(tmpl.Bytes())
	f.Add(xlsxtest.Workbook(
		xlsxtest.Part{Name: imports.InfoSheet, Data: `<row r="1"><c r="A1" t="inlineStr"><is><t>period</t></is></c><c r="B1" t="inlineStr"><is><t>2025</t></is></c></row>`},
		xlsxtest.Part{Name: imports.DataSheet, Data: `<row r="2"><c r="A2" t="inlineStr"><is><t>unit</t></is></c><c r="B2" t="inlineStr"><is><t>received</t></is></c></row>` +
			`<row r="3"><c r="A3" t="inlineStr"><is><t>SNV</t></is></c><c r="B3"><v>12</v></c></row>`}))
	f.Fuzz(func(t *testing.T, data []byte) {
		ins, err := imports.InputsXLSX(context.Background(), newStatsLookup(t), "w.xlsx", bytes.NewReader(data))
		for _, in := range ins {
			if err == nil && !validText(in.Period, in.Unit, in.Name) {
				t.Errorf("accepted %+v", in)
			}
		}
	})
}
