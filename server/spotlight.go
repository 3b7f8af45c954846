package server

import (
	"cmp"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/pipeline"
)

// /rest/annotate answers as DBpedia Spotlight's annotate endpoint does in
// JSON, so Spotlight clients and GERBIL-style harnesses work unchanged:
// parameters text, confidence, support, types and policy, by GET or by a
// form POST; every value in the response is a string, as Spotlight writes
// them; Resources is left out when nothing was linked. As in Spotlight,
// confidence defaults to 0.5 (here: the NIL threshold) and support to 0. @offset counts
// UTF-16 code units, as Spotlight's Java strings do (code points and
// UTF-16 agree outside the astral planes). @percentageOfSecondRank is the
// link ambiguity, which is the same ratio. Extra keys name the KB version
// and model.

type spotlightResponse struct {
	Text       string              `json:"@text"`
	Confidence string              `json:"@confidence"`
	Support    string              `json:"@support"`
	Types      string              `json:"@types"`
	SPARQL     string              `json:"@sparql"`
	Policy     string              `json:"@policy"`
	KBVersion  string              `json:"@kbVersion"`
	ModelID    string              `json:"@modelId"`
	Resources  []spotlightResource `json:"Resources,omitempty"`
}

type spotlightResource struct {
	URI                    string `json:"@URI"`
	Support                string `json:"@support"`
	Types                  string `json:"@types"`
	SurfaceForm            string `json:"@surfaceForm"`
	Offset                 string `json:"@offset"`
	SimilarityScore        string `json:"@similarityScore"`
	PercentageOfSecondRank string `json:"@percentageOfSecondRank"`
}

// spotlightTypes are Spotlight's type names for the KB's coarse types.
var spotlightTypes = map[string]string{
	"PER": "Schema:Person,DBpedia:Person,DBpedia:Agent",
	"ORG": "Schema:Organization,DBpedia:Organisation,DBpedia:Agent",
	"LOC": "Schema:Place,DBpedia:Place,DBpedia:Location",
}

// DBpediaURI is the DBpedia resource of a Wikipedia title, encoded as
// pipeline.WikipediaURL encodes the Wikipedia address.
func DBpediaURI(title string) string {
	return "http://dbpedia.org/resource/" + strings.TrimPrefix(pipeline.WikipediaURL(title), "https://en.wikipedia.org/wiki/")
}

type annotateRequest struct {
	text           string
	confidence     float64
	support        int
	types          []string
	policyBlocks   bool
	confidenceText string
	supportText    string
	typesText      string
	policyText     string
}

func (s *Server) parseAnnotate(w http.ResponseWriter, r *http.Request) (annotateRequest, *apiError) {
	var a annotateRequest
	if !acceptsJSON(r.Header.Get("Accept")) {
		return a, fail(http.StatusNotAcceptable, codeNotAcceptable, "Accept %q: this endpoint answers application/json only", r.Header.Get("Accept"))
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.maxBody)
	if err := r.ParseForm(); err != nil {
		if e := bodyError(err, s.cfg.maxBody); e.Code == codeBodyTooLarge {
			return a, e
		}
		return a, fail(http.StatusBadRequest, codeBadOption, "reading the form: %v", err)
	}
	f := r.Form
	if f.Get("url") != "" {
		return a, fail(http.StatusBadRequest, codeBadOption, "url is not supported: send the text")
	}
	if f.Get("sparql") != "" {
		return a, fail(http.StatusBadRequest, codeBadOption, "sparql filters are not supported")
	}
	a.text = f.Get("text")
	if strings.TrimSpace(a.text) == "" {
		return a, fail(http.StatusBadRequest, codeMissingText, "the text parameter is missing or empty")
	}
	if !utf8.ValidString(a.text) {
		return a, fail(http.StatusBadRequest, codeInvalidUTF8, "the text is not valid UTF-8 (first bad byte at offset %d)", invalidAt([]byte(a.text)))
	}
	if len(a.text) > s.cfg.maxDoc {
		return a, fail(http.StatusRequestEntityTooLarge, codeDocTooLarge, "the text is %d bytes, the limit is %d", len(a.text), s.cfg.maxDoc)
	}
	a.confidenceText, a.supportText, a.typesText, a.policyText = f.Get("confidence"), f.Get("support"), f.Get("types"), f.Get("policy")
	// Spotlight's defaults when a parameter is absent.
	a.confidenceText, a.supportText = cmp.Or(a.confidenceText, "0.5"), cmp.Or(a.supportText, "0")
	c, err := strconv.ParseFloat(a.confidenceText, 64)
	if err != nil || !(c >= -1 && c <= 1) {
		return a, fail(http.StatusBadRequest, codeBadOption, "confidence=%q: want a number in [0, 1]", a.confidenceText)
	}
	// Spotlight reads a negative confidence as "no threshold".
	a.confidence = max(c, 0)
	if a.support, err = strconv.Atoi(a.supportText); err != nil {
		return a, fail(http.StatusBadRequest, codeBadOption, "support=%q: want an integer (the least inlinks an entity needs)", a.supportText)
	}
	for _, t := range strings.Split(a.typesText, ",") {
		if t = strings.TrimSpace(t); t != "" {
			a.types = append(a.types, t)
		}
	}
	switch strings.ToLower(a.policyText) {
	case "", "whitelist":
		a.policyText = "whitelist"
	case "blacklist":
		a.policyBlocks = true
	default:
		return a, fail(http.StatusBadRequest, codeBadOption, "policy=%q: want whitelist or blacklist", a.policyText)
	}
	return a, nil
}

