#!/bin/bash
# ISA required level on the programs Debian ships: every amd64 ELF executable
# and shared object of the packages in tests/realworld/debian.tsv (Go, gccgo,
# Rust, C/C++), fetched and unpacked by tests/fetch-deb.sh.
# Oracles: Debian builds amd64 for the x86-64 baseline, so every one of them
# runs on x86-64-v1 unless its own build says more (`go version -m`:
# GOAMD64); objdump -d shows the AVX/BMI2 instructions that are there (so v1
# is not an answer for code that has none); readelf -s shows the ifunc of GCC
# function multi-versioning; the -march flags of programs built here.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/isa-lib.sh"
DEB=${GOABI_CACHE:-$HOME/.cache/goabi}/deb
TSV=$TOP/tests/realworld/debian.tsv
"$TOP/tests/fetch-deb.sh" "$DEB" "$TSV" > "$TMPD/fetch.log" 2>&1

# amd64 packages of the list, and their ELF executables / shared objects
# (ELF class 64, e_machine 0x3e, e_type EXEC or DYN: od on the header bytes)
: > "$TMPD/files"
: > "$TMPD/missing"
npk=0
while IFS=$'\t' read -r pkg ver arch _; do
	case $pkg in '#'* | '') continue ;; esac
	[ "$arch" = amd64 ] || continue
	d="$DEB/${pkg}_${ver//:/%3a}_$arch"
	if [ ! -d "$d" ]; then echo "$pkg" >> "$TMPD/missing"; continue; fi
	npk=$((npk + 1))
	find "$d" -type f \( -perm -u+x -o -name '*.so*' \) -size +1k 2>/dev/null | sort | while read -r f; do
		h=$(od -An -tx1 -N20 "$f" 2>/dev/null | tr -d ' \n')
		case $h in 7f454c46020101*) ;; *) continue ;; esac # any EI_OSABI (C++: GNU)
		# e_type (bytes 16-17) 02/03, e_machine (18-19) 3e00
		case ${h:32:8} in 02003e00 | 03003e00) echo "$pkg	$f" ;; esac
	done >> "$TMPD/files"
done < "$TSV"
nfiles=$(wc -l < "$TMPD/files")
nmiss=$(wc -l < "$TMPD/missing")
plan $((nfiles + npk + nmiss + 13))
while read -r p; do skip "realworld $p" "not downloaded (tests/fetch-deb.sh, $TMPD/fetch.log)"; done < "$TMPD/missing"

# goabi inspect --isa over all of them, 12 files per run, two at a time
cut -f2 "$TMPD/files" | xargs -d '\n' -P2 -n12 sh -c '"$0" inspect --json --isa "$@" > "$(mktemp -p "'"$TMPD"'" out.XXXXXX)" 2>/dev/null' "$GOABI"
python3 - "$TMPD"/out.* > "$TMPD/req" <<'PY'
import json, sys
for fn in sys.argv[1:]:
    try:
        j = json.load(open(fn))
    except Exception:
        continue
    for a in j['artifacts']:
        isa = a.get('isa') or {}
        def v(k):
            return ((isa.get(k) or {}).get('value')) or '-'
        ev = ((isa.get('required') or {}).get('evidence')) or ''
        print('\t'.join([a['path'], v('required'), v('declared'), v('used'), ev.replace('\t', ' ')]))
PY
# GOAMD64 of every Go program, one go version -m for all: "FILE<TAB>vN"
cut -f2 "$TMPD/files" | xargs -d '\n' go version -m 2>/dev/null |
	awk '/^[^\t]/ { f = $0; sub(/: go[0-9.a-z]*$/, "", f) } $1=="build" && $2 ~ /^GOAMD64=/ { sub("GOAMD64=", "", $2); print f "\t" $2 }' > "$TMPD/goamd64"
