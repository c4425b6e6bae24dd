#!/bin/bash
# goabi diff against libabigail's abidiff on the same Go c-shared pair
# (tests/fixtures/build-diff.sh), and goabi inspect's DWARF prototype reader
# against `--no-dwarf`; prints a Markdown section for BENCHMARKS.md.
. "$(dirname "$0")/benchlib.sh"
: "${GOABI:?}" "${FIX:?}"
D=$FIX/diff
echo "## goabi diff (exported C ABI from DWARF)"
echo
if [ ! -f "$D/cshared-v2.so" ]; then
	echo "fixtures missing"
	exit 0
fi
echo "| input | goabi diff ms | abidiff ms | ratio | peak RSS goabi / abidiff KB |"
echo "|---|---|---|---|---|"
for pair in "cshared-v1.so cshared-v2.so" "cshared-v1.so cshared-v3.so" "libfoo-v1.so libfoo-v2.so"; do
	set -- $pair
	g=$(median_ms 7 "$GOABI" diff -q "$D/$1" "$D/$2")
	if command -v abidiff > /dev/null; then
		a=$(median_ms 7 abidiff "$D/$1" "$D/$2")
		rg=$(/usr/bin/time -f %M "$GOABI" diff -q "$D/$1" "$D/$2" 2>&1 >/dev/null | tail -1)
		ra=$(/usr/bin/time -f %M abidiff "$D/$1" "$D/$2" 2>&1 >/dev/null | tail -1)
		echo "| $1 → $2 | $g | $a | $(ratio "$a" "$g") | $rg / $ra |"
	else
		echo "| $1 → $2 | $g | (abidiff not installed) | | |"
	fi
done
echo
w=$(median_ms 7 "$GOABI" inspect "$D/cshared-v1.so")
n=$(median_ms 7 "$GOABI" inspect --no-dwarf "$D/cshared-v1.so")
echo "goabi inspect of the c-shared library: $w ms with DWARF prototypes, $n ms with \`--no-dwarf\`."
