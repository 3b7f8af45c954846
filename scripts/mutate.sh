#!/usr/bin/env bash
# scripts/mutate.sh: a rerunnable mutation check. Each named mutation below
# is a deliberate break of one behaviour the tests must guard (a sed
# expression on one file). For each, the script copies the tracked tree to a
# scratch folder, applies the mutation there (never to the working tree),
# runs that package's tests, and reports the mutation "killed" (a test
# failed) or "SURVIVED" (every test passed: a behaviour nobody checks). At
# the end it prints the score per package: killed / applied.
#
#   scripts/mutate.sh                 every mutation
#   scripts/mutate.sh pipeline        only the mutations of these packages
#   MUTATE_REV=main scripts/mutate.sh the tree of a commit instead of the
#                                     working tree (the score before a change)
#   scripts/mutate.sh -l              list the mutations
#
# A mutation may have several lines, one per shape the code has had; the
# first whose expression changes its file is applied. One that matches
# nothing (the code moved on) is reported "not applied" and left out of the
# score: add a line for the new code rather than drop it.
#
# The scratch tree sits beside a link to ../shared, as the checkout does,
# so tests that need the shared data run instead of skipping.
#
# Environment: MUTATE_REV, MUTATE_TIMEOUT (go test -timeout per mutation,
# default 10m), MUTATE_RUN (a go test -run filter, default all tests), plus
# whatever the package tests need (CGO_LDFLAGS for the native packages, as
# `make test`).
set -euo pipefail
cd "$(dirname "$0")/.."

