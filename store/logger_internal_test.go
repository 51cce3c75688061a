package store

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// TestLazyLogger: a statement is rendered and logged when it failed or was
// slow, never when it went well (nor rendered then).
func TestLazyLogger(t *testing.T) {
	var buf bytes.Buffer
	l := lazyLogger{logger.NewSlogLogger(slog.New(slog.NewTextHandler(&buf, nil)), logger.Config{
		LogLevel: logger.Warn, SlowThreshold: slowQuery, IgnoreRecordNotFoundError: true,
	}), logger.Warn}
	for _, c := range []struct {
		name   string
		begin  time.Time
		err    error
		logged bool
	}{
		{"fast", time.Now(), nil, false},
		{"not found", time.Now(), gorm.ErrRecordNotFound, false},
		{"failed", time.Now(), errors.New("boom"), true},
		{"slow", time.Now().Add(-2 * slowQuery), nil, true},
	} {
		buf.Reset()
		rendered := false
		l.Trace(context.Background(), c.begin, func() (string, int64) {
			rendered = true
			return "SELECT " + c.name, 1
		}, c.err)
		if logged := strings.Contains(buf.String(), "SELECT "+c.name); logged != c.logged || rendered != c.logged {
			t.Errorf("%s: logged %v, rendered %v, want %v:\n%s", c.name, logged, rendered, c.logged, buf.String())
		}
	}
	// At Info every statement is logged.
	buf.Reset()
	l.LogMode(logger.Info).Trace(context.Background(), time.Now(), func() (string, int64) { return "SELECT info", 1 }, nil)
	if !strings.Contains(buf.String(), "SELECT info") {
		t.Errorf("at Info a statement was not logged: %q", buf.String())
	}
}
