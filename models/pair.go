package models

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/daulet/tokenizers"
)

// ErrUnsupportedTokenizer is wrapped when a tokenizer.json has no post
// processor we can turn into a pair template (TemplateProcessing,
// BertProcessing or RobertaProcessing, possibly inside a Sequence).
var ErrUnsupportedTokenizer = errors.New("unsupported tokenizer post-processor")

// Encoded is one (query, passage) pair as model inputs: token ids with the
// special tokens in place, and their token type (segment) ids. It is
// immutable once made and cheap to pass around by value.
type Encoded struct {
	IDs     []int64
	TypeIDs []int64
}

// Len is the number of tokens, special tokens included.
func (e Encoded) Len() int { return len(e.IDs) }

// Pair is a query (the mention in its context) and a passage (an entity's
// description).
type Pair struct {
	Query, Passage string
}

// piece is one element of the pair template: a special token, or sequence
// A (seq 0) or B (seq 1).
type piece struct {
	seq    int // 0 = A, 1 = B, -1 = special token
	ids    []int64
	typeID int64
}

// pairTokenizer tokenizes each side without special tokens and assembles
// the pair itself: daulet/tokenizers has no pair call.
type pairTokenizer struct {
	tok      *tokenizers.Tokenizer
	template []piece
	special  int   // number of special tokens the template adds
	padID    int64 // padding id used by Run
	maxLen   int
}

// hfTokenizerJSON is the part of tokenizer.json we read ourselves.
type hfTokenizerJSON struct {
	PostProcessor json.RawMessage `json:"post_processor"`
	Padding       *struct {
		PadID int64 `json:"pad_id"`
	} `json:"padding"`
	Model struct {
		Vocab json.RawMessage `json:"vocab"`
	} `json:"model"`
}

// newPairTokenizer loads tokenizer.json with its own padding and truncation
// switched off (many exports pad every sequence to 512): we truncate pairs
// ourselves and pad per batch in Run.
func newPairTokenizer(data []byte, maxLen int) (*pairTokenizer, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	var hf hfTokenizerJSON
	if err := json.Unmarshal(data, &hf); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	tmpl, err := pairTemplate(hf.PostProcessor)
	if err != nil {
		return nil, err
	}
	special := 0
	for _, p := range tmpl {
		if p.seq < 0 {
			special += len(p.ids)
		}
	}
	if maxLen <= special {
		return nil, fmt.Errorf("MaxLength %d leaves no room next to %d special tokens", maxLen, special)
	}
	var padID int64
	if hf.Padding != nil {
		padID = hf.Padding.PadID
	} else {
		var vocab map[string]int64
		if json.Unmarshal(hf.Model.Vocab, &vocab) == nil {
			if id, ok := vocab["[PAD]"]; ok {
				padID = id
			} else if id, ok := vocab["<pad>"]; ok {
				padID = id
			}
		}
	}
	raw["padding"] = json.RawMessage("null")
	raw["truncation"] = json.RawMessage("null")
	clean, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	tok, err := tokenizers.FromBytes(clean)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	return &pairTokenizer{tok: tok, template: tmpl, special: special, padID: padID, maxLen: maxLen}, nil
}

