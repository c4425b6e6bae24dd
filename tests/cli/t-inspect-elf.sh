#!/bin/bash
# goabi inspect: ELF identity and dynamic linking facts against readelf:
# -h (class, byte order, machine, type, e_flags), -l (PT_INTERP), -d
# (NEEDED, SONAME, RPATH, RUNPATH, HASH/GNU_HASH), -V (versions required per
# library; the GLIBC_/GLIBCXX_/CXXABI_ floors are their maximum).
# Files without section headers: readelf -V needs sections, so the versions
# are compared with readelf -V of the original file (same bytes otherwise).
. "$(dirname "$0")/../lib.sh"
export LC_ALL=C
I=$FIX/inspect
ORACLE="python3 $TOP/tests/cli/inspect_oracle.py"
one() { # NAME FILE [FILE-FOR-readelf-V]
	local name=$1 f=$2 v=${3:-$2}
	if [ "$name" = cxx-dyn ] && [ ! -f "$f" ] && ! command -v g++ >/dev/null; then skip "$name" "g++ not installed"; return; fi
	if [ ! -f "$f" ]; then notok "$name: fixture missing ($f)"; return; fi
	local grc rrc orc n
	"$GOABI" inspect --json "$f" > "$TMPD/j.json" 2> "$TMPD/err"
	grc=$?
	# each fixture is a well-formed file: goabi reads it all (exit 0, silent)
	check "$name: goabi inspect exit 0, nothing on stderr" "0 " "$grc $(head -c 200 "$TMPD/err")"
	rrc=0
	readelf -hW "$f" > "$TMPD/h" 2>/dev/null || rrc=$?
	readelf -lW "$f" > "$TMPD/l" 2>/dev/null || rrc=$?
	readelf -dW "$f" > "$TMPD/d" 2>/dev/null || rrc=$?
	readelf -VW "$v" > "$TMPD/v" 2>/dev/null || rrc=$?
	check "$name: readelf -h/-l/-d/-V exit 0" 0 "$rrc"
	$ORACLE readelf "$name" "$TMPD/j.json" "$TMPD/h" "$TMPD/l" "$TMPD/d" "$TMPD/v" > "$TMPD/o" 2>&1
	orc=$?
	cat "$TMPD/o"
	# the oracle prints 14 results (15 with a hash style); a traceback or an
	# early exit prints fewer
	n=$(grep -cE '^(ok|not ok) - ' "$TMPD/o")
	if [ $orc -eq 0 ] && [ "$n" -ge 14 ]; then
		ok "$name: oracle exit 0 with $n results"
	else
		notok "$name: oracle exit $orc with $n results (want >= 14): $(grep -v -E '^(ok|not ok) - ' "$TMPD/o" | tail -1 | cut -c1-160)"
	fi
}
for f in go119-cgo-exe go119-cgo-pie go119-cgo-sw go119-c-shared.so go119-static go119-static-sw go119-pure-pie \
	go119-amd64v3 go119-arm64 go119-386 go119-s390x gccgo-exe gccgo-obj.o c-dyn c-static c-static-pie musl-dyn \
	musl-static libc-so.so libc-rpath.so cxx-dyn hello.o badname.o; do
	one "$f" "$I/$f"
done
for f in go119-static go119-cgo-exe c-dyn musl-static; do
	one "$f-noshdr" "$I/$f-noshdr" "$I/$f"
done
while IFS=$'\t' read -r spec file sha gover mach; do
	case $spec in ''|'#'*) continue ;; esac
	f="$NPM/$(echo "$spec" | tr '/' '_')/$(basename "$file")"
	if [ -f "$f" ]; then one "$spec" "$f"; else skip "$spec identity" "not fetched (tests/fetch-npm.sh)"; fi
done < "$TOP/testdata/npm-go-binaries.tsv"
