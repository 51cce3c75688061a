package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/parindex/parindex/domain"
)

// Files keeps evidence documents in a directory, outside the database, each
// under its SHA-256 in lowercase hex: dir/ab/abcdef… (the first two digits
// name a subdirectory, so that no directory grows too large). A stored file
// never changes: the same name always holds the same content. It is safe
// for concurrent use, by several processes too.
type Files struct {
	dir string
}

// NewFiles returns the file store of dir, creating the directory (0o750)
// when missing.
func NewFiles(dir string) (*Files, error) {
	if dir == "" {
		return nil, errors.New("store: files: the directory is empty")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("store: files: %w", err)
	}
	return &Files{dir: dir}, nil
}

// isSHA256 reports whether name is a SHA-256 in lowercase hex, which also
// makes it a safe file name: no separator, no "..".
func isSHA256(name string) bool {
	if len(name) != 2*sha256.Size {
		return false
	}
	for _, c := range []byte(name) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// path returns where a file is stored, or an error of kind
// domain.ErrInvalid when name is not a SHA-256 in lowercase hex.
func (f *Files) path(name string) (string, error) {
	if !isSHA256(name) {
		return "", domain.Invalidf("file name %q is not a SHA-256 in lowercase hex", name)
	}
	return filepath.Join(f.dir, name[:2], name), nil
}

// Put stores content under name, its SHA-256, and does nothing (reading
// nothing) when the file is already there. The content goes to a temporary
// file in the same directory, renamed into place once its hash is checked:
// readers never see a partial file, and content whose SHA-256 is not name
// is refused (an error of kind domain.ErrInvalid) and leaves nothing
// behind. Two Puts of the same content may run at once; both succeed.
func (f *Files) Put(ctx context.Context, name string, content io.Reader) (err error) {
	path, err := f.path(name)
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("store: put file %s: %w", name, err)
	}
	tmp, err := os.CreateTemp(dir, ".put-*")
	if err != nil {
		return fmt.Errorf("store: put file %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tmp, h), ctxReader{ctx, content}); err != nil {
		return fmt.Errorf("store: put file %s: %w", name, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != name {
		return domain.Invalidf("the content's SHA-256 is %s, not %s", got, name)
	}
	if err := tmp.Chmod(0o640); err != nil {
		return fmt.Errorf("store: put file %s: %w", name, err)
	}
	// The content must be on disk before the name points at it.
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("store: put file %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("store: put file %s: %w", name, err)
	}
	// Renaming over a file a concurrent Put just stored replaces it with
	// the same bytes.
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("store: put file %s: %w", name, err)
	}
	// Make the new name itself durable; not every file system can sync a
	// directory, and the file is complete either way.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// Open opens a stored file for reading, or returns an error of kind
// domain.ErrNotFound when there is none (domain.ErrInvalid when name is not
// a SHA-256 in lowercase hex).
func (f *Files) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	path, err := f.path(name)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: open file %s: %w", name, err)
	}
	file, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, domain.NotFoundf("file %s not found", name)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open file %s: %w", name, err)
	}
	return file, nil
}

// ctxReader stops a copy once its context is done, say when the client of
// an upload goes away.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}
