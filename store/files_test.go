package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/store"
)

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func newFiles(t *testing.T) (*store.Files, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "evidence", "files")
	f, err := store.NewFiles(dir)
	must(t, err)
	return f, dir
}

// listFiles returns the regular files under dir, relative to it.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		files = append(files, rel)
		return err
	})
	must(t, err)
	return files
}

func readAll(t *testing.T, f *store.Files, name string) []byte {
	t.Helper()
	r, err := f.Open(t.Context(), name)
	must(t, err)
	defer r.Close()
	b, err := io.ReadAll(r)
	must(t, err)
	return b
}

func TestFilesRoundTrip(t *testing.T) {
	f, dir := newFiles(t)
	info, err := os.Stat(dir)
	must(t, err)
	if perm := info.Mode().Perm(); perm&^0o750 != 0 {
		t.Errorf("directory mode %v, want at most 0750", perm)
	}
	content := []byte("%PDF-1.7 báo cáo\x00\xff")
	name := sha(content)
	must(t, f.Put(t.Context(), name, bytes.NewReader(content)))
	if got := readAll(t, f, name); !bytes.Equal(got, content) {
		t.Errorf("read back %q, want %q", got, content)
	}
	want := filepath.Join(name[:2], name)
	if got := listFiles(t, dir); len(got) != 1 || got[0] != want {
		t.Errorf("files %v, want [%s]", got, want)
	}
	info, err = os.Stat(filepath.Join(dir, want))
	must(t, err)
	if perm := info.Mode().Perm(); perm != 0o640 {
		t.Errorf("file mode %v, want 0640", perm)
	}
	// Present already: nothing is read, nothing changes.
	must(t, f.Put(t.Context(), name, iotestErrReader{}))
	if got := readAll(t, f, name); !bytes.Equal(got, content) {
		t.Errorf("after a second Put: %q", got)
	}
	// The empty file is a file like any other.
	must(t, f.Put(t.Context(), sha(nil), bytes.NewReader(nil)))
	if got := readAll(t, f, sha(nil)); len(got) != 0 {
		t.Errorf("the empty file reads %q", got)
	}
	_, err = f.Open(t.Context(), sha([]byte("never stored")))
	wantKind(t, err, domain.ErrNotFound)
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("read when it should not be") }

func TestFilesRefuse(t *testing.T) {
	content := []byte("nội dung")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		file    string
		content io.Reader
		kind    error
	}{
		{"wrong hash", t.Context(), sha([]byte("other")), bytes.NewReader(content), domain.ErrInvalid},
		{"upper-case hex", t.Context(), strings.ToUpper(sha(content)), bytes.NewReader(content), domain.ErrInvalid},
		{"too short", t.Context(), sha(content)[:63], bytes.NewReader(content), domain.ErrInvalid},
		{"parent directory", t.Context(), "../" + sha(content)[3:], bytes.NewReader(content), domain.ErrInvalid},
		{"absolute path", t.Context(), "/etc/passwd", bytes.NewReader(content), domain.ErrInvalid},
		{"separator", t.Context(), sha(content)[:2] + "/" + sha(content)[3:], bytes.NewReader(content), domain.ErrInvalid},
		{"empty", t.Context(), "", bytes.NewReader(content), domain.ErrInvalid},
		{"failing reader", t.Context(), sha(content), io.MultiReader(bytes.NewReader(content), iotestErrReader{}), nil},
		{"cancelled", cancelled, sha(content), bytes.NewReader(content), context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, dir := newFiles(t)
			err := f.Put(tc.ctx, tc.file, tc.content)
			if err == nil {
				t.Fatal("Put succeeded")
			}
			if tc.kind != nil {
				wantKind(t, err, tc.kind)
			}
			if got := listFiles(t, dir); len(got) != 0 {
				t.Errorf("a refused Put left %v", got)
			}
			if tc.kind == domain.ErrInvalid && tc.file != sha([]byte("other")) {
				_, err := f.Open(t.Context(), tc.file)
				wantKind(t, err, domain.ErrInvalid)
			}
		})
	}
}

// TestFilesConcurrentPut stores the same content from several goroutines
// at once: every Put succeeds and one complete file remains.
func TestFilesConcurrentPut(t *testing.T) {
	f, dir := newFiles(t)
	content := bytes.Repeat([]byte("minh chứng "), 100_000)
	name := sha(content)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	start := make(chan struct{})
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs <- f.Put(t.Context(), name, bytes.NewReader(content))
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	if got := readAll(t, f, name); !bytes.Equal(got, content) {
		t.Errorf("read back %d bytes, want the %d stored", len(got), len(content))
	}
	if got := listFiles(t, dir); len(got) != 1 {
		t.Errorf("files %v, want the stored one alone", got)
	}
}

func TestNewFilesOnAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "file")
	must(t, os.WriteFile(path, nil, 0o600))
	if _, err := store.NewFiles(path); err == nil {
		t.Error("NewFiles accepted a regular file as its directory")
	}
	if _, err := store.NewFiles(""); err == nil {
		t.Error("NewFiles accepted an empty directory name")
	}
}
