#!/usr/bin/env bash
# scripts/test.sh: what `make test` runs once `make deps` has fetched the
# native stack. Unit tests and the real-data tests run everywhere; the
# integration tests run against a real single-node Kafka broker and a real
# Schema Registry that this script starts (scripts/kafka.sh,
# scripts/registry.sh) and always stops again.
#
# Environment: LINKSTREAM_TEST_TIMEOUT (go test -timeout, default 40m);
# LINKSTREAM_TEST_KB (a KB directory, or none; default: scripts/kb.sh's);
# everything scripts/kafka.sh and scripts/kb.sh read.
set -euo pipefail
cd "$(dirname "$0")/.."

# The Wikipedia-scale KB of make kb (fetched and built once, then cached):
# the demo test and the seed sentences run on it. LINKSTREAM_TEST_KB=none
# skips it (those tests then say so).
if [[ ${LINKSTREAM_TEST_KB:-} != none ]]; then
	LINKSTREAM_TEST_KB=${LINKSTREAM_TEST_KB:-$(scripts/kb.sh)}
	export LINKSTREAM_TEST_KB
else
	unset LINKSTREAM_TEST_KB
fi

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
