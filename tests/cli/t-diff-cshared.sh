#!/bin/bash
# goabi diff on two versions of a Go c-shared library and c-archive
# (tests/fixtures/build-diff.sh from src/cabilib/v1 and v2).
# Oracles: abidiff (libabigail) on the same .so pair, cgo's own headers,
# cmp (identical inputs), the exit-code bits abidiff sets on the pair.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/diff-lib.sh"
D=$FIX/diff
ORA="python3 $TOP/tests/cli/diff-oracle.py"
if [ ! -f "$D/cshared-v2.so" ]; then
	notok "diff fixtures missing in $D"
	exit 0
fi
diffjson "$TMPD/so.json" "$D/cshared-v1.so" "$D/cshared-v2.so"
rc=$?
$ORA goabi "$TMPD/so.json" > "$TMPD/so.goabi"
$ORA headers "$D/cshared-v1.h" "$D/cshared-v2.h" > "$TMPD/so.hdr"
check "c-shared: header oracle sees removed+added+changed exports" "1 1 3" \
	"$(grep -c ^removed "$TMPD/so.hdr") $(grep -c ^added "$TMPD/so.hdr") $(grep -c ^changed "$TMPD/so.hdr")"
check "c-shared: exported functions added/removed/changed = cgo headers' difference" \
	"$(cat "$TMPD/so.hdr" | tr '\n' ';')" "$(cat "$TMPD/so.goabi" | tr '\n' ';')"
# every function the headers lose is a breaking "exports removed" change, not
# only a .dynsym removal (which sets exit bit 8 on its own)
for fn in $(sed -n 's/^removed \([A-Za-z0-9_]*\).*/\1/p' "$TMPD/so.hdr"); do
	check "c-shared: removed export $fn classed breaking (area exports)" breaking \
		"$(jget "$TMPD/so.json" "','.join(c['class'] for c in j['changes'] if c['area']=='exports' and c['kind']=='removed' and c['subject']=='$fn')")"
done
if command -v abidiff > /dev/null; then
	# --redundant: abidiff otherwise reports a changed type under one function only
	abidiff --redundant "$D/cshared-v1.so" "$D/cshared-v2.so" > "$TMPD/abidiff.out" 2>&1
	arc=$?
	$ORA abidiff "$TMPD/abidiff.out" "$D/cshared-v1.h" "$D/cshared-v2.h" > "$TMPD/so.abi"
	check "c-shared: abidiff found exported-function changes" "yes" "$([ -s "$TMPD/so.abi" ] && echo yes || echo no)"
	check "c-shared: added/removed/changed exported functions = abidiff's" \
		"$(cat "$TMPD/so.abi" | tr '\n' ';')" "$(cat "$TMPD/so.goabi" | tr '\n' ';')"
	check "c-shared: exit bits 4 (change) and 8 (incompatible) = abidiff's" "$((arc & 12))" "$((rc & 12))"
	# v1 -> v3: only struct point's members change; every prototype's text is
	# the same (cgo headers), the DWARF layouts differ
	if [ -f "$D/cshared-v3.so" ]; then
		abidiff --redundant "$D/cshared-v1.so" "$D/cshared-v3.so" > "$TMPD/abidiff3.out" 2>&1
		arc=$?
		diffjson "$TMPD/v3.json" "$D/cshared-v1.so" "$D/cshared-v3.so"
		rc=$?
		$ORA abidiff "$TMPD/abidiff3.out" "$D/cshared-v1.h" "$D/cshared-v3.h" > "$TMPD/v3.abi"
		check "struct layout change: headers' extern lines identical" "" "$($ORA headers "$D/cshared-v1.h" "$D/cshared-v3.h")"
		check "struct layout change: abidiff reports changed functions" yes "$([ -s "$TMPD/v3.abi" ] && echo yes || echo no)"
		check "struct layout change: changed exported functions = abidiff's" "$(tr '\n' ';' < "$TMPD/v3.abi")" \
			"$($ORA goabi "$TMPD/v3.json" | tr '\n' ';')"
		check "struct layout change: exit bits 4 and 8 = abidiff's" "$((arc & 12))" "$((rc & 12))"
	fi
	# abidiff on a pair without export changes: v1 against itself
	abidiff "$D/cshared-v1.so" "$D/cshared-v1.so" > /dev/null 2>&1
	arc=$?
	diffjson "$TMPD/same.json" "$D/cshared-v1.so" "$D/cshared-v1.so"
	rc=$?
	check "same file: exit bits = abidiff's (0)" "$arc" "$rc"
