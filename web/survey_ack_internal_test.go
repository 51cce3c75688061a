package web

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestResponseCreatedJSON: the acknowledgement written by hand is what
// encoding/json writes for it, but for <, >, & and the line separators
// U+2028 and U+2029, which it leaves as they are (escaped, they are for a
// page's script); a text that is not UTF-8 is left to encoding/json.
func TestResponseCreatedJSON(t *testing.T) {
	for _, a := range []apiResponseCreated{
		{ID: 1, Survey: "sipas-2026", Unit: "S1"},
		{ID: 9_007_199_254_740_993, Survey: `q"uote\back`, Unit: "Sở Nội vụ\ttab\nline\u2028"},
		{ID: -5, Survey: "", Unit: "\x00\x1f\u007f\u2029"},
		{ID: 0, Survey: "a<b>&c", Unit: "🙂"},
	} {
		got, ok := a.appendJSON(nil)
		if !ok {
			t.Fatalf("%+v: not written", a)
		}
		want, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		html := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&", `\u2028`, "\u2028", `\u2029`, "\u2029")
		if string(got) != html.Replace(string(want)) {
			t.Errorf("%+v:\nwrote       %s\njson.Marshal %s", a, got, want)
		}
		var back apiResponseCreated
		if err := json.Unmarshal(got, &back); err != nil || back != a {
			t.Errorf("%s reads back as %+v, %v", got, back, err)
		}
	}
	if _, ok := (apiResponseCreated{ID: 1, Survey: "s", Unit: "\xff"}).appendJSON(nil); ok {
		t.Error("a unit that is not UTF-8 was written")
	}
}
