#!/bin/bash
# The ISA scan decodes every x86 instruction with capstone (detail off) and
# asks capstone for groups only for ids that may be extensions, learnt per
# id and opcode map (src/facts/isa_x86.c). Oracle: capstone with detail on
# every instruction, over whole .text sections (Go, C, glibc, esbuild; 64-
# and 32-bit): the extension masks must be equal instruction by instruction.
. "$(dirname "$0")/../lib.sh"
H=$TMPD/idcache
if ! cc -std=c11 ${SANITIZE:+-fsanitize=$SANITIZE} -D_GNU_SOURCE -O2 -I"$TOP/include" -I"$TOP/src" $(pkg-config --cflags capstone libelf) \
	-o "$H" "$TOP/tests/cli/isa/idcache.c" "$TOP/$BUILD/libgoabi-internal.a" $(pkg-config --libs capstone libelf) 2>"$TMPD/cc.log"; then
	notok "decoder harness does not build: $(head -3 "$TMPD/cc.log")"
	exit 0
fi
text() { # FILE -> "offset size addr" of .text
	readelf -SW "$1" | sed 's/^ *\[ *[0-9]*\] *//' | awk '$1==".text" { print "0x"$4, "0x"$5, "0x"$3 }'
}
for f in "$FIX/isa/go119-amd64-v3" "$FIX/isa/c-vec-x86-64-v4" "$FIX/isa/c-vec-x86-64-static" \
	/lib/x86_64-linux-gnu/libc.so.6 "$NPM/@esbuild_linux-x64@0.25.5/esbuild" \
	"$FIX/isa/go119-386-sse2" "$NPM/@esbuild_linux-ia32@0.24.2/esbuild"; do
	[ -f "$f" ] || { skip "decoder on $(basename "$f")" "missing"; continue; }
	bits=64
	readelf -h "$f" | grep -q 'Class: *ELF32' && bits=32
	set -- $(text "$f")
	r=$(ASAN_OPTIONS=detect_leaks=0 "$H" "$f" "$1" "$2" "$3" $bits 2>"$TMPD/err") # the harness, not the library, keeps its buffers
	set -- $r
	check "per-id group cache = capstone detail on all ${1:-?} instructions of $(basename "$(dirname "$f")")/$(basename "$f") ($bits-bit; ${2:-?} decoded with detail, ${4:-?} in extensions)" \
		"0" "${3:-missing}"
	[ "${3:-1}" = 0 ] || head -10 "$TMPD/err" | sed 's/^/# /'
	[ "${4:-0}" -gt 0 ] && ok "extension instructions found in $(basename "$f") ($bits-bit)" || notok "no extension instruction found in $f"
done
