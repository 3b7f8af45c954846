# Linkstream: `make demo` runs the main job on embedded defaults, `make test`
# passes the tests. Both fetch, build and cache the native stack first
# (scripts/deps.sh), under $(CACHE), keyed by name and version.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go

CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/linkstream
export LINKSTREAM_CACHE := $(CACHE)

# Pinned versions of the native stack; scripts/deps.sh reads them from here
# through the environment, so this block is the one place to bump them.
export TOKENIZERS_VERSION := v1.24.0
export ORT_VERSION := 1.30.0

# daulet/tokenizers links a static Rust library that `make deps` builds.
export CGO_LDFLAGS := -L$(CACHE)/tokenizers/$(TOKENIZERS_VERSION)

BIN := bin/linkstream

.PHONY: deps build kb demo test bench eval lint clean kafka-up kafka-down

deps:
	scripts/deps.sh

build: deps
	$(GO) build -o $(BIN) ./cmd/linkstream

# The Wikipedia-scale KB (alias dictionary + vital articles' summaries),
# fetched, built and cached by version and code hash; prints its directory.
kb: build
	scripts/kb.sh

demo: build
	$(BIN) demo --kb "$$(scripts/kb.sh)"

test: deps
	scripts/test.sh

# Go benchmarks of every package, then the linker's table on the
# Wikipedia-scale KB.
bench: build
	$(GO) test -run '^$$' -bench . -benchtime 1s ./...
	$(BIN) bench --kb "$$(scripts/kb.sh)"

eval: build
	scripts/eval.sh

lint: deps
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

kafka-up: deps
	scripts/kafka.sh up

kafka-down:
	scripts/kafka.sh down

clean:
	rm -rf bin out
