package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/surveys"
)

const surveyUsage = `survey codes --survey ID --unit CODE --count N     print N new one-time codes, one a line
survey results --survey ID [--format csv|json]     per unit: unit,responses,satisfaction,ci_low,ci_high
survey export --survey ID [--format csv|xlsx] --out FILE [--lang vi|en]
                                                   every response, one row each, with every answer,
                                                   channel, status and flags (xlsx: and a codebook)
survey instrument --period P FILE.yaml | --template sipas|officials
                                                   add or replace a questionnaire for a period
survey create --survey ID --name NAME --period P --instrument CODE [--groups G,...|--units U,...]
              [--margin 0.05] [--formula share|mean] [--require-code]
                                                   create a survey (draft) over units
survey open|close --survey ID                      open or close a survey
survey transactions --survey ID FILE.csv           record units' transactions: unit,transactions
survey import --survey ID FILE.csv|FILE.xlsx       import questionnaires: unit[,code],QUESTION...
survey dossiers --survey ID --unit CODE FILE       register dossier numbers (one a line) as codes
survey list                                        list surveys and their progress`

// cmdSurvey runs the survey sub-commands.
func cmdSurvey(e *env, args []string) error {
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
		fmt.Fprintln(e.stdout, surveyUsage)
		return nil
	}
	// The sub-command may follow global flags: parindex --db x survey codes ...
	var sub string
	rest := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case strings.HasPrefix(a, "-"):
			rest = append(rest, a)
			// A flag's value follows it unless written --flag=value; only
			// --require-code takes none.
			if !strings.Contains(a, "=") && strings.TrimLeft(a, "-") != "require-code" && i+1 < len(args) {
				i++
				rest = append(rest, args[i])
			}
		case sub == "":
			sub = a
		default:
			rest = append(rest, a)
		}
	}
	f := newFlags(e, "survey "+sub)
	survey := f.String("survey", "", "the survey id")
	unit := f.String("unit", "", "a unit code")
	count := f.Int("count", 0, "how many codes")
	format := f.String("format", "csv", "csv or json (results); csv or xlsx (export)")
	out := f.String("out", "", "the file to write (export)")
	lang := f.String("lang", "vi", "the language of the workbook's codebook: vi or en (export)")
	period := f.String("period", "", "the period")
	template := f.String("template", "", "a shipped questionnaire: sipas or officials")
	name := f.String("name", "", "the survey's name")
	instrument := f.String("instrument", "", "the questionnaire's code")
	groups := f.String("groups", "", "comma-separated unit groups to cover (default: every unit)")
	units := f.String("units", "", "comma-separated units to cover")
	margin := f.String("margin", "0.05", "margin of error e of the target samples")
	formula := f.String("formula", "share", "share or mean")
	requireCode := f.Bool("require-code", false, "every response must carry a one-time code")
	pos, err := f.parse(rest)
	if err != nil {
		return err
	}
	need := func(flag, v string) error {
		if v == "" {
			return usagef("--%s is required", flag)
		}
		return nil
	}
	oneFile := func() (string, error) {
		if len(pos) != 1 {
			return "", usagef("name one file")
		}
		return pos[0], nil
	}
	switch sub {
	case "codes", "results", "open", "close", "transactions", "import", "dossiers", "export":
		if err := need("survey", *survey); err != nil {
			return err
		}
	case "instrument", "create", "list":
	case "":
		return usagef("name a survey command:\n%s", surveyUsage)
	default:
		return usagef("unknown survey command %q:\n%s", sub, surveyUsage)
	}
	switch sub {
	case "codes":
		if err := need("unit", *unit); err != nil {
			return err
		}
		if *count < 1 || *count > surveys.MaxCodes {
			return usagef("--count must be between 1 and %d", surveys.MaxCodes)
		}
	case "results":
		if *format != "csv" && *format != "json" {
			return usagef("--format %q must be csv or json", *format)
		}
	case "export":
		if err := need("out", *out); err != nil {
			return err
		}
		if !formatSet(f) && strings.EqualFold(filepath.Ext(*out), ".xlsx") {
			*format = "xlsx"
		}
		if *format != "csv" && *format != "xlsx" {
			return usagef("--format %q must be csv or xlsx", *format)
		}
		if *lang != "vi" && *lang != "en" {
			return usagef("--lang %q must be vi or en", *lang)
		}
	case "instrument":
		if err := need("period", *period); err != nil {
			return err
		}
		if (*template == "") == (len(pos) == 0) {
			return usagef("name a questionnaire file or --template, not both")
		}
	case "create":
		for flag, v := range map[string]string{"survey": *survey, "name": *name, "period": *period, "instrument": *instrument} {
			if err := need(flag, v); err != nil {
				return err
			}
		}
	case "dossiers":
		if err := need("unit", *unit); err != nil {
			return err
		}
	}

	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()
	svc := surveys.NewService(st)
	ctx := e.ctx
	switch sub {
	case "codes":
		codes, err := svc.NewCodes(ctx, *survey, *unit, *count)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, strings.Join(codes, "\n"))
	case "results":
		c, res, err := svc.Results(ctx, *survey)
		if err != nil {
			return err
		}
		if *format == "json" {
			return surveys.WriteJSON(e.stdout, c, res)
		}
		return surveys.WriteCSV(e.stdout, c, res)
	case "export":
		n, err := exportSurvey(ctx, svc, *survey, *out, surveys.ExportOptions{Format: *format, Lang: *lang})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: %s written (%d bytes)\n", *survey, *out, n)
	case "instrument":
		var src []byte
		file := ""
		if *template != "" {
			if src, _, err = surveys.Template(*template); err != nil {
				return usagef("%v", err)
			}
			file = *template + ".yaml"
		} else {
			file = pos[0]
			if src, err = os.ReadFile(file); err != nil {
				return fmt.Errorf("%s: %w", file, errors.Unwrap(err))
			}
		}
		si, err := svc.SaveInstrument(ctx, *period, src)
		if err != nil {
			return fileProblems(file, err)
		}
		fmt.Fprintf(e.stdout, "%s: questionnaire %s saved for period %s (version %d)\n", filepath.Base(file), si.Code, si.Period, si.Version)
	case "create":
		spec := surveys.CampaignSpec{Code: *survey, Name: *name, Period: *period, Instrument: *instrument,
			Formula: surveys.Formula(*formula), RequireCode: *requireCode}
		if spec.Margin, err = decimal.NewFromString(*margin); err != nil {
			return usagef("--margin %q is not a number", *margin)
		}
		if spec.Units, err = surveyUnits(e, st, *groups, *units); err != nil {
			return err
		}
		c, err := svc.CreateCampaign(ctx, spec)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "survey %s created (draft) over %d units; open it with: parindex survey open --survey %s\n", c.Code, len(c.Units), c.Code)
	case "open", "close":
		to := surveys.Open
		if sub == "close" {
			to = surveys.Closed
		}
		if err := svc.SetState(ctx, *survey, to); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "survey %s is %s\n", *survey, to)
	case "transactions":
		file, err := oneFile()
		if err != nil {
			return err
		}
		tx, err := readTransactions(ctx, file)
		if err != nil {
			return err
		}
		if err := svc.SetTransactions(ctx, *survey, tx); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		fmt.Fprintf(e.stdout, "%s: transactions of %d units recorded\n", filepath.Base(file), len(tx))
	case "import":
		file, err := oneFile()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("%s: %w", file, errors.Unwrap(err))
		}
		n, err := svc.Import(ctx, *survey, file, data, currentUser(e))
		if err != nil {
			return fileProblems(file, err)
		}
		fmt.Fprintf(e.stdout, "%s: %d questionnaires imported\n", filepath.Base(file), n)
	case "dossiers":
		file, err := oneFile()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("%s: %w", file, errors.Unwrap(err))
		}
		n, err := svc.AddDossiers(ctx, *survey, *unit, strings.Split(string(data), "\n"))
		if err != nil {
			return fileProblems(file, err)
		}
		fmt.Fprintf(e.stdout, "%s: %d dossier numbers registered\n", filepath.Base(file), n)
	case "list":
		camps, err := st.Campaigns(ctx)
		if err != nil {
			return err
		}
		for _, c := range camps {
			_, progress, err := svc.Progress(ctx, c.Code)
			if err != nil {
				return err
			}
			var valid int
			var target int64
			for _, p := range progress {
				valid += p.Valid
				target += p.Target
			}
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\t%d units\t%d/%d responses\n", c.Code, c.Period, c.State, c.Name, len(c.Units), valid, target)
		}
	}
	return nil
}

