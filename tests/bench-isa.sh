#!/bin/bash
# goabi inspect --isa (capstone disassembly of every function, off by
# default) against `objdump -d` piped to a mnemonic count, on the same
# stripped ~10 MB Go binary (npm esbuild). Prints a Markdown section.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/benchlib.sh"
: "${BUILD:=build}"
: "${GOABI:=$TOP/$BUILD/goabi}"
: "${NPM:=${GOABI_CACHE:-$HOME/.cache/goabi}/npm}"
N=${BENCH_RUNS:-5}
echo "## ISA scan (\`inspect --isa\`: a decoder of its own for plain instructions, capstone for the rest) vs \`objdump -d\`"
echo
f=$NPM/@esbuild_linux-x64@0.25.5/esbuild
if [ ! -f "$f" ]; then
	echo "(skipped: no npm esbuild binary; run tests/fetch-npm.sh)"
	exit 0
fi
text=$(readelf -SW "$f" | sed 's/^ *\[ *[0-9]*\] *//' | awk '$1==".text" { print $5 }')
echo "\`goabi inspect\` does not disassemble by default; \`--isa\` adds the ISA levels the code uses and needs"
echo "(docs/isa.md). Medians of $N alternating runs (objdump: 3); CPU = user+sys ms (wall ms); goabi uses"
echo "$(nproc) threads. .text = $(python3 -c "import sys; print('%.1f' % (int(sys.argv[1], 16) / 1e6))" "$text") MB. ratio = goabi CPU / objdump CPU (target ≤ 0.25)."
echo
echo "| command | CPU (wall) | ratio | peak RSS MB |"
echo "|---|---:|---:|---:|"
mapfile -t m < <(measure "$N" "$GOABI" inspect --isa "$f" ::: "$GOABI" inspect --isa-detail "$f" ::: "$GOABI" inspect "$f")
mapfile -t o < <(measure 3 bash -c "objdump -d --no-show-raw-insn '$f' | awk -F'\t' 'NF >= 2 { split(\$2, a, \" \"); c[a[1]]++ } END { for (m in c) print c[m], m }' | sort -rn > /dev/null")
read -r ow oc <<< "${o[0]}"
read -r gw gc <<< "${m[0]}"; read -r dw dc <<< "${m[1]}"; read -r pw pc <<< "${m[2]}"
summary "\`inspect --isa\` on the same esbuild" "$gc" "\`objdump -d\`" "$oc" "$(ratio "$gc" "$oc")" 0.25
echo "| goabi inspect --isa | $gc ($gw) | $(ratio "$gc" "$oc") | $(peak_mb "$GOABI" inspect --isa "$f") |"
echo "| goabi inspect --isa-detail | $dc ($dw) | $(ratio "$dc" "$oc") | $(peak_mb "$GOABI" inspect --isa-detail "$f") |"
echo "| goabi inspect (no disassembly) | $pc ($pw) | $(ratio "$pc" "$oc") | $(peak_mb "$GOABI" inspect "$f") |"
echo "| objdump -d \| mnemonic count | $oc ($ow) | 1.00 | $(peak_mb objdump -d --no-show-raw-insn "$f") |"
