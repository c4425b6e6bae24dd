#!/bin/bash
# goabi link on small objects made with as (64-bit and, with as --32 and
# ld -m elf_i386, 32-bit): which undefined symbols make ld fail. Oracle: the
# real ld on the same command: its exit status and its "undefined reference
# to `X'" messages. ld reports an undefined symbol that any relocation uses,
# in allocated sections and in others (.debug_info, a note) alike, but not
# one nothing relocates against, nor one used only from an SHF_EXCLUDE
# section (dropped from the link). 32-bit objects carry r_info in the ELF32
# layout; libelf hands it out in the 64-bit one (read/elfview.c ev_reloc).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/link-lib.sh"
export LC_ALL=C
command -v as >/dev/null && command -v ld >/dev/null || { skip "link relocations" "binutils (as, ld) not installed"; exit 0; }
cd "$TMPD"
src() { printf '.text\n.globl _start\n_start:\n%s\n' "$1"; shift; printf '%s\n' "$@"; }
src '	call bar' '.section .debug_info,"",@progbits' '	.long foo' > text-and-debug.s
src '	ret' '.section .debug_info,"",@progbits' '	.long foo' > debug-only.s
src '	ret' '.section .note.x,"",@note' '	.long foo' '.section .comment2,"",@progbits' '	.long baz' > note-and-other.s
src '	ret' '.globl zed' > unreferenced.s
src '	ret' '.section .xsec,"e",@progbits' '	.long qux' > excluded-only.s
printf '.text\n.globl bar\nbar:\n\tret\n.data\n.globl foo\nfoo:\n\t.long 0\n' > defs.s
compare() { # NAME EMU ASFLAG OBJ...
	local name=$1 emu=$2 asf=$3; shift 3
	local objs=() o
	for o in "$@"; do
		as $asf -o "$o.$emu.o" "$o.s" || { notok "$name: as $asf $o.s failed"; return; }
		objs+=("$o.$emu.o")
	done
	ld -m "$emu" -o out "${objs[@]}" > ld.out 2>&1
	local rc=$?
	"$GOABI" link --json -- ld -m "$emu" -o out "${objs[@]}" > g.json 2> g.err
	python3 - "$name ($emu)" "$rc" ld.out g.json <<'PY'
import json, re, sys
from link_view import view
name, rc, ld, g = sys.argv[1], int(sys.argv[2]), open(sys.argv[3]).read(), view(json.load(open(sys.argv[4])))
def out(ok, d, why=""): print(("ok - %s" % d) if ok else ("not ok - %s: %s" % (d, why)))
want = "links" if rc == 0 else "fails"
out(g["verdict"] == want, "%s: verdict as ld's exit status %d" % (name, rc), "goabi says %s" % g["verdict"])
ldu = sorted(set(re.findall(r"undefined reference to `([^']+)'", ld)))
gu = sorted(set(u["symbol"] if isinstance(u, dict) else u for u in g["undefined"]))
out(gu == ldu, "%s: undefined symbols as ld reports them %s" % (name, ldu), "goabi %s" % gu)
out(not any(f["kind"] == "wrong-format" for f in g["findings"]), "%s: the objects fit the target ld -m names" % name,
    "; ".join(f["message"] for f in g["findings"] if f["kind"] == "wrong-format"))
PY
}
for emu in elf_x86_64 elf_i386; do
	asf=; [ $emu = elf_i386 ] && asf=--32
	compare text-and-debug $emu "$asf" text-and-debug
	compare debug-only $emu "$asf" debug-only
	compare note-and-other $emu "$asf" note-and-other
	compare unreferenced $emu "$asf" unreferenced
	compare excluded-only $emu "$asf" excluded-only
	compare defined-elsewhere $emu "$asf" text-and-debug defs
done
