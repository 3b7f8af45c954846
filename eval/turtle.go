package eval

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A small Turtle reader: enough of Turtle 1.1 for NIF benchmark files, which
// are written by RDF libraries in a narrow style. It understands @prefix /
// @base and their SPARQL forms, IRIs, prefixed names, the keyword "a", blank
// node labels and [ ... ] property lists, short and long ("""...""")
// string literals with every Turtle escape, language tags and ^^datatypes,
// bare numbers and booleans, "," and ";" lists (trailing ";" allowed), and
// comments. It does not understand collections "( ... )": they are reported
// as a syntax error with the line number.

// termKind tells IRIs, literals and blank nodes apart.
type termKind uint8

const (
	termIRI termKind = iota
	termLiteral
	termBlank
)

// term is one RDF term. Value is the IRI (prefixes expanded), the literal's
// lexical form (escapes decoded) or the blank node label.
type term struct {
	Kind     termKind
	Value    string
	Lang     string
	Datatype string
}

type triple struct {
	S, P string // subject (IRI or "_:label") and predicate IRI
	O    term
}

// ErrTurtleSyntax wraps every syntax error of the Turtle reader; the message
// carries the line number.
var ErrTurtleSyntax = errors.New("turtle syntax error")

const rdfType = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
const xsdNS = "http://www.w3.org/2001/XMLSchema#"

type turtleParser struct {
	src      string
	pos      int
	line     int
	prefixes map[string]string
	base     string
	blanks   int
	out      []triple
}

// parseTurtle parses a whole Turtle document into triples.
func parseTurtle(src string) ([]triple, error) {
	p := &turtleParser{src: src, line: 1, prefixes: map[string]string{}}
	if strings.HasPrefix(p.src, "\uFEFF") {
		p.pos = len("\uFEFF")
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.src) {
			return p.out, nil
		}
		if err := p.statement(); err != nil {
			return nil, err
		}
	}
}

func (p *turtleParser) errf(format string, args ...any) error {
	return fmt.Errorf("%w: line %d: %s", ErrTurtleSyntax, p.line, fmt.Sprintf(format, args...))
}

func (p *turtleParser) skipSpace() {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '\n':
			p.line++
			p.pos++
		case c == ' ' || c == '\t' || c == '\r':
			p.pos++
		case c == '#':
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.pos++
			}
		default:
			return
		}
	}
}

func (p *turtleParser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *turtleParser) expect(c byte) error {
	p.skipSpace()
	if p.peek() != c {
		return p.errf("want %q, found %q", c, p.near())
	}
	p.pos++
	return nil
}

func (p *turtleParser) near() string {
	end := min(p.pos+30, len(p.src))
	return p.src[p.pos:end]
}

// keyword reports whether the input continues with kw (case-insensitive)
// followed by a space, and consumes it if so.
func (p *turtleParser) keyword(kw string) bool {
	n := len(kw)
	if p.pos+n < len(p.src) && strings.EqualFold(p.src[p.pos:p.pos+n], kw) {
		if c := p.src[p.pos+n]; c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '<' {
			p.pos += n
			return true
		}
	}
	return false
}

func (p *turtleParser) statement() error {
	switch {
	case p.keyword("@prefix"):
		return p.prefixDecl(true)
	case p.keyword("PREFIX"):
		return p.prefixDecl(false)
	case p.keyword("@base"):
		return p.baseDecl(true)
	case p.keyword("BASE"):
		return p.baseDecl(false)
	}
	subj, err := p.subject()
	if err != nil {
		return err
	}
	p.skipSpace()
	if p.peek() == '.' && strings.HasPrefix(subj, "_:") {
		// "[ ... ] ." alone is a legal statement.
		p.pos++
		return nil
	}
	if err := p.predicateObjectList(subj, 0); err != nil {
		return err
	}
	return p.expect('.')
}

func (p *turtleParser) prefixDecl(dot bool) error {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.src) && p.src[p.pos] != ':' && !isSpace(p.src[p.pos]) {
		p.pos++
	}
	if p.peek() != ':' {
		return p.errf("bad prefix name %q", p.src[start:p.pos])
	}
	name := p.src[start:p.pos]
	p.pos++
	p.skipSpace()
	iri, err := p.iriRef()
	if err != nil {
		return err
	}
	p.prefixes[name] = iri
	if dot {
		return p.expect('.')
	}
	return nil
}

