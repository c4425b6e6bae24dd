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
{
	echo "# Benchmarks"
	echo
	echo "Measured by \`make bench\` on $(date -u "+%Y-%m-%d %H:%M") UTC, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
	echo "Machine: $(machine_note) (shared: other work may run beside the benchmark)."
	echo
	echo "Every row compares goabi with its peer on the same input in the same run, alternating the two"
	echo "commands. The steady measure is CPU time (user+sys of the process and its children); wall time is"
	echo "shown beside it. **Ratio = goabi / peer** (lower is better; the targets of issue 12 are ≤ 1.0, ≤ 1.5"
	echo "for \`inspect -r\`, ≤ 0.25 for \`--isa\` and ≤ 0.5 for \`link\`)."
	echo
	for b in tests/bench-inspect.sh tests/bench-image.sh tests/bench-isa.sh tests/bench-link.sh tests/bench-diff.sh; do
		[ -f "$b" ] && bash "$b"
		echo
	done
	bash tests/bench-profile.sh
	[ -f tests/bench-profile-before.md ] && cat tests/bench-profile-before.md
} > "$out.tmp" && mv "$out.tmp" "$out"
cat "$out"
