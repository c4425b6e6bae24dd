#!/bin/bash
# ISA scan on Go 1.19 fixtures (tests/fixtures/build-isa.sh). Oracles: the
# GOAMD64/GO386/GOARM flags used (and go version -m), objdump -d mnemonics
# per function, llvm-objdump for arm64 LSE atomics.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/isa-lib.sh"
D=$FIX/isa
[ -x "$D/go119-amd64-v1" ] || { notok "isa Go fixtures missing in $D"; exit 0; }
setting() { go version -m "$1" | awk -v k="$2" '$1=="build" && index($2, k"=")==1 { sub(k"=", "", $2); print $2 }'; }

# GOAMD64=v1: intrinsics behind runtime.x86HasPOPCNT/SSE41/FMA, runtime AVX2 behind internal/cpu.X86
f=$D/go119-amd64-v1
isa_json "$f" "$TMPD/v1"
check "go GOAMD64=v1: declared = go version -m GOAMD64" "x86-64-$(setting "$f" GOAMD64)" "$(isa_get "$TMPD/v1" declared)"
check "go GOAMD64=v1: required x86-64-v1" "x86-64-v1" "$(isa_get "$TMPD/v1" required)"
set_eq "go v1: guarded POPCNT functions = objdump functions with popcnt" \
	"$(objdump_funcs "$f" '\tpopcnt ')" "$(isa_funcs "$TMPD/v1" POPCNT guarded)"
set_eq "go v1: guarded AVX/AVX2 functions = objdump functions using %ymm" \
	"$(objdump_funcs "$f" '%ymm')" "$(isa_funcs "$TMPD/v1" 'AVX AVX2' guarded)"
set_eq "go v1: guarded FMA functions = objdump functions with vfmadd" \
	"$(objdump_funcs "$f" '\tvfmadd')" "$(isa_funcs "$TMPD/v1" FMA guarded)"
check "go v1: objdump shows main.count reading runtime.x86HasPOPCNT (the guard)" "1" \
	"$(objdump -d "$f" | awk '/<main.count>:/,/^$/' | grep -c '<runtime.x86HasPOPCNT>' | awk '{print ($1>0)}')"

# GOAMD64=v3: the same calls compiled without checks
f=$D/go119-amd64-v3
isa_json "$f" "$TMPD/v3"
check "go GOAMD64=v3: declared = go version -m GOAMD64" "x86-64-$(setting "$f" GOAMD64)" "$(isa_get "$TMPD/v3" declared)"
check "go GOAMD64=v3: required x86-64-v3" "x86-64-v3" "$(isa_get "$TMPD/v3" required)"
check "go v3: main.count (popcnt per objdump, no x86HasPOPCNT load) is unguarded POPCNT" "1 0 yes" \
	"$(objdump -d "$f" | awk '/<main.count>:/,/^$/' > "$TMPD/c.s"; grep -c $'\tpopcnt ' "$TMPD/c.s") $(grep -c x86HasPOPCNT "$TMPD/c.s") $(isa_funcs "$TMPD/v3" POPCNT unguarded | grep -x main.count >/dev/null && echo yes || echo no)"
set_eq "go v3: POPCNT functions = objdump functions with popcnt" \
	"$(objdump_funcs "$f" '\tpopcnt ')" "$(isa_funcs "$TMPD/v3" POPCNT all)"
check "go v3: no contradiction between GOAMD64=v3 and the code" "0" "$(jget "$TMPD/v3" "len(j['artifacts'][0]['isa']['conflicts'])")"

# stripped (-s -w): functions from the pclntab, same answer as with symbols
f=$D/go119-amd64-v1-stripped
isa_json "$f" "$TMPD/st"
check "go v1 stripped: no .symtab (readelf)" "0" "$(readelf -SW "$f" | grep -c ' .symtab ')"
check "go v1 stripped: functions from the pclntab" "pclntab" "$(jget "$TMPD/st" "j['artifacts'][0]['isa']['functions_from']")"
check "go v1 stripped: required x86-64-v1" "x86-64-v1" "$(isa_get "$TMPD/st" required)"
set_eq "go v1 stripped: POPCNT functions = objdump functions with popcnt in the unstripped build" \
	"$(objdump_funcs "$D/go119-amd64-v1" '\tpopcnt ')" "$(isa_funcs "$TMPD/st" POPCNT guarded)"
set_eq "go v1 stripped: AVX/AVX2 functions = objdump functions using %ymm in the unstripped build" \
	"$(objdump_funcs "$D/go119-amd64-v1" '%ymm')" "$(isa_funcs "$TMPD/st" 'AVX AVX2' guarded)"

