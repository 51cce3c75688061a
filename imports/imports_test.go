package imports_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/imports"
	"github.com/parindex/parindex/scoring"
)

type fakeLookup struct {
	units []domain.Unit
	sets  map[[2]string]*scoring.Framework
}

func (f fakeLookup) Units(context.Context, string) ([]domain.Unit, error) { return f.units, nil }

func (f fakeLookup) Framework(_ context.Context, period, group string) (*scoring.Framework, error) {
	if fw := f.sets[[2]string{period, group}]; fw != nil {
		return fw, nil
	}
	return nil, domain.NotFoundf("no set")
}

func lookup(t testing.TB) fakeLookup {
	t.Helper()
	fw, err := scoring.ParseFramework(strings.NewReader(`
period: "2025"
group: SO
name: Sở 2025
items:
  - code: "1"
    name: Field
    items:
      - {code: "1.1", name: a, max: 1, method: manual, step: 0.25}
      - {code: "1.2", name: b, max: 2, method: ratio, numerator: done, denominator: tasks}
      - {code: "1.3", name: c, max: 3, method: survey, survey: sipas}
      - {code: "1.4", name: d, max: 94, method: manual}
`))
	if err != nil {
		t.Fatal(err)
	}
	return fakeLookup{
		units: []domain.Unit{{Code: "SNV", Name: "Sở Nội vụ", Group: "SO"}, {Code: "X1", Name: "Xã 1", Group: "XA"}},
		sets:  map[[2]string]*scoring.Framework{{"2025", "SO"}: fw},
	}
}

// problems returns the lines of an import error, failing when there is none.
func problems(t *testing.T, err error) []string {
	t.Helper()
	var ie *domain.ProblemList
	if !errors.As(err, &ie) || !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("want a *domain.ProblemList, got %v", err)
	}
	return strings.Split(err.Error(), "\n")
}

func TestScores(t *testing.T) {
	ctx := context.Background()
	ok := "\ufeffperiod,unit,item,stage,points,comment\n2025,SNV,1.1,self,0.75,\n2025,SNV,1.1,final,0.5,Trễ hạn\n2025,SNV,1.2,final,na,\n"
	rows, err := imports.Scores(ctx, lookup(t), "s.csv", strings.NewReader(ok))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || !rows[0].Value.Points.Equal(scoring.NewInt(3).Div(scoring.NewInt(4))) || rows[1].Comment != "Trễ hạn" || !rows[2].Value.NA {
		t.Errorf("rows = %+v", rows)
	}

	cases := []struct {
		name string
		csv  string
		want []string
	}{
		{"extra column", "period,unit,item,stage,points,note\n", []string{"s.csv:1: note: unknown column (expected period,unit,item,stage,points[,comment])"}},
		{"missing column", "period,unit,item,points\n2025,SNV,1.1,1\n", []string{"s.csv:1: stage: the column is missing"}},
		{"no rows", "period,unit,item,stage,points\n", []string{"s.csv: the file has a header but no data rows"}},
		{"every bad row named", "period,unit,item,stage,points\n" +
			"2025,SNV,1.1,appraisal,1.5\n" + // line 2: above max
			"2025,SNV,1.1,final,0.3\n" + // line 3: off step
			"2025,NOPE,1.1,self,1\n" + // line 4: unknown unit
			"2025,SNV,9.9,self,1\n" + // line 5: unknown item
			"2025,SNV,1,self,1\n" + // line 6: a group
			"2025,SNV,1.2,self,1\n" + // line 7: computed leaf
			"2025,SNV,1.4,draft,1\n" + // line 8: bad stage
			"2025,SNV,1.4,self,abc\n" + // line 9: not a number
			"2025,SNV,1.4,final,\n" + // line 10: empty
			"2024,SNV,1.4,self,1\n" + // line 11: no set for the period
			"2025,X1,1.4,self,1\n" + // line 12: no set for the unit's group
			"2025,SNV,1.1,self,1\n" + // line 13: fine
			"2025,SNV,1.1,self,0.5\n", // line 14: duplicate of 13
			[]string{
				"s.csv:2: points: item 1.1: points 1.5 are above the maximum 1",
				"s.csv:3: points: item 1.1: points 0.3 are not a multiple of the step 0.25",
				"s.csv:4: unit: unit NOPE does not exist",
				"s.csv:5: item: item 9.9 is not in the criteria set \"Sở 2025\"",
				"s.csv:6: item: item 1 is a group",
				"s.csv:7: points: item 1.2: is computed (ratio) from inputs",
				"s.csv:8: stage: stage \"draft\" must be self, appraisal, explanation or final",
				"s.csv:9: points: \"abc\" is not a number",
				"s.csv:10: points: is empty",
				"s.csv:11: period: there is no criteria set for group SO in period 2024",
				"s.csv:12: period: there is no criteria set for group XA in period 2025",
				"s.csv:14: unit SNV, item 1.1, stage self already appears on line 13",
			}},
		{"quoted field with newline keeps line numbers", "period,unit,item,stage,points,comment\n2025,SNV,1.1,self,1,\"two\nlines\"\n2025,SNV,1.1,final,2,\n",
			[]string{"s.csv:4: points: item 1.1: points 2 are above the maximum 1"}},
		{"ragged row", "period,unit,item,stage,points\n2025,SNV,1.1\n", []string{"s.csv:2: has 3 fields, the header has 5"}},
		{"not utf-8", "period,unit,item,stage,points\n2025,S\xd4,1.1,self,1\n", []string{"s.csv: the file is not UTF-8 text"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := imports.Scores(ctx, lookup(t), "s.csv", strings.NewReader(c.csv))
			got := problems(t, err)
			if len(got) != len(c.want) {
				t.Errorf("got %d problems, want %d:\n%s", len(got), len(c.want), strings.Join(got, "\n"))
			}
			for i, w := range c.want {
				if i < len(got) && !strings.HasPrefix(got[i], w) {
					t.Errorf("problem %d = %q, want prefix %q", i, got[i], w)
				}
			}
		})
	}
}