func (p *turtleParser) baseDecl(dot bool) error {
	p.skipSpace()
	iri, err := p.iriRef()
	if err != nil {
		return err
	}
	p.base = iri
	if dot {
		return p.expect('.')
	}
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// iriRef reads <...>, decoding \u escapes and resolving against @base when
// the IRI has no scheme.
func (p *turtleParser) iriRef() (string, error) {
	if p.peek() != '<' {
		return "", p.errf("want IRI, found %q", p.near())
	}
	end := strings.IndexByte(p.src[p.pos:], '>')
	if end < 0 {
		return "", p.errf("unterminated IRI")
	}
	raw := p.src[p.pos+1 : p.pos+end]
	if strings.ContainsAny(raw, "\n") {
		return "", p.errf("newline inside IRI")
	}
	p.pos += end + 1
	iri, err := unescapeTurtle(raw)
	if err != nil {
		return "", p.errf("%v", err)
	}
	if p.base != "" && !strings.Contains(iri, ":") {
		iri = p.base + iri
	}
	return iri, nil
}

// pname reads a prefixed name (or "a", a blank node label, a number or a
// boolean; the caller decides which are legal where).
func (p *turtleParser) bareWord() string {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if isSpace(c) || strings.IndexByte(";,<>\"'()[]{}#", c) >= 0 {
			break
		}
		if c == '\\' && p.pos+1 < len(p.src) { // PN_LOCAL_ESC like \, or \.
			p.pos += 2
			continue
		}
		p.pos++
	}
	// A final '.' ends the statement, it is not part of the name.
	for p.pos > start+1 && p.src[p.pos-1] == '.' && (p.pos-2 < start || p.src[p.pos-2] != '\\') {
		p.pos--
	}
	return p.src[start:p.pos]
}

func (p *turtleParser) expandPName(w string) (string, error) {
	i := strings.IndexByte(w, ':')
	if i < 0 {
		return "", p.errf("not a prefixed name: %q", w)
	}
	ns, ok := p.prefixes[w[:i]]
	if !ok {
		return "", p.errf("undeclared prefix %q", w[:i])
	}
	local := w[i+1:]
	if strings.IndexByte(local, '\\') >= 0 {
		var b strings.Builder
		for j := 0; j < len(local); j++ {
			if local[j] == '\\' && j+1 < len(local) {
				j++
			}
			b.WriteByte(local[j])
		}
		local = b.String()
	}
	return ns + local, nil
}

func (p *turtleParser) subject() (string, error) {
	p.skipSpace()
	switch c := p.peek(); c {
	case '<':
		return p.iriRef()
	case '[':
		return p.blankPropertyList()
	case '(':
		return "", p.errf("RDF collections are not supported")
	}
	w := p.bareWord()
	if w == "" {
		return "", p.errf("want subject, found %q", p.near())
	}
	if strings.HasPrefix(w, "_:") {
		return w, nil
	}
	return p.expandPName(w)
}

func (p *turtleParser) blankPropertyList() (string, error) {
	p.pos++ // '['
	p.blanks++
	label := fmt.Sprintf("_:anon%d", p.blanks)
	p.skipSpace()
	if p.peek() == ']' {
		p.pos++
		return label, nil
	}
	if err := p.predicateObjectList(label, 1); err != nil {
		return "", err
	}
	if err := p.expect(']'); err != nil {
		return "", err
	}
	return label, nil
}

func (p *turtleParser) predicateObjectList(subj string, depth int) error {
	if depth > 32 {
		return p.errf("blank nodes nested too deep")
	}
	for {
		p.skipSpace()
		var pred string
		if p.peek() == '<' {
			iri, err := p.iriRef()
			if err != nil {
				return err
			}
			pred = iri
		} else {
			w := p.bareWord()
			switch {
			case w == "a":
				pred = rdfType
			case w == "":
				return p.errf("want predicate, found %q", p.near())
			default:
				iri, err := p.expandPName(w)
				if err != nil {
					return err
				}
				pred = iri
			}
		}
		for {
			o, err := p.object(depth)
			if err != nil {
				return err
			}
			p.out = append(p.out, triple{S: subj, P: pred, O: o})
			p.skipSpace()
			if p.peek() != ',' {
				break
			}
			p.pos++
		}
		p.skipSpace()
		if p.peek() != ';' {
			return nil
		}
		for p.peek() == ';' { // ";;" and a trailing ";" are legal
			p.pos++
			p.skipSpace()
		}
		if c := p.peek(); c == '.' || c == ']' {
			return nil
		}
	}
}

