#!/bin/bash
# Benchmark for goabi inspect: wall time (median of RUNS runs, default 7)
# of `goabi inspect` (text and --json) against `go version -m` (Go 1.19)
# and `readelf -d -V --dyn-syms` on the same files: the npm esbuild
# binaries (stripped, ~8-10 MB, go1.16...go1.23), large unstripped Go 1.19
# binaries of this machine (the go command and the compiler), a copy of
# the newest esbuild without section headers (everything found by
# scanning segments) and the Go 1.19 c-archive fixture.
# Prints a Markdown section. Ratios are peer / goabi (> 1: goabi is faster).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/benchlib.sh"
: "${GOABI:=$TOP/build/goabi}" "${FIX:=$TOP/build/fixtures}"
: "${NPM:=${GOABI_CACHE:-$HOME/.cache/goabi}/npm}"
RUNS=${RUNS:-7}
GO=/usr/lib/go-1.19/bin/go
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files=()
for k in @esbuild_linux-x64@0.25.5 @esbuild_linux-x64@0.18.5 @esbuild_linux-arm64@0.24.2 @esbuild_linux-s390x@0.20.0 \
	esbuild-linux-64@0.13.15; do
	[ -f "$NPM/$k/esbuild" ] && files+=("$NPM/$k/esbuild")
done
if [ -f "$NPM/@esbuild_linux-x64@0.25.5/esbuild" ]; then
	python3 "$TOP/tests/fixtures/src/noshdr.py" "$NPM/@esbuild_linux-x64@0.25.5/esbuild" "$tmp/esbuild-0.25.5-noshdr"
	chmod +x "$tmp/esbuild-0.25.5-noshdr"
	files+=("$tmp/esbuild-0.25.5-noshdr")
fi
for f in "$GO" /usr/lib/go-1.19/pkg/tool/linux_amd64/compile "$FIX/inspect/go119-c-archive.a"; do
	[ -f "$f" ] && files+=("$f")
done
# interleaved runs (goabi, peer, goabi, peer...) so both see the same machine
# load; median wall-clock and median CPU (user+sys) milliseconds per command
measure() { # N CMD1 -- CMD2 -- CMD3 ... -> "wall cpu" per command, one line each
	python3 - "$@" <<'PY'
import os, statistics, subprocess, sys, time
n = int(sys.argv[1]); cmds, cur = [], []
for a in sys.argv[2:]:
    if a == "--":
        cmds.append(cur); cur = []
    else:
        cur.append(a)
cmds.append(cur)
wall = [[] for _ in cmds]; cpu = [[] for _ in cmds]
for _ in range(n):
    for i, c in enumerate(cmds):
        t = time.perf_counter()
        p = subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, ru = os.wait4(p.pid, 0)  # per-child rusage, microsecond resolution
        p.returncode = 0
        wall[i].append((time.perf_counter() - t) * 1000)
        cpu[i].append((ru.ru_utime + ru.ru_stime) * 1000)
for i in range(len(cmds)):
    print("%.1f %.1f" % (statistics.median(wall[i]), statistics.median(cpu[i])))
PY
}
echo "## goabi inspect"
echo
echo "Median of $RUNS interleaved runs; wall-clock ms (CPU ms = user+sys in parentheses; the machine is shared,"
echo "so CPU time is the steadier measure). \`go version -m\` is Go $($GO version | awk '{print $3}'); it cannot read archives (—)."
echo "Ratios are peer / goabi (≥ 1: goabi is as fast or faster), on wall time and on CPU time."
echo "Target (issue 2): full inspect of a stripped 10 MB Go binary no slower than \`go version -m\`."
echo
echo "\`goabi inspect\` disassembles by default (ISA levels, \`docs/isa.md\`); \`--no-isa\` skips that and reads every"
echo "other fact. The first ratio column compares \`go version -m\` with \`goabi inspect --no-isa\`, the second with the default."
echo
echo "| file | MB | goabi --no-isa | goabi (default) | goabi --json | go version -m | ratio vs --no-isa wall / CPU | ratio vs default wall / CPU | readelf -d -V --dyn-syms | ratio vs --no-isa wall / CPU |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
worst=""
for f in "${files[@]}"; do
	name=$f
	case $f in "$NPM"/*) name=$(basename "$(dirname "$f")") ;; "$tmp"/*) name=$(basename "$f") ;; "$FIX"/*) name=fixtures/$(basename "$f") ;; esac
	mb=$(python3 -c "import os,sys; print('%.1f' % (os.path.getsize(sys.argv[1]) / 1e6))" "$f")
	case $f in
	*.a) mapfile -t m < <(measure "$RUNS" "$GOABI" inspect --no-isa "$f" -- "$GOABI" inspect "$f" -- "$GOABI" inspect --json "$f" -- readelf -d -V --dyn-syms "$f")
	     m=("${m[0]}" "${m[1]}" "${m[2]}" "" "${m[3]}") ;;
	*) mapfile -t m < <(measure "$RUNS" "$GOABI" inspect --no-isa "$f" -- "$GOABI" inspect "$f" -- "$GOABI" inspect --json "$f" -- "$GO" version -m "$f" -- readelf -d -V --dyn-syms "$f") ;;
	esac
	read -r nw nc <<< "${m[0]}"; read -r gw gc <<< "${m[1]}"; read -r jw jc <<< "${m[2]}"; read -r rw rc <<< "${m[4]}"
	if [ -n "${m[3]}" ]; then
		read -r vw vc <<< "${m[3]}"
		gv="$vw ($vc)"; r1="$(ratio "$vw" "$nw") / $(ratio "$vc" "$nc")"; r2="$(ratio "$vw" "$gw") / $(ratio "$vc" "$gc")"
		worst=$(python3 -c "import sys; w=sys.argv[1]; r=float(sys.argv[2]); print(r if not w or r < float(w) else w)" "$worst" "$(ratio "$vc" "$nc")")
	else
		gv="—"; r1="—"; r2="—"
	fi
	echo "| $name | $mb | $nw ($nc) | $gw ($gc) | $jw ($jc) | $gv | $r1 | $r2 | $rw ($rc) | $(ratio "$rw" "$nw") / $(ratio "$rc" "$nc") |"
done
mapfile -t m < <(measure "$RUNS" "$GOABI" --help -- "$GO" version)
read -r hw hc <<< "${m[0]}"; read -r ow oc <<< "${m[1]}"
echo
echo "Process start-up alone: \`goabi --help\` $hw ms ($hc ms CPU; dynamic loading of $(ldd "$GOABI" 2>/dev/null | grep -c '=>') shared libraries),"
echo "\`go version\` without a file $ow ms ($oc ms CPU)."
echo
[ -n "$worst" ] && echo "Lowest CPU-time ratio of \`go version -m\` to \`goabi inspect --no-isa\`: $worst."
