package workflow

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// fileKind is an accepted evidence type: the extensions it may carry and a
// test of its first bytes.
type fileKind struct {
	contentType string
	exts        []string
	magic       func([]byte) bool
}

func prefix(p string) func([]byte) bool {
	return func(b []byte) bool { return bytes.HasPrefix(b, []byte(p)) }
}

// zip is the container of Office Open XML and OpenDocument files.
var zipMagic = prefix("PK\x03\x04")

// oleMagic is the container of legacy Word and Excel files.
var oleMagic = prefix("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")

var fileKinds = []fileKind{
	{"application/pdf", []string{".pdf"}, prefix("%PDF-")},
	{"image/jpeg", []string{".jpg", ".jpeg"}, prefix("\xff\xd8\xff")},
	{"image/png", []string{".png"}, prefix("\x89PNG\r\n\x1a\n")},
	{"image/tiff", []string{".tif", ".tiff"}, func(b []byte) bool {
		return bytes.HasPrefix(b, []byte("II*\x00")) || bytes.HasPrefix(b, []byte("MM\x00*"))
	}},
	{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", []string{".docx"}, zipMagic},
	{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []string{".xlsx"}, zipMagic},
	{"application/vnd.openxmlformats-officedocument.presentationml.presentation", []string{".pptx"}, zipMagic},
	{"application/vnd.oasis.opendocument.text", []string{".odt"}, zipMagic},
	{"application/vnd.oasis.opendocument.spreadsheet", []string{".ods"}, zipMagic},
	{"application/msword", []string{".doc"}, oleMagic},
	{"application/vnd.ms-excel", []string{".xls"}, oleMagic},
}

// AllowedExtensions lists the evidence file extensions accepted.
func AllowedExtensions() []string {
	var out []string
	for _, k := range fileKinds {
		out = append(out, k.exts...)
	}
	return out
}

// detect returns the content type of a file whose name and first bytes
// agree on an accepted kind, or "".
func detect(name string, head []byte) string {
	ext := strings.ToLower(path.Ext(name))
	for _, k := range fileKinds {
		for _, e := range k.exts {
			if e == ext && k.magic(head) {
				return k.contentType
			}
		}
	}
	return ""
}

// CheckFileName refuses names that are empty, too long, hold path
// separators or control characters, or are only dots.
func CheckFileName(name string) error {
	switch {
	case name == "":
		return domain.Errorf(domain.ErrInvalid, "wf.file.no_name", "the file has no name")
	case len(name) > 255:
		return domain.Errorf(domain.ErrInvalid, "wf.file.name_long", "the file name is longer than 255 bytes")
	case !utf8.ValidString(name):
		return domain.Errorf(domain.ErrInvalid, "wf.file.name_utf8", "the file name is not valid UTF-8")
	case strings.ContainsAny(name, `/\`):
		return domain.Errorf(domain.ErrInvalid, "wf.file.name_path", "the file name %q holds a path separator", name)
	case strings.Trim(name, ".") == "":
		return domain.Errorf(domain.ErrInvalid, "wf.file.name_bad", "the file name %q is not a file name", name)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return domain.Errorf(domain.ErrInvalid, "wf.file.name_control", "the file name holds a control character")
		}
	}
	return nil
}

// readUpload reads an uploaded file whole, refusing one over the size
// limit (413) or empty (422).
func (s *Service) readUpload(content io.Reader, name string) ([]byte, error) {
	max := s.MaxUpload
	if max <= 0 {
		max = DefaultMaxUpload
	}
	data, err := io.ReadAll(io.LimitReader(content, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, domain.Errorf(domain.ErrTooLarge, "wf.file.too_large", "the file is larger than the limit of %d MB", max>>20)
	}
	if len(data) == 0 {
		return nil, domain.Errorf(domain.ErrInvalid, "wf.file.empty", "the file %q is empty", name)
	}
	return data, nil
}

// Upload is an evidence file sent for a leaf.
type Upload struct {
	Period, Unit, Item string
	FileName           string
	Content            io.Reader
}

// AddEvidence stores an evidence document for a leaf. The unit's officers
// attach evidence to the self-assessment (before submitting) and to an
// explanation (in the explanation phase). Checks: a safe, non-empty name
// (422), a non-empty file (422) within the size limit (413), of an accepted
// type whose content matches its extension (415). Nothing is stored when a
// check fails.
func (s *Service) AddEvidence(ctx context.Context, user auth.User, up Upload) (Evidence, error) {
	uc, err := s.load(ctx, user, up.Period, up.Unit)
	if err != nil {
		return Evidence{}, err
	}
	e, data, err := s.checkUpload(ctx, uc, user, up)
	if err != nil {
		return Evidence{}, err
	}
	if err := s.Files.Put(ctx, e.SHA256, bytes.NewReader(data)); err != nil {
		return Evidence{}, err
	}
	return s.store.AddEvidence(ctx, e)
}

// checkUpload checks an evidence file (see AddEvidence) and returns its
// record and content, to store.
func (s *Service) checkUpload(ctx context.Context, uc *unitCtx, user auth.User, up Upload) (Evidence, []byte, error) {
	if user.Role != auth.Officer {
		return Evidence{}, nil, domain.Errorf(domain.ErrForbidden, "wf.evidence.forbidden", "only the unit's officers attach evidence")
	}
	it := uc.fw.Item(up.Item)
	if it == nil || !it.IsLeaf() {
		return Evidence{}, nil, domain.Errorf(domain.ErrNotFound, "wf.item_not_leaf", "item %s is not a leaf of the criteria set %q", up.Item, uc.fw.Name)
	}
	stage := scoring.StageSelf
	if uc.period.Phase == domain.PhaseExplanation {
		stage = scoring.StageExplanation
	}
	if err := s.phaseOpen(ctx, uc, stage); err != nil {
		return Evidence{}, nil, err
	}
	if stage == scoring.StageSelf {
		sub, err := s.submission(ctx, uc)
		if err != nil {
			return Evidence{}, nil, err
		}
		if sub.Status == Submitted {
			return Evidence{}, nil, domain.Errorf(domain.ErrConflict, "wf.evidence.submitted", "unit %s has submitted its self-assessment; withdraw it to attach documents", up.Unit)
		}
	}
	name := strings.TrimSpace(up.FileName)
	if err := CheckFileName(name); err != nil {
		return Evidence{}, nil, err
	}
	data, err := s.readUpload(up.Content, name)
	if err != nil {
		return Evidence{}, nil, err
	}
	ct := detect(name, data[:min(len(data), 512)])
	if ct == "" {
		return Evidence{}, nil, domain.Errorf(domain.ErrUnsupported, "wf.file.type", "%q is not an accepted document (PDF, JPEG, PNG, TIFF, Word, Excel, PowerPoint or OpenDocument, with a matching extension)", name)
	}
	sum := sha256.Sum256(data)
	return Evidence{
		Period: up.Period, Unit: up.Unit, Item: up.Item, Stage: stage, FileName: name, ContentType: ct,
		Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), UploadedBy: user.Username, UploadedAt: s.now(),
	}, data, nil
}

// OpenEvidence returns an evidence document for download, to staff who may
// see its unit. An id of another unit's document is reported as not found,
// so that ids reveal nothing.
func (s *Service) OpenEvidence(ctx context.Context, user auth.User, id int64) (Evidence, io.ReadCloser, error) {
	e, err := s.store.EvidenceByID(ctx, id)
	if err != nil {
		return Evidence{}, nil, err
	}
	if _, err := s.load(ctx, user, e.Period, e.Unit); err != nil {
		return Evidence{}, nil, domain.Errorf(domain.ErrNotFound, "wf.evidence.not_found", "evidence %d not found", id)
	}
	rc, err := s.Files.Open(ctx, e.SHA256)
	if err != nil {
		return Evidence{}, nil, err
	}
	return e, rc, nil
}
