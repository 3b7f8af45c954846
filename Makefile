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

.PHONY: deps build demo test bench eval lint clean kafka-up kafka-down

deps:
	scripts/deps.sh

build: deps
	$(GO) build -o $(BIN) ./cmd/linkstream

demo: build
	$(BIN) demo

test: deps
	scripts/test.sh

# Go benchmarks of every package, then the linker's table on the evaluation
# KB when `make eval` has built it, else on the demo KB.
bench: build
	$(GO) test -run '^$$' -bench . -benchtime 1s ./...
	$(BIN) bench $(if $(wildcard out/eval/kb/format.json),--kb out/eval/kb)

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
