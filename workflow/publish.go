package workflow

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
)

// PublishRequest is the steering committee's decision publishing a
// period's result.
type PublishRequest struct {
	Period       string
	DecisionNo   string
	DecisionDate time.Time
	// Reason says why a correction is published: required for every
	// publication after the first.
	Reason string
	// Override is the committee's reason to publish a period that is not
	// ready (Readiness); without it such a period is refused.
	Override string
}

// maxReason bounds the reasons of corrections and overrides.
const maxReason = 2000

// Publish approves and publishes a period's result by the committee's
// decision: it freezes the data, computes the final result from the frozen
// data, and records the decision, the reasons and the readiness report
// with them, moving the period to the published phase. A period is
// published from the final appraisal phase, or from a correction (then
// with a reason: the publication is the next number). Refused: another
// role (403); a missing decision number or date, a date after today in the
// province, a missing reason for a correction (422); another phase, or a
// period that is not ready without an override (409).
func (s *Service) Publish(ctx context.Context, user auth.User, req PublishRequest) (domain.Publication, error) {
	if user.Role != auth.Committee {
		return domain.Publication{}, domain.Errorf(domain.ErrForbidden, "wf.publish.forbidden", "only the steering committee publishes a result")
	}
	no := strings.TrimSpace(req.DecisionNo)
	reason, override := strings.TrimSpace(req.Reason), strings.TrimSpace(req.Override)
	switch {
	case no == "" || len([]rune(no)) > 100:
		return domain.Publication{}, domain.Errorf(domain.ErrInvalid, "wf.publish.decision_no", "the decision number is required (at most 100 characters), e.g. 123/QĐ-UBND")
	case req.DecisionDate.IsZero():
		return domain.Publication{}, domain.Errorf(domain.ErrInvalid, "wf.publish.decision_date", "the decision date is required")
	case len([]rune(reason)) > maxReason || len([]rune(override)) > maxReason:
		return domain.Publication{}, domain.Errorf(domain.ErrInvalid, "pub.reason_long", "a reason is longer than %d characters", maxReason)
	}
	date := calendarDate(req.DecisionDate)
	if today := calendarDate(s.now().In(s.zone())); date.After(today) {
		return domain.Publication{}, domain.Errorf(domain.ErrInvalid, "pub.future_date", "the decision date %s is after today (%s): a decision is published once it is signed",
			date.Format("02/01/2006"), today.Format("02/01/2006"))
	}
	p, err := s.store.Period(ctx, req.Period)
	if err != nil {
		return domain.Publication{}, err
	}
	switch p.Phase {
	case domain.PhaseFinalAppraisal:
	case domain.PhaseCorrection:
		if reason == "" {
			return domain.Publication{}, domain.Errorf(domain.ErrInvalid, "pub.reason_required", "period %s is reopened for a correction: say why the correction is published", p.Code)
		}
	case domain.PhasePublished:
		return domain.Publication{}, domain.Errorf(domain.ErrConflict, "pub.already_published", "period %s is published; the secretariat reopens it for a correction before a new publication", p.Code)
	default:
		return domain.Publication{}, domain.Errorf(domain.ErrConflict, "wf.publish.phase", "period %s can be published only from the final appraisal phase (it is in %s)", p.Code, p.Phase)
	}
	ready, err := s.readiness(ctx, p)
	if err != nil {
		return domain.Publication{}, err
	}
	if !ready.Ready && override == "" {
		// The problems go into the (English) text; pages show them from the
		// readiness report in the reader's language.
		detail := strings.ReplaceAll(strings.Join(ready.Problems(), "; "), "%", "%%")
		return domain.Publication{}, domain.Errorf(domain.ErrConflict, "pub.not_ready",
			"period %s is not ready to publish ("+detail+"); publish anyway only with an override giving the reason", p.Code)
	}
	if p.Phase == domain.PhaseFinalAppraisal {
		reason = "" // the first publication corrects nothing
	}
	if s.results == nil {
		return domain.Publication{}, fmt.Errorf("workflow: publish %s: no results service to freeze the data", p.Code)
	}
	pub, err := s.results.Freeze(ctx, p.Code)
	if err != nil {
		return domain.Publication{}, err
	}
	if pub.Readiness, err = json.Marshal(ready); err != nil {
		return domain.Publication{}, fmt.Errorf("workflow: readiness: %w", err)
	}
	pub.DecisionNo, pub.DecisionDate, pub.ApprovedBy, pub.PublishedAt = no, date, user.Username, s.now()
	pub.Reason, pub.Override = reason, override
	if err := s.store.Publish(ctx, pub); err != nil {
		return domain.Publication{}, err
	}
	heads, err := s.store.PublicationHeads(ctx, p.Code)
	if err != nil || len(heads) == 0 {
		return pub, err
	}
	return heads[len(heads)-1], nil
}

