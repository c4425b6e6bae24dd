#!/bin/bash
# goabi link vs the real link (gcc -> collect2 -> GNU ld) of the same set:
# four Go 1.19 c-archives plus a C main (the link fails on duplicate
# symbols; ld still reads every input), and one c-archive plus a C main
# (links). Prints a Markdown section.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/benchlib.sh"
: "${BUILD:=build}"
: "${GOABI:=$TOP/$BUILD/goabi}"
: "${FIX:=$TOP/$BUILD/fixtures}"
D=$FIX/link
[ -f "$D/goa.a" ] || bash "$TOP/tests/fixtures/build-link.sh" "$FIX" >/dev/null 2>&1
cd "$D" || exit 0
N=${BENCH_RUNS:-15}
tmp=$(mktemp -d)
echo "## goabi link vs the real link"
echo
echo "Median of $N runs each; ratio = real link time / goabi link time (higher = goabi faster)."
echo
echo "| link set | gcc (real link) ms | goabi link ms | ratio |"
echo "|---|---:|---:|---:|"
row() {
	local name=$1; shift
	local real g
	real=$(median_ms "$N" "$@" -o "$tmp/out")
	g=$(median_ms "$N" "$GOABI" link -q -- "$@" -o "$tmp/out")
	echo "| $name | $real | $g | $(ratio "$real" "$g") |"
}
row "4 Go c-archives + C main (fails: duplicates)" gcc main_abcd.o goa.a gob.a goc.a god.a
row "1 Go c-archive + C main (links)" gcc main_a_pthread.o goa.a
row "static glibc, getaddrinfo (links with warnings)" gcc -static nss.o
rm -rf "$tmp"
