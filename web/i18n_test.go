package web_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// readCatalogue merges i18n/LANG.json and every i18n/AREA.LANG.json, failing
// on a key defined twice, as the server does.
func readCatalogue(t *testing.T, lang string) map[string]string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("i18n", "*"+lang+".json"))
	msgs := map[string]string{}
	for _, f := range files {
		base := filepath.Base(f)
		if base != lang+".json" && !strings.HasSuffix(base, "."+lang+".json") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var part map[string]string
		if err := json.Unmarshal(data, &part); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for k, v := range part {
			if _, dup := msgs[k]; dup {
				t.Errorf("%s: key %q is defined in another catalogue file too", f, k)
			}
			msgs[k] = v
		}
	}
	if len(msgs) == 0 {
		t.Fatalf("no catalogue for %s", lang)
	}
	return msgs
}

// The catalogues are kept key for key in step, with no empty text, and the
// same fmt verbs on both sides.
func TestCataloguesInStep(t *testing.T) {
	vi, en := readCatalogue(t, "vi"), readCatalogue(t, "en")
	verbs := regexp.MustCompile(`%[-+# 0]*[0-9]*[sdvfq%]`)
	for key, text := range vi {
		other, ok := en[key]
		if !ok {
			t.Errorf("en.json lacks %q", key)
			continue
		}
		if strings.TrimSpace(text) == "" || strings.TrimSpace(other) == "" {
			t.Errorf("%q is empty in one catalogue", key)
		}
		a, b := verbs.FindAllString(text, -1), verbs.FindAllString(other, -1)
		if !slices.Equal(a, b) {
			t.Errorf("%q: verbs %v in vi, %v in en", key, a, b)
		}
	}
	for key := range en {
		if _, ok := vi[key]; !ok {
			t.Errorf("vi.json lacks %q", key)
		}
	}
}

// Every key the templates and handlers use exists.
func TestCatalogueCoversUse(t *testing.T) {
	vi := readCatalogue(t, "vi")
	used := map[string]string{}
	scan := func(glob string, re *regexp.Regexp) {
		files, err := filepath.Glob(glob)
		if err != nil || len(files) == 0 {
			t.Fatalf("no files %s: %v", glob, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range re.FindAllStringSubmatch(string(data), -1) {
				used[m[1]] = f
			}
		}
	}
	scan("templates/*.html", regexp.MustCompile(`\bt "([a-z0-9_.]+)"`))
	scan("*.go", regexp.MustCompile(`(?:\.T|notFound)\("([a-z0-9_.]*[a-z0-9_])"`))
	// Domain errors that name their message (domain.Errorf), and the
	// workflow's keys built at run time.
	scan("../workflow/*.go", regexp.MustCompile(`domain\.Errorf\(domain\.Err[A-Za-z]+, "([a-z0-9_.]*[a-z0-9_])"`))
	for _, p := range []string{"unknown", "group", "computed", "negative", "above_max", "step", "values"} {
		used["wf.points."+p] = "workflow/service.go"
	}
	for _, r := range []string{"appraisal", "explanation", "final"} {
		used["wf.reason."+r] = "workflow/service.go"
	}
	// Keys built at run time.
	for _, m := range []string{"manual", "ratio", "tiers", "formula", "survey", "bonus", "penalty"} {
		used["method."+m] = "unit.go"
	}
	for _, k := range []string{"bonus", "penalty", "extra"} {
		used["unit.extra."+k] = "unit.html"
	}
	for _, s := range []string{"400", "403", "404", "405", "409", "422", "500", "503", "other"} {
		used["error."+s+".heading"] = "errors.go"
		used["error."+s+".message"] = "errors.go"
	}
	if len(used) < 40 {
		t.Fatalf("found only %d keys in use; is the scan broken?", len(used))
	}
	for key, file := range used {
		if _, ok := vi[key]; !ok {
			t.Errorf("%s uses %q, which the catalogues lack", file, key)
		}
	}
}

// A domain error's catalogue text takes the same arguments as its English
// format, verb for verb, in both languages.
func TestKeyedErrorsMatchTheirFormats(t *testing.T) {
	vi, en := readCatalogue(t, "vi"), readCatalogue(t, "en")
	verbs := regexp.MustCompile(`%[-+# 0]*[0-9]*[sdvfq]`)
	call := regexp.MustCompile(`domain\.Errorf\(domain\.Err[A-Za-z]+, "([a-z0-9_.]+)", "((?:[^"\\]|\\.)*)"`)
	files, _ := filepath.Glob("../workflow/*.go")
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(data), -1) {
			n++
			want := verbs.FindAllString(m[2], -1)
			for lang, cat := range map[string]map[string]string{"vi": vi, "en": en} {
				if got := verbs.FindAllString(cat[m[1]], -1); !slices.Equal(got, want) {
					t.Errorf("%s: %q in %s has verbs %v, its format %q has %v", f, m[1], lang, got, m[2], want)
				}
			}
		}
	}
	if n < 40 {
		t.Fatalf("found only %d keyed errors; is the scan broken?", n)
	}
}
