package pipeline

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// Fit is a scorer fitted by `linkstream train`: the weights of the cheap
// score (every mention; the ambiguity gate of mode Ambiguous), the weights
// of a mention the cross-encoder has read, and the NIL threshold chosen on
// the development sets, with a record of what they were fitted on.
type Fit struct {
	// Version of the fit file's format.
	Version int `json:"version"`
	// Cheap weights score mentions the cross-encoder did not read.
	Cheap Weights `json:"cheap"`
	// Reranked weights score mentions it read.
	Reranked Weights `json:"reranked"`
	// Link decides link or NIL (see LinkWeights); NILThreshold applies to
	// its confidence.
	Link         LinkWeights `json:"link"`
	NILThreshold float64     `json:"nil_threshold"`
	// Training says how the weights were made: data, sizes, metrics.
	// The Linker does not read it.
	Training json.RawMessage `json:"training,omitempty"`
}

// HandSetFit is the scorer before fitting: the hand-set weights (see
// HandSetWeights), the winner's probability as the link confidence and a
// NIL threshold of 0.35. The embedded fit is fitted to the
// Wikipedia-scale KB (make kb); a KB built otherwise (from dumps, with
// counted anchors) scores on other scales: fit it with 'linkstream train',
// or use this.
var HandSetFit = Fit{Version: FitVersion, Cheap: HandSetWeights, Reranked: HandSetWeights, NILThreshold: 0.35}

// FitVersion is the format version this package reads.
const FitVersion = 1

//go:embed fit.json
var embeddedFit []byte

// DefaultFit is the fit shipped with the package (pipeline/fit.json, made
// by `make train`); it is what a Linker scores with unless WithFit or
// WithWeights says otherwise.
var DefaultFit = mustParseFit(embeddedFit)

func mustParseFit(b []byte) Fit {
	f, err := ParseFit(b)
	if err != nil {
		panic("pipeline: the embedded fit.json: " + err.Error())
	}
	return f
}

// ParseFit reads a fit file's contents.
func ParseFit(b []byte) (Fit, error) {
	var f Fit
	if err := json.Unmarshal(b, &f); err != nil {
		return Fit{}, fmt.Errorf("pipeline: fit: %w", err)
	}
	if f.Version != FitVersion {
		return Fit{}, fmt.Errorf("pipeline: fit: format version %d, this build reads %d: refit with 'make train'", f.Version, FitVersion)
	}
	if f.NILThreshold < 0 || f.NILThreshold > 1 {
		return Fit{}, errors.New("pipeline: fit: nil_threshold outside [0, 1]")
	}
	return f, nil
}

// ReadFit reads a fit file.
func ReadFit(path string) (Fit, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Fit{}, err
	}
	f, err := ParseFit(b)
	if err != nil {
		return Fit{}, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}
