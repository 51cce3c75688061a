// Package browsertest starts Debian's headless Chromium for browser tests
// driven with chromedp, saves screenshots of the steps a test walks, and
// keeps a tab to the test server alone (WatchOffline) while checking that
// its charts are drawn (ChartsRendered).
//
// Where Chromium is missing the test is skipped, except under CI=true, where
// it fails: a CI run never passes by skipping its browser tests.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser is a headless Chromium tab.
type Browser struct {
	// Ctx runs chromedp actions in the tab.
	Ctx context.Context
	t   testing.TB
	dir string
}

// executable finds Chromium: $PARINDEX_CHROMIUM, then the usual names.
func executable() string {
	if p := os.Getenv("PARINDEX_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New starts a headless Chromium with a window of width × height and an
// empty profile, closed when the test ends. Every action gets at most
// timeout in total.
func New(t testing.TB, width, height int, timeout time.Duration) *Browser {
	t.Helper()
	exe := executable()
	if exe == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("browsertest: Chromium is not installed (CI=true: not skipping); apt-get install chromium")
		}
		t.Skip("browsertest: Chromium is not installed; apt-get install chromium")
	}
	// Not t.TempDir: Chromium may still write to its profile for a moment
	// after the tab is closed, which makes the test's own cleanup fail.
	profile, err := os.MkdirTemp("", "parindex-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	// The flags keep Chromium off the network: this machine has none, and
	// background connections would only fail.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(width, height),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() {
		cancelTimeout()
		_ = chromedp.Cancel(ctx) // closes the browser and waits for it
		cancelTab()
		cancelAlloc()
		for range 20 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	// The window size alone does not make a narrow viewport: headless
	// Chromium keeps a minimum width, so the viewport is emulated.
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("browsertest: start %s: %v", exe, err)
	}
	dir := os.Getenv("PARINDEX_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "parindex-screenshots")
	}
	return &Browser{Ctx: ctx, t: t, dir: filepath.Join(dir, safeName(t.Name()))}
}

// Run runs chromedp actions, failing the test on an error.
func (b *Browser) Run(actions ...chromedp.Action) {
	b.t.Helper()
	if err := chromedp.Run(b.Ctx, actions...); err != nil {
		b.t.Fatalf("browsertest: %v", err)
	}
}

// Screenshot saves a full-page PNG of the tab as NAME.png in the test's
// screenshot folder ($PARINDEX_SCREENSHOTS/TEST, by default under the
// system's temporary directory) and returns its path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	var png []byte
	b.Run(chromedp.FullScreenshot(&png, 100)) // quality 100 gives PNG; lower gives JPEG
	if err := os.MkdirAll(b.dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	p := filepath.Join(b.dir, safeName(name)+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", p)
	return p
}

var unsafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeName(s string) string { return unsafe.ReplaceAllString(s, "_") }
