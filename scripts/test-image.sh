#!/usr/bin/env bash
# scripts/test-image.sh: what `make test-image` runs once `make image` has
# built the image: a real broker (scripts/kafka.sh, stopped again at the
# end), then the container test in deploy/image.
#
# Environment: LINKSTREAM_IMAGE (default localhost/linkstream:latest),
# CONTAINERS_CONF (default deploy/image/containers.conf), everything
# scripts/kafka.sh reads.
set -euo pipefail
cd "$(dirname "$0")/.."

export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/deploy/image/containers.conf}
scripts/kafka.sh up
trap 'scripts/kafka.sh down' EXIT
LINKSTREAM_KAFKA_BROKERS=$(scripts/kafka.sh status)
export LINKSTREAM_KAFKA_BROKERS
go test -count=1 -v -run 'TestImage' ./deploy/image/
