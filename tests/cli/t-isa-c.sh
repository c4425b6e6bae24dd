#!/bin/bash
# ISA scan on C fixtures built with known -march levels, CPU dispatch and
# ifuncs. Oracles: the -march flags used (tests/fixtures/build-isa.sh),
# objdump -d mnemonics and encodings, readelf -n and -s.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/isa-lib.sh"
D=$FIX/isa
[ -x "$D/c-vec-x86-64" ] || { notok "isa fixtures missing in $D"; exit 0; }

# -march level -> required and used level; objdump confirms the compiler used them
for m in x86-64 x86-64-v2 x86-64-v3 x86-64-v4; do
	f=$D/c-vec-$m
	isa_json "$f" "$TMPD/j"
	want=$m; [ $m = x86-64 ] && want=x86-64-v1
	check "c -march=$m: required level is the -march level" "$want" "$(isa_get "$TMPD/j" required)"
	check "c -march=$m: used level is the -march level" "$want" "$(isa_get "$TMPD/j" used)"
done

# objdump oracle per extension set, per function
isa_json "$D/c-vec-x86-64-v2" "$TMPD/v2"
set_eq "c v2: functions with POPCNT = objdump functions with popcnt" \
	"$(objdump_funcs "$D/c-vec-x86-64-v2" '\tpopcnt ')" "$(isa_funcs "$TMPD/v2" POPCNT all)"
sse41='\t(pmulld|pmovzx[bwd][wdq]|pmovsx[bwd][wdq]|pblendw|pblendvb|blendv?p[sd]|pm(in|ax)(sb|sd|ud|uw)|ptest|pinsr[bdq]|pextr[bdq]|insertps|extractps|round[ps][sd]|dpp[sd]|mpsadbw|phminposuw|packusdw|pcmpeqq|movntdqa|pmuldq) '
set_eq "c v2: functions with SSE4.1 = objdump functions with SSE4.1 mnemonics" \
	"$(objdump_funcs "$D/c-vec-x86-64-v2" "$sse41")" "$(isa_funcs "$TMPD/v2" SSE4.1 all)"
isa_json "$D/c-vec-x86-64-v3" "$TMPD/v3"
set_eq "c v3: functions with AVX/AVX2 = objdump functions using %ymm" \
	"$(objdump_funcs "$D/c-vec-x86-64-v3" '%ymm')" "$(isa_funcs "$TMPD/v3" 'AVX AVX2' all)"
set_eq "c v3: functions with FMA = objdump functions with vfmadd/vfmsub" \
	"$(objdump_funcs "$D/c-vec-x86-64-v3" '\tvf(n?)m(add|sub)')" "$(isa_funcs "$TMPD/v3" FMA all)"
isa_json "$D/c-vec-x86-64-v4" "$TMPD/v4"
set_eq "c v4: functions with AVX-512 = objdump functions with EVEX (62) encodings" \
	"$(objdump_funcs "$D/c-vec-x86-64-v4" ':\t62 ')" "$(isa_funcs "$TMPD/v4" 'AVX512F AVX512BW AVX512DQ AVX512CD AVX512VL' all)"
isa_json "$D/c-vec-x86-64" "$TMPD/v1"
check "c -march=x86-64: objdump shows no ymm/popcnt/EVEX and goabi lists no extension" \
	"0 0" "$(objdump -d "$D/c-vec-x86-64" | grep -cE '%ymm|%zmm|\tpopcnt|:\t62 ') $(jget "$TMPD/v1" "len(j['artifacts'][0]['isa']['extensions'])")"

# declared level: .note.gnu.property (readelf -n) and contradictions
needed=$(readelf -n "$D/c-vec-x86-64-v3-mneeded" | sed -n 's/.*x86 ISA needed: //p' | awk -F', ' '{print $NF}')
isa_json "$D/c-vec-x86-64-v3-mneeded" "$TMPD/mn"
check "c -mneeded: declared level = readelf's last 'x86 ISA needed' level ($needed)" \
	"$needed" "$(isa_get "$TMPD/mn" declared)"
