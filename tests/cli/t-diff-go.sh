#!/bin/bash
# goabi diff on Go build changes: one program with and without cgo, with
# GOAMD64=v1 and v3 (tests/fixtures/build-diff.sh), and a real-world pair of
# esbuild releases built with Go 1.17 and Go 1.20 (npm, tests/fetch-npm.sh).
# Oracles: go version -m (settings, versions, deps), readelf -l/-d, objdump -T,
# Go's documented scheme changes (type..eq. -> type:.eq. in 1.20, type hashes
# MD5 -> notsha256 in 1.19).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/diff-lib.sh"
D=$FIX/diff
ORA="python3 $TOP/tests/cli/diff-oracle.py"
if [ ! -f "$D/prog-cgo" ]; then
	notok "diff fixtures missing in $D"
	exit 0
fi
# q JSON AREA SUBJECT FIELD: the field of the first change with that area and subject
q() { jget "$1" "next((str(c['$4']) for c in j['changes'] if c['area']=='$2' and c['subject']=='$3'), 'none')"; }
setting() { go version -m "$1" | awk -v k="$2" '$1 == "build" { split($2, kv, "="); if (kv[1] == k) print substr($2, length(k) + 2) }'; }

# --- cgo off -> on
diffjson "$TMPD/cgo.json" "$D/prog-nocgo" "$D/prog-cgo"
rc=$?
check "cgo: CGO_ENABLED old -> new = go version -m" "$(setting "$D/prog-nocgo" CGO_ENABLED) -> $(setting "$D/prog-cgo" CGO_ENABLED)" \
	"$(q "$TMPD/cgo.json" go CGO_ENABLED old) -> $(q "$TMPD/cgo.json" go CGO_ENABLED new)"
