#!/usr/bin/env bash
# scripts/image-stage.sh DEST: lay out what the container image holds under
# DEST, as it will sit in the image's root:
#
#   /usr/local/bin/linkstream                       the binary (bin/linkstream)
#   /opt/linkstream/cache/<runtime file>            libonnxruntime, as in models/manifest.json
#   /opt/linkstream/cache/<default model dir>/      model.onnx, tokenizer.json, ...
#   /usr/share/doc/linkstream/{LICENSE,NOTICE}
#   /kb                                             mount point of the KB volume
#
# The image sets LINKSTREAM_CACHE=/opt/linkstream/cache, so the binary finds
# the library and the default model where `make deps` puts them on a host.
# Both `make image` (scripts/image.sh) and the Dockerfile's build stage call
# this script: one layout, two ways to build it.
#
# Environment: LINKSTREAM_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/linkstream),
# BIN (default bin/linkstream), PYTHON (default python3).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=${1:?usage: scripts/image-stage.sh DEST}
CACHE=${LINKSTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/linkstream}
BIN=${BIN:-$ROOT/bin/linkstream}
PYTHON=${PYTHON:-python3}

die() {
	printf 'image-stage: ERROR: %s\n' "$*" >&2
	exit 1
}

[[ -x $BIN ]] || die "$BIN is missing: run make build"
# The runtime library and the default model, relative to the cache.
read -r ORT_FILE MODEL_DIR < <("$PYTHON" - "$ROOT/models/manifest.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
model = next(x for x in m["models"] if x["id"] == m["default_model"])
print(m["runtime"]["file"], model["dir"])
EOF
)
[[ -f $CACHE/$ORT_FILE && -f $CACHE/$MODEL_DIR/model.onnx ]] ||
	die "$CACHE/$ORT_FILE or $CACHE/$MODEL_DIR/model.onnx is missing: run make deps"

rm -rf "$DEST"
mkdir -p "$DEST/usr/local/bin" "$DEST/opt/linkstream/cache/$(dirname "$ORT_FILE")" \
	"$DEST/opt/linkstream/cache/$MODEL_DIR" "$DEST/usr/share/doc/linkstream" "$DEST/kb"
install -m 0755 "$BIN" "$DEST/usr/local/bin/linkstream"
install -m 0644 "$CACHE/$ORT_FILE" "$DEST/opt/linkstream/cache/$ORT_FILE"
# The loader opens the versioned name; the unversioned link is for tools.
ln -sf "$(basename "$ORT_FILE")" "$DEST/opt/linkstream/cache/$(dirname "$ORT_FILE")/libonnxruntime.so"
# Every model file but deps.sh's stamps.
find "$CACHE/$MODEL_DIR" -maxdepth 1 -type f ! -name '.stamp*' -exec install -m 0644 {} "$DEST/opt/linkstream/cache/$MODEL_DIR/" \;
install -m 0644 "$ROOT/LICENSE" "$ROOT/NOTICE" "$DEST/usr/share/doc/linkstream/"
# Fixed times: the same inputs give the same layer.
find "$DEST" -exec touch -h -d @0 {} +
printf 'image-stage: %s (binary, %s, %s) %s\n' "$DEST" "$ORT_FILE" "$MODEL_DIR" "$(du -sh "$DEST" | cut -f1)"
