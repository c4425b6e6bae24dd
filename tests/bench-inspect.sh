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
echo "| file | MB | goabi inspect | goabi --json | go version -m | ratio wall / CPU | readelf -d -V --dyn-syms | ratio wall / CPU |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
worst=""
for f in "${files[@]}"; do
	name=$f
	case $f in "$NPM"/*) name=$(basename "$(dirname "$f")") ;; "$tmp"/*) name=$(basename "$f") ;; "$FIX"/*) name=fixtures/$(basename "$f") ;; esac
	mb=$(python3 -c "import os,sys; print('%.1f' % (os.path.getsize(sys.argv[1]) / 1e6))" "$f")
	case $f in
	*.a) mapfile -t m < <(measure "$RUNS" "$GOABI" inspect "$f" -- "$GOABI" inspect --json "$f" -- readelf -d -V --dyn-syms "$f")
	     m=("${m[0]}" "${m[1]}" "" "${m[2]}") ;;
	*) mapfile -t m < <(measure "$RUNS" "$GOABI" inspect "$f" -- "$GOABI" inspect --json "$f" -- "$GO" version -m "$f" -- readelf -d -V --dyn-syms "$f") ;;
	esac
	read -r gw gc <<< "${m[0]}"; read -r jw jc <<< "${m[1]}"; read -r rw rc <<< "${m[3]}"
	if [ -n "${m[2]}" ]; then
		read -r vw vc <<< "${m[2]}"
		gv="$vw ($vc)"; r1="$(ratio "$vw" "$gw") / $(ratio "$vc" "$gc")"
		worst=$(python3 -c "import sys; w=sys.argv[1]; r=float(sys.argv[2]); print(r if not w or r < float(w) else w)" "$worst" "$(ratio "$vc" "$gc")")
	else
		gv="—"; r1="—"
	fi
	echo "| $name | $mb | $gw ($gc) | $jw ($jc) | $gv | $r1 | $rw ($rc) | $(ratio "$rw" "$gw") / $(ratio "$rc" "$gc") |"
done
echo
[ -n "$worst" ] && echo "Lowest CPU-time ratio against \`go version -m\`: $worst."
