#!/bin/bash
# goabi inspect on files whose section headers were removed
# (tests/fixtures/src/noshdr.py zeroes e_shoff/e_shnum/e_shstrndx of a copy):
# build info must come from PT_LOAD, the pclntab from scanning, the dynamic
# section from PT_DYNAMIC, notes from PT_NOTE. Oracle: the original file
# (whose facts the other t-inspect tests check against go version -m,
# readelf and nm) must give the same facts.
. "$(dirname "$0")/../lib.sh"
plan 105
I=$FIX/inspect
for f in go119-static go119-cgo-exe c-dyn c-static musl-static; do
	if [ ! -f "$I/$f-noshdr" ]; then notok "$f-noshdr: fixture missing"; continue; fi
	"$GOABI" inspect --json "$I/$f" > "$TMPD/a.json" 2>/dev/null
	"$GOABI" inspect --json "$I/$f-noshdr" > "$TMPD/b.json" 2> "$TMPD/err"
	check "$f-noshdr: exit status 0" 0 $?
	python3 - "$f" "$TMPD/a.json" "$TMPD/b.json" <<'PY'
import json, sys
name, a, b = sys.argv[1], json.load(open(sys.argv[2]))["artifacts"][0], json.load(open(sys.argv[3]))["artifacts"][0]
def out(ok, d, why=""): print(("ok - %s" % d) if ok else ("not ok - %s: %s" % (d, why)))
out(b["elf"]["has_sections"] is False, "%s-noshdr: reported without section headers" % name)
V = lambda f: f["value"]
facts = {
 "elf identity": lambda j: {k: j["elf"][k] for k in ("class", "byte_order", "machine", "type", "flags", "pie", "build_id", "osabi")},
 "go toolchain": lambda j: V(j["go"]["toolchain"]),
 "go version": lambda j: V(j["go"]["version"]),
 "pclntab version range": lambda j: V(j["go"]["version_range"]),
 "main module and deps": lambda j: (j["go"]["path"], j["go"]["main"], j["go"]["deps"]),
 "build settings": lambda j: j["go"]["settings"],
 "scheme": lambda j: V(j["go"]["scheme"]),
 "type equality/hash function count": lambda j: (len(j["go"]["eq_funcs"]), len(j["go"]["hash_funcs"])),
 "type hash digest": lambda j: V(j["go"]["typehash"]),
 "cgo": lambda j: V(j["go"]["cgo"]),
 "build mode": lambda j: V(j["go"]["buildmode"]),
 "linkage": lambda j: V(j["libc"]["linkage"]),
 "interp, needed, soname, rpath, runpath": lambda j: [j["libc"][k] for k in ("interp", "needed", "soname", "rpath", "runpath")],
 "libc family": lambda j: V(j["libc"]["family"]),
 "required versions": lambda j: [(x["file"], x["versions"]) for x in j["libc"]["verneed"]],
 "glibc floor": lambda j: V(j["libc"]["glibc_floor"]),
 "glibc floor evidence (symbols needing it)": lambda j: j["libc"]["glibc_floor"]["evidence"],
 "sym@VERSION per library (DT_SYMTAB/DT_VERSYM)": lambda j: [(x["file"], sorted(x["symbols"])) for x in j["libc"]["verneed"]],
 "hash style": lambda j: V(j["libc"]["hash_style"]),
}
for d, f in facts.items():
    x, y = f(a), f(b)
    out(x == y, "%s-noshdr: %s as the original" % (name, d), "original %r, without sections %r" % (x, y))
PY
done
