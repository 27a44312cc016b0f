// Package expr parses and evaluates the ECS cluster query language: the
// expressions of memberOf placement constraints and of the
// ListContainerInstances filter parameter.
//
// # Grammar
//
//	expr    = or
//	or      = and { ("||" | "or") and }
//	and     = unary { ("&&" | "and") unary }
//	unary   = ("!" | "not") unary | "(" or ")" | term
//	term    = subject operator [argument]
//	subject = "attribute:" name | "agentConnected" | "agentVersion"
//	        | "ec2InstanceId" | "registeredAt" | "runningTasksCount" | "task:group"
//	list    = "[" value { "," value } "]"
//	value   = 'text' | "text" | unquoted
//
// "not" binds tighter than "and", which binds tighter than "or"; parentheses
// override both. The words and, or, not and the word forms of the operators
// are matched case-insensitively; subjects are case-sensitive. A term is
// never parenthesised inside: (a == b) is a group holding one term.
//
// An unquoted value is a run of characters up to white space, one of
// ( ) [ ] , ' " or the start of && or ||, and it may not begin with
// = < > or ~. Anything else — a regular
// expression with a group, a value with a space — must be quoted. Quoted
// values run to the next quote of the same kind; there are no escapes, so
// 't2\.micro' keeps its backslash (which is what a regular expression wants).
//
// # Operators
//
// Symbol and word forms are interchangeable:
//
//	==  equals                 !=  not_equals
//	>   greater_than           >=  greater_than_equal
//	<   less_than              <=  less_than_equal
//	exists                     !exists  not_exists
//	in  [..]                   !in [..] not_in [..]
//	=~  matches                !~  not_matches
//
// Each subject accepts only some operators; others are a SyntaxError:
//
//	attribute:<name>                       all of them
//	agentConnected, ec2InstanceId,
//	task:group                             == != in !in =~ !~
//	agentVersion, registeredAt,
//	runningTasksCount                      == != > >= < <=
//
// # Evaluation
//
// Every negative operator is the exact negation of its positive form: x != v
// is not(x == v), !in is not(in), !~ is not(=~), !exists is not(exists). So
// for an instance that lacks attribute foo, "attribute:foo == bar" is false
// and "attribute:foo != bar" is true, while "attribute:foo > 1" is false.
// A name-only attribute (a capability) exists with the value "".
//
//   - attribute:<name>: == and in compare strings exactly. > >= < <= compare
//     numerically when both the instance value and the argument are decimal
//     numbers (optional sign, digits, optional fraction), and otherwise
//     compare the strings byte by byte. So "attribute:cores > 8" means what it
//     says, and "attribute:tier > b" is a string comparison.
//   - agentConnected: the argument of == != in !in must be true or false
//     (any case); =~ matches against "true" or "false".
//   - agentVersion: versions are dot-separated integers, an optional leading
//     "v" and an optional "-prerelease" suffix; missing parts count as 0
//     (1.14 == 1.14.0) and a prerelease sorts before its release. An
//     instance whose version does not parse satisfies no == > >= < <= test.
//   - registeredAt: the argument is 2018-06-18T22:28:28+00:00,
//     2018-06-18T22:28:28Z, 2018-06-18T22:28:28 (UTC) or 2018-06-18 (midnight
//     UTC). Comparison is between instants, with the instance's registration
//     time truncated to whole seconds; a date alone therefore means its first
//     second, so "registeredAt == 2018-06-18" is rarely true while
//     "registeredAt < 2018-06-18" means "before that day".
//   - runningTasksCount: integer comparison.
//   - task:group: "task:group == x" holds when the instance runs at least one
//     task of group x, "in [a, b]" when it runs a task of a or b, and "=~ re"
//     when one of its tasks' groups matches re.
//
// # Regular expressions
//
// ECS documents Java regular expressions with String.matches semantics: the
// pattern must match the whole value. berth uses Go's regexp (RE2 syntax)
// anchored at both ends, so "t2.*" matches "t2.micro" but not "mt2.micro".
// Java features that RE2 lacks — backreferences (\1), lookahead and
// lookbehind ((?=..), (?<=..)), possessive quantifiers (a*+), atomic groups
// and Java-only classes (\p{javaLowerCase}) — are rejected with a
// SyntaxError; everything common (classes, alternation, repetition, \d \w
// \s, (?i)) behaves the same.
//
// # Limits and errors
//
// An expression is at most MaxLength (2000) characters. Parse returns a
// *SyntaxError whose Pos is the 0-based byte offset of the problem; callers
// turn it into an InvalidParameterException.
package expr
