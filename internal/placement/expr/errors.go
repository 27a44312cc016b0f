package expr

import "fmt"

// SyntaxError reports an expression that does not parse or that uses an
// operator or argument its subject does not accept.
type SyntaxError struct {
	// Pos is the 0-based byte offset in the expression where the problem
	// was found.
	Pos int
	// Msg describes the problem in lower case, without punctuation at the end.
	Msg string
}

// Error returns the message with its position, e.g.
// "invalid expression at position 14: expected operator".
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid expression at position %d: %s", e.Pos, e.Msg)
}
