#!/bin/bash
# ISA scan on real-world Go binaries (npm esbuild, stripped, Go 1.16-1.23):
# the runtime's AVX2 code is guarded, so x86-64 builds need only v1.
# Oracles: go version -m (GOAMD64/GO386/GOARM/GOARM64), objdump -d and
# llvm-objdump showing the extension instructions exist.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/isa-lib.sh"
setting() { go version -m "$1" | awk -v k="$2" '$1=="build" && index($2, k"=")==1 { sub(k"=", "", $2); print $2 }'; }
n=0
for f in "$NPM"/*/esbuild; do
	[ -f "$f" ] || continue
	# ELF builds only (the list also holds darwin/win32 releases)
	[ "$(head -c 4 "$f" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] || continue
	spec=$(basename "$(dirname "$f")")
	m=$(readelf -h "$f" 2>/dev/null | sed -n 's/.*Machine: *//p')
	isa_json "$f" "$TMPD/j" || { notok "npm $spec: goabi failed"; continue; }
	case $m in
	"Advanced Micro Devices X86-64")
		n=$((n + 1))
		check "npm $spec: required x86-64-v1 despite guarded AVX2" "x86-64-v1" "$(isa_get "$TMPD/j" required)"
		v=$(setting "$f" GOAMD64)
		[ -n "$v" ] && check "npm $spec: declared = go version -m GOAMD64" "x86-64-$v" "$(isa_get "$TMPD/j" declared)"
		check "npm $spec: AVX2 used only in guarded functions" "0 yes" \
			"$(jget "$TMPD/j" "' '.join([str(sum(e['unguarded'] for e in j['artifacts'][0]['isa']['extension_use'] if e['level'])), 'yes' if any(e['name']=='AVX2' and e['guarded'] for e in j['artifacts'][0]['isa']['extension_use']) else 'no'])")"
		;;
	"Intel 80386")
		check "npm $spec: required = 386-\$GO386 (go version -m)" "386-$(setting "$f" GO386)" "$(isa_get "$TMPD/j" required)"
		;;
	AArch64)
		check "npm $spec: required arm64-v8.0" "arm64-v8.0" "$(isa_get "$TMPD/j" required)"
		v=$(setting "$f" GOARM64)
		[ -n "$v" ] && check "npm $spec: declared = go version -m GOARM64" "arm64-$v" "$(isa_get "$TMPD/j" declared)"
		if command -v llvm-objdump >/dev/null; then
			k=$(llvm-objdump -d --mattr=+lse "$f" | grep -cE $'\t(ldadd|ldclr|ldeor|ldset|swp|cas)[a-z]*\t')
			check "npm $spec: LSE used iff llvm-objdump shows LSE atomics ($k)" "$([ "$k" -gt 0 ] && echo arm64-v8.1 || echo arm64-v8.0)" \
				"$(isa_get "$TMPD/j" used)"
		fi
		;;
	ARM)
		v=$(setting "$f" GOARM)
		[ -n "$v" ] && check "npm $spec: declared = go version -m GOARM" "armv$v" "$(isa_get "$TMPD/j" declared)"
		;;
	esac
done
[ $n -gt 0 ] || skip "npm x86-64 esbuild" "none in $NPM (tests/fetch-npm.sh)"
# objdump oracle on one: it shows ymm instructions, so AVX really is there
f=$NPM/@esbuild_linux-x64@0.25.5/esbuild
if [ -f "$f" ]; then
	k=$(objdump -d --no-show-raw-insn "$f" | grep -c '%ymm')
	isa_json "$f" "$TMPD/j"
	check "npm esbuild 0.25.5: objdump shows $k ymm instructions, goabi reports used x86-64-v3" \
		"$([ "$k" -gt 0 ] && echo x86-64-v3 || echo none)" "$(isa_get "$TMPD/j" used)"
fi
