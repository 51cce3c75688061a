package main

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/imports"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store"
)

func cmdMigrate(e *env, args []string) error {
	f := newFlags(e, "migrate")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()
	v, err := st.SchemaVersion(e.ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "database %s is at schema version %d\n", describeDB(f.db), v)
	return nil
}

// describeDB names a database for messages without printing a password.
func describeDB(url string) string {
	if i := strings.LastIndex(url, "@"); i >= 0 && store.IsPostgresURL(url) {
		scheme := url[:strings.Index(url, "://")+3]
		return scheme + "…" + url[i:]
	}
	return url
}

func currentUser(e *env) string {
	if u := e.getenv("PARINDEX_AUTHOR"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "cli:" + u.Username
	}
	return "cli"
}

func cmdImport(e *env, args []string) error {
	f := newFlags(e, "import")
	force := f.Bool("force", false, "replace a criteria set even when points exist for it")
	author := f.String("author", "", "who is recorded in the change log (default: the system user)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usagef("name what to import and the file: import units|groups|framework|scores|inputs|lineage FILE")
	}
	kind, files := pos[0], pos[1:]
	switch kind {
	case "units", "groups", "framework", "scores", "inputs", "lineage":
	default:
		return usagef("unknown import %q (units, groups, framework, scores, inputs or lineage)", kind)
	}
	if *author == "" {
		*author = currentUser(e)
	}
	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()
	im := importer{e: e, st: st, author: *author, force: *force}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("%s: %w", file, errors.Unwrap(err))
		}
		msg, err := im.load(kind, file, data)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, msg)
	}
	return nil
}

// importer loads one data file into the store, all or nothing.
type importer struct {
	e      *env
	st     *store.Store
	author string
	force  bool
}

func (im importer) load(kind, file string, data []byte) (string, error) {
	ctx := im.e.ctx
	name := filepath.Base(file)
	r := strings.NewReader(string(data))
	switch kind {
	case "groups":
		groups, err := imports.Groups(file, r)
		if err != nil {
			return "", err
		}
		if err := im.st.UpsertGroups(ctx, groups); err != nil {
			return "", fmt.Errorf("%s: %w", file, err)
		}
		return fmt.Sprintf("%s: %d unit groups imported", name, len(groups)), nil
	case "units":
		units, err := imports.Units(file, r)
		if err != nil {
			return "", err
		}
		created, updated, err := im.st.ImportUnits(ctx, units)
		if err != nil {
			return "", fmt.Errorf("%s: %w", file, err)
		}
		return fmt.Sprintf("%s: %d units imported (%d new, %d updated)", name, len(units), created, updated), nil
	case "framework":
		fw, err := scoring.ParseFramework(r)
		if err != nil {
			return "", frameworkError(file, err)
		}
		replaced, err := im.st.SaveFramework(ctx, fw, data, im.force)
		if err != nil {
			return "", fmt.Errorf("%s: %w", file, err)
		}
		verb := "imported"
		if replaced {
			verb = "replaced"
		}
		return fmt.Sprintf("%s: criteria set %q (group %s, period %s, %d leaves, %s points) %s",
			name, fw.Name, fw.Group, fw.Period, len(fw.Leaves()), fw.Max(), verb), nil
	case "scores":
		rows, err := imports.Scores(ctx, im.st, file, r)
		if err != nil {
			return "", err
		}
		changed, err := im.st.RecordScores(ctx, rows, im.author, "import")
		if err != nil {
			return "", fmt.Errorf("%s: %w", file, err)
		}
		return fmt.Sprintf("%s: %d points recorded (%d changed)", name, len(rows), changed), nil
	case "lineage":
		return im.lineage(file, r)
	default: // inputs
		rows, err := imports.Inputs(ctx, im.st, file, r)
		if err != nil {
			return "", err
		}
		if err := im.st.RecordInputs(ctx, rows, im.author); err != nil {
			return "", fmt.Errorf("%s: %w", file, err)
		}
		return fmt.Sprintf("%s: %d inputs recorded", name, len(rows)), nil
	}
}

// frameworkError prefixes every problem of a criteria set with the file name,
// one line per problem.
func frameworkError(file string, err error) error {
	var ve *domain.ProblemList
	if !errors.As(err, &ve) {
		return fmt.Errorf("%s: %w", file, err)
	}
	for i := range ve.Problems {
		ve.Problems[i].File = file
	}
	return errors.New(strings.Join(ve.Lines(), "\n"))
}