func (p *turtleParser) object(depth int) (term, error) {
	p.skipSpace()
	switch c := p.peek(); c {
	case '<':
		iri, err := p.iriRef()
		return term{Kind: termIRI, Value: iri}, err
	case '"', '\'':
		return p.literal()
	case '[':
		p.pos++
		p.blanks++
		label := fmt.Sprintf("_:anon%d", p.blanks)
		p.skipSpace()
		if p.peek() != ']' {
			if err := p.predicateObjectList(label, depth+1); err != nil {
				return term{}, err
			}
		}
		if err := p.expect(']'); err != nil {
			return term{}, err
		}
		return term{Kind: termBlank, Value: label}, nil
	case '(':
		return term{}, p.errf("RDF collections are not supported")
	}
	w := p.bareWord()
	switch {
	case w == "":
		return term{}, p.errf("want object, found %q", p.near())
	case strings.HasPrefix(w, "_:"):
		return term{Kind: termBlank, Value: w}, nil
	case w == "true" || w == "false":
		return term{Kind: termLiteral, Value: w, Datatype: xsdNS + "boolean"}, nil
	case strings.IndexByte(w, ':') < 0:
		if _, err := strconv.ParseFloat(w, 64); err != nil {
			return term{}, p.errf("bad bare word %q", w)
		}
		dt := "integer"
		if strings.ContainsAny(w, "eE") {
			dt = "double"
		} else if strings.Contains(w, ".") {
			dt = "decimal"
		}
		return term{Kind: termLiteral, Value: w, Datatype: xsdNS + dt}, nil
	}
	iri, err := p.expandPName(w)
	return term{Kind: termIRI, Value: iri}, err
}

func (p *turtleParser) literal() (term, error) {
	q := p.src[p.pos]
	long := strings.Repeat(string(q), 3)
	var raw string
	if strings.HasPrefix(p.src[p.pos:], long) {
		p.pos += 3
		start := p.pos
		for {
			if p.pos >= len(p.src) {
				return term{}, p.errf("unterminated long string")
			}
			c := p.src[p.pos]
			if c == '\\' {
				p.pos += 2
				continue
			}
			if c == '\n' {
				p.line++
			}
			if strings.HasPrefix(p.src[p.pos:], long) {
				// Up to two quotes may end the content: """a"""" is `a"`.
				for strings.HasPrefix(p.src[p.pos+1:], long) {
					p.pos++
				}
				break
			}
			p.pos++
		}
		raw = p.src[start:p.pos]
		p.pos += 3
	} else {
		p.pos++
		start := p.pos
		for {
			if p.pos >= len(p.src) || p.src[p.pos] == '\n' {
				return term{}, p.errf("unterminated string")
			}
			c := p.src[p.pos]
			if c == '\\' {
				p.pos += 2
				continue
			}
			if c == q {
				break
			}
			p.pos++
		}
		raw = p.src[start:p.pos]
		p.pos++
	}
	val, err := unescapeTurtle(raw)
	if err != nil {
		return term{}, p.errf("%v", err)
	}
	t := term{Kind: termLiteral, Value: val}
	switch {
	case p.peek() == '@':
		p.pos++
		start := p.pos
		for p.pos < len(p.src) && (isAlnum(p.src[p.pos]) || p.src[p.pos] == '-') {
			p.pos++
		}
		t.Lang = p.src[start:p.pos]
	case strings.HasPrefix(p.src[p.pos:], "^^"):
		p.pos += 2
		if p.peek() == '<' {
			iri, err := p.iriRef()
			if err != nil {
				return term{}, err
			}
			t.Datatype = iri
		} else {
			iri, err := p.expandPName(p.bareWord())
			if err != nil {
				return term{}, err
			}
			t.Datatype = iri
		}
	}
	return t, nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// unescapeTurtle decodes the string escapes of Turtle (\t \b \n \r \f \" \'
// \\ \uXXXX \UXXXXXXXX).
func unescapeTurtle(s string) (string, error) {
	if strings.IndexByte(s, '\\') < 0 {
		if !utf8.ValidString(s) {
			return "", errors.New("invalid UTF-8")
		}
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(s) {
			return "", errors.New("dangling backslash")
		}
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'b':
			b.WriteByte('\b')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case '"', '\'', '\\':
			b.WriteByte(s[i])
		case 'u', 'U':
			n := 4
			if s[i] == 'U' {
				n = 8
			}
			if i+n >= len(s) {
				return "", fmt.Errorf("short \\%c escape", s[i])
			}
			v, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
			if err != nil || !utf8.ValidRune(rune(v)) {
				return "", fmt.Errorf("bad \\%c escape %q", s[i], s[i+1:i+1+n])
			}
			b.WriteRune(rune(v))
			i += n
		default:
			return "", fmt.Errorf("unknown escape \\%c", s[i])
		}
	}
	if !utf8.ValidString(b.String()) {
		return "", errors.New("invalid UTF-8")
	}
	return b.String(), nil
}
