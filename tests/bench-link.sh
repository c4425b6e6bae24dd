#!/bin/bash
# goabi link vs the real link (gcc -> collect2 -> GNU ld) of the same set:
# four Go 1.19 c-archives plus a C main (the link fails on duplicate
# symbols; ld still reads every input), one c-archive plus a C main (links)
# and a static glibc program calling getaddrinfo (links with warnings).
# Prints a Markdown section.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/benchlib.sh"
: "${BUILD:=build}"
: "${GOABI:=$TOP/$BUILD/goabi}"
: "${FIX:=$TOP/$BUILD/fixtures}"
D=$FIX/link
[ -f "$D/goa.a" ] || bash "$TOP/tests/fixtures/build-link.sh" "$FIX" >/dev/null 2>&1
cd "$D" || exit 0
N=${BENCH_RUNS:-9}
tmp=$(mktemp -d)
echo "## goabi link vs the real link"
echo
echo "Medians of $N alternating runs; CPU = user+sys ms of the whole process tree (wall ms);"
echo "ratio = goabi link CPU / real link CPU (target ≤ 0.5)."
echo
echo "| link set | gcc (real link) CPU (wall) | goabi link CPU (wall) | ratio | peak RSS goabi / gcc MB |"
echo "|---|---:|---:|---:|---:|"
row() {
	local name=$1; shift
	mapfile -t m < <(measure "$N" "$@" -o "$tmp/out" ::: "$GOABI" link -q -- "$@" -o "$tmp/out")
	read -r rw rc <<< "${m[0]}"; read -r gw gc <<< "${m[1]}"
	summary "\`link\`: $name" "$gc" "gcc (real link)" "$rc" "$(ratio "$gc" "$rc")" 0.5
	echo "| $name | $rc ($rw) | $gc ($gw) | $(ratio "$gc" "$rc") | $(peak_mb "$GOABI" link -q -- "$@" -o "$tmp/out") / $(peak_mb "$@" -o "$tmp/out") |"
}
row "4 Go c-archives + C main (fails: duplicates)" gcc main_abcd.o goa.a gob.a goc.a god.a
row "1 Go c-archive + C main (links)" gcc main_a_pthread.o goa.a
row "static glibc, getaddrinfo (links with warnings)" gcc -static nss.o
rm -rf "$tmp"