goamd64() { awk -F'\t' -v f="$1" '$1==f { print $2; exit }' "$TMPD/goamd64"; }
level() { case $1 in x86-64-v[1-4]) echo "${1#x86-64-v}" ;; *) echo 9 ;; esac; }
while IFS=$'\t' read -r pkg f; do
	got=$(awk -F'\t' -v f="$f" '$1==f { print $2 }' "$TMPD/req")
	want=1 why="Debian amd64 baseline"
	g=$(goamd64 "$f")
	[ -n "$g" ] && want=${g#v} why="go version -m GOAMD64=$g"
	short=${f#"$DEB"/}
	if [ -z "$got" ]; then
		notok "realworld $short: no isa answer from goabi"
	elif [ "$(level "$got")" -le "$want" ]; then
		ok "realworld $short: required $got <= x86-64-v$want ($why)"
	else
		notok "realworld $short: required $got above x86-64-v$want ($why): $("$GOABI" inspect --isa "$f" | grep 'isa required' | cut -c1-300)"
	fi
done < "$TMPD/files"

# the release gate agrees: audit --max-isa x86-64-v1 passes each package
for p in $(cut -f1 "$TMPD/files" | uniq); do
	awk -F'\t' -v p="$p" '$1==p { print $2 }' "$TMPD/files" > "$TMPD/pf"
	over=$(while read -r f; do g=$(goamd64 "$f"); [ -n "$g" ] && [ "$g" != v1 ] && echo "$g"; done < "$TMPD/pf" | head -1)
	if [ -n "$over" ]; then
		skip "realworld $p: audit --max-isa x86-64-v1" "go version -m says GOAMD64=$over"
		continue
	fi
	xargs -d '\n' "$GOABI" audit --json --max-isa x86-64-v1 < "$TMPD/pf" > "$TMPD/audit" 2>/dev/null
	# exit 1 = a rule broken; 2 = a file not fully read (gccgo's libgo: its
	# build info, not the ISA), then the findings still say what was checked
	got=$(jget "$TMPD/audit" "'%d broken, exit %s' % (sum(1 for f in j['findings'] if f['rule'] == 'max-isa' and f['status'] == 'broken'), 'not 1' if j['exit'] != 1 else 1)" 2>/dev/null)
	check "realworld $p: audit --max-isa x86-64-v1 passes its $(wc -l < "$TMPD/pf") ELF files" "0 broken, exit not 1" "$got"
done
# packages present but without an amd64 ELF file still get their line
for p in $(awk -F'\t' '$3=="amd64" && $1 !~ /^#/ { print $1 }' "$TSV"); do
	grep -qx "$p" "$TMPD/missing" && continue
	cut -f1 "$TMPD/files" | grep -qx "$p" || ok "realworld $p: no amd64 ELF executable or shared object (nothing to check)"
done

# the extension code is there, so v1 is a finding: objdump shows AVX (%ymm)
# or BMI2 (shlx/shrx/sarx/bzhi/pdep/pext) instructions that goabi does not
# count, with the reason in the evidence
# required value and evidence from the run above
evid() { awk -F'\t' -v f="$1" '$1==f { print $2 " " $5; exit }' "$TMPD/req"; }
avxbmi() { objdump -d --no-show-raw-insn "$1" | grep -cE $'%ymm|\t(shlx|shrx|sarx|bzhi|pdep|pext) '; }
one() { awk -F'\t' -v p="$1" -v b="$2" '$1==p && $2 ~ ("/" b "$") { print $2; exit }' "$TMPD/files"; }
for pb in ripgrep:rg fd-find:fd bat:batcat hyperfine:hyperfine zstd:zstd; do
	f=$(one "${pb%%:*}" "${pb#*:}")
	if [ -z "$f" ]; then skip "realworld ${pb#*:}: dispatched AVX/BMI2 not counted" "package not downloaded"; continue; fi
	n=$(avxbmi "$f")
	e=$(evid "$f")
	check "realworld ${pb#*:}: objdump shows $n AVX/BMI2 instructions; required x86-64-v1 and the evidence names what was not counted" \
		"yes x86-64-v1 yes" "$([ "$n" -gt 0 ] && echo yes || echo no) ${e%% *} $(echo "$e" | grep -q 'not counted\|behind CPU-feature' && echo yes || echo no)"
done
# Go programs with klauspost/compress (zstd.sequenceDecs_decode_bmi2 after
# cpuinfo.HasBMI2()), klauspost/cpuid, minio/sha256-simd, golang.org/x/image
# (vector's SIMD accumulators): their package paths are in the binary
# (grep -a; Debian builds without module info), GOAMD64 from go version -m
for pb in restic:restic podman:podman hugo:hugo syncthing:syncthing; do
	f=$(one "${pb%%:*}" "${pb#*:}")
	if [ -z "$f" ]; then skip "realworld ${pb#*:}: Go assembly behind CPU tests" "package not downloaded"; continue; fi
	mods=$(grep -aoE 'github.com/klauspost/(compress/zstd|compress/huff0|cpuid)|golang.org/x/image/vector|github.com/minio/sha256-simd' "$f" | sort -u | tr '\n' ' ')
	check "realworld ${pb#*:}: contains ${mods:-no CPU-dispatching package} (GOAMD64=$(goamd64 "$f")): required x86-64-v1" \
		"yes x86-64-v1" "$([ -n "$mods" ] && echo yes || echo no) $(evid "$f" | cut -d' ' -f1)"
done

# built here: GCC function multi-versioning (ifunc) and a function pointer
# chosen by __builtin_cpu_supports, -march=x86-64, stripped too: v1; the same
# kernels built -march=x86-64-v3 and stripped: v3 (proof from the entry point)
SRC=$TOP/tests/fixtures/src/isa
req1() { "$GOABI" inspect --isa "$1" | sed -n 's/^  isa required *\([^ ]*\).*/\1/p'; }
if gcc -O3 -march=x86-64 -o "$TMPD/fmv" "$SRC/fmv.c" 2>/dev/null && gcc -O3 -march=x86-64-v3 -o "$TMPD/v3" "$SRC/vec.c" 2>/dev/null; then
	strip -o "$TMPD/fmv-s" "$TMPD/fmv"
	strip -o "$TMPD/v3-s" "$TMPD/v3"
	ymm=$(objdump -d "$TMPD/fmv" | grep -c '%ymm')
	ifn=$(readelf -sW "$TMPD/fmv" | awk '$4=="IFUNC" && $8=="dot"' | wc -l)
	check "fmv.c -march=x86-64 (readelf: $ifn IFUNC dot, objdump: $ymm ymm instructions): required v1, unstripped and stripped" \
		"yes x86-64-v1 x86-64-v1" "$([ "$ifn" = 1 ] && [ "$ymm" -gt 0 ] && echo yes || echo no) $(req1 "$TMPD/fmv") $(req1 "$TMPD/fmv-s")"
	check "vec.c -march=x86-64-v3 (objdump: $(objdump -d "$TMPD/v3" | grep -c '%ymm') ymm instructions): required v3, unstripped and stripped" \
		"x86-64-v3 x86-64-v3" "$(req1 "$TMPD/v3") $(req1 "$TMPD/v3-s")"
	"$GOABI" audit --max-isa x86-64-v2 "$TMPD/v3-s" > /dev/null 2>&1
	check "vec.c -march=x86-64-v3 stripped: audit --max-isa x86-64-v2 fails (exit 1)" 1 "$?"
	"$GOABI" audit --max-isa x86-64-v1 "$TMPD/fmv-s" > /dev/null 2>&1
	check "fmv.c stripped: audit --max-isa x86-64-v1 passes (exit 0)" 0 "$?"
else
	for d in "fmv v1" "vec v3" "audit v3" "audit fmv"; do skip "built here: $d" "gcc cannot build the sources"; done
fi