# name | package | file | sed expression (applied with sed -E)
MUTATIONS=$(cat <<'EOF'
name-particle-ignored|pipeline|pipeline/spot.go|s/if !\(toks\[i\]\.upper \|\| opensWithParticle\(text, toks, i\)\)/if !toks[i].upper/
name-particle-any-word|pipeline|pipeline/spot.go|s/^\t_, ok := nameParticles\[text\[toks\[i\]\.start:toks\[i\]\.end\]\]$/\tok := true/
given-name-shared-kept|pipeline|pipeline/expand.go|s/^\t\tif !g\.shared \{$/\t\tif true {/
given-name-not-followed|pipeline|pipeline/expand.go|s/^\t\t\tadd\(first, g\.full\.mention, g\.full\.start\).*$/\t\t\t_ = g/
given-name-not-followed|pipeline|pipeline/expand.go|s/^\t\t\tadd\(first, g\.full\) \/\/.*$/\t\t\t_, _ = first, g/
short-form-later-name-wins|pipeline|pipeline/expand.go|s/if _, seen := aliases\[short\]; !seen \{/if true {/
ambiguity-gate-inverted|pipeline|pipeline/linker.go|s/ambiguity\(ms\.p, ms\.best, ms\.second\) < l\.cfg\.ambiguity/ambiguity(ms.p, ms.best, ms.second) >= l.cfg.ambiguity/
ambiguity-gate-inverted|pipeline|pipeline/linker.go|s/ambiguity\(ms\.p, ms\.best, ms\.second\) < c\.ambiguity/ambiguity(ms.p, ms.best, ms.second) >= c.ambiguity/
nil-threshold-dropped|pipeline|pipeline/linker.go|s/\(!gold \&\& ms\.p\[ms\.best\] < l\.cfg\.nilThreshold\)/false/
nil-threshold-dropped|pipeline|pipeline/linker.go|s/\(!gold \&\& ms\.confidence < nilThreshold\)/false/
link-confidence-unfitted|pipeline|pipeline/nil.go|s/return 1 \/ \(1 \+ math\.Exp\(-z\)\)/return math.Exp(x[LinkProbability])/
coherence-supports-itself|pipeline|pipeline/coherence.go|s/^\tw := p\.weight\[c\.entity\]/\tw := 0.0/
eval-stream-not-reset|eval|eval/evaluate.go|s/^\tresetStream\(lk\)$/\t\/\/ off/
eval-gold-span-stream-not-reset|eval|eval/evaluate.go|s/^\t\tresetStream\(c\.spans\)$/\t\t\/\/ off/
stream-memory-unread|pipeline|pipeline/coherence.go|s/x = max\(x, streamShare\*l\.stream\.cosine\(c, own\)\)/x = max(x, 0)/
stream-supports-itself|pipeline|pipeline/stream.go|s/s\.pr\.weight\[e\.c\.entity\] \+= e\.w/s.pr.weight[e.c.entity] += 0/
stream-never-forgets|pipeline|pipeline/stream.go|s/^\t\ts\.pr\.remove\(&old\.c, old\.w\)$/\t\t_ = old/
stream-reset-ignored|pipeline|pipeline/stream.go|s/^func \(l \*Linker\) ResetStream\(\) \{/\0\n\treturn/
earlier-names-off|pipeline|pipeline/earlier.go|s/if len\(borrowed\) > 0 \{/if false {/
comma-joins-names|pipeline|pipeline/spot.go|s/return strings\.Contains\(gap, ","\) \&\& !nameSuffix/return false \&\& !nameSuffix/
acronym-feature-off|pipeline|pipeline/linker.go|s/if acronym != "" \&\& isInitialsOf/if false \&\& isInitialsOf/
initials-small-words-counted|pipeline|pipeline/expand.go|s/if strings\.EqualFold\(word, s\) \{/if strings.EqualFold(word, s+"\\x00") {/
acronym-hyphen-one-word|pipeline|pipeline/score.go|s/return r == ' ' \|\| r == '-' \|\| r == '–'/return r == ' '/
designators-not-taken-in|pipeline|pipeline/designator.go|s/^func designatorsAfter\(text string, toks \[\]token, to int\) int \{/&\n\treturn to/
designator-dot-left-out|pipeline|pipeline/designator.go|s/return b \+ 1/return b/
gold-span-designators-kept|pipeline|pipeline/gold.go|s/\{0, nameEnd\(surface, toks, 0, len\(toks\)\)\}, \{from, nameEnd\(surface, toks, from, len\(toks\)\)\}/{0, len(toks)}, {from, len(toks)}/
gold-span-title-kept|pipeline|pipeline/gold.go|s/^\t\tfrom = 1$/\t\tfrom = 0/
sentence-function-word-opens-names|pipeline|pipeline/spot.go|s/if _, ok := functionWords\[word\]; ok \&\& toks\[i\]\.sentenceStart \{/if _, ok := functionWords[word]; ok \&\& false {/
sentence-function-word-opens-names|pipeline|pipeline/spot.go|s/if _, ok := functionWords\[lower\]; ok \&\& toks\[i\]\.sentenceStart \{/if _, ok := functionWords[lower]; ok \&\& false {/
pronoun-i-opens-names|pipeline|pipeline/spot.go|s/if _, ok := pronounI\[word\]; ok \{/if _, ok := pronounI[word]; ok \&\& false {/
pronoun-i-opens-names|pipeline|pipeline/spot.go|s/if _, ok := pronounI\[lower\]; ok \{/if _, ok := pronounI[lower]; ok \&\& false {/
abbreviated-title-opens-names|pipeline|pipeline/spot.go|s/_, title := abbreviatedTitles\[text\[toks\[i\]\.start:toks\[i\]\.end\]\]/title := false/
abbreviated-title-opens-names|pipeline|pipeline/spot.go|s/_, title := honorifics\[word\]/title := false/
title-kept-before-person|pipeline|pipeline/spot.go|s/if k, pe, ok := l\.personAfterTitle\(text, toks, norm, i, to\); ok \{/if k, pe, ok := l.personAfterTitle(text, toks, norm, i, to); false \&\& ok {/
title-before-any-name-dropped|pipeline|pipeline/spot.go|s/^func personTitled\(c \*candidate, title string\) bool \{/&\n\treturn true/
name-before-title-dropped|pipeline|pipeline/spot.go|s/out = l\.spotRange\(text, toks, norm, named, i, titleStart\(text, toks, i, k-1\), out\)/_ = titleStart(text, toks, i, k-1)/
title-start-last-word-only|pipeline|pipeline/spot.go|s/for k > from \&\& isTitleWord\(text, toks, k-1\) \{/for false {/
nickname-alias-dropped|pipeline|pipeline/expand.go|s/add\(norm\.of\(m\.tokTo-1\), fullForm\{mention: i, start: m\.start, nickname: true\}\)/_ = i/
nickname-without-the|pipeline|pipeline/expand.go|s/return !full\.nickname \|\| t > 0/return true || t > 0/
derived-pool-unbounded|kb|kb/aliases.go|s/derivedPool  = 0\.1/derivedPool  = 10/
address-share-ignored|kb|kb/aliases.go|s/^const addressMinShare = 0\.9$/const addressMinShare = 0/
idf-strides-over-ids|pipeline|pipeline/idf.go|s/^\tstride := max\(1, len\(described\)\/max\(n, 1\)\)$/\tstride := max(1, k.Len()\/max(n, 1))/
described-counts-anchor-words|kb|kb/kb.go|s/> 0 && r\[25\]&flagAnchorWords == 0/> 0/
described-without-text|kb|kb/kb.go|s/return binary\.LittleEndian\.Uint16\(r\[14:\]\) > 0 && /return /
nickname-after-any-prefix|pipeline|pipeline/expand.go|s/^func \(l \*Linker\) namesPlace\(norm \*normTokens, from, to int\) bool \{/&\n\treturn true/
dateline-dash-ignored|pipeline|pipeline/text.go|s/\} else if isDash\(r\) \&\& datelineBefore\(text, i, i\+size, dst\) \{/} else if false {/
state-mentions-off|pipeline|pipeline/states.go|s/^func \(l \*Linker\) stateMentions\(text string, toks \[\]token, mentions \[\]mention, spotting bool\) \[\]mention \{/&\n\treturn mentions/
state-mentions-off|pipeline|pipeline/states.go|s/^func \(l \*Linker\) stateMentions\(text string, toks \[\]token, norm \*normTokens, mentions \[\]mention, spotting bool\) \[\]mention \{/&\n\treturn mentions/
place-in-state-off|pipeline|pipeline/states.go|s/id, ok := l\.kb\.EntityByTitle\(titleCase\(place\) \+ ", " \+ state\)/id, ok := l.kb.EntityByTitle(titleCase(place) + ", " + state + "\\x00")/
state-dot-ends-sentence|pipeline|pipeline/text.go|s/return ok \&\& len\(toks\) > 1 \&\& text\[toks\[len\(toks\)-2\]\.end:last\.start\] == ", "/return false \&\& ok/
dateline-city-off|pipeline|pipeline/linker.go|s/^\tdatelineCities\(text, s\.toks, s\.mentions\)$/\t\/\/ off/
dateline-any-candidate-a-city|pipeline|pipeline/dateline.go|s/^func cityLike\(c \*candidate, mention string\) bool \{/\0\n\treturn true/
dateline-dash-place-unspotted|pipeline|pipeline/dateline.go|s/ \|\| \(inCapitals\(text\[toks\[i\]\.start:toks\[i\]\.end\]\) \&\& datelineRest\.MatchString\(rest\)\)//
dateline-dash-place-any-case|pipeline|pipeline/dateline.go|s/\(inCapitals\(text\[toks\[i\]\.start:toks\[i\]\.end\]\) \&\& datelineRest/(datelineRest/
dateline-place-unspotted|pipeline|pipeline/spot.go|s/if single \&\& isDatelinePlace\(text, toks, from\) \{/if false {/
dateline-date-joins-place|pipeline|pipeline/spot.go|s/joined\(to-1, to\) \&\& !isDatelinePlace\(text, toks, from\)/joined(to-1, to)/
possessive-joins-names|pipeline|pipeline/spot.go|s/ \&\& !possessive\(gap\)//
credit-line-ignored|pipeline|pipeline/linker.go|s/credit := creditLine\(text, m\.start, m\.end\)/credit := false \&\& creditLine(text, m.start, m.end)/
credit-line-without-dash|pipeline|pipeline/dateline.go|s/for _, dash := range \[\]string\{"-", "—", "–", ":"\} \{/for _, dash := range []string{""} {/
credit-line-without-dash|pipeline|pipeline/dateline.go|s/return isDash\(r\) \|\| r == ':'/return r >= 0/
anchor-words-not-in-passage|pipeline|pipeline/linker.go|s/if c\.anchorWords != "" \{/if false {/
anchor-context-off|pipeline|pipeline/linker.go|s/if len\(c\.anchorVec\.terms\) > 0 \{/if false {/
qualified-candidates-off|pipeline|pipeline/qualified.go|s/if len\(found\) > 0 \{/if false {/
qualified-p-x-shape-off|pipeline|pipeline/qualified.go|s/if rest, ok := strings\.CutPrefix\(name, p\+" "\); ok \{/if rest, ok := strings.CutPrefix(name, p+" "); false \&\& ok {/
anchor-words-title-words-kept|kb|kb/anchorwords.go|s/ContainsWords\(own, word\)/ContainsWords(own, word+"\\x00")/
anchor-words-function-words-kept|kb|kb/anchorwords.go|s/z >= anchorWordMaxZipf \|\| //
wikipedia-machinery-kept|kb|kb/aliases.go|s/case t == "Main Page", t == "Living people"/case false/
train-drop-ignored|cmd/linkstream|cmd/linkstream/train.go|s/f\.full\[i\] = !slices\.Contains\(drop, pipeline\.Feature\(i\)\)/f.full[i] = true/
train-gradient-wrong|train|train/train.go|s/grad\[a\] \+= g\.X\[g\.Gold\]\[i\] - mean\[a\]/grad[a] += g.X[g.Gold][i]/
title-variant-ambiguity-kept|kb|kb/titlevariant.go|s/^\t\t\t\treturn NoEntity, false$/\t\t\t\tcontinue/
title-key-dashes-kept|kb|kb/titlevariant.go|s/case isDashRune\(r\):/case false:/
renamed-titles-kept-apart|kb|kb/aliases.go|s/^\tl\.renamedRedirects\(\)$/\t\/\/ off/
renamed-titles-inner-case-folded|kb|kb/titlevariant.go|s/if loose \|\| wordStart \{/if loose || wordStart || r > 0 {/
renamed-title-any-sense|kb|kb/titlevariant.go|s/ \|\| cands\[0\]\.Prior < renamedSenseMin//
middle-initials-kept|kb|kb/aliases.go|s/^func withoutMiddleInitials\(title string\) string \{/\0\n\treturn ""/
given-names-not-learnt|kb|kb/aliases.go|s/l\.stats\.GivenNamesOfPersons = l\.givenNamesOfPersons\(given\)/l.stats.GivenNamesOfPersons = 0/
given-names-places-unchecked|kb|kb/aliases.go|s/if n >= minPersonsOfGivenName \&\& n > places\[w\] \&\& !given\[w\] \{/if n >= minPersonsOfGivenName \&\& !given[w] {/
place-redirects-off|kb|kb/aliases.go|s/^\tl\.placeRedirects\(\)$/\t\/\/ off/
expansion-adds-nothing|pipeline|pipeline/expand.go|s/if covered\[t\] \|\| !tok\.upper \{/if true {/
part-of-longer-name-off|pipeline|pipeline/spot.go|s/^func partOfLongerName\(text string, toks \[\]token, from, to, limit int\) bool \{/&\n\treturn false/
method-choice-inverted|pipeline|pipeline/linker.go|s/if top == ms\.best \{/if top != ms.best {/
cross-encoder-floor-dropped|pipeline|pipeline/linker.go|/^\t+floorCrossEncoder\(/d
close-not-idempotent|pipeline|pipeline/linker.go|s/l\.closeOnce\.Do\(/(func(f func()) { f() })(/
outlier-slope-dropped|pipeline|pipeline/corpus.go|s/alpha = max\(0, \(sxy-sx\*sy\/n\)\/vx\)/alpha = 0/
outlier-robust-refit-dropped|pipeline|pipeline/corpus.go|s/f := olsFit\(pts, in\)/f := first/
outlier-penalty-dropped|pipeline|pipeline/corpus.go|s/return \(\*m\)\[id\]/return 0/
outlier-counts-damped-links|pipeline|pipeline/corpus.go|/best, p = undamped\(l\.cfg\.weights, ms\.feats\)/d
outlier-counts-damped-links|pipeline|pipeline/corpus.go|s/best, p = undamped\(l\.weightsOf\(ms\), ms\.feats\)/_, p = undamped(l.weightsOf(ms), ms.feats)/
fetch-pause-dropped|consumer|consumer/service.go|s/if n >= limit \{/if false {/
fetch-pause-dropped|consumer|consumer/backpressure.go|s/if n >= limit \{/if false {/
permanent-ignored|consumer|consumer/linker.go|s/return link\.IsPermanent\(err\)/return false \&\& link.IsPermanent(err)/
permanent-ignored|consumer|consumer/service.go|s/^func \(s \*Service\) permanent\(err error\) bool \{/&\n\treturn false/
healthz-always-ok|consumer|consumer/http.go|s/if err := s\.fatal\.Load\(\); err != nil \{/if err := s.fatal.Load(); false \&\& err != nil {/
unrecoverable-retried|consumer|consumer/fatal.go|s/^func unrecoverable\(err error\) bool \{/&\n\treturn false/
starving-without-backlog|consumer|consumer/assignment.go|s/if o\.lag > 0 \{/if o.lag >= 0 {/
unconfirmed-commit-called-aborted|consumer|consumer/cycle.go|s/^\t\tif cause == nil \&\& err != nil \{$/\t\tif false {/
hanging-decision-ignored|consumer|consumer/hanging.go|s/commit, why = d\.commit, "the coordinator's log decided it"/commit, why = false, "mutant"/
hanging-outputs-fate-ignored|consumer|consumer/hanging.go|s/^\t\t\tif commit, why, err = s\.outputsCommitted\(ctx, adm, h, d\.partitions, open, since\); err != nil \{$/\t\t\tif false {/
fate-abort-read-as-commit|consumer|consumer/fate.go|s/return typ == 1, true/return true, true/
decision-v2-epoch-unbumped|consumer|consumer/txnlog.go|s/^\t\tended = epoch \+ 1$/\t\tended = epoch/
decision-ongoing-counts|consumer|consumer/txnlog.go|s/case kmsg\.TransactionStatePrepareCommit, kmsg\.TransactionStateCompleteCommit:/case kmsg.TransactionStatePrepareCommit, kmsg.TransactionStateCompleteCommit, kmsg.TransactionStateOngoing:/
decision-other-txn-id|consumer|consumer/txnlog.go|s/ \|\| k\.TransactionalID != txnID \{/ {/
txnlog-partition-masked|consumer|consumer/txnlog.go|s/^\t\th = -h$/\t\th \&= math.MaxInt32/
open-elsewhere-any-epoch|consumer|consumer/hanging.go|s/if !ok \|\| hp\.CurrentTxnStartOffset < 0 \|\| hp\.ProducerEpoch > h\.ProducerEpoch \{/if !ok || hp.CurrentTxnStartOffset < 0 {/
held-offsets-unseen|consumer|consumer/hanging.go|s/if errors\.Is\(kerr\.ErrorForCode\(code\), kerr\.UnstableOffsetCommit\) \{/if false {/
foreign-holder-unreported|consumer|consumer/hanging.go|s/if !found \{/if found \&\& !found {/
foreign-holder-unreported|consumer|consumer/hanging.go|s/^\tif found \{$/\tif found || true {/
held-warning-unpaced|consumer|consumer/hanging.go|s/if ok, skipped := s\.heldLog\.allow\(time\.Now\(\)\); ok \{/if ok, skipped := true, 0; ok {/
qid-dropped|schemas|schemas/linked.go|s/writeNullable\(w, l\.QID\)/writeNullable(w, "")/
qid-dropped|schemas|schemas/linked.go|s/QID: optional\(l\.QID\)/QID: nil/
EOF
)

if [[ ${1:-} == -l ]]; then
	cut -d'|' -f1-3 <<<"$MUTATIONS" | column -t -s'|'
	exit 0
fi
want=" $* "

top=$(mktemp -d "${TMPDIR:-/tmp}/mutate.XXXXXX")
trap 'rm -rf "$top"' EXIT
scratch=$top/repo
mkdir "$scratch"
[[ -d ../shared ]] && ln -s "$(cd ../shared && pwd)" "$top/shared"
if [[ -n ${MUTATE_REV:-} ]]; then
	git archive "$MUTATE_REV" | tar -x -C "$scratch"
	src=$top/orig
	mkdir "$src"
	git archive "$MUTATE_REV" | tar -x -C "$src"
else
	# The tracked files that exist plus the untracked ones git does not
	# ignore, as they are in the working tree: the code as it stands.
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [[ -e $f ]] && printf '%s\0' "$f"; done |
		xargs -0 cp --parents -t "$scratch"
	src=.
fi

declare -A killed applied
results=()
names=$(cut -d'|' -f1 <<<"$MUTATIONS" | awk 'NF && !seen[$0]++')
for name in $names; do
	pkg="" file=""
	while IFS='|' read -r n p f expr; do
		[[ $n == "$name" ]] || continue
		pkg=$p
		[[ -f $src/$f ]] || continue
		sed -E "$expr" "$src/$f" >"$scratch/$f"
		if cmp -s "$src/$f" "$scratch/$f"; then
			continue
		fi
		file=$f
		break
	done <<<"$MUTATIONS"
	[[ $# -gt 0 && $want != *" $pkg "* ]] && continue
	if [[ -z $file ]]; then
		results+=("$name|$pkg|not applied (no expression matches the code)")
		continue
	fi
	applied[$pkg]=$((${applied[$pkg]:-0} + 1))
	log="$scratch/$name.log"
	if (cd "$scratch" && go test -v -count=1 -timeout "${MUTATE_TIMEOUT:-10m}" ${MUTATE_RUN:+-run "$MUTATE_RUN"} "./$pkg/") >"$log" 2>&1; then
		if grep -q -- '--- SKIP' "$log" || grep -q 'no test files' "$log"; then
			results+=("$name|$pkg|SURVIVED (some tests skipped: see go test -v)")
		else
			results+=("$name|$pkg|SURVIVED")
		fi
	elif grep -q -E '\[(build|setup) failed\]' "$log"; then
		# A mutation that does not compile proves nothing about the tests.
		applied[$pkg]=$((${applied[$pkg]} - 1))
		results+=("$name|$pkg|invalid: does not build ($(grep -m1 -E '\.go:[0-9]+:[0-9]+:' "$log" | cut -c1-80))")
	else
		killed[$pkg]=$((${killed[$pkg]:-0} + 1))
		# The first failing test (or the panic that stopped the binary).
		first=$(grep -m1 -- '--- FAIL' "$log" || grep -m1 -E '^(panic|FAIL)' "$log" || true)
		results+=("$name|$pkg|killed: ${first:0:100}")
	fi
	cp "$src/$file" "$scratch/$file"
	printf '%-28s %-10s %s\n' "$name" "$pkg" "${results[-1]##*|}" >&2
done

echo "mutation                     package    outcome"
for r in "${results[@]}"; do
	IFS='|' read -r name pkg outcome <<<"$r"
	printf '%-28s %-10s %s\n' "$name" "$pkg" "$outcome"
done
echo
echo "score per package (killed / applied):"
for pkg in $(printf '%s\n' "${!applied[@]}" | sort); do
	printf '  %-10s %d/%d\n' "$pkg" "${killed[$pkg]:-0}" "${applied[$pkg]}"
done