# GOARCH=386
for v in softfloat sse2; do
	f=$D/go119-386-$v
	isa_json "$f" "$TMPD/386"
	check "go 386 GO386=$v: declared = go version -m GO386" "386-$(setting "$f" GO386)" "$(isa_get "$TMPD/386" declared)"
	check "go 386 GO386=$v: required 386-$v" "386-$v" "$(isa_get "$TMPD/386" required)"
done
check "go 386 softfloat: objdump shows main.floor without xmm registers, sse2 with" "0 1" \
	"$(objdump -d "$D/go119-386-softfloat" | awk '/<main.floor>:/,/^$/' | grep -c xmm) $(objdump -d "$D/go119-386-sse2" | awk '/<main.floor>:/,/^$/' | grep -c xmm | awk '{print ($1>0)}')"

# GOARCH=arm: declared only
for v in 5 7; do
	f=$D/go119-arm-$v
	isa_json "$f" "$TMPD/arm"
	check "go arm GOARM=$v: declared = go version -m GOARM" "armv$(setting "$f" GOARM)" "$(isa_get "$TMPD/arm" declared)"
done

# GOARCH=arm64: LSE atomics behind internal/cpu.ARM64.HasATOMICS
f=$D/go119-arm64
isa_json "$f" "$TMPD/a64"
check "go arm64: required arm64-v8.0" "arm64-v8.0" "$(isa_get "$TMPD/a64" required)"
check "go arm64: used arm64-v8.1 (LSE)" "arm64-v8.1" "$(isa_get "$TMPD/a64" used)"
if command -v llvm-objdump >/dev/null; then
	lse=$(llvm-objdump -d --mattr=+lse "$f" | awk '
		/^[0-9a-f]+ <.*>:$/ { fn = substr($2, 2, length($2) - 3); next }
		/^ +[0-9a-f]+:/ && $0 ~ /\t(ldadd|ldclr|ldeor|ldset|ldsmax|ldsmin|ldumax|ldumin|swp|cas)[a-z]*\t/ { print fn }' | sort -u)
	set_eq "go arm64: LSE functions = llvm-objdump functions with LSE atomics" "$lse" "$(isa_funcs "$TMPD/a64" LSE all)"
else
	skip "go arm64 LSE oracle" "llvm-objdump not installed"
fi

# c-archive: go.o is relocatable; guards resolve through its relocations
f=$D/go119-amd64-v1-c-archive.a
if [ -f "$f" ]; then
	"$GOABI" inspect --json --isa-detail "$f" > "$TMPD/ca" 2>/dev/null
	(cd "$TMPD" && ar x "$f" go.o)
	check "go c-archive GOAMD64=v1: archive required x86-64-v1" "x86-64-v1" "$(jget "$TMPD/ca" "j['artifacts'][0]['isa']['required']['value']")"
	python3 - "$TMPD/ca" > "$TMPD/ca.m" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))['artifacts'][0]
m = [x for x in j['members'] if x.get('member') == 'go.o'][0]
print(json.dumps({'artifacts': [m]}))
PY
	set_eq "go c-archive go.o: guarded AVX/AVX2 functions = objdump functions using %ymm" \
		"$(objdump_funcs "$TMPD/go.o" '%ymm')" "$(isa_funcs "$TMPD/ca.m" 'AVX AVX2' guarded)"
	set_eq "go c-archive go.o: guarded POPCNT functions = objdump functions with popcnt" \
		"$(objdump_funcs "$TMPD/go.o" '\tpopcnt ')" "$(isa_funcs "$TMPD/ca.m" POPCNT guarded)"
else
	notok "go c-archive fixture missing"
fi

# no section headers at all (e_shoff = e_shnum = 0): code from PF_X segments,
# functions from the pclntab found by scanning
python3 - "$D/go119-amd64-v1-stripped" "$TMPD/nosec" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
struct.pack_into('<Q', d, 0x28, 0)
struct.pack_into('<HHH', d, 0x3c, 0, 0, 0)
open(sys.argv[2], 'wb').write(d)
PY
isa_json "$TMPD/nosec" "$TMPD/ns"
check "go v1 without section headers: readelf sees none" "0" "$(readelf -SW "$TMPD/nosec" 2>/dev/null | grep -c '\] \.')"
check "go v1 without section headers: required x86-64-v1" "x86-64-v1" "$(isa_get "$TMPD/ns" required)"
set_eq "go v1 without section headers: POPCNT functions = objdump functions with popcnt (unstripped build)" \
	"$(objdump_funcs "$D/go119-amd64-v1" '\tpopcnt ')" "$(isa_funcs "$TMPD/ns" POPCNT guarded)"
set_eq "go v1 without section headers: AVX/AVX2 functions = objdump functions using %ymm (unstripped build)" \
	"$(objdump_funcs "$D/go119-amd64-v1" '%ymm')" "$(isa_funcs "$TMPD/ns" 'AVX AVX2' guarded)"
