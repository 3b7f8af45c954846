package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/linkstream/linkstream/hotswap"
	"github.com/linkstream/linkstream/link"
	"github.com/linkstream/linkstream/pipeline"
)

// linkOptions are the query parameters of POST /v1/link: mode (never,
// ambiguous, always), nil_threshold and ambiguity (in [0, 1]), candidates
// (every mention's candidates, best first, with their probabilities) and
// features (the candidates' features too).
type linkOptions struct {
	call                 []pipeline.CallOption
	candidates, features bool
}

func parseLinkOptions(q url.Values) (linkOptions, *apiError) {
	var o linkOptions
	for name, vals := range q {
		v := vals[len(vals)-1]
		switch name {
		case "mode":
			m, err := pipeline.ParseMode(v)
			if err != nil {
				return o, fail(http.StatusBadRequest, codeBadOption, "mode=%q: want never, ambiguous or always", v)
			}
			o.call = append(o.call, pipeline.WithMode(m))
		case "nil_threshold", "ambiguity":
			t, err := strconv.ParseFloat(v, 64)
			if err != nil || !(t >= 0 && t <= 1) {
				return o, fail(http.StatusBadRequest, codeBadOption, "%s=%q: want a number in [0, 1]", name, v)
			}
			if name == "nil_threshold" {
				o.call = append(o.call, pipeline.WithNILThreshold(t))
			} else {
				o.call = append(o.call, pipeline.WithAmbiguityThreshold(t))
			}
		case "candidates", "features":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return o, fail(http.StatusBadRequest, codeBadOption, "%s=%q: want true or false", name, v)
			}
			if name == "candidates" {
				o.candidates = b
			} else {
				o.features = b
			}
		default:
			return o, fail(http.StatusBadRequest, codeBadOption, "unknown query parameter %q (known: mode, nil_threshold, ambiguity, candidates, features)", name)
		}
	}
	if o.candidates || o.features {
		o.call = append(o.call, pipeline.WithExplanations(true))
	}
	return o, nil
}

// linkResponse is the `link` output contract plus what linked it, the
// mentions' candidates when asked for, and, on an NDJSON line that failed,
// the error.
type linkResponse struct {
	link.Result
	KBVersion string    `json:"kb_version,omitempty"`
	ModelID   string    `json:"model_id,omitempty"`
	Mentions  []mention `json:"mentions,omitempty"`
	Line      int       `json:"line,omitempty"`
	Code      string    `json:"code,omitempty"`
	Error     string    `json:"error,omitempty"`
}

// mention is one spotted mention with its candidates, best first; Chosen
// is empty for NIL.
type mention struct {
	Start      int         `json:"start"`
	End        int         `json:"end"`
	Mention    string      `json:"mention"`
	Chosen     string      `json:"chosen"`
	Score      float64     `json:"score"`
	Candidates []candidate `json:"candidates"`
}

type candidate struct {
	Title       string  `json:"title"`
	Probability float64 `json:"probability"`
	*features
}

type features struct {
	Prior        float64  `json:"prior"`
	Inlinks      uint32   `json:"inlinks"`
	StringMatch  float64  `json:"string_match"`
	Context      float64  `json:"context"`
	CrossEncoder *float64 `json:"cross_encoder,omitempty"`
}

func mentionsOf(ex []pipeline.Explanation, withFeatures bool) []mention {
	if ex == nil {
		return nil
	}
	out := make([]mention, len(ex))
	for i, e := range ex {
		m := mention{Start: e.Start, End: e.End, Mention: e.Mention, Chosen: e.Chosen, Score: e.Score,
			Candidates: make([]candidate, len(e.Candidates))}
		for j, c := range e.Candidates {
			m.Candidates[j] = candidate{Title: c.Title, Probability: c.Probability}
			if withFeatures {
				m.Candidates[j].features = &features{Prior: c.Prior, Inlinks: c.Inlinks, StringMatch: c.StringMatch,
					Context: c.Context, CrossEncoder: c.CrossEncoder}
			}
		}
		sortCandidates(m.Candidates)
		out[i] = m
	}
	return out
}

func sortCandidates(cs []candidate) {
	// Insertion sort: a mention has a handful of candidates; stable, so
	// equal probabilities keep the KB's order (best prior first).
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].Probability > cs[j-1].Probability; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

