package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/web"
)

func cmdServe(e *env, args []string) error {
	f := newFlags(e, "serve")
	defAddr := e.getenv("PARINDEX_ADDR")
	if defAddr == "" {
		defAddr = "127.0.0.1:8080"
	}
	addr := f.String("addr", defAddr, "HOST:PORT to listen on")
	withDemo := f.Bool("demo", false, "load the demo province when the database is empty")
	lang := f.String("lang", envOr(e, "PARINDEX_LANG", "vi"), "default language of the pages: vi or en")
	province := f.String("province", e.getenv("PARINDEX_PROVINCE"), "the province's name shown in the page header")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *lang != "vi" && *lang != "en" {
		return usagef("--lang %q must be vi or en", *lang)
	}
	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()
	if *withDemo {
		if _, err := loadDemo(e, st, e.stdout); err != nil {
			return err
		}
		if *province == "" {
			*province = demoProvince
		}
	}
	handler := web.New(web.Config{Logger: e.logger, DefaultLang: *lang, Province: *province}, web.Deps{
		Catalog: st,
		Results: &results.Service{Store: st},
	})
	srv := &http.Server{
		Addr:              *addr,
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	e.logger.Info("parindex is serving", "addr", "http://"+*addr+"/", "db", describeDB(f.db), "dialect", st.Dialect())
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-e.ctx.Done():
	}
	e.logger.Info("shutting down")
	ctx, cancel := contextWithTimeout(10 * time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	return nil
}

func envOr(e *env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
