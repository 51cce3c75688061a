// Package safeyaml is the one way parindex reads YAML from outside: criteria
// sets, questionnaires, programme targets. It caps the file's size and the
// size of the document once its aliases are expanded, before any Go value is
// built.
//
// Why not rely on yaml.v3's own guard: the decoder refuses "excessive
// aliasing" by counting within one decoder, but a custom UnmarshalYAML that
// calls node.Decode starts a new decoder with a fresh count. The criteria
// set and questionnaire formats use such methods (to report lines and
// unknown keys), so a 2 KB file of nested aliases decoded to billions of
// nodes. Here the node tree is parsed first (aliases stay references, so
// parsing is linear in the file), the expanded size is counted once over
// the whole tree, and only a document within the limits is decoded.
package safeyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"
)

// Limits bound one document.
type Limits struct {
	// MaxBytes is the largest file accepted.
	MaxBytes int64
	// MaxNodes is the largest number of nodes the document may have with
	// every alias expanded (a mapping of n keys has 2n+1 nodes).
	MaxNodes int64
	// MaxScalarBytes bounds the text of all scalars with aliases expanded.
	MaxScalarBytes int64
}

// Default limits: ample for a criteria set of a thousand leaves or a
// questionnaire of two hundred questions (a few thousand nodes, some
// hundred kilobytes), small enough that decoding stays in the megabytes.
var Default = Limits{MaxBytes: 4 << 20, MaxNodes: 200_000, MaxScalarBytes: 16 << 20}

// Error is a document refused by the limits; its text says which limit and
// is meant to be shown.
type Error struct {
	Msg string
}

// Error returns the message.
func (e *Error) Error() string { return e.Msg }

// ReadAll reads at most lim.MaxBytes from r; a longer input is an *Error.
func ReadAll(r io.Reader, lim Limits) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, &Error{Msg: fmt.Sprintf("the file is larger than %d KB", lim.MaxBytes>>10)}
	}
	return data, nil
}

// Decode checks data against the limits and decodes its first document
// into v, with yaml.v3's KnownFields when knownFields is set. An empty
// document gives io.EOF, as yaml.v3 does; a document over a limit an
// *Error; a syntax or type error yaml.v3's own error.
func Decode(data []byte, v any, knownFields bool, lim Limits) error {
	if int64(len(data)) > lim.MaxBytes {
		return &Error{Msg: fmt.Sprintf("the file is larger than %d KB", lim.MaxBytes>>10)}
	}
	var root yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&root); err != nil {
		return err
	}
	if err := Check(&root, lim); err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(knownFields)
	return dec.Decode(v)
}

// Check counts a node tree's size with every alias expanded and refuses it
// over the limits, or when an alias refers to a node that contains it.
func Check(root *yaml.Node, lim Limits) error {
	c := counter{lim: lim, sizes: map[*yaml.Node]size{}, open: map[*yaml.Node]bool{}}
	s, err := c.size(root)
	if err != nil {
		return err
	}
	if s.nodes > lim.MaxNodes {
		return &Error{Msg: fmt.Sprintf("the document expands to more than %d nodes (through its aliases)", lim.MaxNodes)}
	}
	if s.bytes > lim.MaxScalarBytes {
		return &Error{Msg: fmt.Sprintf("the document's text expands to more than %d KB (through its aliases)", lim.MaxScalarBytes>>10)}
	}
	return nil
}

type size struct{ nodes, bytes int64 }

// counter measures subtrees once each: an anchored node referenced a
// thousand times is measured once and counted a thousand times, so the
// work is linear in the parsed tree whatever the expansion.
type counter struct {
	lim   Limits
	sizes map[*yaml.Node]size
	open  map[*yaml.Node]bool // nodes being measured: an alias to one is a cycle
}

// errCycle is an alias inside the node it refers to.
var errCycle = &Error{Msg: "an alias refers to a node that contains it"}

func (c *counter) size(n *yaml.Node) (size, error) {
	if n == nil {
		return size{}, nil
	}
	if s, ok := c.sizes[n]; ok {
		return s, nil
	}
	if c.open[n] {
		return size{}, errCycle
	}
	c.open[n] = true
	s := size{nodes: 1, bytes: int64(len(n.Value))}
	if n.Kind == yaml.AliasNode {
		t, err := c.size(n.Alias)
		if err != nil {
			return size{}, err
		}
		s = t
	}
	for _, ch := range n.Content {
		t, err := c.size(ch)
		if err != nil {
			return size{}, err
		}
		// Saturate just past the limits: the sum cannot overflow, and any
		// value past a limit is refused the same.
		s.nodes = min(s.nodes+t.nodes, c.lim.MaxNodes+1)
		s.bytes = min(s.bytes+t.bytes, c.lim.MaxScalarBytes+1)
	}
	delete(c.open, n)
	c.sizes[n] = s
	return s, nil
}

// IsLimit reports whether err is a refusal by the limits.
func IsLimit(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
