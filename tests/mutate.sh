#!/bin/bash
# make mutate: "a wrong goabi must be caught". In a temporary copy of the
# tree, apply one small source mutation at a time (bend a fact, flip a
# verdict or an exit code), rebuild, run the tests of the command that
# reports it (`make check TESTS='tests/cli/t-COMMAND-*.sh'`, which also runs
# the unit tests), and say whether at least one test went red. A mutation
# whose anchor text is no longer in the source is reported as "stale" (edit
# tests/mutations.tsv), never as killed.
#
#   tests/mutate.sh [NAME...]     default: every mutation of tests/mutations.tsv
#   MUTATE_KEEP=1                 keep the temporary tree and logs
#   MUTATE_FUZZ=0                 (default) leave out the fuzz replay
# Output: one line per mutation, then a Markdown table (docs/testing.md).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
LIST=$TOP/tests/mutations.tsv
WORK=$(mktemp -d "${TMPDIR:-/tmp}/goabi-mutate.XXXXXX")
[ -n "${MUTATE_KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT
T=$WORK/tree
mkdir -p "$T"
# the committed tree plus the working changes (git ls-files), without builds
git ls-files -z --cached --others --exclude-standard | (cd "$TOP" && xargs -0 cp -p --parents -t "$T" 2>/dev/null)
# fixtures and the npm cache are read, never changed: share them
export FIX=${FIX:-$TOP/build/fixtures}
mkdir -p "$T/build"
echo "# mutate: tree copied to $T; baseline build"
if ! make -C "$T" -s -j2 all unit > "$WORK/baseline-build.log" 2>&1; then
	echo "not ok - mutate: the unmutated tree does not build (see $WORK/baseline-build.log)"
	exit 1
fi

# apply FILE OLD NEW: replace the single occurrence of OLD (python literal
# escapes: \n \t) in FILE; fails when OLD occurs 0 or 2+ times
apply() {
	python3 - "$T/$1" "$2" "$3" <<'PY'
import sys, codecs
path, old, new = sys.argv[1], codecs.decode(sys.argv[2], 'unicode_escape'), codecs.decode(sys.argv[3], 'unicode_escape')
s = open(path).read()
n = s.count(old)
if n != 1:
    print("anchor found %d times" % n)
    sys.exit(1)
open(path, 'w').write(s.replace(old, new))
PY
}

# notok TESTS LOG: the sorted "not ok" lines of a run (numbers masked: timings)
notok_lines() { grep -E '^  not ok - ' "$1" | sed -E 's/[0-9]+/N/g' | sort -u; }
# baseline TESTS: the unmutated tree's failures for that selection, run once;
# sets BASE to the file that lists them
baseline() {
	local key
	key=$(echo "$1" | md5sum | cut -c1-8)
	if [ ! -f "$WORK/base-$key.notok" ]; then
		(cd "$T" && make -s check TESTS="$1" FUZZ_REPLAY=${MUTATE_FUZZ:-0}) > "$WORK/base-$key.log" 2>&1
		notok_lines "$WORK/base-$key.log" > "$WORK/base-$key.notok"
		local nb
		nb=$(wc -l < "$WORK/base-$key.notok")
		echo "# baseline for '$1': $nb failing checks without a mutation$([ "$nb" -gt 0 ] && echo ": $(head -3 "$WORK/base-$key.notok" | cut -c1-100 | paste -sd';')")"
	fi
	BASE=$WORK/base-$key.notok
}

results=$WORK/results.tsv
: > "$results"
want=" $* "
while IFS=$'\t' read -r name what file old new tests; do
	case $name in ''|'#'*) continue ;; esac
	if [ $# -gt 0 ] && [[ "$want" != *" $name "* ]]; then continue; fi
	baseline "$tests" # before the mutation: the tree is clean here
	cp "$T/$file" "$WORK/orig"
	if ! why=$(apply "$file" "$old" "$new"); then
		echo "stale - $name: $file: $why"
		printf '%s\t%s\t%s\t%s\tstale\t%s\n' "$name" "$what" "$file" "$tests" "$why" >> "$results"
		continue
	fi
	log=$WORK/$name.log
	s=$(date +%s)
	if ! make -C "$T" -s -j2 all unit > "$log" 2>&1; then
		status=error detail="the mutated tree does not build"
	else
		# shellcheck disable=SC2086
		(cd "$T" && make -s check TESTS="$tests" FUZZ_REPLAY=${MUTATE_FUZZ:-0}) > "$log" 2>&1
		summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
		nfail=$(sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p' <<< "$summary")
		# killed: a check fails that does not fail without the mutation
		new=$(notok_lines "$log" | comm -23 - "$BASE")
		if [ -n "$new" ]; then
			status=killed
			detail="$(grep -c . <<< "$new") new failures: $(head -3 <<< "$new" | sed 's/^  not ok - //' | cut -c1-90 | paste -sd';')"
		elif [ -z "$nfail" ]; then
			status=error detail="no summary line: $(tail -1 "$log" | cut -c1-120)"
		else
			status=survived detail="$summary (the same failures as without the mutation)"
		fi
	fi
	secs=$(($(date +%s) - s))
	echo "$status - $name ($what; $file; ${secs}s): $detail"
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$what" "$file" "$tests" "$status" "$detail" >> "$results"
	cp "$WORK/orig" "$T/$file"
	touch "$T/$file"
done < "$LIST"
make -C "$T" -s all > /dev/null 2>&1

echo
echo "| mutation | what it bends | file | tests run | result | first failures |"
echo "|---|---|---|---|---|---|"
while IFS=$'\t' read -r name what file tests status detail; do
	echo "| \`$name\` | $what | \`$file\` | \`$tests\` | **$status** | ${detail//|//} |"
done < "$results"
k=$(grep -c $'\tkilled\t' "$results")
n=$(wc -l < "$results")
echo
echo "$k of $n mutations killed"
[ "$k" -eq "$n" ]
