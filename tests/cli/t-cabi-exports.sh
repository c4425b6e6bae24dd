#!/bin/bash
# Fact 7, exported C ABI: names and C prototypes of //export functions of Go
# 1.19 c-archives and c-shared objects (tests/fixtures/build-cabi.sh).
# Oracles: cgo's own header (NAME.h: `extern RET Name(PARAMS);`), nm (the
# _cgoexp_<hash>_Name symbols and the defined C wrappers), readelf -S.
. "$(dirname "$0")/../lib.sh"
plan 32
D=$FIX/cabi
ORA="python3 $TOP/tests/cli/cabi-oracle.py"
if [ ! -f "$D/v1-c-shared.so" ]; then
	notok "cabi fixtures missing in $D"
	exit 0
fi

# names of //export functions according to nm: _cgoexp_<hash>_Name defined
# in go.o / the .so, and the C wrapper Name defined as a text symbol
nm_exports() {
	nm --defined-only "$1" 2>/dev/null | awk '$3 ~ /^_cgoexp_[0-9a-f]+_/ { sub(/^_cgoexp_[0-9a-f]+_/, "", $3); print $3 }' | sort -u
}
nm_dyn_exports() {
	nm -D --defined-only "$1" 2>/dev/null | awk '$3 ~ /^_cgoexp_[0-9a-f]+_/ { sub(/^_cgoexp_[0-9a-f]+_/, "", $3); print $3 }' | sort -u
}

for f in v1-c-archive.a v1-reordered.a v1-c-shared.so; do
	h=$D/${f%.*}.h
	[ "$f" = v1-reordered.a ] && h=$D/v1-c-archive.h
	"$GOABI" inspect --json "$D/$f" > "$TMPD/$f.json"
	check "$f: exit 0" 0 $?
	$ORA header "$h" > "$TMPD/$f.hdr"
	$ORA goabi "$TMPD/$f.json" > "$TMPD/$f.goabi"
	check "$f: export names = cgo header's extern lines" \
		"$(cut -f1 "$TMPD/$f.hdr" | tr '\n' ' ')" "$(cut -f1 "$TMPD/$f.goabi" | tr '\n' ' ')"
	check "$f: header has the fixture's 14 exports" 14 "$(wc -l < "$TMPD/$f.hdr")"
	check "$f: export names = nm _cgoexp_ symbols" \
		"$(nm_exports "$D/$f" | tr '\n' ' ')" "$(cut -f1 "$TMPD/$f.goabi" | tr '\n' ' ')"
	# every export's C wrapper is a defined text symbol (nm)
	nm --defined-only "$D/$f" 2>/dev/null | awk '$2 == "T" { print $3 }' | sort -u > "$TMPD/$f.text"
	miss=$(cut -f1 "$TMPD/$f.goabi" | sort | comm -23 - "$TMPD/$f.text")
	check "$f: every export is a defined text symbol (nm)" "" "$miss"
	# prototypes: each one compared with the header's after normalising
	bad=$(join -t "$(printf '\t')" "$TMPD/$f.hdr" "$TMPD/$f.goabi" | awk -F'\t' '$2 != $3 { print $1 ": header " $2 " goabi " $3 }')
	check "$f: every prototype = cgo header's (normalised)" "" "$bad"
	check "$f: dwarf flag = readelf sees .debug_info" \
		"$( (readelf -S -W "$D/$f" 2>/dev/null | grep -q ' \.debug_info ') && echo True || echo False)" \
		"$(jget "$TMPD/$f.json" "j['artifacts'][0]['dwarf']")"
done

# a struct return for multiple results, as cgo's header declares it
check "Divmod returns cgo's struct Divmod_return (header)" \
	"$(grep -c 'struct Divmod_return Divmod(' "$D/v1-c-archive.h")" \
	"$(jget "$TMPD/v1-c-archive.a.json" "sum(1 for e in j['artifacts'][0]['exports'] if e['prototype'].startswith('struct Divmod_return Divmod('))")"

# the member that holds _cgo_export.c's DWARF (readelf) is the one cited
m=$(for x in $(ar t "$D/v1-c-archive.a"); do
	[ "$x" = go.o ] && continue # the Go object: its DWARF is Go's, not a C unit
	ar p "$D/v1-c-archive.a" "$x" > "$TMPD/m.o"
	readelf --debug-dump=info "$TMPD/m.o" 2> /dev/null > "$TMPD/m.info"
	grep -A6 DW_TAG_compile_unit "$TMPD/m.info" | grep -q 'DW_AT_name.*[ /]_cgo_export\.c$' && grep -q '_cgoexp_' "$TMPD/m.info" && echo "$x"
done | head -1)
check "archive: prototype evidence names the _cgo_export.c member (readelf)" "yes" \
	"$(jget "$TMPD/v1-c-archive.a.json" "'yes' if all('prototype from member $m:' in e['evidence'] for e in j['artifacts'][0]['exports']) else 'no'")"

