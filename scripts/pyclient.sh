#!/usr/bin/env bash
# scripts/pyclient.sh: a Python venv with the example client's packages
# (examples/python/requirements.txt: confluent-kafka, fastavro), cached under
# $LINKSTREAM_CACHE/pyclient/py<version>-<requirements hash>/ like the rest
# of the native stack. Called by `make pyclient` (and so by `make test`).
#
#   scripts/pyclient.sh          build the venv unless cached; print its python
#   scripts/pyclient.sh path     print its python if built, else exit 3
#
# Environment: LINKSTREAM_CACHE, PYTHON (default python3).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${LINKSTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/linkstream}
PYTHON=${PYTHON:-python3}
REQS=$ROOT/examples/python/requirements.txt

say() { printf 'pyclient: %s\n' "$*" >&2; }
die() {
	say "ERROR: $*"
	exit 1
}

pyver=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])') || die "$PYTHON does not run"
key=$(grep -v -e '^#' -e '^$' "$REQS" | sha256sum | cut -c1-12)
VENV=$CACHE/pyclient/py$pyver-$key

# Built and intact: the stamp holds the requirements key and pip's freeze.
ready() { [[ -x $VENV/bin/python && -f $VENV/.stamp && $(head -n1 "$VENV/.stamp") == "key=$key" ]]; }

case ${1:-build} in
path)
	ready || exit 3
	echo "$VENV/bin/python"
	;;
build)
	if ready; then
		say "venv py$pyver-$key: cached ($VENV)"
	else
		say "venv py$pyver-$key: installing $(grep -v -e '^#' -e '^$' "$REQS" | tr '\n' ' ')..."
		rm -rf "$VENV"
		"$PYTHON" -m venv "$VENV" || die "$PYTHON -m venv failed (Debian: apt-get install python3-venv)"
		"$VENV/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: -r "$REQS" ||
			die "pip install -r examples/python/requirements.txt failed"
		{
			echo "key=$key"
			"$VENV/bin/pip" freeze --disable-pip-version-check
		} >"$VENV/.stamp"
		say "venv py$pyver-$key: built ($VENV)"
	fi
	echo "$VENV/bin/python"
	;;
*)
	echo "usage: $0 [build|path]" >&2
	exit 2
	;;
esac
