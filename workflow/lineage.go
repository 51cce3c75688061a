package workflow

import (
	"context"

	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// Lineage implements results.LineageSource: the lineage is not part of a
// publication's frozen data — a change that a published period's
// comparison follows is refused while it is published — so the live
// store's serves, when it has one.
func (p *PublishedResults) Lineage(ctx context.Context) (*scoring.Lineage, error) {
	if src, ok := p.Live.(results.LineageSource); ok {
		return src.Lineage(ctx)
	}
	return nil, nil
}
