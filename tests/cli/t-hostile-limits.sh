#!/bin/bash
# Every documented limit (docs/limits.md, GOABI_MAX_* in goabi.h) is hit for
# real by an input that exceeds it (tests/malformed/gen.py --limits), under
# the time and memory limits, and goabi reports it: the diagnostic names the
# limit, and what was read stops exactly at the limit. Oracles: `ar t` for
# the member count, `nm` for the symbol count, the generator's own counts
# for the build-info and pclntab inputs.
. "$(dirname "$0")/../lib.sh"
HOSTILE_TIMEOUT=${HOSTILE_TIMEOUT:-90}
. "$TOP/tests/malformed/lib.sh"
HOSTILE_BATCH=1
. "$TOP/tests/malformed/run-cases.sh"

CASES=$TMPD/limits
if ! python3 "$TOP/tests/malformed/gen.py" "$CASES" --limits > "$TMPD/gen.log" 2>&1; then
	notok "limits: generator failed: $(tail -3 "$TMPD/gen.log" | tr '\n' '|')"
	exit 0
fi
run_cases "$CASES" limits

j() { # CASE-FILE PYTHON-EXPR over a = the artifact (goabi runs once per file)
	[ -f "$TMPD/$1.json" ] || "$GOABI" inspect --json "$CASES/$1" > "$TMPD/$1.json" 2>/dev/null
	python3 -c 'import json,sys; a=json.load(sys.stdin)["artifacts"][0]; d=[x["message"] for x in a["diagnostics"]]; print(eval(sys.argv[1]))' "$2" < "$TMPD/$1.json"
}
# the oracle's count of what the generator wrote decides what goabi must
# keep: min(count, limit), and a diagnostic naming the limit when above it
min() { [ "$1" -lt "$2" ] && echo "$1" || echo "$2"; }
above() { [ "$1" -gt "$2" ] && echo True || echo False; }
n=$(ar t "$CASES/limit-members-100001.a" | wc -l)
check "GOABI_MAX_MEMBERS: goabi keeps min(ar t: $n, 100000) members, diagnostic when above" \
	"$(min "$n" 100000) $(above "$n" 100000)" \
	"$(j limit-members-100001.a 'str(len(a["members"])) + " " + str(any("more than the limit of 100000 members" in x for x in d))')"
check "GOABI_MAX_MEMBERS: the generator exceeded the limit (ar t: $n)" True "$(above "$n" 100000)"
check "GOABI_MAX_NESTING: 4 levels read, the 5th refused" "ar ar ar ar True" \
	"$(j limit-nesting-5.a '" ".join(x["kind"] for x in [a, a["members"][0], a["members"][0]["members"][0], a["members"][0]["members"][0]["members"][0]]) + " " + str(any("nested deeper than the limit of 4" in x["message"] for x in a["members"][0]["members"][0]["members"][0]["members"][0]["diagnostics"]))')"
n=$(sz=$(LC_ALL=C readelf -S -W "$CASES/limit-symbols-2e24p1.bin" | awk '{for (i = 1; i < NF; i++) if ($i == ".symtab") print $(i + 4)}'); echo $((16#${sz:-0} / 24)))
check "GOABI_MAX_SYMBOLS: diagnostic naming the limit exactly when readelf counts more than 2^24 .symtab entries ($n)" \
	"$(above "$n" 16777216) True" "$(j limit-symbols-2e24p1.bin 'any("more than the limit of 16777216" in x for x in d)') $(above "$n" 16777216)"
check "GOABI_MAX_STRING: 1 MiB + 1 version string refused, naming the limit" True \
	"$(j limit-string-1m1.bin 'any("exceeds the limit of 1048576" in x for x in d) and a["go"]["version"]["value"] is None')"
check "GOABI_MAX_MODULES: 100001 dep lines, 100000 kept, warning" "100000 True" \
	"$(j limit-modules-100001.bin 'str(len(a["go"]["deps"])) + " " + str(any("limit of 100000 modules" in x for x in d))')"
n=$(nm "$CASES/limit-list-100001.bin" | awk '$NF ~ /^type\.\.eq\./ {print $NF}' | sort -u | wc -l)
check "GOABI_MAX_LIST: eq_funcs holds min(nm: $n distinct type..eq names, 100000), each once; the input exceeds the limit" \
	"$(min "$n" 100000) $(min "$n" 100000) True" \
	"$(j limit-list-100001.bin 'str(len(a["go"]["eq_funcs"])) + " " + str(len(set(a["go"]["eq_funcs"])))') $(above "$n" 100000)"
hrun /dev/null "$TMPD/err" "$GOABI" inspect "$CASES/limit-list-100001.bin"
if [ $HRC -eq 0 ] && [ $HMS -lt 15000 ]; then
	ok "GOABI_MAX_LIST: 100001 distinct names de-duplicated in ${HMS} ms (quadratic took ~60 s)"
else
	notok "GOABI_MAX_LIST: 100001 distinct names took ${HMS} ms (exit $HRC), want < 15 s"
fi
check "GOABI_MAX_FUNCS: a pclntab of 2^24 functions is read" 16777216 "$(j limit-funcs-2e24.bin 'a["go"].get("pclntab","").split(", ")[1].split()[0]')"
check "GOABI_MAX_FUNCS: 2^24+1 functions: header refused, warning names the limit" "None True" \
	"$(j limit-funcs-2e24p1.bin 'str(a["go"]["pclntab"]) + " " + str(any("at most 16777216 functions" in x for x in d))')"
rm -rf "$CASES"
