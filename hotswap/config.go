package hotswap

import (
	"io"
	"log/slog"
	"time"

	"github.com/linkstream/linkstream/link"
)

// Opt configures a Swapper.
type Opt interface{ apply(*cfg) }

type optFunc func(*cfg)

func (f optFunc) apply(c *cfg) { f(c) }

type cfg struct {
	log    *slog.Logger
	warmup []link.Document
	poll   time.Duration
	notify func(Swap)
}

// WarmupText is what a new generation links before it is switched in,
// unless Warmup says otherwise: it pages in the KB's look-up structures and
// runs the cross-encoder once.
const WarmupText = "Tim Cook announced new Apple products in Cupertino."

func defaultCfg() cfg {
	return cfg{
		log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		warmup: []link.Document{{ID: "hotswap-warmup", Text: WarmupText}},
	}
}

// Logger sets where swaps and refusals are logged (default: nowhere).
func Logger(l *slog.Logger) Opt { return optFunc(func(c *cfg) { c.log = l }) }

// Warmup sets the documents every new generation links before it is
// switched in (default: one sentence, WarmupText); an error refuses it.
// Representative documents fill the candidate cache before traffic does.
func Warmup(docs ...link.Document) Opt { return optFunc(func(c *cfg) { c.warmup = docs }) }

// Poll makes Watch check the directory's current link this often (default
// 0: only reload signals swap).
func Poll(every time.Duration) Opt { return optFunc(func(c *cfg) { c.poll = every }) }

// Notify calls fn after each switch, before the old generation drains.
func Notify(fn func(Swap)) Opt { return optFunc(func(c *cfg) { c.notify = fn }) }
