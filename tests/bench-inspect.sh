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
echo "## goabi inspect"
echo
echo "Median of $RUNS runs, milliseconds. \`go version -m\` is Go $($GO version | awk '{print $3}'); it cannot read archives (—)."
echo "Target (issue 2): full inspect of a stripped 10 MB Go binary no slower than \`go version -m\` (ratio ≥ 1)."
echo
echo "| file | MB | goabi inspect | goabi --json | go version -m | ratio | readelf -d -V --dyn-syms | ratio |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
worst=""
for f in "${files[@]}"; do
	name=$f
	case $f in "$NPM"/*) name=$(basename "$(dirname "$f")") ;; "$tmp"/*) name=$(basename "$f") ;; "$FIX"/*) name=fixtures/$(basename "$f") ;; esac
	mb=$(python3 -c "import os,sys; print('%.1f' % (os.path.getsize(sys.argv[1]) / 1e6))" "$f")
	g=$(median_ms "$RUNS" "$GOABI" inspect "$f")
	gj=$(median_ms "$RUNS" "$GOABI" inspect --json "$f")
	case $f in
	*.a) gv="—"; r1="—" ;;
	*) gv=$(median_ms "$RUNS" "$GO" version -m "$f"); r1=$(ratio "$gv" "$g")
	   worst=$(python3 -c "import sys; w=sys.argv[1]; r=float(sys.argv[2]); print(r if not w or r < float(w) else w)" "$worst" "$r1") ;;
	esac
	re=$(median_ms "$RUNS" readelf -d -V --dyn-syms "$f")
	echo "| $name | $mb | $g | $gj | $gv | $r1 | $re | $(ratio "$re" "$g") |"
done
echo
[ -n "$worst" ] && echo "Lowest ratio against \`go version -m\`: $worst."
