#!/bin/bash
# goabi diff on ELF: the Linux kernel floor (os.floor, issue 23). A raised
# floor is breaking (diff/os-raised, exit bit 8) as on macOS and Windows, a
# lowered one informational; equal floors are no change.
# Inputs: the fixtures build-inspect.sh / build-modern.sh made (FLAGS beside
# them): Go 1.19, 1.26.8 and 1.27.3 builds of the same program,
# CGO_ENABLED=0 (static, Go's own linker) and with cgo (gcc, glibc's crt1.o).
# Oracles, none of them goabi:
#  - go version -m: each build's Go version;
#  - Go's release notes (docs/macho-pe.md): Go 1.24 and later need Linux
#    3.2, earlier releases 2.6.32;
#  - readelf -n: the NT_GNU_ABI_TAG note glibc's crt1.o puts in cgo builds
#    (its kernel version), absent from Go's own static links;
#  - the floor is the higher of the two (docs/macho-pe.md).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/diff-lib.sh"
I=$FIX/inspect M=$FIX/modern
GOV=${GO126:-/usr/lib/go-1.19/bin/go}
for f in "$I/go119-static" "$M/go126-static" "$I/go119-cgo-exe" "$M/go126-cgo-exe"; do
	if [ ! -f "$f" ]; then
		plan 1
		skip "ELF kernel floor in diff" "fixture $f missing (tests/fixtures/build-*.sh)"
		exit 0
	fi
done
# expected floor of one file: "linux X.Y[.Z]" from go version -m and readelf -n
floor() {
	python3 - "$GOV" "$1" <<'PY'
import re, subprocess, sys
gov, f = sys.argv[1:3]
o = subprocess.run([gov, 'version', '-m', f], stdout=subprocess.PIPE, env={'GOTOOLCHAIN': 'local', 'PATH': '/usr/bin:/bin'}).stdout.decode()
m = re.match(r'[^:]+: go1\.(\d+)', o)
go = (3, 2, 0) if m and int(m.group(1)) >= 24 else (2, 6, 32) if m else None
n = subprocess.run(['readelf', '-n', f], stdout=subprocess.PIPE).stdout.decode()
t = re.search(r'OS: Linux, ABI: (\d+)\.(\d+)\.(\d+)', n)
tag = tuple(int(x) for x in t.groups()) if t else None
best = max(x for x in (go, tag) if x) if (go or tag) else None
print('none' if not best else 'linux %d.%d' % best[:2] + ('.%d' % best[2] if best[2] else ''))
PY
}
inspect_floor() { "$GOABI" inspect --json "$1" | jget /dev/stdin "j['artifacts'][0]['os']['floor']['value']"; }
# os changes in a diffjson output: "kind old new class" lines joined by ';'
oschanges() { jget "$1" "';'.join(' '.join([c['kind'], c['old'] or '-', c['new'] or '-', c['class']]) for c in j['changes'] if c['area']=='os')"; }
pairs=("$I/go119-static $M/go126-static" "$I/go119-cgo-exe $M/go126-cgo-exe")
[ -f "$M/go127-static" ] && pairs+=("$M/go126-static $M/go127-static")
# per file: 1; per pair: 2 directions x 2
files=()
for p in "${pairs[@]}"; do for f in $p; do [[ " ${files[*]} " == *" $f "* ]] || files+=("$f"); done; done
plan $(( ${#files[@]} + ${#pairs[@]} * 4 ))
for f in "${files[@]}"; do
	check "$(basename "$f"): os.floor = the higher of Go's minimum (go version -m, release notes) and the ABI note (readelf -n)" \
		"$(floor "$f")" "$(inspect_floor "$f")"
done
for p in "${pairs[@]}"; do
	set -- $p
	o=$1 n=$2 fo=$(floor "$1") fn=$(floor "$2")
	lbl="$(basename "$o") -> $(basename "$n")"
	cmp=$(python3 -c "import sys; a, b = [tuple(int(x) for x in v.split()[1].split('.')) + (0,) * 2 for v in sys.argv[1:3]]; a, b = a[:3], b[:3]; print('raised' if a < b else 'lowered' if a > b else 'same')" "$fo" "$fn")
	diffjson "$TMPD/d.json" "$o" "$n"; rc=$?
	diffjson "$TMPD/r.json" "$n" "$o"; rr=$?
	case $cmp in
	raised)
		check "$lbl: floor $fo -> $fn raised: breaking" "raised $fo $fn breaking" "$(oschanges "$TMPD/d.json")"
		check "$lbl: exit has the breaking bit 8" 8 "$((rc & 8))"
		check "$lbl backwards: floor lowered, informational" "lowered $fn $fo informational" "$(oschanges "$TMPD/r.json")"
		check "$lbl backwards: no os change is breaking (summary)" 0 \
			"$(jget "$TMPD/r.json" "len([c for c in j['changes'] if c['area']=='os' and c['class']=='breaking'])")"
		;;
	same)
		check "$lbl: floors $fo and $fn equal: no os change" "" "$(oschanges "$TMPD/d.json")"
		check "$lbl: exit has no breaking bit (nothing else here breaks)" 0 "$((rc & 8))"
		check "$lbl backwards: no os change" "" "$(oschanges "$TMPD/r.json")"
		check "$lbl backwards: exit has no breaking bit" 0 "$((rr & 8))"
		;;
	*)
		for i in 1 2 3 4; do notok "$lbl: the fixtures' floors go down ($fo -> $fn): pair order wrong"; done
		;;
	esac
done
