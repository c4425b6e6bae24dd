#!/bin/bash
# make bench: goabi against its peer tools on the same inputs, in one run.
# Each area has tests/bench-<area>.sh, which prints a Markdown section;
# everything is collected into BENCHMARKS.md.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
export BUILD=${BUILD:-build}
export GOABI="$TOP/$BUILD/goabi" FIX="$TOP/$BUILD/fixtures"
export NPM="${GOABI_CACHE:-$HOME/.cache/goabi}/npm"
export PATH="/usr/lib/go-1.19/bin:$PATH"
tests/fixtures/build.sh "$FIX" >/dev/null 2>&1 || echo "bench: some fixtures failed to build" >&2
tests/fetch-npm.sh "$NPM" >/dev/null 2>&1 || echo "bench: npm fetch failed" >&2
out=$TOP/BENCHMARKS.md
{
	echo "# Benchmarks"
	echo
	echo "Measured by \`make bench\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m)."
	echo "Ratios are peer time / goabi time (higher = goabi faster), medians of repeated runs in one session."
	echo
	for b in tests/bench-*.sh; do
		[ -f "$b" ] && bash "$b"
		echo
	done
} > "$out.tmp" && mv "$out.tmp" "$out"
cat "$out"