// formatSet reports whether --format was given.
func formatSet(f *flags) bool {
	set := false
	f.Visit(func(fl *flag.Flag) { set = set || fl.Name == "format" })
	return set
}

// exportSurvey writes a survey's raw export to a file beside out and
// renames it into place once complete, so that a failure leaves no half
// file behind. It returns the file's size.
func exportSurvey(ctx context.Context, svc *surveys.Service, survey, out string, opt surveys.ExportOptions) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return 0, fmt.Errorf("export: %w", err)
	}
	w := bufio.NewWriterSize(tmp, 1<<16)
	if err := svc.Export(ctx, survey, w, opt); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return 0, fmt.Errorf("export: %w", err)
	}
	fi, err := tmp.Stat()
	if err != nil {
		tmp.Close()
		return 0, fmt.Errorf("export: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	return fi.Size(), nil
}

// fileProblems prefixes every problem with the file: FILE:LINE: CODE: what.
func fileProblems(file string, err error) error {
	var ve *surveys.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("%s: %w", file, err)
	}
	lines := make([]string, len(ve.Problems))
	for i, p := range ve.Problems {
		lines[i] = file + ":"
		if p.Line > 0 {
			lines[i] += strconv.Itoa(p.Line) + ":"
		}
		lines[i] += " "
		if p.Code != "" {
			lines[i] += p.Code + ": "
		}
		lines[i] += p.Msg
	}
	return errors.New(strings.Join(lines, "\n"))
}

