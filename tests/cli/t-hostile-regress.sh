#!/bin/bash
# Replay the regression inputs of testdata/malformed/files (see its README)
# through the CLI under the time and memory limits: each must give the exit
# code, diagnostic and oracle result its cases.tsv line says, and no
# sanitizer report when run against the ASan/UBSan build. Oracles: readelf -h
# (section count), nm (distinct type..eq symbols).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/malformed/lib.sh"
. "$TOP/tests/malformed/run-cases.sh"
D=$TOP/testdata/malformed/files
run_cases "$D" regress
# the hash de-duplication keeps exactly the distinct names
want=$(nm "$D/eq-duplicates.elf" | awk '$3 ~ /^type\.\.eq\./ {print $3}' | sort -u | wc -l)
got=$("$GOABI" inspect --json "$D/eq-duplicates.elf" | python3 -c 'import json,sys; e=json.load(sys.stdin)["artifacts"][0]["go"]["eq_funcs"]; print(len(e) if len(e) == len(set(e)) else "dups")')
check "regress: eq_funcs holds each distinct type..eq symbol once (nm: $want)" "$want" "$got"

# The ISA scan is opt-in, so the replay above (inspect --json / -v) does not
# reach it: run every regression file, and every file of the shared
# regression corpus, with --isa-detail as well. isa-rel-offset.a has a SHT_REL
# section over RELA data: r_offset 2^64-4 made isa_scan.c compute r->p + off
# (UBSan pointer overflow; clang build, fuzz_ar).
SHARED_REGRESS=${SHARED_REGRESS:-$TOP/../shared/corpus/regress}
isafiles=("$D"/*.a "$D"/*.elf "$D"/*.obj)
[ -d "$SHARED_REGRESS" ] && isafiles+=("$SHARED_REGRESS"/*)
bad=0
for f in "${isafiles[@]}"; do
	[ -f "$f" ] || continue
	hrun /dev/null "$TMPD/isa.err" "$GOABI" inspect --isa-detail "$f"
	why=$(hjudge "$f" "$TMPD/isa.err")
	# exit 2 with a one-line message naming the file is a fine end too
	if [ -n "$why" ]; then notok "regress: inspect --isa-detail $(basename "$f"): $why"; bad=$((bad + 1)); fi
done
[ $bad -eq 0 ] && ok "regress: inspect --isa-detail on ${#isafiles[@]} regression files: exit 0 or 2, no sanitizer report$(hostile_sanitized && echo ' (ASan/UBSan build)')"
# the relocation-offset reproducer is an archive with one object: readelf -S
# (the oracle) sees the code section the scan must have read
want=$(readelf -SW "$D/isa-rel-offset.a" 2>/dev/null | grep -c ' \.text ')
got=$("$GOABI" inspect --json --isa "$D/isa-rel-offset.a" | python3 -c 'import json,sys; j=json.load(sys.stdin)["artifacts"][0]; print(len(j["members"]))')
check "regress: isa-rel-offset.a: one member scanned (readelf -S: $want .text)" "$want" "$got"
