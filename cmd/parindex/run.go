package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/parindex/parindex/store"
)

// Exit statuses of contract.md.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// env carries what every command gets from its caller; nothing is global.
type env struct {
	ctx    context.Context
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	logger *slog.Logger
}

// usageError is a wrong invocation: it prints the message and the command's
// usage and exits with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

type command struct {
	name    string
	summary string
	run     func(e *env, args []string) error
}

func commands() []command {
	return []command{
		{"migrate", "create or upgrade the database schema", cmdMigrate},
		{"serve", "run the web server [--addr HOST:PORT] [--demo]", cmdServe},
		{"demo", "load the demo province (Cà Mau) into an empty database", cmdDemo},
		{"import", "import units | groups | framework | scores | inputs | lineage | targets FILE, or import portal766 --period P FILE.json...", cmdImportAny},
		{"template", "write a workbook to fill in: template inputs --period P --group G --out FILE.xlsx | template users --out FILE.xlsx", cmdTemplate},
		{"score", "compute and print results --period P [--group G] [--stage final|appraisal|self] [--format table|csv|json] [--live | --publication N] [--uncertainty N [--seed S] [--weights D]]", cmdScore},
		{"period", periodUsage, cmdPeriod},
		{"report", "write the period's Excel workbook: report --period P --out FILE.xlsx", cmdReport},
		{"user", "accounts: user add --username U --role R [--unit CODE] (password on standard input) | user import FILE.xlsx|FILE.csv... [--sheet FILE.html]", cmdUser},
		{"survey", "satisfaction surveys: survey codes|results|instrument|create|open|close|transactions|import|dossiers|list (see survey help)", cmdSurvey},
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr,
		logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel(getenv)}))}
	// Global flags may stand before the command: parindex --db x.db score ...
	var global []string
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		if args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
			printUsage(stdout)
			return exitOK
		}
		global = append(global, args[0])
		args = args[1:]
		if !strings.Contains(global[len(global)-1], "=") && len(args) > 0 {
			global = append(global, args[0])
			args = args[1:]
		}
	}
	if len(args) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	name, rest := args[0], append(global, args[1:]...)
	if name == "help" {
		printUsage(stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		err := c.run(e, rest)
		var ue *usageError
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "parindex %s: %s\n", name, ue.msg)
			fmt.Fprintf(stderr, "usage: parindex %s\n", c.summary)
			return exitUsage
		default:
			fmt.Fprintln(stderr, err)
			return exitError
		}
	}
	fmt.Fprintf(stderr, "parindex: unknown command %q\n", name)
	printUsage(stderr)
	return exitUsage
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: parindex COMMAND [--db URL] [flags]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\n--db URL (or PARINDEX_DATABASE_URL): a postgres:// URL, or the path of an SQLite file (default parindex.db)")
}

func logLevel(getenv func(string) string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(getenv("PARINDEX_LOG_LEVEL"))); err != nil {
		return slog.LevelInfo
	}
	return l
}

// flags is a command's flag set with the --db flag every command takes.
type flags struct {
	*flag.FlagSet
	db string
	e  *env
}

func newFlags(e *env, name string) *flags {
	f := &flags{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), e: e}
	f.SetOutput(io.Discard)
	def := e.getenv("PARINDEX_DATABASE_URL")
	if def == "" {
		def = "parindex.db"
	}
	f.StringVar(&f.db, "db", def, "database: postgres:// URL or SQLite file path")
	return f
}

// parse parses flags that may stand before, between or after the positional
// arguments, and returns the positional arguments.
func (f *flags) parse(args []string) ([]string, error) {
	var pos []string
	for {
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				f.SetOutput(f.e.stdout)
				f.PrintDefaults()
				return nil, err
			}
			return nil, usagef("%v", err)
		}
		args = f.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// open opens and migrates the database named by --db.
func (f *flags) open() (*store.Store, error) {
	st, err := store.Open(f.e.ctx, f.db, store.Options{Logger: f.e.logger})
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(f.e.ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}
