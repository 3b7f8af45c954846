#!/usr/bin/env bash
# scripts/eval.sh: what `make eval` runs after `make build`.
#
#  1. the Wikipedia-scale KB of `make kb` (scripts/kb.sh: the alias
#     dictionary and the vital articles' summaries), and, for comparison
#     and self-linking, the small KB of everything in ../shared/data/kb
#     (dumps, raw wikitext, DBpedia sample, Wikidata minidump) in
#     out/eval/kb;
#  2. scores the news benchmarks (MSNBC, AQUAINT, ACE2004, Reuters-128) on
#     the Wikipedia-scale KB in each cross-encoder mode: never, ambiguous,
#     always (MSNBC and ACE2004 are the development sets, AQUAINT and
#     Reuters-128 the test sets);
#  3. Wikipedia self-linking: writes the gold of the test half of the
#     articles and a dump from which a KB learns anchors, priors and inlinks
#     from the train half only; builds that KB; scores each source in each
#     mode;
#  4. the peer race (unless EVAL_PEER=0): the seed tutorial's pipeline
#     (bench/peer) and Linkstream on the same documents, in this one run.
#
# Tables go to stdout; JSON reports and error files to out/eval/.
# Environment: LINKSTREAM_DATA (default ../shared/data), EVAL_OUT (default
# out/eval), EVAL_MODES (default "never ambiguous always"), EVAL_KB (default:
# the KB of scripts/kb.sh), EVAL_SELFLINK (default 1), EVAL_PEER (default 1),
# LINKSTREAM_CACHE.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${LINKSTREAM_DATA:-../shared/data}
BIN=${LINKSTREAM_BIN:-bin/linkstream}
OUT=${EVAL_OUT:-out/eval}
MODES=${EVAL_MODES:-never ambiguous always}
CACHE=${LINKSTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/linkstream}

if [[ ! -d $DATA/eval || ! -d $DATA/kb ]]; then
	echo "eval: $DATA/eval and $DATA/kb are needed (the shared data folder beside the repository); nothing to evaluate" >&2
	exit 1
fi
if [[ ! -x $BIN ]]; then
	echo "eval: $BIN missing: run make build (make eval does)" >&2
	exit 1
fi
mkdir -p "$OUT"

KBSRC=$DATA/kb
kb_inputs=(
	--dump "$KBSRC/gensim-enwiki/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
	--dump "$KBSRC/gensim-enwiki/enwiki-table-markup.xml.bz2"
	--dump "$KBSRC/dbpedia-minidump/enwiki-minidump.xml.bz2"
	--wikidata "$KBSRC/dbpedia-minidump/wikidatawiki-minidump.xml.bz2"
	--wikitext "$KBSRC/wtf-wikipedia/wikitext"
	--dbpedia "$KBSRC/dbpedia-2015-10-sample/core-i18n/en"
)
selflink_inputs=(
	--dump "$KBSRC/gensim-enwiki/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
	--dump "$KBSRC/dbpedia-minidump/enwiki-minidump.xml.bz2"
	--wikitext "$KBSRC/wtf-wikipedia/wikitext"
)

section() { printf '\n== %s ==\n' "$*"; }

section "Wikipedia-scale KB (make kb)"
BIGKB=${EVAL_KB:-$(scripts/kb.sh)}
"$BIN" kb lookup --kb "$BIGKB" --info >"$OUT/bigkb-info.json"
echo "KB: $BIGKB (info: $OUT/bigkb-info.json)"

section "news benchmarks on the Wikipedia-scale KB (GERBIL strong annotation match)"
for mode in $MODES; do
	echo "-- mode $mode"
	"$BIN" eval --kb "$BIGKB" --mode "$mode" --data "$DATA" --dataset all \
		--out "$OUT/news-$mode.json" --errors "$OUT/news-$mode.errors.jsonl" --markdown
done

section "small evaluation KB: everything in $KBSRC (for comparison)"
"$BIN" kb build "${kb_inputs[@]}" --out "$OUT/kb" --quiet
"$BIN" kb lookup --kb "$OUT/kb" --info >"$OUT/kb-info.json"
"$BIN" eval --kb "$OUT/kb" --mode never --data "$DATA" --dataset all \
	--out "$OUT/news-smallkb-never.json" --details=false --markdown