interp=$(readelf -l -W "$D/prog-cgo" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
check "cgo: interpreter added = readelf -l of NEW" "None -> $interp" \
	"$(q "$TMPD/cgo.json" interp PT_INTERP old) -> $(q "$TMPD/cgo.json" interp PT_INTERP new)"
check "cgo: OLD has no interpreter (readelf -l)" 0 "$(readelf -l -W "$D/prog-nocgo" | grep -c 'program interpreter')"
needed=$(comm -13 <(readelf -d -W "$D/prog-nocgo" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort) \
	<(readelf -d -W "$D/prog-cgo" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort) | tr '\n' ' ')
check "cgo: DT_NEEDED added = readelf -d difference" "$needed" \
	"$(jget "$TMPD/cgo.json" "''.join(c['subject']+' ' for c in sorted(j['changes'], key=lambda c: c['subject']) if c['area']=='needed' and c['kind']=='added')")"
floor=$(objdump -T "$D/prog-cgo" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)
check "cgo: glibc floor raised to objdump -T's highest GLIBC_" "$floor" "$(q "$TMPD/cgo.json" glibc GLIBC new)"
syms=$(objdump -T "$D/prog-cgo" | awk -v f="($floor)" '$0 ~ /UND/ && index($0, f) { print $NF "@" substr(f, 2, length(f) - 2) }' | sort | tr '\n' ' ')
check "cgo: the symbols named for the raise = objdump -T's at that version" "$syms" \
	"$(jget "$TMPD/cgo.json" "' '.join(sorted(next(c['detail'] for c in j['changes'] if c['area']=='glibc')[len('needed by: '):].split(', ')))+' '")"
# breaking (8): the glibc floor appears (NEW needs GLIBC_x.y where OLD ran
# on any libc); possibly breaking (16): interpreter and DT_NEEDED added
check "cgo: exit 4|8|16 (floor raised: breaking; loader and libraries added: possibly)" 28 "$rc"
check "cgo: the glibc floor raise is classed breaking" breaking "$(q "$TMPD/cgo.json" glibc GLIBC class)"
check "cgo: interpreter added (kind)" added "$(q "$TMPD/cgo.json" interp PT_INTERP kind)"
check "cgo: cgo linked 0 -> 1 (nm: x_cgo_init only in NEW)" "$(nm "$D/prog-nocgo" 2>/dev/null | grep -c ' x_cgo_init$') -> $(nm "$D/prog-cgo" 2>/dev/null | grep -c ' x_cgo_init$')" \
	"$(q "$TMPD/cgo.json" go cgo old) -> $(q "$TMPD/cgo.json" go cgo new)"
diffjson "$TMPD/nocgo.json" "$D/prog-cgo" "$D/prog-nocgo"
check "cgo -> no cgo: interpreter removed (readelf -l: OLD has one, NEW none)" "removed $interp None" \
	"$(q "$TMPD/nocgo.json" interp PT_INTERP kind) $(q "$TMPD/nocgo.json" interp PT_INTERP old) $(q "$TMPD/nocgo.json" interp PT_INTERP new)"
"$GOABI" diff "$D/prog-cgo" "$D/prog-nocgo" > "$TMPD/nocgo.txt"
check "cgo -> no cgo: text says the interpreter was removed" 1 "$(grep -c 'interp removed' "$TMPD/nocgo.txt")"

# --- GOAMD64 v1 -> v3
diffjson "$TMPD/isa.json" "$D/prog-v1" "$D/prog-v3"
rc=$?
check "GOAMD64: declared ISA level old -> new = go version -m" \
	"x86-64-$(setting "$D/prog-v1" GOAMD64) -> x86-64-$(setting "$D/prog-v3" GOAMD64)" \
	"$(q "$TMPD/isa.json" isa 'ISA level declared' old) -> $(q "$TMPD/isa.json" isa 'ISA level declared' new)"
check "GOAMD64: declared raise is breaking (exit bit 8: Go's runtime refuses older CPUs at start-up)" 8 "$((rc & 8))"
check "GOAMD64: no libc change reported (readelf -l: neither has an interpreter)" \
	"$(readelf -l -W "$D/prog-v1" "$D/prog-v3" | grep -c 'program interpreter')" \
	"$(jget "$TMPD/isa.json" "sum(1 for c in j['changes'] if c['area'] in ('interp','libc','needed','glibc'))")"
diffjson "$TMPD/isa2.json" "$D/prog-v3" "$D/prog-v1"
rc=$?
check "GOAMD64 v3 -> v1: lowered, informational (exit 4)" "lowered 4" "$(q "$TMPD/isa2.json" isa 'ISA level declared' kind) $rc"

# --- real-world: esbuild 0.13.15 (go1.17.2) -> 0.18.5 (go1.20.5)
old=$NPM/esbuild-linux-64@0.13.15/esbuild new=$NPM/@esbuild_linux-x64@0.18.5/esbuild
if [ -f "$old" ] && [ -f "$new" ]; then
	diffjson "$TMPD/npm.json" "$old" "$new"
	vo=$(go version -m "$old" | head -1 | awk '{print $2}') vn=$(go version -m "$new" | head -1 | awk '{print $2}')
	check "esbuild: Go version old -> new = go version -m" "$vo -> $vn" \
		"$(q "$TMPD/npm.json" go 'Go version' old) -> $(q "$TMPD/npm.json" go 'Go version' new)"
	go version -m "$old" > "$TMPD/old.m"
	go version -m "$new" > "$TMPD/new.m"
	check "esbuild: module changes = go version -m dep lines" "$($ORA gomods "$TMPD/old.m" "$TMPD/new.m" | tr '\n' ';')" \
		"$($ORA goabi "$TMPD/npm.json" module | grep -v '^main' | tr '\n' ';')"
	check "esbuild: symbol scheme dot -> colon (Go 1.20 renamed type..eq. to type:.eq.; $vo -> $vn)" "dot -> colon" \
		"$(q "$TMPD/npm.json" go 'symbol scheme' old) -> $(q "$TMPD/npm.json" go 'symbol scheme' new)"
	check "esbuild: type hash md5 -> notsha256 (changed in Go 1.19; $vo -> $vn)" "md5 -> notsha256" \
		"$(q "$TMPD/npm.json" go 'type-hash scheme' old) -> $(q "$TMPD/npm.json" go 'type-hash scheme' new)"
	# nothing links against an executable (readelf -h: both EXEC): scheme
	# changes are informational there
	check "esbuild: both executables (readelf -h)" "EXEC EXEC" \
		"$(readelf -h "$old" | awk '/Type:/ {print $2}') $(readelf -h "$new" | awk '/Type:/ {print $2}')"
	check "esbuild: scheme changes of executables are informational" "informational informational" \
		"$(q "$TMPD/npm.json" go 'symbol scheme' class) $(q "$TMPD/npm.json" go 'type-hash scheme' class)"
	to=$(setting "$old" -trimpath)
	check "esbuild: -trimpath appears (go version -m: absent in go1.17 build info)" \
		"${to:-(unset)} -> $(setting "$new" -trimpath)" \
		"$(q "$TMPD/npm.json" go -trimpath old) -> $(q "$TMPD/npm.json" go -trimpath new)"
else
	skip "esbuild real-world pair" "npm cache missing (tests/fetch-npm.sh)"
fi
# libraries: a Go 1.19 and a Go 1.26 c-shared library (readelf -h: DYN, no
# PT_INTERP): the scheme change stays possibly breaking (Go objects of both
# schemes do not link together)
o=$FIX/inspect/go119-c-shared.so n=$FIX/modern/go126-c-shared.so
if [ -f "$o" ] && [ -f "$n" ]; then
	diffjson "$TMPD/cs.json" "$o" "$n"
	check "c-shared 1.19 -> 1.26: shared libraries (readelf -h DYN, no PT_INTERP)" "DYN DYN 0" \
		"$(readelf -h "$o" | awk '/Type:/ {print $2}') $(readelf -h "$n" | awk '/Type:/ {print $2}') $(readelf -lW "$o" "$n" | grep -c 'program interpreter')"
	check "c-shared 1.19 -> 1.26: symbol scheme dot -> colon, possibly breaking" "dot colon possibly-breaking" \
		"$(q "$TMPD/cs.json" go 'symbol scheme' old) $(q "$TMPD/cs.json" go 'symbol scheme' new) $(q "$TMPD/cs.json" go 'symbol scheme' class)"
else
	skip "c-shared scheme pair" "fixtures missing"; skip "c-shared scheme class" "fixtures missing"
fi
