package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/linkstream/linkstream/hotswap"
	"github.com/linkstream/linkstream/kb"
	"github.com/linkstream/linkstream/models"
	"github.com/linkstream/linkstream/pipeline"
)

// swapFlags are the flags of the commands whose KB is swapped without a
// restart: serve and run.
type swapFlags struct {
	poll   time.Duration
	verify bool
}

func (f *swapFlags) register(fs *flag.FlagSet) {
	fs.DurationVar(&f.poll, "kb-poll", 5*time.Second, "how often to check whether KBDIR/current points at a new KB, which is then swapped in (0: only on SIGHUP)")
	fs.BoolVar(&f.verify, "kb-verify", true, "re-hash every file of a KB before serving it, and refuse it when the content hash does not match")
}

// openSwapper opens the cross-encoder once, for every generation, and the
// KB that --kb names (KBDIR/current when that link exists) through a
// hotswap.Swapper. closeModel closes the cross-encoder: call it after the
// Swapper's Close.
func (f *linkerFlags) openSwapper(ctx context.Context, sf swapFlags, log *slog.Logger) (sw *hotswap.Swapper, closeModel func() error, err error) {
	mode, opts, err := f.options()
	if err != nil {
		return nil, nil, err
	}
	var enc *models.CrossEncoder
	closeModel = func() error { return nil }
	if mode != pipeline.Never {
		if enc, err = f.openEncoder(); err != nil {
			return nil, nil, err
		}
		opts = append(opts, pipeline.CrossEncoder(enc))
		closeModel = enc.Close
	}
	open := func(_ context.Context, dir string) (*hotswap.Generation, error) {
		k, err := kb.Open(dir)
		if err != nil {
			return nil, err
		}
		if sf.verify {
			if err := k.Verify(); err != nil {
				return nil, errors.Join(err, k.Close())
			}
		}
		l, err := pipeline.New(k, opts...)
		if err != nil {
			return nil, errors.Join(err, k.Close())
		}
		return &hotswap.Generation{Linker: l, KBVersion: kbVersionOf(k), ModelID: modelIDOf(enc),
			Close: func() error { l.Close(); return k.Close() }}, nil
	}
	sw, err = hotswap.New(ctx, f.kbDir, open, hotswap.Logger(log), hotswap.Poll(sf.poll))
	if err != nil {
		return nil, nil, errors.Join(err, closeModel())
	}
	return sw, closeModel, nil
}

// watchKB swaps the KB on SIGHUP and when KBDIR/current moves, until stop.
func watchKB(ctx context.Context, sw *hotswap.Swapper) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	var wg sync.WaitGroup
	wg.Go(func() { sw.Watch(ctx, hup) })
	return func() {
		signal.Stop(hup)
		cancel()
		wg.Wait()
	}
}

func newLogger(level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l})), nil
}
