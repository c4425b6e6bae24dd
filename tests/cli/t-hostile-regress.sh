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
