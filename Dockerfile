# syntax=docker/dockerfile:1
#
# Linkstream's container image: the binary, ONNX Runtime and the default
# cross-encoder. The knowledge base is not inside: mount it at /kb.
#
#   docker build -t linkstream .
#   docker run --rm -v "$PWD/kb:/kb:ro" linkstream run \
#       --brokers kafka:9092 --input-topic news --output-topic news-linked
#
# The build stage runs `make build` (which fetches and builds the native
# stack like on a host) and lays the files out with scripts/image-stage.sh.
# `make image` builds the runtime stage of this same file with podman, with
# STAGE set to an image of the files built on the host and RUNTIME_BASE to a
# Debian base made by mmdebstrap: where the project is developed, no base
# image can be pulled.

ARG GO_IMAGE=golang:1.26-bookworm
ARG RUST_IMAGE=rust:1-bookworm
ARG RUNTIME_BASE=debian:bookworm-slim
# Where /stage comes from: the build stage below, or an image holding it.
ARG STAGE=build

FROM ${GO_IMAGE} AS go

# cargo builds the tokenizer library; npm and Python fetch ONNX Runtime, the
# model and the Wikipedia excerpt (scripts/deps.sh). Bookworm's Python 3.11
# and glibc are those of the runtime base, so the binary runs there.
FROM ${RUST_IMAGE} AS build
RUN apt-get update \
	&& apt-get install -y --no-install-recommends npm python3 python3-venv python3-pip \
	&& rm -rf /var/lib/apt/lists/*
COPY --from=go /usr/local/go /usr/local/go
ENV PATH=/usr/local/go/bin:$PATH
WORKDIR /src
COPY . .
# The caches keep the native stack and Go modules across builds, as
# ~/.cache/linkstream does on a host; they live under /cache in the build
# stage (named explicitly, whatever the build user's home).
ENV CACHE=/cache/linkstream LINKSTREAM_CACHE=/cache/linkstream GOCACHE=/cache/go-build GOMODCACHE=/cache/go-mod
RUN --mount=type=cache,target=/cache/linkstream \
	--mount=type=cache,target=/cache/go-build \
	--mount=type=cache,target=/cache/go-mod \
	make build && scripts/image-stage.sh /stage

FROM ${STAGE} AS staged

FROM ${RUNTIME_BASE} AS runtime
COPY --from=staged /stage/ /
# The binary looks for libonnxruntime and the default model under
# LINKSTREAM_CACHE; every flag is also an environment variable.
ENV LINKSTREAM_CACHE=/opt/linkstream/cache \
	LINKSTREAM_KB=/kb \
	LINKSTREAM_HTTP_ADDR=:9464
LABEL org.opencontainers.image.title="linkstream" \
	org.opencontainers.image.description="Entity linker on Kafka: text in, mention -> Wikipedia entity out" \
	org.opencontainers.image.licenses="Apache-2.0 AND MIT" \
	org.opencontainers.image.documentation="/usr/share/doc/linkstream/NOTICE"
# Not root: the service needs no privilege. 65532 is the usual "nonroot".
USER 65532:65532
EXPOSE 9464
ENTRYPOINT ["/usr/local/bin/linkstream"]
CMD ["run"]
