#!/bin/bash
# Hostile Mach-O, universal and PE files (issue 23): a Go program
# cross-built here (Go 1.19, darwin/amd64 and windows/amd64), then damaged
# in ways whose effect follows from the formats' own arithmetic: truncated
# inside the load commands / section table / data, load-command counts and
# sizes that lie, a segment claiming more sections than its command holds,
# a symbol table past the end, universal headers with out-of-file and
# overlapping slices, PE headers pointing past the file, a PE import
# directory outside every section and an import lookup table without a
# terminator, a certificate table past the end. Oracle: the damage itself
# (each one places a header's promise past the end or makes two promises
# collide) — every case must exit 2 with one stderr line naming the file
# and an error diagnostic, and never crash (run it under
# make SANITIZE=address,undefined: GOABI=build-san/goabi). The undamaged
# files exit 0.
. "$(dirname "$0")/../lib.sh"
GO=/usr/lib/go-1.19/bin/go
mkdir -p "$TMPD/src"
printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n' > "$TMPD/src/main.go"
printf 'module example.com/hi\n\ngo 1.19\n' > "$TMPD/src/go.mod"
for t in darwin/amd64 windows/amd64; do
	(cd "$TMPD/src" && GOOS=${t%/*} GOARCH=${t#*/} CGO_ENABLED=0 "$GO" build -o "$TMPD/${t%/*}" .) 2>/dev/null
done
if [ ! -s "$TMPD/darwin" ] || [ ! -s "$TMPD/windows" ]; then
	plan 1
	skip "hostile Mach-O/PE" "Go 1.19 cannot cross-build darwin/windows here"
	exit 0
fi
python3 - "$TMPD" <<'PY' > "$TMPD/cases.txt"
import os, struct, sys
d = sys.argv[1]
m = open(d + '/darwin', 'rb').read()
p = open(d + '/windows', 'rb').read()
cases = []
def case(name, data):
    fn = '%s/case-%s' % (d, name)
    open(fn, 'wb').write(data)
    cases.append(fn)

