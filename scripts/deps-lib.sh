# Shared by scripts/deps.sh and scripts/deps-gpu.sh (sourced, not run):
# the cache location, the flattened manifest, sha256 checks, stamps and
# pinned wheel downloads. See scripts/deps.sh for the stamp scheme.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${LINKSTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/linkstream}
MANIFEST=$ROOT/models/manifest.json
PYTHON=${PYTHON:-python3}
mkdir -p "$CACHE"

say() { printf 'deps: %s\n' "$*"; }
die() { printf 'deps: ERROR: %s\n' "$*" >&2; exit 1; }

# The manifest is read once, flattened into MF["a.b.c"] = value. A list of
# objects is keyed by each one's id or package (MF["models.<id>.dir"],
# MF["gpu.wheels.<package>.sha256"]), and the list itself holds those keys
# in order (MF["gpu.wheels"] = "onnxruntime-gpu nvidia-cuda-runtime ...");
# a list of strings is joined with spaces.
declare -A MF
eval "$("$PYTHON" - "$MANIFEST" <<'EOF'
import json, shlex, sys
def walk(prefix, v):
    if isinstance(v, dict):
        for k, x in v.items():
            yield from walk(prefix + [k], x)
    elif isinstance(v, list) and all(isinstance(x, dict) for x in v):
        keys = [x.get("id") or x["package"] for x in v]
        yield ".".join(prefix), " ".join(keys)
        for k, x in zip(keys, v):
            yield from walk(prefix + [k], x)
    elif isinstance(v, list):
        yield ".".join(prefix), " ".join(str(x) for x in v)
    else:
        yield ".".join(prefix), v
for k, v in walk([], json.load(open(sys.argv[1]))):
    print("MF[%s]=%s" % (shlex.quote(k), shlex.quote(str(v))))
EOF
)" || die "cannot read $MANIFEST"
# mf KEY prints a manifest value; a missing key is a bug in this script.
mf() {
	[[ -v MF[$1] ]] || die "models/manifest.json has no $1"
	printf '%s\n' "${MF[$1]}"
}
# model_field ID FIELD prints FIELD of the manifest model with that id.
model_field() { mf "models.$1.$2"; }

sha_of() { sha256sum "$1" | cut -d' ' -f1; }
check_sha() { # FILE WANT
	local got
	got=$(sha_of "$1")
	[[ $got == "$2" ]] || die "sha256 mismatch for $1: got $got, want $2"
}

# stamp_ok DIR KEY: the stamp exists, has this key, and every product is
# intact. Products whose size and mtime are those recorded at stamping are
# taken as intact (a second run stays at a second or two); others, or all
# of them with DEPS_VERIFY=1, are re-hashed against the recorded sha256.
stamp_ok() {
	local dir=$1 key=$2
	[[ -f $dir/.stamp ]] || return 1
	[[ $(head -n1 "$dir/.stamp") == "key=$key" ]] || return 1
	if [[ ${DEPS_VERIFY:-0} != 1 && -f $dir/.stamp.stat ]] &&
		[[ $(cd "$dir" && tail -n +2 .stamp | awk '{print $2}' | xargs stat -c '%s %Y %n' 2>/dev/null) == "$(cat "$dir/.stamp.stat")" ]]; then
		return 0
	fi
	(cd "$dir" && tail -n +2 .stamp | sha256sum --quiet -c - >/dev/null 2>&1) || return 1
	(cd "$dir" && tail -n +2 .stamp | awk '{print $2}' | xargs stat -c '%s %Y %n') >"$dir/.stamp.stat"
}
# write_stamp DIR KEY FILE...: record the key and the products' sha256
# (and their size and mtime, for the quick check).
write_stamp() {
	local dir=$1 key=$2
	shift 2
	{
		echo "key=$key"
		(cd "$dir" && sha256sum "$@")
	} >"$dir/.stamp.tmp"
	(cd "$dir" && stat -c '%s %Y %n' "$@") >"$dir/.stamp.stat"
	mv "$dir/.stamp.tmp" "$dir/.stamp"
}

# pip_fetch NAME VERSION SHA DEST [pip download args]: download one pinned
# wheel (no dependencies) into DEST and check its sha256.
pip_fetch() {
	local name=$1 version=$2 want=$3 dest=$4
	shift 4
	mkdir -p "$dest"
	"$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
		-d "$dest" "$@" "$name==$version" >/dev/null || die "pip download $name==$version failed"
	local whl
	whl=$(ls "$dest"/*.whl)
	check_sha "$whl" "$want"
	echo "$whl"
}
