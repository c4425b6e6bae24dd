#!/bin/bash
# goabi image against pax-utils' `scanelf -R -a` on a real Debian bookworm
# minbase root filesystem (`debootstrap --variant=minbase bookworm`, cached
# as ~/.cache/goabi/nss/bookworm-minbase.tar.gz, shared with
# tests/fixtures/build-nss.sh; made here when missing), at 1x, 4x and 16x
# the input: copies of its /usr tree under /copyN/usr (hard links), so the
# programs and libraries to check grow while the loader and libc stay the
# same. scanelf reads ELF headers only (no resolution, no versions); goabi
# does the full check (interpreter, DT_NEEDED resolution, symbol versions
# against the image's libc, Go inventory). Prints a Markdown section.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/benchlib.sh"
: "${BUILD:=build}"
: "${GOABI:=$TOP/$BUILD/goabi}"
CACHE=${GOABI_CACHE:-$HOME/.cache/goabi}/nss
TARBALL=$CACHE/bookworm-minbase.tar.gz
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
N=${BENCH_RUNS:-5}
echo "## goabi image vs \`scanelf -R -a\`"
echo
if [ ! -s "$TARBALL" ] && command -v debootstrap >/dev/null && [ "$(id -u)" = 0 ]; then
	mkdir -p "$CACHE"
	rm -rf "$CACHE/root.tmp"
	if debootstrap --variant=minbase bookworm "$CACHE/root.tmp" "$MIRROR" > "$CACHE/debootstrap.log" 2>&1; then
		tar --numeric-owner -C "$CACHE/root.tmp" -czf "$TARBALL.tmp" . && mv "$TARBALL.tmp" "$TARBALL"
	fi
	rm -rf "$CACHE/root.tmp"
fi
if [ ! -s "$TARBALL" ] || ! command -v scanelf >/dev/null; then
	echo "(skipped: needs $TARBALL (debootstrap, as root) and scanelf (pax-utils))"
	exit 0
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/r1"
tar --numeric-owner --exclude='./dev/*' -xzf "$TARBALL" -C "$W/r1" 2>/dev/null
for k in 4 16; do
	cp -al "$W/r1" "$W/r$k"
	for i in $(seq 2 "$k"); do mkdir -p "$W/r$k/copy$i" && cp -al "$W/r1/usr" "$W/r$k/copy$i/usr"; done
done
echo "Root filesystem: \`debootstrap --variant=minbase bookworm\` ($(find "$W/r1" -type f | wc -l) files,"
echo "$(find "$W/r1" -type f -print0 | xargs -0 scanelf -B -F '%F' 2>/dev/null | wc -l) ELF files, $(du -sm "$W/r1" | cut -f1) MB). Medians of $N alternating runs; CPU = user+sys ms (wall ms);"
echo "ratio = goabi CPU / scanelf CPU (target ≤ 1.0, peak RSS < 100 MB). goabi's default here is 1 thread (its ELF files average under 1 MB: src/check/image.c default_workers); the -j $(nproc) column shows what $(nproc) threads cost."
echo
echo "| input | files | goabi image CPU (wall) | goabi -j $(nproc) CPU (wall) | scanelf -R -a CPU (wall) | ratio | goabi CPU per copy | peak RSS goabi / scanelf MB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for k in 1 4 16; do
	n=$N; [ "$k" = 16 ] && n=3
	R=$W/r$k
	mapfile -t m < <(measure "$n" "$GOABI" image -q --no-progress "$R" ::: "$GOABI" image -q --no-progress -j "$(nproc)" "$R" ::: scanelf -R -a "$R")
	read -r gw gc <<< "${m[0]}"; read -r jw jc <<< "${m[1]}"; read -r sw sc <<< "${m[2]}"
	per=$(python3 -c "import sys; print('%.1f' % (float(sys.argv[1]) / int(sys.argv[2])))" "$gc" "$k")
	pk=$(peak_mb "$GOABI" image -q --no-progress "$R")
	summary "\`image\` on the bookworm minbase (${k}x)" "$gc" "\`scanelf -R -a\`" "$sc" "$(ratio "$gc" "$sc")" 1.0 "peak RSS $pk MB"
	echo "| ${k}x | $(find "$R" -type f | wc -l) | $gc ($gw) | $jc ($jw) | $sc ($sw) | $(ratio "$gc" "$sc") | $per | $pk / $(peak_mb scanelf -R -a "$R") |"
done
tar -C "$W/r1" -cf "$W/r1.tar" .
mapfile -t m < <(measure "$N" "$GOABI" image -q --no-progress "$W/r1.tar")
read -r tw tc <<< "${m[0]}"
echo
echo "The same root as one uncompressed tar layer (read through libarchive): $tc ms CPU ($tw wall), peak RSS $(peak_mb "$GOABI" image -q --no-progress "$W/r1.tar") MB."