if [[ ${EVAL_SELFLINK:-1} != 0 ]]; then
section "Wikipedia self-linking"
"$BIN" eval selflink "${selflink_inputs[@]}" --out "$OUT/selflink"
# kb-input.xml holds every page read, the test articles reduced to their
# link-free lead: the KB knows them as entities but learns no anchor, prior
# or inlink from them. No DBpedia input here: its anchor texts and page
# links include the test articles' links.
"$BIN" kb build --dump "$OUT/selflink/kb-input.xml" \
	--wikidata "$KBSRC/dbpedia-minidump/wikidatawiki-minidump.xml.bz2" --out "$OUT/kb-selflink" --quiet
sets=$(ls "$OUT"/selflink/*.jsonl | paste -sd, -)
for mode in $MODES; do
	echo "-- mode $mode"
	# The gold-span pass of whole articles in mode always sends tens of
	# thousands of pairs to the model (hours on two cores): gold-span
	# accuracy is measured in the cheaper modes only.
	spans=true
	[[ $mode == always ]] && spans=false
	"$BIN" eval --kb "$OUT/kb-selflink" --mode "$mode" --dataset "$sets" --gold-spans="$spans" \
		--out "$OUT/selflink-$mode.json" --errors "$OUT/selflink-$mode.errors.jsonl" --details=false --markdown
done
# The same gold on the Wikipedia-scale KB: its dictionary was learnt from
# all of Wikipedia (these articles' links included), so this measures the
# linker with a KB that saw the test anchors, not held-out generalisation.
echo "-- Wikipedia-scale KB, mode never"
"$BIN" eval --kb "$BIGKB" --mode never --dataset "$sets" \
	--out "$OUT/selflink-bigkb-never.json" --details=false --markdown
fi

if [[ ${EVAL_PEER:-1} != 0 ]]; then
	section "peer race: the seed tutorial's pipeline vs Linkstream, same documents, same KB, same model"
	PY=$(bench/peer/setup.sh)
	model_dir=$(python3 -c 'import json,sys; m=json.load(open("models/manifest.json")); d={x["id"]: x["dir"] for x in m["models"]}; print(d[m["default_model"]])')
	"$BIN" eval export --data "$DATA" --dataset all --out "$OUT/news.docs.jsonl"
	"$PY" bench/peer/peer_linker.py --in "$OUT/news.docs.jsonl" --out "$OUT/peer.links.jsonl" \
		--model "$CACHE/$model_dir" --lookup-cmd "$BIN kb lookup --kb $BIGKB --json --top 5" \
		--stats "$OUT/peer.stats.json"
	"$BIN" eval --kb "$BIGKB" --dataset "$OUT/news.docs.jsonl" --predictions "$OUT/peer.links.jsonl" \
		--out "$OUT/peer.json" --errors "$OUT/peer.errors.jsonl" --details=false --markdown
	"$BIN" eval --kb "$BIGKB" --mode ambiguous --dataset "$OUT/news.docs.jsonl" --gold-spans=false \
		--out "$OUT/race-linkstream.json" --details=false --markdown
	python3 - "$OUT" <<'PYEOF'
import json, sys
out = sys.argv[1]
peer = json.load(open(f"{out}/peer.stats.json"))
ps = json.load(open(f"{out}/peer.json"))["reports"][0]
ls = json.load(open(f"{out}/race-linkstream.json"))["reports"][0]
lt = ls["timing"]
rows = [
    ("peer (tutorial)", peer["docs_per_sec"], peer["mentions_per_sec"], ps["all"]["micro"]["f1"]),
    ("linkstream (ambiguous)", lt["docs_per_sec"], lt["mentions_per_sec"], ls["all"]["micro"]["f1"]),
]
print(f"{'linker':<24}{'docs/s':>10}{'mentions/s':>12}{'micro F1':>10}")
for name, d, m, f in rows:
    print(f"{name:<24}{d:>10.2f}{m:>12.1f}{100*f:>10.1f}")
print(f"throughput ratio (docs/s): {lt['docs_per_sec'] / peer['docs_per_sec']:.1f}x")
print("mentions/s counts spotted mentions, linked or NIL, on both sides")
PYEOF
fi
