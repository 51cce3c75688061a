package scoring

import (
	"errors"
	"fmt"
	"sort"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/shopspring/decimal"
)

// expression is a compiled formula. The syntax is parsed by expr
// (github.com/expr-lang/expr); evaluation walks the syntax tree with exact
// decimals, because expr itself computes in binary floating point.
//
// Supported: numbers, input names, + - * /, unary minus, parentheses,
// comparisons (== != < <= > >=), and/or/not, the conditional a ? b : c and the
// functions min, max (any number of arguments), abs, floor, ceil, round
// (round(x) or round(x, places), half up) and div (div(n, d) is n / d, or 0
// when d is 0; div(n, d, e) gives e instead of 0).
type expression struct {
	root   ast.Node
	idents []string
}

var errDivZero = errors.New("division by zero")

var formulaFuncs = map[string]bool{"min": true, "max": true, "abs": true, "floor": true, "ceil": true, "round": true, "div": true}

func compileFormula(src string) (*expression, error) {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("syntax error: %s", firstLine(err.Error()))
	}
	e := &expression{root: tree.Node}
	seen := map[string]bool{}
	var check func(n ast.Node) error
	check = func(n ast.Node) error {
		switch n := n.(type) {
		case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
			return nil
		case *ast.IdentifierNode:
			if !seen[n.Value] {
				seen[n.Value] = true
				e.idents = append(e.idents, n.Value)
			}
			return nil
		case *ast.UnaryNode:
			switch n.Operator {
			case "-", "+", "not", "!":
				return check(n.Node)
			}
			return fmt.Errorf("operator %q is not supported", n.Operator)
		case *ast.BinaryNode:
			switch n.Operator {
			case "+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "and", "or", "&&", "||":
			default:
				return fmt.Errorf("operator %q is not supported", n.Operator)
			}
			if err := check(n.Left); err != nil {
				return err
			}
			return check(n.Right)
		case *ast.ConditionalNode:
			for _, c := range []ast.Node{n.Cond, n.Exp1, n.Exp2} {
				if err := check(c); err != nil {
					return err
				}
			}
			return nil
		case *ast.BuiltinNode:
			return checkCall(n.Name, n.Arguments, check)
		case *ast.CallNode:
			name := "?"
			if id, ok := n.Callee.(*ast.IdentifierNode); ok {
				name = id.Value
			}
			return checkCall(name, n.Arguments, check)
		}
		return fmt.Errorf("%q is not supported in a formula", n.String())
	}
	if err := check(tree.Node); err != nil {
		return nil, err
	}
	sort.Strings(e.idents)
	return e, nil
}

func checkCall(name string, args []ast.Node, check func(ast.Node) error) error {
	if !formulaFuncs[name] {
		return fmt.Errorf("unknown function %s (known: abs, ceil, div, floor, max, min, round)", name)
	}
	switch name {
	case "min", "max":
		if len(args) < 1 {
			return fmt.Errorf("%s needs at least one argument", name)
		}
	case "round":
		if len(args) < 1 || len(args) > 2 {
			return fmt.Errorf("round takes one or two arguments")
		}
	case "div":
		if len(args) < 2 || len(args) > 3 {
			return fmt.Errorf("div takes two or three arguments: div(numerator, denominator[, when the denominator is 0])")
		}
	default:
		if len(args) != 1 {
			return fmt.Errorf("%s takes one argument", name)
		}
	}
	for _, a := range args {
		if err := check(a); err != nil {
			return err
		}
	}
	return nil
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}

// value is a formula value: a number or a truth value.
type value struct {
	num  Decimal
	b    bool
	bool bool
}

func (e *expression) eval(vars map[string]Decimal) (Decimal, error) {
	v, err := evalNode(e.root, vars)
	if err != nil {
		return zero, err
	}
	if v.bool {
		return zero, errors.New("the formula gives a truth value, not a number")
	}
	return v.num, nil
}

