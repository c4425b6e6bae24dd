#!/bin/bash
# goabi diff against libabigail's abidiff on the same Go c-shared pair
# (tests/fixtures/build-diff.sh), and goabi inspect's DWARF prototype reader
# against `--no-dwarf`; prints a Markdown section for BENCHMARKS.md.
. "$(dirname "$0")/benchlib.sh"
: "${GOABI:?}" "${FIX:?}"
D=$FIX/diff
echo "## goabi diff (exported C ABI from DWARF) vs \`abidiff\`"
echo
if [ ! -f "$D/cshared-v2.so" ]; then
	echo "fixtures missing"
	exit 0
fi
if ! command -v abidiff > /dev/null; then
	echo "(skipped: abidiff (libabigail) is not installed)"
	exit 0
fi
echo "Medians of 7 alternating runs; CPU = user+sys ms (wall ms); ratio = goabi CPU / abidiff CPU."
echo "goabi diff also compares the ISA levels, so it disassembles both files (most of its time on the Go pairs)."
echo
echo "| input | goabi diff CPU (wall) | abidiff CPU (wall) | ratio | peak RSS goabi / abidiff MB |"
echo "|---|---:|---:|---:|---:|"
for pair in "cshared-v1.so cshared-v2.so" "cshared-v1.so cshared-v3.so" "libfoo-v1.so libfoo-v2.so"; do
	set -- $pair
	mapfile -t m < <(measure 7 "$GOABI" diff -q "$D/$1" "$D/$2" ::: abidiff "$D/$1" "$D/$2")
	read -r gw gc <<< "${m[0]}"; read -r aw ac <<< "${m[1]}"
	echo "| $1 → $2 | $gc ($gw) | $ac ($aw) | $(ratio "$gc" "$ac") | $(peak_mb "$GOABI" diff -q "$D/$1" "$D/$2") / $(peak_mb abidiff "$D/$1" "$D/$2") |"
done
echo
mapfile -t m < <(measure 7 "$GOABI" inspect "$D/cshared-v1.so" ::: "$GOABI" inspect --no-dwarf "$D/cshared-v1.so")
read -r ww wc <<< "${m[0]}"; read -r nw nc <<< "${m[1]}"
echo "goabi inspect of the c-shared library: $wc ms CPU ($ww wall) with DWARF prototypes, $nc ms ($nw) with \`--no-dwarf\`."
