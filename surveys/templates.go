package surveys

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed instruments/*.yaml
var templateFiles embed.FS

// Templates lists the instruments shipped with parindex (sipas, officials),
// by code, sorted. They are ordinary instrument files: copy one, edit it and
// import it for a period.
func Templates() []string {
	names, _ := fs.Glob(templateFiles, "instruments/*.yaml")
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, strings.TrimSuffix(path.Base(n), ".yaml"))
	}
	sort.Strings(out)
	return out
}

// Template returns the source of a shipped instrument and its parsed form.
func Template(code string) ([]byte, *Instrument, error) {
	src, err := templateFiles.ReadFile("instruments/" + code + ".yaml")
	if err != nil {
		return nil, nil, fmt.Errorf("surveys: no shipped instrument %q (there are: %s)", code, strings.Join(Templates(), ", "))
	}
	ins, err := ParseInstrument(bytes.NewReader(src))
	if err != nil {
		return nil, nil, fmt.Errorf("surveys: shipped instrument %s: %w", code, err)
	}
	return src, ins, nil
}