# -s -w: no DWARF (readelf), names from .dynsym (nm -D), prototype unknown and said so
f=v1-c-shared-sw.so
"$GOABI" inspect --json "$D/$f" > "$TMPD/sw.json"
check "$f: readelf finds no .debug_info" 0 "$(readelf -S -W "$D/$f" | grep -c ' \.debug_info ')"
check "$f: export names = nm -D _cgoexp_ symbols" "$(nm_dyn_exports "$D/$f" | tr '\n' ' ')" \
	"$($ORA goabi "$TMPD/sw.json" | cut -f1 | tr '\n' ' ')"
check "$f: export names = cgo header's" "$($ORA header "$D/v1-c-shared-sw.h" | cut -f1 | tr '\n' ' ')" \
	"$($ORA goabi "$TMPD/sw.json" | cut -f1 | tr '\n' ' ')"
check "$f: no prototype, evidence says no DWARF" "14 14" \
	"$(jget "$TMPD/sw.json" "'%d %d' % (sum(1 for e in j['artifacts'][0]['exports'] if e['prototype'] is None), sum(1 for e in j['artifacts'][0]['exports'] if 'no DWARF' in e['evidence']))")"

# --no-dwarf skips prototypes
"$GOABI" inspect --json --no-dwarf "$D/v1-c-shared.so" > "$TMPD/nd.json"
check "--no-dwarf: names kept, prototypes null" "14 0" \
	"$(jget "$TMPD/nd.json" "'%d %d' % (len(j['artifacts'][0]['exports']), sum(1 for e in j['artifacts'][0]['exports'] if e['prototype']))")"

# a non-Go C shared library has no //export functions (nm finds no _cgoexp_)
lib=$(ls /lib/x86_64-linux-gnu/libz.so.1 2>/dev/null || true)
if [ -n "$lib" ]; then
	"$GOABI" inspect --json "$lib" > "$TMPD/z.json"
	check "libz: no exports (nm -D has no _cgoexp_)" "$(nm_dyn_exports "$lib" | wc -l)" "$(jget "$TMPD/z.json" "len(j['artifacts'][0]['exports'])")"
fi

# hostile DWARF: one 256 KiB struct tag shared (one .debug_str string) by the
# types of 20000 parameters of an exported wrapper in a unit named
# _cgo_export.c. Every lookup of that name costs libdwarf a scan of the whole
# string: goabi must stay fast, say that it cut the walk, and still find F.
python3 - "$TMPD/_cgo_export.c" << 'PY'
import sys
params = ', '.join('S *a%d' % i for i in range(20000))
open(sys.argv[1], 'w').write('#define S struct S%s\nS { int v; };\nextern void _cgoexp_0123456789ab_F(void *);\n'
                             'void F(%s) { _cgoexp_0123456789ab_F(0); }\n' % ('x' * 262144, params))
PY
if (cd "$TMPD" && gcc -c -g -O0 -o longname.o _cgo_export.c) 2> /dev/null; then
	check "long-name object: readelf sees a DW_AT_name of 256 KiB and 20000+1 parameters (F's, the _cgoexp_ declaration's)" "1 20001" \
		"$(readelf --debug-dump=info "$TMPD/longname.o" 2> /dev/null | grep -c 'DW_AT_name.*Sxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx') $(readelf --debug-dump=info "$TMPD/longname.o" 2> /dev/null | grep -c DW_TAG_formal_parameter)"
	start=$(date +%s%N)
	timeout 20 "$GOABI" inspect --json "$TMPD/longname.o" > "$TMPD/long.json"
	rc=$? ms=$((($(date +%s%N) - start) / 1000000))
	# bounded by the walk's limits, not by a clock (no timed assertion: the
	# 20 s timeout only turns a hang into a failure)
	check "long-name object: inspect exits 0 (took $ms ms)" "0" "$rc"
	check "long-name object: export F found (nm: _cgoexp_ referenced, F defined), walk cut with a warning" "F True" \
		"$(jget "$TMPD/long.json" "' '.join(e['name'] for e in j['artifacts'][0]['exports'])") $(jget "$TMPD/long.json" "any('DWARF walk stopped' in d['message'] for d in j['artifacts'][0]['diagnostics'])")"
fi
