#!/bin/bash
# goabi inspect --isa on Go 1.26/1.27 builds: the level the code needs
# without a CPU check equals the GOAMD64 level it was built for (the
# fixture's recipe, build-modern.sh FLAGS), and no conflict is reported.
# Go 1.26's green tea GC kernels (AVX-512 behind avx512ScanPackedReqsMet)
# and runtime.asyncPreempt (AVX-512 saves unreachable outside
# GOEXPERIMENT=simd) must not make a GOAMD64=v1 binary "need" x86-64-v4.
# Second oracle: the binary runs on this machine, so it cannot need more
# than this CPU has (checked against /proc/cpuinfo flags for v4).
. "$(dirname "$0")/../lib.sh"
M=$FIX/modern
v4cpu=$(grep -m1 -wq avx512f /proc/cpuinfo && echo yes || echo no)
for tc in go126 go127; do
	if ! grep -q "^$tc" "$M/TOOLCHAINS" 2>/dev/null; then skip "$tc ISA level" "toolchain $tc not on this machine"; continue; fi
	for f in cgo-exe cgo-sw static static-sw c-shared.so amd64v3; do
		p=$M/$tc-$f
		[ -f "$p" ] || { notok "$tc-$f: fixture missing"; continue; }
		want=x86-64-v1; case $f in amd64v3) want=x86-64-v3 ;; esac
		"$GOABI" inspect --isa --json "$p" > "$TMPD/j.json" 2>/dev/null
		got=$(jget "$TMPD/j.json" "j['artifacts'][0]['isa']['required']['value']")
		check "$tc-$f: isa required = GOAMD64 of the build ($want)" "$want" "$got"
		check "$tc-$f: no ISA conflict" "[]" "$(jget "$TMPD/j.json" "j['artifacts'][0]['isa']['conflicts']")"
	done
	if [ "$v4cpu" = no ] && "$M/$tc-static" > /dev/null 2>&1; then
		ok "$tc-static runs on this CPU without AVX-512 (the runtime oracle agrees: v4 not required)"
	fi
done
