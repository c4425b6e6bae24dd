#!/bin/bash
# The ISA scan walks x86 code with its own length decoder and calls capstone
# only on extension candidates (src/facts/isa_x86len.c). Oracle: capstone's
# own lengths and extension groups over every instruction of whole .text
# sections (Go, C, glibc, esbuild; 64- and 32-bit).
. "$(dirname "$0")/../lib.sh"
H=$TMPD/declen
if ! cc -std=c11 -D_GNU_SOURCE -O2 -I"$TOP/include" -I"$TOP/src" $(pkg-config --cflags capstone libelf) \
	-o "$H" "$TOP/tests/cli/isa/declen.c" "$TOP/$BUILD/libgoabi.a" $(pkg-config --libs capstone libelf) 2>"$TMPD/cc.log"; then
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
	r=$("$H" "$f" "$1" "$2" "$3" $bits 2>"$TMPD/err")
	set -- $r
	check "decoder = capstone on all $1 instructions of $(basename "$(dirname "$f")")/$(basename "$f") ($bits-bit, $3 candidates)" \
		"0" "${2:-missing}"
	check "decoder flags every extension instruction capstone finds in $(basename "$f") ($bits-bit)" "0" "${4:-missing}"
	[ "${2:-0}${4:-0}" = 00 ] || head -10 "$TMPD/err" | sed 's/^/# /'
done
