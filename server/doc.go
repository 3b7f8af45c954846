// Package server serves the Linker over HTTP: POST /v1/link (one document
// in the JSON contract of `linkstream link`, or an NDJSON batch streamed
// back in order), a DBpedia-Spotlight-compatible /rest/annotate, a page at
// / that shows the links, and /healthz, /readyz and /metrics.
//
// Every request links with the generation a hotswap.Swapper hands out, so
// all requests share one Linker and its cross-encoder micro-batcher, and a
// KB swapped underneath finishes the requests in flight on the old one.
// Every response names the KB version and model in its headers
// (Linkstream-KB-Version, Linkstream-Model-ID). Input is bounded (body,
// document, batch, time, concurrency) and bad input is a 4xx with a JSON
// reason, never a panic.
//
// It owns no flags (cmd/linkstream serve), no KB opening (the Opener) and
// no TLS: it binds where it is told, loopback by default in the command.
package server
