#!/bin/bash
# ISA levels beyond amd64: GORISCV64, GOPPC64, GOARM, GOARM64, GOMIPS,
# GOMIPS64 and GO386 give `isa declared`, and goabi diff reports a raised
# (breaking) or lowered (informational) declared level. Programs are
# cross-built here with Go 1.26 (/usr/local/go, or scripts/go-toolchain.sh).
# Oracles: the flags each program was built with and `go version -m`.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/diff-lib.sh"
GO=/usr/local/go/bin/go
builds=(
	"riscv64 GORISCV64 rva20u64 riscv64-"
	"riscv64 GORISCV64 rva22u64 riscv64-"
	"riscv64 GORISCV64 rva23u64 riscv64-"
	"ppc64le GOPPC64 power8 ppc64-"
	"ppc64le GOPPC64 power10 ppc64-"
	"ppc64 GOPPC64 power9 ppc64-"
	"arm GOARM 6,softfloat armv"
	"arm GOARM 7 armv"
	"arm64 GOARM64 v8.0 arm64-"
	"arm64 GOARM64 v8.1 arm64-"
	"mips GOMIPS softfloat mips-"
	"mips GOMIPS hardfloat mips-"
	"mips64le GOMIPS64 hardfloat mips64-"
	"386 GO386 softfloat 386-"
	"386 GO386 sse2 386-"
)
# old new: the declared level is raised (breaking, diff exit bit 8) or lowered (informational)
pairs=(
	"riscv64-rva20u64 riscv64-rva22u64 raised"
	"riscv64-rva22u64 riscv64-rva23u64 raised"
	"ppc64le-power8 ppc64le-power10 raised"
	"ppc64le-power10 ppc64le-power8 lowered"
	"arm-6_softfloat arm-7 raised"
	"arm64-v8.0 arm64-v8.1 raised"
	"mips-softfloat mips-hardfloat raised"
	"386-sse2 386-softfloat lowered"
)
plan $((${#builds[@]} + ${#pairs[@]} + 1))
v=$("$GO" version 2>/dev/null | awk '{print $3}')
if [ -z "$v" ] || [ "${v#go1.26}" = "$v" ]; then
	v=
	t=$("$TOP/scripts/go-toolchain.sh" 1.26.8 2>/dev/null) && [ -x "$t" ] && GO=$t && v=go1.26.8
fi
if [ -z "$v" ]; then
	for b in "${builds[@]}" "${pairs[@]}" "empty"; do skip "isa arches: $b" "Go 1.26 not found"; done
	exit 0
fi
mkdir -p "$TMPD/src"
printf 'package main\n\nfunc main() { println("hi") }\n' > "$TMPD/src/main.go"
printf 'module isaarch\n\ngo 1.21\n' > "$TMPD/src/go.mod"
for b in "${builds[@]}"; do
	set -- $b
	arch=$1 key=$2 val=$3 prefix=$4
	o="$TMPD/$arch-${val//,/_}"
	if ! (cd "$TMPD/src" && env CGO_ENABLED=0 GOOS=linux GOARCH=$arch "$key=$val" GOFLAGS=-buildvcs=false "$GO" build -o "$o" . > "$TMPD/build.log" 2>&1); then
		notok "$arch $key=$val: go build failed: $(tail -2 "$TMPD/build.log")"
		continue
	fi
	rec=$("$GO" version -m "$o" | awk -v k="$key" '$1=="build" && index($2, k"=")==1 { sub(k"=", "", $2); print $2 }')
	got=$("$GOABI" inspect --json "$o" | python3 -c 'import json,sys; print(json.load(sys.stdin)["artifacts"][0]["isa"]["declared"]["value"])')
	check "$arch built with $key=$val (go version -m: $key=$rec): isa declared $prefix$val" "$prefix$val $prefix$rec" "$got $got"
done
for p in "${pairs[@]}"; do
	set -- $p
	a="$TMPD/$1" b="$TMPD/$2" want=$3
	if [ ! -f "$a" ] || [ ! -f "$b" ]; then notok "diff $1 -> $2: build missing"; continue; fi
	diffjson "$TMPD/d.json" "$a" "$b"
	rc=$?
	cls=breaking bit=8
	[ "$want" = lowered ] && cls=informational bit=0
	got=$(jget "$TMPD/d.json" "' '.join(c['kind'] + ':' + c['class'] for c in j['changes'] if c['area'] == 'isa' and c['subject'] == 'ISA level declared')")
	check "diff $1 -> $2 (built with ${1#*-} / ${2#*-}): declared level $want ($cls), exit bit 4 set, bit 8 $([ $bit = 8 ] && echo set || echo clear)" \
		"$want:$cls 4 $bit" "$got $((rc & 4)) $((rc & 8))"
done
# the same build twice: no ISA change
diffjson "$TMPD/same.json" "$TMPD/riscv64-rva22u64" "$TMPD/riscv64-rva22u64"
check "diff of a build with itself: no isa change" 0 "$(jget "$TMPD/same.json" "sum(1 for c in j['changes'] if c['area'] == 'isa')")"