func (s *Server) serveLink(w http.ResponseWriter, r *http.Request) {
	opts, aerr := parseLinkOptions(r.URL.Query())
	if aerr != nil {
		s.writeError(w, aerr)
		return
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil && r.Header.Get("Content-Type") != "" {
		mt = "unparsable"
	}
	switch mt {
	case "", "application/json":
		s.linkSingle(w, r, opts)
	case "application/x-ndjson", "application/jsonl":
		s.linkBatch(w, r, opts)
	default:
		s.writeError(w, fail(http.StatusUnsupportedMediaType, codeMediaType,
			"Content-Type %q: send application/json (one document) or application/x-ndjson (a batch)", r.Header.Get("Content-Type")))
	}
}

func (s *Server) linkSingle(w http.ResponseWriter, r *http.Request, opts linkOptions) {
	ctx, cancel := s.deadline(w, r)
	defer cancel()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.maxBody))
	if err != nil {
		s.writeError(w, bodyError(err, s.cfg.maxBody))
		return
	}
	doc, aerr := s.decodeDocument(body)
	if aerr != nil {
		s.writeError(w, aerr)
		return
	}
	resp, aerr := s.link(ctx, doc, opts)
	if aerr != nil {
		s.writeError(w, aerr)
		return
	}
	w.Header().Set(HeaderKBVersion, resp.KBVersion)
	w.Header().Set(HeaderModelID, resp.ModelID)
	writeJSON(w, resp)
}

// deadline bounds the request by the request timeout: its linking through
// the context, its body reads through the connection's read deadline (a
// client that sends slowly cannot hold a slot beyond it).
func (s *Server) deadline(w http.ResponseWriter, r *http.Request) (context.Context, context.CancelFunc) {
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.cfg.timeout))
	return context.WithTimeout(r.Context(), s.cfg.timeout)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// decodeDocument reads one document of the input contract. encoding/json
// would quietly turn invalid UTF-8 into U+FFFD, shifting nothing but
// changing the text, so invalid bytes are refused first.
func (s *Server) decodeDocument(b []byte) (link.Document, *apiError) {
	var doc link.Document
	if !utf8.Valid(b) {
		return doc, fail(http.StatusBadRequest, codeInvalidUTF8, "the body is not valid UTF-8 (first bad byte at offset %d)", invalidAt(b))
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return doc, fail(http.StatusBadRequest, codeBadJSON, `empty body: send one document, {"id": "...", "text": "..."}`)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return doc, fail(http.StatusBadRequest, codeBadJSON, "not a document of the link contract: %v", err)
	}
	if len(doc.Text) > s.cfg.maxDoc {
		return doc, fail(http.StatusRequestEntityTooLarge, codeDocTooLarge, "the text is %d bytes, the limit is %d", len(doc.Text), s.cfg.maxDoc)
	}
	return doc, nil
}

func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// link links doc with the current generation, which it holds until done.
func (s *Server) link(ctx context.Context, doc link.Document, opts linkOptions) (linkResponse, *apiError) {
	g, release, err := s.lk.Acquire()
	if err != nil {
		return linkResponse{}, linkError(err, s)
	}
	defer release()
	res, ex, err := g.Linker.LinkWith(ctx, doc, opts.call...)
	if err != nil {
		return linkResponse{}, linkError(err, s)
	}
	s.m.docs.Inc()
	return linkResponse{Result: res, KBVersion: g.KBVersion, ModelID: g.ModelID, Mentions: mentionsOf(ex, opts.features)}, nil
}

func linkError(err error, s *Server) *apiError {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fail(http.StatusGatewayTimeout, codeTimeout, "linking took longer than the request timeout of %s", s.cfg.timeout)
	case errors.Is(err, context.Canceled):
		return fail(http.StatusServiceUnavailable, codeUnavailable, "the request was canceled")
	case errors.Is(err, pipeline.ErrNoCrossEncoder):
		return fail(http.StatusBadRequest, codeNoModel, "this server runs without a cross-encoder: mode must be never")
	case errors.Is(err, pipeline.ErrBadCallOption):
		return fail(http.StatusBadRequest, codeBadOption, "%v", err)
	case errors.Is(err, pipeline.ErrInvalidText):
		return fail(http.StatusBadRequest, codeInvalidUTF8, "the text is not valid UTF-8")
	case errors.Is(err, pipeline.ErrTooLarge):
		return fail(http.StatusRequestEntityTooLarge, codeDocTooLarge, "%v", err)
	case errors.Is(err, hotswap.ErrClosed):
		return fail(http.StatusServiceUnavailable, codeUnavailable, "the server is shutting down")
	}
	s.cfg.log.Error("linking failed", "err", err)
	return fail(http.StatusInternalServerError, codeInternal, "linking failed: %v", err)
}

