package web

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// LineageStore keeps the unit lineage (contract.md, "Unit lineage"): how
// units continue across periods. The store implements it.
type LineageStore interface {
	// Lineage returns the checked lineage (nil when empty).
	Lineage(ctx context.Context) (*scoring.Lineage, error)
	// LineageRecords lists the stored links with their authors.
	LineageRecords(ctx context.Context) ([]domain.LineageRecord, error)
	// LineageChanges returns the log of changes, oldest first.
	LineageChanges(ctx context.Context) ([]domain.LineageChange, error)
	// SaveLineage adds links or changes their weights, all or nothing; a
	// *domain.LineageError lists what is wrong.
	SaveLineage(ctx context.Context, links []scoring.Link, author, source string) (added, updated int, err error)
	// DeleteLineage removes a link.
	DeleteLineage(ctx context.Context, key scoring.LinkKey, author, source string) error
}

// lineageOf returns the unit lineage pages follow, nil without one.
func (s *server) lineageOf(ctx context.Context) (*scoring.Lineage, error) {
	if s.lineage == nil {
		return nil, nil
	}
	lin, err := s.lineage.Lineage(ctx)
	if err != nil {
		return nil, fmt.Errorf("web: lineage: %w", err)
	}
	return lin, nil
}

// lineageProblems says a refused change to the lineage in the reader's
// language, one line per problem naming the link and field; ok is false
// for an error that is not a *domain.LineageError.
func lineageProblems(l *locale, err error) ([]string, bool) {
	var le *domain.LineageError
	if !errors.As(err, &le) {
		return nil, false
	}
	out := make([]string, len(le.Problems))
	for i, p := range le.Problems {
		msg := p.Msg
		if _, known := l.msgs[p.Key]; known {
			msg = l.T(p.Key, p.Args...)
			if p.Link < 0 {
				msg += " " + l.T("lineage.problem.stored")
			}
		}
		out[i] = l.T("lineage.problem.line", linkText(le.Links[i]), l.T("lineage.field."+p.Field), msg)
	}
	return out, true
}

// linkText writes a link "2024 · A → 2025 · M".
func linkText(k scoring.LinkKey) string {
	return fmt.Sprintf("%s · %s → %s · %s", k.FromPeriod, k.FromUnit, k.ToPeriod, k.ToUnit)
}

// trimCode cleans a code typed in a form.
func trimCode(s string) string { return strings.TrimSpace(s) }

// kindLabel names how a unit continues its predecessors: a merger says of
// how many units.
func kindLabel(l *locale, kind scoring.ComparisonKind, units int) string {
	if kind == scoring.Merged {
		return l.T("lineage.kind.merged", units)
	}
	return l.T("lineage.kind." + string(kind))
}
