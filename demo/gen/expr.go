package main

import (
	"fmt"
	"math"
	"strconv"
)

// expr is a parsed formula: numbers, input names, + - * /, parentheses and the
// functions min, max and abs — the syntax of formula leaves in contract.md.
type expr struct {
	op   byte // 0 number, 'v' input, 'f' function call, or an operator
	num  float64
	name string
	args []*expr
}

func (e *expr) idents() []string {
	var out []string
	if e.op == 'v' {
		out = append(out, e.name)
	}
	for _, a := range e.args {
		out = append(out, a.idents()...)
	}
	return out
}

func (e *expr) eval(in map[string]float64) (float64, error) {
	switch e.op {
	case 0:
		return e.num, nil
	case 'v':
		return in[e.name], nil
	}
	vals := make([]float64, len(e.args))
	for i, a := range e.args {
		v, err := a.eval(in)
		if err != nil {
			return 0, err
		}
		vals[i] = v
	}
	switch e.op {
	case 'f':
		switch e.name {
		case "abs":
			return math.Abs(vals[0]), nil
		case "min", "max":
			r := vals[0]
			for _, v := range vals[1:] {
				if (e.name == "min") == (v < r) {
					r = v
				}
			}
			return r, nil
		}
	case '+':
		return vals[0] + vals[1], nil
	case '-':
		if len(vals) == 1 {
			return -vals[0], nil
		}
		return vals[0] - vals[1], nil
	case '*':
		return vals[0] * vals[1], nil
	case '/':
		if vals[1] == 0 {
			return 0, fmt.Errorf("division by zero")
		}
		return vals[0] / vals[1], nil
	}
	return 0, fmt.Errorf("bad expression")
}

type parser struct {
	s   string
	pos int
}

func parseExpr(s string) (*expr, error) {
	p := &parser{s: s}
	e, err := p.sum()
	if err != nil {
		return nil, err
	}
	if p.skip(); p.pos < len(p.s) {
		return nil, fmt.Errorf("formula %q: unexpected %q", s, p.s[p.pos:])
	}
	return e, nil
}

func (p *parser) skip() {
	for p.pos < len(p.s) && p.s[p.pos] == ' ' {
		p.pos++
	}
}

func (p *parser) peek() byte {
	if p.skip(); p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *parser) sum() (*expr, error) {
	left, err := p.product()
	for err == nil && (p.peek() == '+' || p.peek() == '-') {
		op := p.s[p.pos]
		p.pos++
		var right *expr
		if right, err = p.product(); err == nil {
			left = &expr{op: op, args: []*expr{left, right}}
		}
	}
	return left, err
}

func (p *parser) product() (*expr, error) {
	left, err := p.unary()
	for err == nil && (p.peek() == '*' || p.peek() == '/') {
		op := p.s[p.pos]
		p.pos++
		var right *expr
		if right, err = p.unary(); err == nil {
			left = &expr{op: op, args: []*expr{left, right}}
		}
	}
	return left, err
}

func (p *parser) unary() (*expr, error) {
	if p.peek() == '-' {
		p.pos++
		e, err := p.unary()
		return &expr{op: '-', args: []*expr{e}}, err
	}
	return p.primary()
}

func (p *parser) primary() (*expr, error) {
	c := p.peek()
	start := p.pos
	switch {
	case c == '(':
		p.pos++
		e, err := p.sum()
		if err == nil && p.peek() != ')' {
			err = fmt.Errorf("formula %q: missing )", p.s)
		}
		p.pos++
		return e, err
	case c >= '0' && c <= '9' || c == '.':
		for p.pos < len(p.s) && (p.s[p.pos] >= '0' && p.s[p.pos] <= '9' || p.s[p.pos] == '.') {
			p.pos++
		}
		v, err := strconv.ParseFloat(p.s[start:p.pos], 64)
		return &expr{num: v}, err
	case c >= 'a' && c <= 'z' || c == '_':
		for p.pos < len(p.s) && (p.s[p.pos] >= 'a' && p.s[p.pos] <= 'z' || p.s[p.pos] >= '0' && p.s[p.pos] <= '9' || p.s[p.pos] == '_') {
			p.pos++
		}
		name := p.s[start:p.pos]
		if p.peek() != '(' {
			return &expr{op: 'v', name: name}, nil
		}
		if name != "min" && name != "max" && name != "abs" {
			return nil, fmt.Errorf("formula %q: unknown function %s", p.s, name)
		}
		p.pos++
		call := &expr{op: 'f', name: name}
		for {
			a, err := p.sum()
			if err != nil {
				return nil, err
			}
			call.args = append(call.args, a)
			if p.peek() == ',' {
				p.pos++
				continue
			}
			if p.peek() != ')' {
				return nil, fmt.Errorf("formula %q: missing )", p.s)
			}
			p.pos++
			break
		}
		if name == "abs" && len(call.args) != 1 {
			return nil, fmt.Errorf("formula %q: abs takes one argument", p.s)
		}
		return call, nil
	}
	return nil, fmt.Errorf("formula %q: unexpected %q at %d", p.s, string(c), p.pos)
}