check "c -mneeded: --isa-detail note line lists the levels readelf -n shows as needed" \
	"$(readelf -n "$D/c-vec-x86-64-v3-mneeded" | sed -n 's/.*x86 ISA needed: //p' | sed 's/x86-64-//g; s/, /,/g')" \
	"$("$GOABI" inspect --isa-detail "$D/c-vec-x86-64-v3-mneeded" | sed -n 's/^  isa note *needed \([^;]*\);.*/\1/p')"
check "c -mneeded: no contradiction" "0" "$(jget "$TMPD/mn" "len(j['artifacts'][0]['isa']['conflicts'])")"
if readelf -n "$D/c-vec-x86-64-v3" | grep -q 'x86 ISA needed: x86-64-baseline$'; then
	check "c -march=x86-64-v3 without -mneeded: note says baseline, contradiction reported" "1" \
		"$(jget "$TMPD/v3" "len(j['artifacts'][0]['isa']['conflicts'])")"
else
	skip "c v3 contradiction" "readelf does not show a baseline-only note"
fi

# __builtin_cpu_supports: AVX2 in sum_avx2 only behind the check
f=$D/c-dispatch-x86-64
isa_json "$f" "$TMPD/d"
check "c dispatch: required x86-64-v1 (flags -march=x86-64)" "x86-64-v1" "$(isa_get "$TMPD/d" required)"
check "c dispatch: used x86-64-v3" "x86-64-v3" "$(isa_get "$TMPD/d" used)"
set_eq "c dispatch: guarded AVX/AVX2 functions = objdump functions using %ymm" \
	"$(objdump_funcs "$f" '%ymm')" "$(isa_funcs "$TMPD/d" 'AVX AVX2' guarded)"
check "c dispatch: __cpu_model recognised as a CPU-feature variable (nm has it)" "yes" \
	"$(nm "$f" | grep -q ' __cpu_model$' && jget "$TMPD/d" "'yes' if any('__cpu_model' in g for g in j['artifacts'][0]['isa']['guards']) else 'no'")"

# ifunc: readelf -s shows the IFUNC; its AVX2 target is guarded
f=$D/c-ifunc-x86-64
isa_json "$f" "$TMPD/i"
check "c ifunc: readelf -s shows an IFUNC symbol 'dot'" "1" "$(readelf -sW "$f" | awk '$4=="IFUNC" && $8=="dot"' | wc -l)"
check "c ifunc: required x86-64-v1" "x86-64-v1" "$(isa_get "$TMPD/i" required)"
set_eq "c ifunc: guarded AVX/AVX2 functions = objdump functions using %ymm" \
	"$(objdump_funcs "$f" '%ymm')" "$(isa_funcs "$TMPD/i" 'AVX AVX2' guarded)"

# unguarded AVX2: required v3, contradiction with the note
f=$D/c-unguarded-x86-64
isa_json "$f" "$TMPD/u"
check "c unguarded AVX2: required x86-64-v3" "x86-64-v3" "$(isa_get "$TMPD/u" required)"
set_eq "c unguarded AVX2: unguarded AVX2 functions = objdump functions using %ymm" \
	"$(objdump_funcs "$f" '%ymm')" "$(isa_funcs "$TMPD/u" 'AVX AVX2' unguarded)"
check "c unguarded AVX2: contradiction with the declared level reported" "1" \
	"$(jget "$TMPD/u" "len(j['artifacts'][0]['isa']['conflicts'])")"
"$GOABI" inspect --isa "$f" > "$TMPD/u.txt"
check "c unguarded AVX2: text output shows 'isa required x86-64-v3'" "1" "$(grep -c '^  isa required x86-64-v3 ' "$TMPD/u.txt")"