func TestInputs(t *testing.T) {
	ctx := context.Background()
	rows, err := imports.Inputs(ctx, lookup(t), "i.csv", strings.NewReader("period,unit,input,value\n2025,SNV,done,12\n2025,SNV,tasks,15\n2025,SNV,sipas,0.9728\n"))
	if err != nil || len(rows) != 3 || rows[2].Value.String() != "0.9728" {
		t.Fatalf("rows %+v err %v", rows, err)
	}
	_, err = imports.Inputs(ctx, lookup(t), "i.csv", strings.NewReader("period,unit,input,value\n2025,SNV,done,-1\n2025,SNV,typo,3\n2025,SNV,sipas,1e\n2025,SNV,tasks,4\n2025,SNV,tasks,5\n"))
	want := []string{
		"i.csv:2: value: -1 is negative",
		"i.csv:3: input: \"typo\" is not an input of the criteria set \"Sở 2025\"",
		"i.csv:4: value: \"1e\" is not a number",
		"i.csv:6: unit SNV, input tasks already appears on line 5",
	}
	got := problems(t, err)
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %q, want prefix %q", i, got[i], want[i])
		}
	}
}

func TestUnitsAndGroups(t *testing.T) {
	units, err := imports.Units("u.csv", strings.NewReader("code,name,group,parent\nSNV,Sở Nội vụ,SO,\nCC,Chi cục Văn thư,SO,SNV\n"))
	if err != nil || len(units) != 2 || units[1].Parent != "SNV" {
		t.Fatalf("units %+v err %v", units, err)
	}
	_, err = imports.Units("u.csv", strings.NewReader("code,name,group\nSNV,,SO\nS N V,X,SO\nA,A,\nA,B,SO\n"))
	want := []string{
		"u.csv:2: name: is empty",
		"u.csv:3: code: \"S N V\" may hold only letters, digits",
		"u.csv:4: group: is empty",
		"u.csv:5: code: unit A already appears on line 4",
	}
	got := problems(t, err)
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %q, want prefix %q", i, got[i], want[i])
		}
	}
	groups, err := imports.Groups("g.csv", strings.NewReader("code,name\nSO,\"Sở, ban, ngành\"\n"))
	if err != nil || groups[0].Name != "Sở, ban, ngành" {
		t.Fatalf("groups %+v err %v", groups, err)
	}
}
