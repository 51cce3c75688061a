package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// lazyLogger is gorm's logger, rendering a statement only when it logs it:
// gorm's slog logger renders every statement with its values (regular
// expressions over the SQL) before deciding, a twentieth of a survey
// submission's time. It logs what that logger logs: failed statements,
// statements slower than slowQuery, every statement at Info.
type lazyLogger struct {
	logger.Interface
	level logger.LogLevel
}

func (l lazyLogger) LogMode(level logger.LogLevel) logger.Interface {
	return lazyLogger{l.Interface.LogMode(level), level}
}

func (l lazyLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	quiet := err == nil || errors.Is(err, gorm.ErrRecordNotFound)
	if quiet && l.level < logger.Info && time.Since(begin) <= slowQuery {
		return
	}
	l.Interface.Trace(ctx, begin, fc, err)
}