// surveyUnits lists the units a new survey covers: the named units, the
// units of the named groups, or every unit.
func surveyUnits(e *env, st *store.Store, groups, units string) ([]surveys.CampaignUnit, error) {
	var out []surveys.CampaignUnit
	if units != "" {
		for _, u := range strings.Split(units, ",") {
			out = append(out, surveys.CampaignUnit{Code: strings.TrimSpace(u)})
		}
		return out, nil
	}
	list := []string{""}
	if groups != "" {
		list = strings.Split(groups, ",")
	}
	for _, g := range list {
		us, err := st.Units(e.ctx, strings.TrimSpace(g))
		if err != nil {
			return nil, err
		}
		if len(us) == 0 {
			return nil, fmt.Errorf("group %s has no units", g)
		}
		for _, u := range us {
			out = append(out, surveys.CampaignUnit{Code: u.Code})
		}
	}
	return out, nil
}

// readTransactions reads unit,transactions rows.
func readTransactions(ctx context.Context, file string) (map[string]int64, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, errors.Unwrap(err))
	}
	header, rows, err := surveys.ReadTable(ctx, file, data)
	if err != nil {
		return nil, err
	}
	if len(header) != 2 || header[0] != "unit" || header[1] != "transactions" {
		return nil, fmt.Errorf("%s:1: the header must be unit,transactions", file)
	}
	out := map[string]int64{}
	var problems []string
	for _, r := range rows {
		if len(r.Cells) != 2 {
			problems = append(problems, fmt.Sprintf("%s:%d: %d cells, want 2", file, r.Line, len(r.Cells)))
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(r.Cells[1]), 10, 64)
		if err != nil || n < 0 {
			problems = append(problems, fmt.Sprintf("%s:%d: transactions: %q is not a whole number of 0 or more", file, r.Line, r.Cells[1]))
			continue
		}
		unit := strings.TrimSpace(r.Cells[0])
		if _, dup := out[unit]; dup {
			problems = append(problems, fmt.Sprintf("%s:%d: unit: %s appears twice", file, r.Line, unit))
		}
		out[unit] = n
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	return out, nil
}