else
	skip "abidiff cross-check" "abidiff (abigail-tools) not installed"
fi
cp "$D/cshared-v1.so" "$TMPD/copy.so"
diffjson "$TMPD/same.json" "$D/cshared-v1.so" "$TMPD/copy.so"
rc=$?
check "identical files (cmp): no change reported, exit 0" "$(cmp -s "$D/cshared-v1.so" "$TMPD/copy.so" && echo '0 0')" \
	"$(jget "$TMPD/same.json" "len(j['changes'])") $rc"

# c-archive pair: abidiff cannot read archives; cgo's headers are the oracle
diffjson "$TMPD/a.json" "$D/carchive-v1.a" "$D/carchive-v2.a"
rc=$?
$ORA goabi "$TMPD/a.json" > "$TMPD/a.goabi"
$ORA headers "$D/carchive-v1.h" "$D/carchive-v2.h" > "$TMPD/a.hdr"
check "c-archive: exported function changes = cgo headers' difference" \
	"$(cat "$TMPD/a.hdr" | tr '\n' ';')" "$(cat "$TMPD/a.goabi" | tr '\n' ';')"
check "c-archive: exit has bits 4 and 8 (a function was removed, per the headers)" 12 "$((rc & 12))"
# member by member: the members ar lists on each side, paired by name
only_old=$(comm -23 <(ar t "$D/carchive-v1.a" | sort) <(ar t "$D/carchive-v2.a" | sort) | tr '\n' ' ')
only_new=$(comm -13 <(ar t "$D/carchive-v1.a" | sort) <(ar t "$D/carchive-v2.a" | sort) | tr '\n' ' ')
check "c-archive: members removed = ar t difference" "$only_old" \
	"$(jget "$TMPD/a.json" "''.join(c['subject']+' ' for c in sorted(j['changes'], key=lambda c: c['subject']) if c['area']=='member' and c['kind']=='removed')")"
check "c-archive: members added = ar t difference" "$only_new" \
	"$(jget "$TMPD/a.json" "''.join(c['subject']+' ' for c in sorted(j['changes'], key=lambda c: c['subject']) if c['area']=='member' and c['kind']=='added')")"

# --header: prototypes from the headers (the -s -w case has no DWARF): same verdicts
diffjson "$TMPD/h.json" --no-dwarf --header "$D/cshared-v1.h" --header "$D/cshared-v2.h" "$D/cshared-v1.so" "$D/cshared-v2.so"
check "--header: changes = headers' difference" "$(cat "$TMPD/so.hdr" | tr '\n' ';')" "$($ORA goabi "$TMPD/h.json" | tr '\n' ';')"
check "--header: changed prototypes quote the header's text" \
	"$(grep -E '^extern .* AddInts\(' "$D/cshared-v2.h" | sed 's/^extern //; s/;$//')" \
	"$(jget "$TMPD/h.json" "[c['new'] for c in j['changes'] if c['area']=='exports' and c['subject']=='AddInts'][0]")"
"$GOABI" diff --header "$D/cshared-v1.h" "$D/cshared-v1.so" "$D/cshared-v2.so" > /dev/null 2>&1
check "--header given once: usage error (exit 2)" 2 $?
"$GOABI" diff "$D/cshared-v1.so" > /dev/null 2>&1
check "one operand: usage error (exit 2)" 2 $?
"$GOABI" diff "$D/cshared-v1.so" "$TMPD/does-not-exist" > /dev/null 2>&1
check "unreadable NEW: exit bit 1" 1 "$(( $? & 1 ))"