# ---- Mach-O 64 little-endian: header 32 bytes
ncmds, sizeofcmds = struct.unpack_from('<II', m, 16)
case('macho-cut-100', m[:100])
case('macho-cut-in-cmds', m[:32 + sizeofcmds // 2])
case('macho-cut-half', m[:len(m) // 2])
case('macho-cut-1', m[:-1])
b = bytearray(m); struct.pack_into('<I', b, 16, 0x7fffffff); case('macho-ncmds-huge', bytes(b))
b = bytearray(m); struct.pack_into('<I', b, 20, 0xfffffff0); case('macho-sizeofcmds-huge', bytes(b))
# walk the commands: first segment with sections, LC_SYMTAB
off, seg, symtab = 32, None, None
for i in range(ncmds):
    cmd, size = struct.unpack_from('<II', m, off)
    if cmd == 0x19 and seg is None and struct.unpack_from('<I', m, off + 64)[0] > 0:
        seg = off
    if cmd == 0x2:
        symtab = off
    off += size
b = bytearray(m); struct.pack_into('<I', b, 32 + 4, 0); case('macho-cmdsize-0', bytes(b))
b = bytearray(m); struct.pack_into('<I', b, 32 + 4, 0xffffff00); case('macho-cmdsize-huge', bytes(b))
b = bytearray(m); struct.pack_into('<I', b, seg + 64, 0xffffff); case('macho-nsects-lie', bytes(b))
b = bytearray(m); struct.pack_into('<Q', b, seg + 40, len(m) - 16); case('macho-segment-past-end', bytes(b))
b = bytearray(m); struct.pack_into('<II', b, symtab + 8, len(m) - 8, 0x10000000); case('macho-symtab-past-end', bytes(b))
b = bytearray(m); struct.pack_into('<I', b, symtab + 16, len(m) + 100); case('macho-strtab-past-end', bytes(b))
# ---- universal
def fat(entries, payloads, total):
    b = bytearray(total)
    struct.pack_into('>II', b, 0, 0xcafebabe, len(entries))
    for i, (cpu, o, s) in enumerate(entries):
        struct.pack_into('>IIIII', b, 8 + 20 * i, cpu, 3, o, s, 12)
    for o, data in payloads:
        b[o:o + len(data)] = data
    return bytes(b)
A = 0x1000
case('fat-slice-outside', fat([(0x01000007, A, len(m) + 10)], [(A, m)], A + len(m)))
case('fat-slices-overlap', fat([(0x01000007, A, len(m)), (0x0100000c, A + 0x100, len(m) - 0x100)], [(A, m)], A + len(m)))
case('fat-slice-over-header', fat([(0x01000007, 4, len(m))], [], 4 + len(m)))
case('fat-header-past-end', struct.pack('>II', 0xcafebabe, 40) + b'\0' * 64)
case('fat-slice-not-macho', fat([(0x01000007, A, 4096)], [], A + 4096))
# ---- PE
lfanew = struct.unpack_from('<I', p, 0x3c)[0]
opt = lfanew + 24
nsect = struct.unpack_from('<H', p, lfanew + 6)[0]
optsz = struct.unpack_from('<H', p, lfanew + 20)[0]
dd = opt + 112  # PE32+
b = bytearray(p); struct.pack_into('<I', b, 0x3c, len(p) - 8); b[len(p) - 8:len(p) - 4] = b'PE\0\0'; case('pe-coff-past-end', bytes(b))
case('pe-cut-in-sections', p[:opt + optsz + 40 * nsect // 2])
case('pe-cut-half', p[:len(p) // 2])
b = bytearray(p); struct.pack_into('<H', b, lfanew + 6, 0xffff); case('pe-nsections-huge', bytes(b))
b = bytearray(p); struct.pack_into('<I', b, opt + 108, 0x7fffffff); case('pe-ndirs-lie', bytes(b))
b = bytearray(p); struct.pack_into('<I', b, dd + 8, 0x7ffff000); case('pe-import-dir-outside', bytes(b))
b = bytearray(p); struct.pack_into('<II', b, dd + 32, len(p) - 16, 0x100000); case('pe-cert-past-end', bytes(b))
b = bytearray(p); struct.pack_into('<I', b, lfanew + 12, len(p) - 10); case('pe-symtab-past-end', bytes(b))
# import lookup table without a terminator: fill the first DLL's table to
# the end of its section with a repeating non-zero entry
irva = struct.unpack_from('<I', p, dd + 8)[0]
secs = [struct.unpack_from('<8sIIII', p, opt + optsz + 40 * i) for i in range(nsect)]
def r2o(rva):
    for n, vs, va, rs, ro in secs:
        if va <= rva < va + rs:
            return ro + rva - va, ro + rs
oo, end = r2o(irva)
ilt = struct.unpack_from('<I', p, oo)[0] or struct.unpack_from('<I', p, oo + 16)[0]
io, iend = r2o(ilt)
b = bytearray(p); first = b[io:io + 8]
for q in range(io, iend - 7, 8):
    b[q:q + 8] = first
case('pe-imports-no-terminator', bytes(b))
# import descriptors without a terminator: repeat the first one to the section end
b = bytearray(p); desc = b[oo:oo + 20]
for q in range(oo, end - 19, 20):
    b[q:q + 20] = desc
case('pe-descriptors-no-terminator', bytes(b))
print('\n'.join(cases))
PY
mapfile -t CASES < "$TMPD/cases.txt"
plan $(( ${#CASES[@]} * 2 + 2 ))
for f in "$TMPD/darwin" "$TMPD/windows"; do
	"$GOABI" inspect "$f" >/dev/null 2>"$TMPD/err"
	rc=$?
	check "undamaged $(basename "$f"): exit 0" 0 "$rc"
done
for f in "${CASES[@]}"; do
	n=$(basename "$f")
	timeout 60 "$GOABI" inspect --json "$f" >"$TMPD/out.json" 2>"$TMPD/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l < "$TMPD/err")" -eq 1 ] && grep -q "$n" "$TMPD/err" && ! grep -q "Sanitizer\|runtime error" "$TMPD/err"; then
		ok "$n: exit 2, one stderr line naming it"
	else
		notok "$n: rc=$rc stderr: $(head -c 400 "$TMPD/err")"
	fi
	errs=$(python3 -c '
import json,sys
def walk(a):
    n = sum(1 for d in a["diagnostics"] if d["severity"] == "error")
    return n + sum(walk(m) for m in a.get("members", []))
print(sum(walk(a) for a in json.load(open(sys.argv[1]))["artifacts"]))' "$TMPD/out.json" 2>/dev/null)
	if [ "${errs:-0}" -ge 1 ]; then ok "$n: error diagnostic in the JSON"; else notok "$n: no error diagnostic ($errs)"; fi
done
