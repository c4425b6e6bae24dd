#!/bin/bash
# make bench: goabi against its peer tools on the same inputs, in one run.
# Each area has tests/bench-<area>.sh, which prints a Markdown section;
# everything is collected into BENCHMARKS.md.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
. tests/benchlib.sh
export BUILD=${BUILD:-build}
export GOABI="$TOP/$BUILD/goabi" FIX="$TOP/$BUILD/fixtures"
export NPM="${GOABI_CACHE:-$HOME/.cache/goabi}/npm"
export PATH="/usr/lib/go-1.19/bin:$PATH"
tests/fixtures/build.sh "$FIX" >/dev/null 2>&1 || echo "bench: some fixtures failed to build" >&2
tests/fetch-npm.sh "$NPM" >/dev/null 2>&1 || echo "bench: npm fetch failed" >&2
out=$TOP/BENCHMARKS.md
export SUMMARY=$out.summary
: > "$SUMMARY"
sections=$(for b in tests/bench-inspect.sh tests/bench-image.sh tests/bench-isa.sh tests/bench-link.sh tests/bench-diff.sh tests/bench-fleet.sh; do
	[ -f "$b" ] && bash "$b"
	echo
done
bash tests/bench-profile.sh
[ -f tests/bench-profile-before.md ] && cat tests/bench-profile-before.md)
{
	echo "# Benchmarks"
	echo
	echo "Measured by \`make bench\` on $(date -u "+%Y-%m-%d %H:%M") UTC, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
	echo "Machine: $(machine_note) (shared: other work may run beside the benchmark)."
	echo
	echo "Every row compares goabi with its peer on the same input in the same run, alternating the two"
	echo "commands. The steady measure is CPU time (user+sys of the process and its children, medians); wall"
	echo "time is shown beside it in the sections below. **Ratio = goabi / peer** (lower is better)."
	echo
	echo "## Summary (issue 12 targets)"
	echo
	echo "| job | goabi CPU | peer CPU | ratio | target | |"
	echo "|---|---:|---:|---:|---:|---|"
	cat "$SUMMARY"
	echo
	echo "$sections"
} > "$out.tmp" && mv "$out.tmp" "$out"
rm -f "$SUMMARY"
cat "$out"
