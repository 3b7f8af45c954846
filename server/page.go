package server

import (
	_ "embed"
	"net/http"
)

// page is the whole web page: HTML, CSS and a little JavaScript, no build
// step. It posts the text to /v1/link?features=true and draws the result.
//
//go:embed page/index.html
var page []byte

func (s *Server) servePage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(page)
}
