package main

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/parindex/parindex/auth"
)

// cmdUser manages accounts: user add --username U --role R [--unit CODE]
// [--name NAME], the password read from standard input (one line).
func cmdUser(e *env, args []string) error {
	// The sub-command is the first argument that is neither a flag nor a
	// flag's value (every flag of `user` takes one: --db URL).
	for i := 0; i < len(args); i++ {
		a := args[i]
		if isFlag(a) {
			if !strings.Contains(a, "=") {
				i++
			}
			continue
		}
		if a == "import" {
			return cmdUserImport(e, append(append([]string{}, args[:i]...), args[i+1:]...))
		}
		break
	}
	f := newFlags(e, "user")
	username := f.String("username", "", "the user name (lowercase)")
	role := f.String("role", "", "admin, officer, appraiser or committee")
	unit := f.String("unit", "", "the officer's unit code")
	name := f.String("name", "", "the person's full name")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "add" {
		return usagef("user add --username U --role R [--unit CODE] [--name NAME] (password on standard input)")
	}
	if *username == "" || *role == "" {
		return usagef("--username and --role are required")
	}
	r, err := auth.ParseRole(*role)
	if err != nil {
		return usagef("%v", err)
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return fmt.Errorf("user add: read the password from standard input: no line given")
	}
	password := strings.TrimRight(line, "\r\n")
	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()
	svc := auth.NewService(st, nil)
	u, err := svc.CreateUser(e.ctx, auth.User{Username: *username, Name: *name, Role: r, Unit: *unit}, password)
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	fmt.Fprintf(e.stdout, "user %s created (role %s", u.Username, u.Role)
	if u.Unit != "" {
		fmt.Fprintf(e.stdout, ", unit %s", u.Unit)
	}
	fmt.Fprintln(e.stdout, ")")
	return nil
}

// isFlag reports whether an argument is a flag (the sub-command comes after
// the global flags, which take a value: --db URL).
func isFlag(a string) bool { return len(a) > 1 && a[0] == '-' }
