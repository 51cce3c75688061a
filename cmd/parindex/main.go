// Command parindex runs the PAR Index system: the web server, the imports,
// scoring and the demo province. See README.md and contract.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	// The zone database inside the binary: --time-zone Asia/Ho_Chi_Minh
	// works on a server without tzdata.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	tuneCommandGC(os.Args[1:], os.Getenv)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
