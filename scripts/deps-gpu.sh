#!/usr/bin/env bash
# Fetches the opt-in CUDA stack for `linkstream ... --cuda N` (called by
# `make deps-gpu`; `make deps` never runs it): the CUDA build of ONNX Runtime
# and the CUDA 13 libraries its CUDA provider loads, out of the Python wheels
# pinned under "gpu" in models/manifest.json.
#
# Each wheel is downloaded once (pip, no dependencies, the exact file the
# manifest names), checked against its sha256, and only the listed shared
# libraries are kept, each checked against its own sha256, under
# $LINKSTREAM_CACHE/<package>/<version>/ with a .stamp as scripts/deps.sh
# writes them; the wheel itself is deleted. A second run only re-checks the
# stamps. About 1.3 GB is downloaded and 2 GB kept, cuDNN and cuBLAS being
# most of it. The NVIDIA driver (libcuda.so.1) is the system's, never fetched.
#
# One line per wheel on stdout: "deps: <package> <version>: fetched|cached ...".
# Needs: python3 with pip, sha256sum, flock. Environment: LINKSTREAM_CACHE,
# PYTHON (default python3), DEPS_VERIFY=1 (see scripts/deps.sh).
set -euo pipefail

# shellcheck source=scripts/deps-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/deps-lib.sh"

# wheel_files PACKAGE lists the library names the manifest keeps from it.
wheel_files() {
	local k prefix="gpu.wheels.$1.files."
	for k in "${!MF[@]}"; do
		[[ $k == "$prefix"* ]] && printf '%s\n' "${k#"$prefix"}"
	done | sort
}

# wheel PACKAGE: fetch, check and unpack one wheel's libraries.
wheel() {
	local pkg=$1 w="gpu.wheels.$1"
	local version want dir from mb
	version=$(mf "$w.version")
	want=$(mf "$w.sha256")
	dir=$CACHE/$(mf "$w.dir")
	from=$(mf "$w.from")
	local files
	mapfile -t files < <(wheel_files "$pkg")
	if stamp_ok "$dir" "$want"; then
		say "$pkg $version: cached ($dir)"
		return
	fi
	mb=$(($(mf "$w.size") / 1000000))
	say "$pkg $version: fetching the ${mb} MB wheel"
	local tmp whl
	tmp=$(mktemp -d)
	# --no-cache-dir: pip would otherwise keep a second copy of every wheel.
	whl=$(pip_fetch "$pkg" "$version" "$want" "$tmp" --no-cache-dir \
		--python-version "$(mf gpu.python_version)" --platform "$(mf "$w.platform")")
	[[ $(basename "$whl") == "$(mf "$w.file")" ]] || die "pip fetched $(basename "$whl"), models/manifest.json pins $(mf "$w.file")"
	rm -rf "$dir"
	mkdir -p "$dir"
	"$PYTHON" - "$whl" "$dir" "$from" "${files[@]}" <<'EOF'
import os, shutil, sys, zipfile
whl, dest, prefix, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
with zipfile.ZipFile(whl) as z:
    for n in names:
        with z.open(prefix + n) as src, open(os.path.join(dest, n), "wb") as out:
            shutil.copyfileobj(src, out)
EOF
	rm -rf "$tmp"
	local f
	for f in "${files[@]}"; do
		check_sha "$dir/$f" "$(mf "$w.files.$f")"
	done
	write_stamp "$dir" "$want" "${files[@]}"
	say "$pkg $version: fetched (wheel and ${#files[@]} libraries sha256 ok, $(du -sm "$dir" | cut -f1) MB kept) -> $dir"
}

main() {
	exec 9>"$CACHE/.deps-gpu.lock"
	if ! flock -n 9; then
		say "waiting for another make deps-gpu on $CACHE"
		flock 9
	fi
	local pkg
	for pkg in $(mf gpu.wheels); do
		wheel "$pkg"
	done
	say "CUDA stack ready: $CACHE/$(mf gpu.library) (the NVIDIA driver, libcuda.so.1, comes from the system)"
}

main "$@"; exit $?
