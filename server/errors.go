package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
)

// apiError is a request the server refuses or could not serve: the HTTP
// status, a stable code for programs and a reason for people. It is the
// body of every error response, {"error": reason, "code": code}.
type apiError struct {
	status int
	Code   string `json:"code"`
	Reason string `json:"error"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Reason }

func fail(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, Code: code, Reason: fmt.Sprintf(format, args...)}
}

// Error codes, stable for clients.
const (
	codeBadJSON       = "bad-json"
	codeInvalidUTF8   = "invalid-utf8"
	codeBodyTooLarge  = "body-too-large"
	codeDocTooLarge   = "document-too-large"
	codeBatchTooLarge = "batch-too-large"
	codeBadOption     = "bad-option"
	codeMediaType     = "unsupported-media-type"
	codeNotAcceptable = "not-acceptable"
	codeBusy          = "busy"
	codeTimeout       = "timeout"
	codeNoModel       = "no-cross-encoder"
	codeUnavailable   = "unavailable"
	codeInternal      = "internal"
	codeMissingText   = "missing-text"
)

func writeError(w http.ResponseWriter, e *apiError) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if e.status == http.StatusTooManyRequests || e.status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(e)
}

// bodyError classifies an error from reading a request body.
func bodyError(err error, limit int64) *apiError {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return fail(http.StatusRequestEntityTooLarge, codeBodyTooLarge, "the body is larger than the limit of %d bytes", limit)
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fail(http.StatusRequestTimeout, codeTimeout, "the body did not arrive within the request timeout")
	}
	return fail(http.StatusBadRequest, codeBadJSON, "reading the body: %v", err)
}