func acceptsJSON(accept string) bool {
	if accept == "" {
		return true
	}
	for _, part := range strings.Split(accept, ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch strings.TrimSpace(mt) {
		case "application/json", "application/*", "*/*":
			return true
		}
	}
	return false
}

func (s *Server) serveAnnotate(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.deadline(w, r)
	defer cancel()
	a, aerr := s.parseAnnotate(w, r)
	if aerr != nil {
		s.writeError(w, aerr)
		return
	}
	opts := linkOptions{call: []pipeline.CallOption{pipeline.WithExplanations(true), pipeline.WithNILThreshold(a.confidence)}, candidates: true, features: true}
	resp, aerr := s.link(ctx, link.Document{ID: "annotate", Text: a.text}, opts)
	if aerr != nil {
		s.writeError(w, aerr)
		return
	}
	w.Header().Set(HeaderKBVersion, resp.KBVersion)
	w.Header().Set(HeaderModelID, resp.ModelID)
	writeJSON(w, s.spotlight(a, resp))
}

func (s *Server) spotlight(a annotateRequest, resp linkResponse) spotlightResponse {
	out := spotlightResponse{Text: a.text, Confidence: a.confidenceText, Support: a.supportText, Types: a.typesText,
		Policy: a.policyText, KBVersion: resp.KBVersion, ModelID: resp.ModelID}
	inlinks := map[[2]int]uint32{}
	for _, m := range resp.Mentions {
		for _, c := range m.Candidates {
			if c.Title == m.Chosen {
				inlinks[[2]int{m.Start, m.End}] = c.Inlinks
			}
		}
	}
	offs := utf16Offsets(a.text)
	for _, l := range resp.Links {
		support := inlinks[[2]int{l.Start, l.End}]
		types := spotlightTypes[l.Type]
		if int64(support) < int64(a.support) || !typeAllowed(types, a.types, a.policyBlocks) {
			continue
		}
		out.Resources = append(out.Resources, spotlightResource{
			URI:                    DBpediaURI(l.Title),
			Support:                strconv.FormatUint(uint64(support), 10),
			Types:                  types,
			SurfaceForm:            l.Mention,
			Offset:                 strconv.Itoa(offs[min(l.Start, len(offs)-1)]),
			SimilarityScore:        strconv.FormatFloat(l.Score, 'g', -1, 64),
			PercentageOfSecondRank: strconv.FormatFloat(l.Ambiguity, 'g', -1, 64),
		})
	}
	return out
}

// typeAllowed applies Spotlight's types filter: with a whitelist an entity
// needs one of the types (any entity when none are given); with a
// blacklist it must have none of them.
func typeAllowed(entityTypes string, filter []string, blacklist bool) bool {
	if len(filter) == 0 {
		return true
	}
	has := false
	for _, t := range strings.Split(entityTypes, ",") {
		for _, f := range filter {
			if t == f {
				has = true
			}
		}
	}
	return has != blacklist
}

// utf16Offsets maps every code-point offset of text, 0 to its length, to
// its UTF-16 code-unit offset.
func utf16Offsets(text string) []int {
	offs := make([]int, 1, len(text)+1)
	n := 0
	for _, r := range text {
		n += utf16.RuneLen(r)
		offs = append(offs, n)
	}
	return offs
}
