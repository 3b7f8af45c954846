package kb

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// TitleKey is the key under which two spellings of one Wikipedia title
// meet: Wikipedia renames pages to sentence case ("Giant Panda" → "Giant
// panda"), to the en dash ("Minneapolis – Saint Paul", "Council on
// American-Islamic Relations" → "…American–Islamic…") and from a bare
// qualifier to a parenthesised one ("Spirit rover" → "Spirit (rover)"),
// and keeps the old title as a redirect. The key is the title in lower
// case with every dash a hyphen without spaces around it, and with
// parentheses and commas dropped.
func TitleKey(title string) string { return foldTitle(title, true) }

// foldTitle writes a title with every dash a hyphen without spaces around
// it and each run of white space or underscores as one space. Loose, every
// letter folds to lower case and parentheses and commas go (TitleKey);
// else only the first letter of each word folds (renameKey, aliases.go).
func foldTitle(title string, loose bool) string {
	out := make([]byte, 0, len(title))
	space := false // a space is written only before the next letter that needs one
	wordStart := true
	for _, r := range title {
		switch {
		case loose && (r == '(' || r == ')' || r == ','):
		case unicode.IsSpace(r) || r == '_':
			space, wordStart = true, true
		case isDashRune(r):
			out = append(out, '-')
			space, wordStart = false, true
		default:
			if space && len(out) > 0 && out[len(out)-1] != '-' {
				out = append(out, ' ')
			}
			if loose || wordStart {
				r = unicode.ToLower(r)
			}
			space, wordStart = false, false
			out = utf8.AppendRune(out, r)
		}
	}
	return string(out)
}

// isDashRune reports a hyphen, a dash or a minus sign.
func isDashRune(r rune) bool {
	return r == '-' || r == '\u2010' || r == '\u2011' || r == '\u2012' || r == '\u2013' || r == '\u2014' || r == '\u2015' || r == '\u2212'
}

var noParentheses = strings.NewReplacer("(", "", ")", "")

// EntityByTitleVariant finds an entity by its title as EntityByTitle does,
// and else by another spelling of it (TitleKey): the one entity among the
// candidates of the title's surface, and of its name without the
// qualifier, whose title has the same key. It is how a title from another
// year of Wikipedia than the KB's finds its page; an ambiguous key finds
// nothing.
func (k *KB) EntityByTitleVariant(title string) (EntityID, bool) {
	if id, ok := k.EntityByTitle(title); ok {
		return id, true
	}
	key := TitleKey(title)
	if key == "" {
		return NoEntity, false
	}
	found := NoEntity
	for _, s := range []string{title, BaseTitle(title), noParentheses.Replace(title)} {
		for _, c := range k.Lookup(s) {
			if c.Entity == found || TitleKey(k.Entity(c.Entity).Title) != key {
				continue
			}
			if found != NoEntity {
				return NoEntity, false
			}
			found = c.Entity
		}
	}
	return found, found != NoEntity
}

// renamedSenseMin is how sure the KB must be of what a title, written as a
// name, means before a title it does not hold resolves to that page:
// nearly every link with that text goes there.
const renamedSenseMin = 0.9

// EntityByTitleOfAnyYear finds the KB's page of a title from any year of
// Wikipedia: by its title or another spelling of it (EntityByTitleVariant),
// and else, for a page renamed beyond spelling since the KB's year, by the
// page that the title written as a name means almost always ("PacSun" →
// Pacific Sunwear, "Supreme Court of Florida" → Florida Supreme Court).
// Wikipedia keeps a renamed page's other title as a redirect to it, and
// the links written with that text follow the redirect, so the
// dictionary's sense of the string is the redirect's target. A title
// whose string is ambiguous, or unknown ("Daniel Pfeiffer"), finds
// nothing.
func (k *KB) EntityByTitleOfAnyYear(title string) (EntityID, bool) {
	if id, ok := k.EntityByTitleVariant(title); ok {
		return id, true
	}
	cands := k.Lookup(title)
	if len(cands) == 0 || cands[0].Prior < renamedSenseMin {
		return NoEntity, false
	}
	return cands[0].Entity, true
}
