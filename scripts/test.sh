#!/usr/bin/env bash
# scripts/test.sh: what `make test` runs once `make deps` has fetched the
# native stack. Unit tests and the real-data tests run everywhere; the
# integration tests run against a real single-node Kafka broker and a real
# Schema Registry that this script starts (scripts/kafka.sh,
# scripts/registry.sh) and always stops again.
#
# Environment: LINKSTREAM_TEST_TIMEOUT (go test -timeout, default 40m);
# everything scripts/kafka.sh reads.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/kafka.sh up
trap 'scripts/kafka.sh down' EXIT
LINKSTREAM_KAFKA_BROKERS=$(scripts/kafka.sh status)
export LINKSTREAM_KAFKA_BROKERS
# A real Schema Registry (Apicurio, Confluent API) for the registry tests.
LINKSTREAM_REGISTRY_URL=$(scripts/registry.sh up)
trap 'scripts/registry.sh down; scripts/kafka.sh down' EXIT
export LINKSTREAM_REGISTRY_URL

# -p 1: the packages share two cores, one broker and one model; running them
# one at a time keeps timing-sensitive tests honest and the peak memory low.
go test -p 1 -count=1 -timeout "${LINKSTREAM_TEST_TIMEOUT:-40m}" ./...
