#!/bin/bash
# goabi diff on a C shared library in two versions built here with a version
# script, .symver and different GLIBC symbol sets (tests/fixtures/src/diffclib).
# Oracles: readelf --dyn-syms/-d, objdump -T, abidiff (SONAME, symbols).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/diff-lib.sh"
D=$FIX/diff
if [ ! -f "$D/libfoo-v2.so" ]; then
	notok "diff fixtures missing in $D"
	exit 0
fi
diffjson "$TMPD/c.json" "$D/libfoo-v1.so" "$D/libfoo-v2.so"
rc=$?
readelf --dyn-syms -W "$D/libfoo-v1.so" > "$TMPD/1.sym"
readelf --dyn-syms -W "$D/libfoo-v2.so" > "$TMPD/2.sym"
python3 "$TOP/tests/cli/dynsym-oracle.py" "$TMPD/1.sym" "$TMPD/2.sym" > "$TMPD/want"
check "readelf oracle sees removed, retyped, resized, version changed, added" "added removed resized retyped version" \
	"$(cut -d' ' -f1 "$TMPD/want" | sort -u | tr '\n' ' ' | sed 's/ $//')"
check "dynamic symbol changes = readelf --dyn-syms difference" "$(tr '\n' ';' < "$TMPD/want")" \
	"$(python3 "$TOP/tests/cli/diff-oracle.py" goabi "$TMPD/c.json" dynsym | tr '\n' ';')"
son() { readelf -d -W "$1" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p'; }
check "SONAME change = readelf -d" "$(son "$D/libfoo-v1.so") -> $(son "$D/libfoo-v2.so")" \
	"$(jget "$TMPD/c.json" "next(c['old']+' -> '+c['new'] for c in j['changes'] if c['area']=='soname')")"
if command -v abidiff > /dev/null; then
	check "abidiff also reports the SONAME change" 1 "$(abidiff "$D/libfoo-v1.so" "$D/libfoo-v2.so" | grep -c "^SONAME changed from '$(son "$D/libfoo-v1.so")' to '$(son "$D/libfoo-v2.so")'")"
fi
hi() { objdump -T "$1" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1; }
check "glibc floor old -> new = objdump -T's highest GLIBC_ (.symver pins V1 to GLIBC_2.2.5)" \
	"$(hi "$D/libfoo-v1.so") -> $(hi "$D/libfoo-v2.so")" \
	"$(jget "$TMPD/c.json" "next(c['old']+' -> '+c['new'] for c in j['changes'] if c['area']=='glibc')")"
old=$(hi "$D/libfoo-v1.so")
want=$(objdump -T "$D/libfoo-v2.so" | awk '/UND/ { for (i = 1; i <= NF; i++) if ($i ~ /^\(GLIBC_/) { v = substr($i, 2, length($i) - 2); print $NF "@" v } }' |
	while read -r s; do v=${s##*@}; [ "$(printf '%s\n%s\n' "$old" "$v" | sort -V | tail -1)" = "$v" ] && [ "$v" != "$old" ] && echo "$s"; done | sort | tr '\n' ' ')
check "the symbols named for the raise = objdump -T's above the old floor" "$want" \
	"$(jget "$TMPD/c.json" "' '.join(sorted(next(c['detail'] for c in j['changes'] if c['area']=='glibc')[len('needed by: '):].split(', ')))+' '")"
check "the glibc floor raise is classed breaking" breaking \
	"$(jget "$TMPD/c.json" "next(c['class'] for c in j['changes'] if c['area']=='glibc')")"
# possibly breaking (16) only when readelf -d shows a DT_NEEDED added
nadd=$(comm -13 <(readelf -d -W "$D/libfoo-v1.so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort) \
	<(readelf -d -W "$D/libfoo-v2.so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort) | wc -l)
check "exit: 4|8 (breaking changes), |16 only with a DT_NEEDED added (readelf -d: $nadd)" \
	"$((12 | (nadd > 0 ? 16 : 0)))" "$rc"
# reversed: the floor is lowered (informational), the removed symbol is an addition
diffjson "$TMPD/r.json" "$D/libfoo-v2.so" "$D/libfoo-v1.so"
check "reversed: glibc floor lowered" lowered "$(jget "$TMPD/r.json" "next(c['kind'] for c in j['changes'] if c['area']=='glibc')")"

# static libraries, member by member: defined global symbols (nm) of foo.o
if [ -f "$D/libfoo-v2.a" ]; then
	diffjson "$TMPD/a.json" "$D/libfoo-v1.a" "$D/libfoo-v2.a"
	rc=$?
	nmdef() { nm -g --defined-only "$1" | awk 'NF == 3 { print $3 }' | sort; }
	want=$( (comm -23 <(nmdef "$D/libfoo-v1.a") <(nmdef "$D/libfoo-v2.a") | sed 's/^/removed /'
		comm -13 <(nmdef "$D/libfoo-v1.a") <(nmdef "$D/libfoo-v2.a") | sed 's/^/added /'
		join <(nm -g --defined-only "$D/libfoo-v1.a" | awk 'NF == 3 { print $3, $2 }' | sort) \
			<(nm -g --defined-only "$D/libfoo-v2.a" | awk 'NF == 3 { print $3, $2 }' | sort) |
			awk '($2 ~ /[TtWw]/) != ($3 ~ /[TtWw]/) { print "retyped " $1 }') | sort | tr '\n' ';')
	got=$(jget "$TMPD/a.json" "''.join(x+';' for x in sorted(c['kind']+' '+c['subject'] for c in j['changes'] if c['area']=='symbols' and c['kind'] in ('removed','added','retyped')))")
	check "static library: symbols removed/added/retyped in foo.o = nm -g difference" "$want" "$got"
	check "static library: compared member by member (where = archive(foo.o))" "$D/libfoo-v1.a(foo.o)" \
		"$(jget "$TMPD/a.json" "next(c['where'] for c in j['changes'] if c['area']=='symbols')")"
	check "static library: exit has bit 8 (a function removed, per nm)" 8 "$((rc & 8))"
fi

# DT_RUNPATH change: two links of the same source, -Wl,-rpath differing (readelf -d)
if gcc -shared -fPIC -o "$TMPD/r1.so" "$TOP/tests/fixtures/src/diffclib/foo.c" -Wl,-rpath,/opt/one 2> /dev/null &&
	gcc -shared -fPIC -o "$TMPD/r2.so" "$TOP/tests/fixtures/src/diffclib/foo.c" -Wl,-rpath,/opt/two 2> /dev/null; then
	rp() { readelf -d -W "$1" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p'; }
	diffjson "$TMPD/r.json" "$TMPD/r1.so" "$TMPD/r2.so"
	check "DT_RUNPATH change = readelf -d" "$(rp "$TMPD/r1.so") -> $(rp "$TMPD/r2.so")" \
		"$(jget "$TMPD/r.json" "next((c['old']+' -> '+c['new'] for c in j['changes'] if c['subject']=='DT_RUNPATH'), 'none')")"
fi