// calendarDate is the date of t in its own location, as midnight UTC.
func calendarDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Publications lists a period's publications, oldest first, with the
// correction that led to each one after the first.
func (s *Service) Publications(ctx context.Context, period string) ([]domain.Publication, []domain.Correction, error) {
	heads, err := s.store.PublicationHeads(ctx, period)
	if err != nil {
		return nil, nil, err
	}
	corrections, err := s.store.Corrections(ctx, period)
	if err != nil {
		return nil, nil, err
	}
	return heads, corrections, nil
}

// AttachDecision stores the signed decision (a PDF) of a publication, for
// the public to download (the committee or the secretariat). Checks: a
// safe, non-empty name ending in .pdf whose content is a PDF (422/415),
// within the upload limit (413); an unknown publication is not found.
func (s *Service) AttachDecision(ctx context.Context, user auth.User, period string, number int, up Upload) (domain.DecisionDocument, error) {
	if user.Role != auth.Committee && user.Role != auth.Admin {
		return domain.DecisionDocument{}, domain.Errorf(domain.ErrForbidden, "pub.decision_forbidden", "only the steering committee and the secretariat attach the signed decision")
	}
	if _, err := s.publication(ctx, period, number); err != nil {
		return domain.DecisionDocument{}, err
	}
	name := strings.TrimSpace(up.FileName)
	if err := CheckFileName(name); err != nil {
		return domain.DecisionDocument{}, err
	}
	data, err := s.readUpload(up.Content, name)
	if err != nil {
		return domain.DecisionDocument{}, err
	}
	if detect(name, data[:min(len(data), 512)]) != "application/pdf" {
		return domain.DecisionDocument{}, domain.Errorf(domain.ErrUnsupported, "pub.decision_pdf", "%q is not a PDF document: attach the signed decision as a .pdf file", name)
	}
	sum := sha256.Sum256(data)
	hexsum := hex.EncodeToString(sum[:])
	if err := s.Files.Put(ctx, hexsum, bytes.NewReader(data)); err != nil {
		return domain.DecisionDocument{}, err
	}
	return s.store.AddDecision(ctx, period, number, domain.DecisionDocument{FileName: name, Size: int64(len(data)), SHA256: hexsum,
		UploadedBy: user.Username, UploadedAt: s.now()})
}

// OpenDecision returns a publication's signed decision for download: it is
// public, like the publication itself.
func (s *Service) OpenDecision(ctx context.Context, period string, number int) (domain.DecisionDocument, io.ReadCloser, error) {
	pub, err := s.publication(ctx, period, number)
	if err != nil {
		return domain.DecisionDocument{}, nil, err
	}
	if pub.Decision == nil {
		return domain.DecisionDocument{}, nil, domain.Errorf(domain.ErrNotFound, "pub.no_decision", "publication %d of period %s has no signed decision attached", number, period)
	}
	rc, err := s.Files.Open(ctx, pub.Decision.SHA256)
	if err != nil {
		return domain.DecisionDocument{}, nil, err
	}
	return *pub.Decision, rc, nil
}

// publication returns one publication's head, or not found.
func (s *Service) publication(ctx context.Context, period string, number int) (domain.Publication, error) {
	heads, err := s.store.PublicationHeads(ctx, period)
	if err != nil {
		return domain.Publication{}, err
	}
	for _, h := range heads {
		if h.Number == number {
			return h, nil
		}
	}
	return domain.Publication{}, domain.Errorf(domain.ErrNotFound, "pub.not_found", "period %s has no publication number %d", period, number)
}
