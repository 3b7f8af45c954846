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

.PHONY: deps deps-gpu build kb demo test bench eval train lint clean kafka-up kafka-down image test-image test-deploy pyclient registry-up registry-down

deps:
	scripts/deps.sh

# Opt-in: the CUDA build of ONNX Runtime and the CUDA libraries it loads
# (about 1.3 GB downloaded, 2 GB kept), for --cuda N; see scripts/deps-gpu.sh.
deps-gpu:
	scripts/deps-gpu.sh

build: deps
	$(GO) build -o $(BIN) ./cmd/linkstream

# The Wikipedia-scale KB (alias dictionary + vital articles' summaries),
# fetched, built and cached by version and code hash; prints its directory.
kb: build
	scripts/kb.sh

demo: build
	$(BIN) demo --kb "$$(scripts/kb.sh)"

test: build test-deploy pyclient
	scripts/test.sh

# The Kubernetes manifests, decoded strictly into the API types and rendered
# with kustomize: a module of its own (deploy/kubernetes/go.mod), so its
# Kubernetes dependencies stay out of the service's build. No cluster needed.
test-deploy:
	cd deploy/kubernetes && $(GO) test -count=1 ./...

# Go benchmarks of every package, then the linker's table on the
# Wikipedia-scale KB.
bench: build
	$(GO) test -run '^$$' -bench . -benchtime 1s ./...
	$(BIN) bench --kb "$$(scripts/kb.sh)"

eval: build
	scripts/eval.sh

# Fits the score's weights and NIL threshold on the development sets
# (MSNBC, ACE2004; never a test set) with the Wikipedia-scale KB and the
# cross-encoder, and rewrites pipeline/fit.json, which the Linker embeds.
train: build
	$(BIN) train --kb "$$(scripts/kb.sh)" --out pipeline/fit.json

lint: deps
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	cd deploy/kubernetes && $(GO) vet ./... && $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

# A venv with confluent-kafka and fastavro for examples/python (the
# non-Go client that make test runs against the real broker).
pyclient:
	scripts/pyclient.sh >/dev/null

# The container image (podman; no base image is pulled): scripts/image.sh.
image: build
	scripts/image.sh

# The image against a real broker: links a document in a container. Not in
# `make test`, which must pass where podman is absent.
test-image: image
	scripts/test-image.sh

kafka-up: deps
	scripts/kafka.sh up

kafka-down:
	scripts/kafka.sh down

registry-up:
	scripts/registry.sh up

registry-down:
	scripts/registry.sh down

clean:
	rm -rf bin out
