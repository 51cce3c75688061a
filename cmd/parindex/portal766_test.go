package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parindex/parindex/portal766"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store/storetest"
)

// portalFixtures returns the Phú Thọ capture's files of one name (say
// "year-all"), from ../shared beside the repository. Without them the test
// is skipped, except under CI=true, where it fails.
func portalFixtures(t *testing.T, name string) []string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data", "qd766-phutho"))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", name+".json"))
	if len(files) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the portal fixtures are missing at %s (CI=true: not skipping)", dir)
		}
		t.Skipf("the portal fixtures are missing at %s", dir)
	}
	slices.Sort(files)
	return files
}

// TestImportPortal766Year imports the Phú Thọ year answers and ranks the
// departments and communes by their 766 total: every group total printed
// equals the portal's, but for the two online-payment scores the portal
// rounds through binary floating point (docs/service-index-766.md).
func TestImportPortal766Year(t *testing.T) {
	files := portalFixtures(t, "year-all")
	c := newCLI(t)
	out := c.ok(append([]string{"import", "portal766", "--period", "2026"}, files...)...)
	for _, w := range []string{
		"portal766: 6 answers for period 2026: 164 units (164 new, 0 updated), 7335 inputs recorded",
		"the 766 criteria set installed for 2026 PROVINCE", "the 766 criteria set installed for 2026 COMMUNE",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	batch, err := portal766.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	official := map[string]*portal766.Unit{}
	for _, u := range batch.Units {
		official[u.Code] = u
	}

	recs := readCSV(t, c.ok("score", "--period", "2026", "--format", "csv"))
	header := recs[0]
	wantHeader := "period,group,unit,unit_name,points,max,index,rank,grade,rank_change,index_change," +
		"item:transparency,item:progress,item:online,item:digitization,item:satisfaction,item:payment"
	if strings.Join(header, ",") != wantHeader {
		t.Fatalf("header %v", header)
	}
	count := map[string]int{}
	var differ []string
	prevIndex := map[string]scoring.Decimal{}
	for _, r := range recs[1:] {
		group, unit := r[1], r[2]
		count[group]++
		u := official[unit]
		if u == nil {
			t.Errorf("unit %s is ranked but is not a department or commune of the answers", unit)
			continue
		}
		if u.Level != group {
			t.Errorf("unit %s in group %s, want %s", unit, group, u.Level)
		}
		sum := scoring.NewInt(0)
		for i, kind := range portal766.Kinds {
			got := dec(t, r[11+i])
			sum = sum.Add(got)
			want := u.Totals[kind]
			if want == nil {
				t.Errorf("%s %s: the portal gives no total", unit, kind)
				continue
			}
			if !got.Equal(*want) {
				differ = append(differ, fmt.Sprintf("%s %s %s/%s", unit, kind, got.StringFixed(2), want.StringFixed(2)))
			}
		}
		if points := dec(t, r[4]); !points.Equal(sum) || r[5] != "100.00" || r[6] != r[4] {
			t.Errorf("%s: points %s max %s index %s; the items add up to %s", unit, r[4], r[5], r[6], sum)
		}
		index := dec(t, r[6])
		if prev, ok := prevIndex[group]; ok && index.GreaterThan(prev) {
			t.Errorf("%s: index %s ranks below %s", unit, index, prev)
		}
		prevIndex[group] = index
	}
	if count["PROVINCE"] != 15 || count["COMMUNE"] != 148 || len(count) != 2 {
		t.Errorf("ranked per group: %v, want 15 departments and 148 communes", count)
	}
	wantDiffer := []string{"H44.125 payment 7.23/7.22", "H44.158 payment 7.02/7.01"}
	slices.Sort(differ)
	if !slices.Equal(differ, wantDiffer) {
		t.Errorf("totals that differ from the portal's: %v, want %v", differ, wantDiffer)
	}

	// Importing the same answers again changes nothing and installs nothing.
	before := c.ok("score", "--period", "2026", "--format", "csv")
	again := c.ok(append([]string{"import", "portal766", "--period", "2026"}, files...)...)
	if !strings.Contains(again, "(0 new, 0 updated)") || strings.Contains(again, "installed") {
		t.Errorf("second import: %s", again)
	}
	if after := c.ok("score", "--period", "2026", "--format", "csv"); after != before {
		t.Error("a second import changed the results")
	}
}

func dec(t *testing.T, s string) scoring.Decimal {
	t.Helper()
	d, err := scoring.ParseDecimal(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// spoil copies a fixture with one replacement made.
func spoil(t *testing.T, file, old, new string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	out := filepath.Join(t.TempDir(), filepath.Base(filepath.Dir(file))+"-"+filepath.Base(file))
	if err := os.WriteFile(out, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestImportPortal766Refused: bad answers are refused with the file and the
// record named, and nothing is imported.
func TestImportPortal766Refused(t *testing.T) {
	files := portalFixtures(t, "month-all")
	byGroup := map[string]string{}
	for _, f := range files {
		byGroup[filepath.Base(filepath.Dir(f))] = f
	}
	progress := byGroup["dvc-progress-tree"]
	// H44.01 (Văn phòng UBND tỉnh) in August: its first child record.
	cases := []struct {
		name  string
		files func() []string
		code  int
		want  []string
	}{
		{"ids only, without an answer that gives the codes", func() []string { return []string{byGroup["transparency"]} }, 1,
			[]string{byGroup["transparency"] + ": evaluation[0] (Văn phòng UBND Tỉnh - Tỉnh Phú Thọ): departmentId 019d2be3-6a88-732b-8b17-bb1e9a3f14ab has no departmentCode"}},
		{"two answers of one group", func() []string { return []string{progress, portalFixtures(t, "year-all")[1]} }, 1,
			[]string{"is a second progress answer"}},
		{"a negative count", func() []string {
			return []string{spoil(t, progress, `"totalReceived":`, `"totalReceived":-`)}
		}, 1, []string{"parent (UBND tỉnh Phú Thọ): totalReceived is negative"}},
		{"on time above received", func() []string {
			return []string{spoil(t, progress, `"totalOnTime":`, `"totalOnTime":9`)}
		}, 1, []string{"parent (UBND tỉnh Phú Thọ): unit H44: the counts break the rule progress_on_time <= progress_received (Số hồ sơ đúng hạn không được lớn hơn số hồ sơ tiếp nhận): progress_on_time = 9144625, progress_received = 184513"}},
		{"not an evaluation answer", func() []string {
			p, _ := filepath.Abs(filepath.Join(filepath.Dir(filepath.Dir(progress)), "formalities", "page-1.json"))
			return []string{p}
		}, 1, []string{"is not an evaluation answer of Decision 766"}},
		{"a missing file", func() []string { return []string{"nope.json"} }, 1, []string{"nope.json: no such file or directory"}},
	}
	for _, cs := range cases {
		t.Run(cs.name, func(t *testing.T) {
			c := newCLI(t)
			code, _, errs := c.run("", append([]string{"import", "portal766", "--period", "2026-08"}, cs.files()...)...)
			if code != cs.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, cs.code, errs)
			}
			for _, w := range cs.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
			st := storetest.OpenURL(t, c.db)
			if err := st.Migrate(t.Context()); err != nil {
				t.Fatal(err)
			}
			if units, _ := st.Units(t.Context(), ""); len(units) != 0 {
				t.Errorf("%d units created by a refused import", len(units))
			}
			if periods, _ := st.Periods(t.Context()); len(periods) != 0 {
				t.Errorf("periods created by a refused import: %v", periods)
			}
		})
	}
	c := newCLI(t)
	for _, args := range [][]string{
		{"import", "portal766", progress},                        // no period
		{"import", "portal766", "--period", "2026-13", progress}, // not a month
		{"import", "portal766", "--period", "2026"},              // no file
		{"import", "portal766", "--period", "Q3-2026", progress}, // not a period
	} {
		if code, _, errs := c.run("", args...); code != 2 || errs == "" {
			t.Errorf("parindex %v: exit %d, stderr %q; want 2", args, code, errs)
		}
	}
}