# static glibc: its ifunc-selected AVX2/AVX-512 string functions do not raise the level
f=$D/c-vec-x86-64-static
isa_json "$f" "$TMPD/s"
check "c static glibc: required x86-64-v1" "x86-64-v1" "$(isa_get "$TMPD/s" required)"
# by address (glibc has aliases, objdump and goabi may pick different names)
ymm_addrs=$(objdump -d "$f" | awk '/^[0-9a-f]+ <.*>:$/ { a = $1; next } /%ymm|%zmm/ { print a }' | sed 's/^0*//' | sort -u)
goabi_addrs=$(isa_funcs "$TMPD/s" 'AVX AVX2 AVX512F AVX512BW AVX512VL' guarded |
	awk 'NR==FNR { want[$0] = 1; next } ($3 in want) { print $1 }' - <(nm "$f") | sed 's/^0*//' | sort -u)
missing=$(comm -23 <(echo "$ymm_addrs") <(echo "$goabi_addrs") | wc -l)
check "c static glibc: all $(echo "$ymm_addrs" | wc -l) functions objdump shows with ymm/zmm are guarded AVX/AVX-512 in goabi" \
	"0" "$missing"

# relocatable objects: __cpu_model is undefined there, found through relocations
f=$D/c-dispatch.o
isa_json "$f" "$TMPD/do"
check "c dispatch.o (ET_REL, -ffunction-sections): readelf shows a relocation against __cpu_model" "yes" \
	"$(readelf -rW "$f" | grep -q '__cpu_model' && echo yes || echo no)"
check "c dispatch.o: required x86-64-v1" "x86-64-v1" "$(isa_get "$TMPD/do" required)"
set_eq "c dispatch.o: guarded AVX/AVX2 functions = objdump functions using %ymm" \
	"$(objdump_funcs "$f" '%ymm')" "$(isa_funcs "$TMPD/do" 'AVX AVX2' guarded)"
isa_json "$D/c-unguarded.o" "$TMPD/uo"
check "c unguarded.o: required x86-64-v3" "x86-64-v3" "$(isa_get "$TMPD/uo" required)"
isa_json "$D/c-libmix.a" "$TMPD/mix"
check "c archive of dispatch.o + unguarded.o (ar t: $(ar t "$D/c-libmix.a" | tr '\n' ' ')): required is the highest member's, x86-64-v3" \
	"x86-64-v3" "$(isa_get "$TMPD/mix" required)"

# stripped (strip --strip-all keeps .dynsym and .eh_frame): functions from the FDEs
strip --strip-all -o "$TMPD/dispatch-stripped" "$D/c-dispatch-x86-64"
isa_json "$TMPD/dispatch-stripped" "$TMPD/ds"
check "c dispatch stripped: functions from .eh_frame, required x86-64-v1" ".eh_frame x86-64-v1" \
	"$(jget "$TMPD/ds" "j['artifacts'][0]['isa']['functions_from'].split()[-1]") $(isa_get "$TMPD/ds" required)"
addr=$(nm "$D/c-dispatch-x86-64" | awk '$3=="sum_avx2" { sub(/^0+/, "", $1); print $1 }')
set_eq "c dispatch stripped: guarded AVX2 function is at sum_avx2's address (nm on the unstripped build)" \
	"?@0x$addr" "$(isa_funcs "$TMPD/ds" 'AVX AVX2' guarded)"

# the system's glibc: AVX-512 string functions behind its ifunc resolvers
L=/lib/x86_64-linux-gnu/libc.so.6
if [ -f "$L" ] && readelf -n "$L" | grep -q 'x86 ISA needed: x86-64-baseline$'; then
	isa_json "$L" "$TMPD/libc"
	z=$(objdump -d --no-show-raw-insn "$L" | grep -c '%zmm')
	check "system libc.so.6: note says baseline, objdump shows $z zmm instructions: required v1, used v4" \
		"x86-64-v1 $([ "$z" -gt 0 ] && echo x86-64-v4 || echo '?')" "$(isa_get "$TMPD/libc" required) $(isa_get "$TMPD/libc" used)"
else
	skip "system libc.so.6" "no baseline ISA note"
fi
