package kb

import "fmt"

// EntityID numbers the entities of one KB densely from 0; it is only
// meaningful with the KB that issued it (compare Info.ContentHash).
type EntityID uint32

// NoEntity is returned where no entity applies.
const NoEntity = EntityID(^uint32(0))

// Type is the coarse entity type.
type Type uint8

// Coarse types, as in CoNLL NER.
const (
	MISC Type = iota
	PER
	ORG
	LOC
)

func (t Type) String() string {
	switch t {
	case PER:
		return "PER"
	case ORG:
		return "ORG"
	case LOC:
		return "LOC"
	}
	return "MISC"
}

// MarshalText writes the type as PER, ORG, LOC or MISC.
func (t Type) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// ParseType reads PER, ORG, LOC or MISC.
func ParseType(s string) (Type, error) {
	switch s {
	case "PER":
		return PER, nil
	case "ORG":
		return ORG, nil
	case "LOC":
		return LOC, nil
	case "MISC":
		return MISC, nil
	}
	return MISC, fmt.Errorf("kb: unknown type %q", s)
}

// Candidate is one entity a surface may refer to. The layout (12 bytes,
// little-endian) is the on-disk record: slices returned by look-ups point
// into the memory map and must not be modified.
type Candidate struct {
	Entity EntityID
	Count  uint32  // times the surface pointed at the entity (anchors, plus 1 per title, redirect or disambiguation entry)
	Prior  float32 // p(entity | surface) = Count / sum of Counts of the surface
}

// Entity is what the KB knows of one entity.
type Entity struct {
	ID          EntityID
	Title       string // Wikipedia title, spaces not underscores
	Inlinks     uint32 // distinct pages linking to it (prominence)
	Type        Type
	QID         string // Wikidata id such as "Q567", "" when unknown
	Description string // about 300 characters of the lead, plain text
	// AnchorWords, for an entity without a description: the words of the
	// strings that name it which its title lacks, most named first ("news
	// agency afp source" for Agence France-Presse; see anchorwords.go).
	AnchorWords string
	NameOnly    bool // known only as a link target: no article in the inputs
}

// SurfaceInfo says how a surface behaves as a link.
type SurfaceInfo struct {
	// LinkProbability = Linked / Occurrences: how often the surface is a
	// link where it occurs in the input text. 1 when never seen unlinked
	// (or only known from anchor lists), 0 when never linked.
	LinkProbability float32 `json:"link_probability"`
	Linked          uint32  `json:"linked"`      // times seen as anchor text
	Occurrences     uint32  `json:"occurrences"` // times seen in text, linked or not (normalised form)
	Candidates      int     `json:"candidates"`
	// LowerSense: the surface written in lower case names another entity
	// than the name does ("same" → Similarity, "Same" → Same, East Timor),
	// as an alias dictionary tells: the word is a common word as well.
	LowerSense bool `json:"lower_sense,omitempty"`
	// GivenName: the surface is a given name of persons ("Stephanie",
	// "Al"), as the KB's titles of persons tell (an alias dictionary's
	// build learns them): in "Stephanie Hoff" it opens a person's name.
	GivenName bool `json:"given_name,omitempty"`
	// ProperNoun: the surface is a single word that the alias dictionary's
	// strings write capitalised wherever it is not their first word
	// ("Iraq", "Japan", "Obama"; not "well", "page"): a name, however
	// common the word frequencies make it (namecase.go).
	ProperNoun bool `json:"proper_noun,omitempty"`
	// Zipf is how common the surface is as a word in running text (log10
	// per billion words; 0 when unknown or not a single word), from the
	// build's word frequencies.
	Zipf float32 `json:"zipf,omitempty"`
}

// SurfaceKey names one surface of the normalised index, as found by a
// Walker.
type SurfaceKey uint32