func pairTemplate(pp json.RawMessage) ([]piece, error) {
	var head struct {
		Type       string            `json:"type"`
		Processors []json.RawMessage `json:"processors"`
	}
	if len(pp) == 0 || string(pp) == "null" {
		return nil, fmt.Errorf("%w: none", ErrUnsupportedTokenizer)
	}
	if err := json.Unmarshal(pp, &head); err != nil {
		return nil, fmt.Errorf("post_processor: %w", err)
	}
	switch head.Type {
	case "Sequence":
		for _, sub := range head.Processors {
			if t, err := pairTemplate(sub); err == nil {
				return t, nil
			}
		}
		return nil, fmt.Errorf("%w: Sequence without a pair template", ErrUnsupportedTokenizer)
	case "TemplateProcessing":
		var tp struct {
			Pair []struct {
				SpecialToken *struct {
					ID     string `json:"id"`
					TypeID int64  `json:"type_id"`
				} `json:"SpecialToken"`
				Sequence *struct {
					ID     string `json:"id"`
					TypeID int64  `json:"type_id"`
				} `json:"Sequence"`
			} `json:"pair"`
			SpecialTokens map[string]struct {
				IDs []int64 `json:"ids"`
			} `json:"special_tokens"`
		}
		if err := json.Unmarshal(pp, &tp); err != nil {
			return nil, fmt.Errorf("post_processor: %w", err)
		}
		var out []piece
		for _, it := range tp.Pair {
			switch {
			case it.SpecialToken != nil:
				st, ok := tp.SpecialTokens[it.SpecialToken.ID]
				if !ok {
					return nil, fmt.Errorf("%w: special token %q undefined", ErrUnsupportedTokenizer, it.SpecialToken.ID)
				}
				out = append(out, piece{seq: -1, ids: st.IDs, typeID: it.SpecialToken.TypeID})
			case it.Sequence != nil:
				seq := 0
				if it.Sequence.ID == "B" {
					seq = 1
				}
				out = append(out, piece{seq: seq, typeID: it.Sequence.TypeID})
			}
		}
		return out, nil
	case "BertProcessing", "RobertaProcessing":
		var bp struct {
			Sep [2]json.RawMessage `json:"sep"`
			Cls [2]json.RawMessage `json:"cls"`
		}
		if err := json.Unmarshal(pp, &bp); err != nil {
			return nil, fmt.Errorf("post_processor: %w", err)
		}
		var sep, cls int64
		if err := json.Unmarshal(bp.Sep[1], &sep); err != nil {
			return nil, fmt.Errorf("post_processor sep: %w", err)
		}
		if err := json.Unmarshal(bp.Cls[1], &cls); err != nil {
			return nil, fmt.Errorf("post_processor cls: %w", err)
		}
		sp := func(id, typeID int64) piece { return piece{seq: -1, ids: []int64{id}, typeID: typeID} }
		if head.Type == "BertProcessing" {
			return []piece{sp(cls, 0), {seq: 0}, sp(sep, 0), {seq: 1, typeID: 1}, sp(sep, 1)}, nil
		}
		// RoBERTa: <s> A </s></s> B </s>, one segment.
		return []piece{sp(cls, 0), {seq: 0}, sp(sep, 0), sp(sep, 0), {seq: 1}, sp(sep, 0)}, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnsupportedTokenizer, head.Type)
}

// encode tokenizes both sides, truncates them longest-first to fit maxLen
// with the special tokens, and lays out the pair template.
func (p *pairTokenizer) encode(query, passage string) Encoded {
	a := p.tok.EncodeWithOptions(query, false).IDs
	b := p.tok.EncodeWithOptions(passage, false).IDs
	na, nb := truncateLongestFirst(len(a), len(b), p.maxLen-p.special)
	a, b = a[:min(na, len(a))], b[:min(nb, len(b))]
	n := len(a) + len(b) + p.special
	e := Encoded{IDs: make([]int64, 0, n), TypeIDs: make([]int64, 0, n)}
	for _, pc := range p.template {
		var ids []int64
		switch pc.seq {
		case -1:
			ids = pc.ids
		case 0:
			ids = widen(a)
		case 1:
			ids = widen(b)
		}
		e.IDs = append(e.IDs, ids...)
		for range ids {
			e.TypeIDs = append(e.TypeIDs, pc.typeID)
		}
	}
	return e
}

func widen(ids []uint32) []int64 {
	out := make([]int64, len(ids))
	for i, v := range ids {
		out[i] = int64(v)
	}
	return out
}

// truncateLongestFirst returns how many tokens of each side to keep so that
// n1+n2 <= budget, the way HuggingFace tokenizers 0.22 does it for
// TruncationStrategy::LongestFirst with a pair (utils/truncation.rs): the
// shorter side n is kept whole when the longer one can take the rest,
// otherwise the shorter gets budget/2 and the longer budget/2 + budget%2.
// It mirrors 0.22.0, the Rust crate libtokenizers.a is built from. Newer
// releases were reported to change pair truncation; tokenizers 0.23.3 gave
// the same split on 4400 (len A, len B, max) combinations we tried, but the
// golden file stays pinned to 0.22.0 so any change shows up as a test diff.
func truncateLongestFirst(n1, n2, budget int) (int, int) {
	if n1+n2 <= budget {
		return n1, n2
	}
	swap := n1 > n2
	if swap {
		n1, n2 = n2, n1
	}
	if n1 > budget {
		n2 = n1
	} else {
		n2 = max(n1, budget-n1)
	}
	if n1+n2 > budget {
		n1 = budget / 2
		n2 = n1 + budget%2
	}
	if swap {
		n1, n2 = n2, n1
	}
	return n1, n2
}
