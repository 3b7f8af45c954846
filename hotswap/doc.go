// Package hotswap swaps the knowledge base under a running service: a
// Swapper holds the current generation (a pipeline.Linker over one open KB,
// with its version), hands it out reference-counted, and on Reload opens
// and warms the next one, switches atomically, waits for the calls still
// holding the old one, and closes it. A KB that fails to open, verify or
// warm is refused with a log line and the old one stays.
//
// A Swapper is a link.Linker and a consumer.VersionedLinker (it names the
// KB that linked each document), so `linkstream run` and `linkstream serve`
// share it. It owns neither how a KB is opened (the Opener, from
// cmd/linkstream) nor the cross-encoder, which generations share.
package hotswap
