package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/imports"
)

// lineage imports a lineage file (contract.md, "Unit lineage"), all or
// nothing: the file's own problems and those the store finds (unknown
// units, a clash with the links already stored, a published period's
// comparison) are reported with their lines.
func (im importer) lineage(file string, r io.Reader) (string, error) {
	lf, err := imports.Lineage(file, r)
	if err != nil {
		return "", err
	}
	added, updated, err := im.st.SaveLineage(im.e.ctx, lf.Links, im.author, "import")
	var le *domain.LineageError
	if errors.As(err, &le) {
		return "", lf.Problems(file, le.Problems)
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	return fmt.Sprintf("%s: %d lineage links imported (%d new, %d updated)", filepath.Base(file), len(lf.Links), added, updated), nil
}
