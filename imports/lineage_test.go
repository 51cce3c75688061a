package imports_test

import (
	"strings"
	"testing"

	"github.com/parindex/parindex/imports"
	"github.com/parindex/parindex/scoring"
)

func TestLineageFile(t *testing.T) {
	lf, err := imports.Lineage("l.csv", strings.NewReader("\ufefffrom_period,from_unit,to_period,to_unit,weight\n"+
		"2024,31825,2025,P-BACLIEU,\n2024,31813,2025,P-BACLIEU,\n\n2024,32017,2025,P-TANTHANH,2.5\n2024,32020,2025,P-TANTHANH,1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(lf.Links) != 4 || lf.Lines[2] != 5 || !lf.Links[2].HasWeight || lf.Links[2].Weight.String() != "2.5" || lf.Links[0].HasWeight {
		t.Errorf("links %+v lines %v", lf.Links, lf.Lines)
	}
	// The weight column is optional.
	if _, err := imports.Lineage("l.csv", strings.NewReader("to_unit,to_period,from_unit,from_period\nB,2025,A,2024\n")); err != nil {
		t.Errorf("columns in another order: %v", err)
	}
	// Later problems (the store's) come back with their lines.
	err = lf.Problems("l.csv", []scoring.LinkProblem{{Link: 3, Field: "to_unit", Msg: "unit P-TANTHANH does not exist"}, {Link: -1, Field: "weight", Msg: "x"}})
	if err == nil || err.Error() != "l.csv: weight: x\nl.csv:6: to_unit: unit P-TANTHANH does not exist" {
		t.Errorf("store problems: %v", err)
	}
}

func TestLineageFileProblems(t *testing.T) {
	src := "from_period,from_unit,to_period,to_unit,weight,note\n"
	if _, err := imports.Lineage("l.csv", strings.NewReader(src)); err == nil || !strings.Contains(err.Error(), "l.csv:1: note: unknown column") {
		t.Errorf("an extra column: %v", err)
	}
	src = "from_period,from_unit,to_period,to_unit,weight\n" +
		"2024,A,2025,M,abc\n" + // 2
		"2024,B,2025,M,0\n" + // 3
		"2024,,2025-Q5,M,\n" + // 4
		"2025,C,2024,N,\n" + // 5
		"2024,D,2025,P,2\n" + // 6
		"2024,E,2025,P,\n" + // 7
		"2024,D,2025,P,2\n" + // 8
		"2024,X Y,2025,P,\n" // 9
	_, err := imports.Lineage("l.csv", strings.NewReader(src))
	if err == nil {
		t.Fatal("a bad file was accepted")
	}
	want := []string{
		`l.csv:2: weight: "abc" is not a number`,
		`l.csv:3: weight: 0 must be greater than 0`,
		`l.csv:4: from_unit: is empty`,
		`l.csv:5: to_period: 2024 does not begin after from_period 2025`,
		`l.csv:7: weight: unit P has weights for some of its predecessors into 2025 but not for E`,
		`l.csv:8: to_unit: the link 2024 D → 2025 P already appears on line 6`,
		`l.csv:9: from_unit: "X Y" may hold only letters, digits`,
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	// 2025-Q5 is a code but not a period: the row is dropped at its first
	// problem (the empty unit), so it is not reported twice.
	if strings.Contains(err.Error(), "2025-Q5") {
		t.Errorf("line 4 reported twice:\n%v", err)
	}
}

// FuzzLineage: no file makes the reader panic, and the links of a file it
// accepts form a lineage.
func FuzzLineage(f *testing.F) {
	f.Add("from_period,from_unit,to_period,to_unit,weight\n2024,A,2025,M,1\n2024,B,2025,M,3\n")
	f.Add("from_period,from_unit,to_period,to_unit\n2024-Q4,A,2025-01,B\n2024,B,2025,B\n")
	f.Add("from_period,from_unit,to_period,to_unit,weight\n2024,A,2025,M,\"1,5\"\n\"2024\n")
	f.Add("to_unit,from_unit\nA,B\n")
	f.Fuzz(func(t *testing.T, src string) {
		lf, err := imports.Lineage("f.csv", strings.NewReader(src))
		if err != nil {
			if lf != nil {
				t.Fatal("a refused file returned links")
			}
			return
		}
		if len(lf.Links) == 0 || len(lf.Links) != len(lf.Lines) {
			t.Fatalf("%d links, %d lines", len(lf.Links), len(lf.Lines))
		}
		if _, err := scoring.NewLineage(lf.Links); err != nil {
			t.Fatalf("accepted links do not form a lineage: %v", err)
		}
	})
}
