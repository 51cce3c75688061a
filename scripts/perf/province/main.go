// Command province writes the synthetic province of the performance
// benchmarks (see internal/benchdata) into a directory, for
// scripts/perf/table.sh: it prints the `parindex import` arguments that load
// it, one command a line, and writes its counts to DIR/counts.
//
//	go run ./scripts/perf/province -dir DIR -units 200 [-leaves 120] [-periods 2025]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/parindex/parindex/internal/benchdata"
)

func main() {
	dir := flag.String("dir", "", "directory to write the files into (required)")
	units := flag.Int("units", 200, "number of units")
	leaves := flag.Int("leaves", 120, "number of leaves, a multiple of 8")
	periods := flag.String("periods", "2025", "comma-separated periods")
	flag.Parse()
	if *dir == "" || *units < 1 || *leaves < 8 {
		flag.Usage()
		os.Exit(2)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	imports, c, err := benchdata.Write(*dir, *units, *leaves, strings.Split(*periods, ",")...)
	if err == nil {
		err = os.WriteFile(filepath.Join(*dir, "counts"), fmt.Appendf(nil,
			"units=%d leaves=%d points=%d inputs=%d\n", c.Units, c.Leaves, c.Points, c.Inputs), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, args := range imports {
		fmt.Println(strings.Join(args, " "))
	}
}