func evalNode(n ast.Node, vars map[string]Decimal) (value, error) {
	num := func(d Decimal) (value, error) { return value{num: d}, nil }
	switch n := n.(type) {
	case *ast.IntegerNode:
		return num(decimal.NewFromInt(int64(n.Value)))
	case *ast.FloatNode:
		// NewFromFloat yields the shortest decimal that round-trips, which is
		// the literal as written (2.5, 0.1).
		return num(decimal.NewFromFloat(n.Value))
	case *ast.BoolNode:
		return value{b: n.Value, bool: true}, nil
	case *ast.IdentifierNode:
		return num(vars[n.Value])
	case *ast.UnaryNode:
		v, err := evalNode(n.Node, vars)
		if err != nil {
			return v, err
		}
		switch n.Operator {
		case "-":
			return num(v.num.Neg())
		case "not", "!":
			return value{b: !v.b, bool: true}, nil
		}
		return v, nil
	case *ast.BinaryNode:
		return evalBinary(n, vars)
	case *ast.ConditionalNode:
		c, err := evalNode(n.Cond, vars)
		if err != nil {
			return c, err
		}
		if truth(c) {
			return evalNode(n.Exp1, vars)
		}
		return evalNode(n.Exp2, vars)
	case *ast.BuiltinNode:
		return evalCall(n.Name, n.Arguments, vars)
	case *ast.CallNode:
		id, _ := n.Callee.(*ast.IdentifierNode)
		if id == nil {
			return value{}, errors.New("unsupported call")
		}
		return evalCall(id.Value, n.Arguments, vars)
	}
	return value{}, fmt.Errorf("unsupported %q", n.String())
}

func truth(v value) bool {
	if v.bool {
		return v.b
	}
	return !v.num.IsZero()
}

func evalBinary(n *ast.BinaryNode, vars map[string]Decimal) (value, error) {
	l, err := evalNode(n.Left, vars)
	if err != nil {
		return l, err
	}
	switch n.Operator { // short-circuit logic
	case "and", "&&":
		if !truth(l) {
			return value{bool: true}, nil
		}
		r, err := evalNode(n.Right, vars)
		return value{b: truth(r), bool: true}, err
	case "or", "||":
		if truth(l) {
			return value{b: true, bool: true}, nil
		}
		r, err := evalNode(n.Right, vars)
		return value{b: truth(r), bool: true}, err
	}
	r, err := evalNode(n.Right, vars)
	if err != nil {
		return r, err
	}
	a, b := l.num, r.num
	switch n.Operator {
	case "+":
		return value{num: a.Add(b)}, nil
	case "-":
		return value{num: a.Sub(b)}, nil
	case "*":
		return value{num: a.Mul(b)}, nil
	case "/":
		if b.IsZero() {
			return value{}, errDivZero
		}
		return value{num: div(a, b)}, nil
	case "<":
		return value{b: a.LessThan(b), bool: true}, nil
	case "<=":
		return value{b: a.LessThanOrEqual(b), bool: true}, nil
	case ">":
		return value{b: a.GreaterThan(b), bool: true}, nil
	case ">=":
		return value{b: a.GreaterThanOrEqual(b), bool: true}, nil
	case "==":
		return value{b: a.Equal(b), bool: true}, nil
	case "!=":
		return value{b: !a.Equal(b), bool: true}, nil
	}
	return value{}, fmt.Errorf("operator %q is not supported", n.Operator)
}

func evalCall(name string, args []ast.Node, vars map[string]Decimal) (value, error) {
	vals := make([]Decimal, len(args))
	for i, a := range args {
		v, err := evalNode(a, vars)
		if err != nil {
			return v, err
		}
		vals[i] = v.num
	}
	var out Decimal
	switch name {
	case "min":
		out = decimal.Min(vals[0], vals[1:]...)
	case "max":
		out = decimal.Max(vals[0], vals[1:]...)
	case "abs":
		out = vals[0].Abs()
	case "floor":
		out = vals[0].Floor()
	case "ceil":
		out = vals[0].Ceil()
	case "round":
		places := int32(0)
		if len(vals) == 2 {
			places = int32(vals[1].IntPart())
		}
		out = vals[0].Round(places)
	case "div":
		switch {
		case !vals[1].IsZero():
			out = div(vals[0], vals[1])
		case len(vals) == 3:
			out = vals[2]
		default:
			out = zero
		}
	default:
		return value{}, fmt.Errorf("unknown function %s", name)
	}
	return value{num: out}, nil
}

// truth evaluates a rule: the expression must give a truth value.
func (e *expression) truth(vars map[string]Decimal) (bool, error) {
	v, err := evalNode(e.root, vars)
	if err != nil {
		return false, err
	}
	if !v.bool {
		return false, errors.New("the rule gives a number, not a truth value")
	}
	return v.b, nil
}

// boolean reports whether an expression gives a truth value whatever its
// inputs: a comparison, and/or/not, true/false, or a conditional whose
// branches are all such.
func boolean(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.BoolNode:
		return true
	case *ast.UnaryNode:
		return n.Operator == "not" || n.Operator == "!"
	case *ast.BinaryNode:
		switch n.Operator {
		case "<", "<=", ">", ">=", "==", "!=", "and", "or", "&&", "||":
			return true
		}
	case *ast.ConditionalNode:
		return boolean(n.Exp1) && boolean(n.Exp2)
	}
	return false
}