// linkBatch links an NDJSON body, one document a line, and streams one
// result line per input line in input order as soon as it is ready. A line
// that cannot be linked gets an error line ("line", "code", "error"); a
// body, batch or time limit ends the stream with one.
func (s *Server) linkBatch(w http.ResponseWriter, r *http.Request, opts linkOptions) {
	ctx, cancel := s.deadline(w, r)
	defer cancel()
	// HTTP/1.1 would otherwise stop reading the body once the response
	// starts; HTTP/2 streams both ways anyway.
	rc := http.NewResponseController(w)
	_ = rc.EnableFullDuplex()
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)

	pending := make(chan chan linkResponse, s.cfg.batchParallel)
	go s.readBatch(ctx, bufio.NewReaderSize(http.MaxBytesReader(w, r.Body, s.cfg.maxBody), 64<<10), opts, pending)

	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	var writeErr error
	for future := range pending {
		resp := <-future
		if writeErr != nil {
			continue // drain: the reader and the linking goroutines finish
		}
		if resp.Error != "" {
			s.m.errors.WithLabelValues(resp.Code).Inc()
		}
		if writeErr = enc.Encode(resp); writeErr == nil && len(pending) == 0 {
			writeErr = rc.Flush()
		}
		if writeErr != nil {
			cancel()
		}
	}
}

// readBatch reads lines and starts their linking, at most batchParallel at
// once, queuing one future per result line; it closes pending when done.
func (s *Server) readBatch(ctx context.Context, body *bufio.Reader, opts linkOptions, pending chan<- chan linkResponse) {
	defer close(pending)
	slots := make(chan struct{}, s.cfg.batchParallel)
	// The writer takes every future until pending closes, even after a
	// failed write, so these sends cannot block for ever.
	queue := func(future chan linkResponse) { pending <- future }
	now := func(resp linkResponse) chan linkResponse {
		f := make(chan linkResponse, 1)
		f <- resp
		return f
	}
	docs := 0
	for n := 1; ; n++ {
		line, err := body.ReadBytes('\n')
		// A body read past the deadline fails first, and the server then
		// cancels the request's context: the read error says why.
		if err != nil && !errors.Is(err, io.EOF) {
			queue(now(batchError(n, bodyError(err, s.cfg.maxBody))))
			return
		}
		if ctx.Err() != nil {
			queue(now(batchError(n, linkError(ctx.Err(), s))))
			return
		}
		if len(bytes.TrimSpace(line)) > 0 {
			if docs++; docs > s.cfg.maxBatch {
				queue(now(batchError(n, fail(http.StatusRequestEntityTooLarge, codeBatchTooLarge,
					"more than %d documents in one request; the rest of the body was not read", s.cfg.maxBatch))))
				return
			}
			future := make(chan linkResponse, 1)
			queue(future)
			slots <- struct{}{}
			go func() {
				defer func() { <-slots }()
				future <- s.batchLine(ctx, n, line, opts)
			}()
		}
		if err != nil { // io.EOF, after the last line
			return
		}
	}
}

func (s *Server) batchLine(ctx context.Context, n int, line []byte, opts linkOptions) (resp linkResponse) {
	// The route's recover does not reach this goroutine.
	defer func() {
		if p := recover(); p != nil {
			s.cfg.log.Error("panic linking a batch line", "line", n, "panic", p)
			resp = batchError(n, fail(http.StatusInternalServerError, codeInternal, "internal error"))
		}
	}()
	doc, aerr := s.decodeDocument(line)
	if aerr == nil {
		if resp, aerr = s.link(ctx, doc, opts); aerr == nil {
			return resp
		}
	}
	resp = batchError(n, aerr)
	resp.ID = doc.ID
	return resp
}

func batchError(n int, e *apiError) linkResponse {
	return linkResponse{Result: link.Result{Links: []link.Link{}, NIL: []link.NilMention{}}, Line: n, Code: e.Code, Error: e.Reason}
}
