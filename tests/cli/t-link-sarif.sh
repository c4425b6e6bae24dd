#!/bin/bash
# goabi link --format sarif: validated against the published SARIF 2.1.0
# JSON schema (testdata/sarif-2.1.0-schema.json, python's jsonschema), and
# each failure ld reports is a result of level error located where ld
# locates it. Oracle: GNU ld's own messages for the same link (through gcc):
# "FILE(MEMBER): in function ...: undefined reference to `S'", "...
# multiple definition of `S'", "cannot find -lNAME"; its exit status for the
# run's exit code and success flag.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/link-lib.sh"
plan 16
D=$FIX/link
if [ ! -f "$D/goa.a" ]; then
	notok "link fixtures missing in $D"
	exit 0
fi
PY=$(sarif_python) # tests/lib.sh
validate() { sarif_validate "$1"; } # tests/lib.sh: testdata/sarif-2.1.0-schema.json
cd "$D"

# located NAME ARGS...: ld's failures of "gcc ARGS" = goabi's error results
# of rules link/undefined and link/multiple-definition: for each symbol, the
# file (and member) ld names first ("X(M): in function" before the message)
# is the result's physical location (uri X) and module (M); a grouped
# finding (one missing library, several symbols) holds its symbols in
# properties.symbols
located() {
	local name=$1; shift
	gcc "$@" -o "$TMPD/out" > "$TMPD/ld.$name" 2>&1
	local rc=$?
	"$GOABI" link --format sarif "$@" > "$TMPD/$name.sarif"
	local grc=$?
	python3 - "$name" "$TMPD/ld.$name" "$TMPD/$name.sarif" "$rc" "$grc" <<'PY'
import json, re, sys
name, ldf, sf, rc, grc = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
want = {}
ctx = None
for line in open(ldf, errors="replace"):
    m = re.match(r"/usr/bin/ld: (\S+?): in function", line)
    if m:
        ctx = m.group(1)
    for kind, pat in (("undefined", r"undefined reference to `([^']+)'"), ("multiple-definition", r"multiple definition of `([^']+)'")):
        for s in re.findall(pat, line):
            want.setdefault((kind, s), ctx)
got = {}
run = json.load(open(sf))["runs"][0]
for r in run["results"]:
    if r["level"] != "error" or r["ruleId"] not in ("link/undefined", "link/multiple-definition"):
        continue
    loc = r["locations"][0]
    uri = loc["physicalLocation"]["artifactLocation"]["uri"]
    mods = [l["name"] for l in loc.get("logicalLocations", []) if l.get("kind") == "module"]
    syms = [l["name"] for l in loc.get("logicalLocations", []) if l.get("kind") != "module"]
    syms = syms or r["properties"].get("symbols", "").split()
    where = "%s(%s)" % (uri, mods[0]) if mods else uri
    for s in syms:
        got.setdefault((r["ruleId"][5:], s), where)
ok = got == want and bool(want)
print("%s - %s: %d failures located as ld locates them (ld: %s)%s" % ("ok" if ok else "not ok", name, len(want),
      ", ".join("%s %s at %s" % (k, s, w) for (k, s), w in sorted(want.items())[:4]),
      "" if ok else "; goabi: %s" % sorted(got.items())[:6]))
inv = run["invocations"][0]
good = inv["exitCode"] == grc == 1 and rc != 0 and inv["executionSuccessful"] is True
print("%s - %s: exit 1 as ld fails (exit %d), in the log too (exitCode %s)" % ("ok" if good else "not ok", name, rc, inv["exitCode"]))
PY
}
located "undefined b_fn" main_ord.o libb.a liba.a
located "multiple definitions (two Go c-archives)" main_ab.o goa.a gob.a
located "libm not linked (one finding, three symbols)" mathx.o
if [ -n "$PY" ]; then
	for s in "undefined b_fn" "multiple definitions (two Go c-archives)" "libm not linked (one finding, three symbols)"; do
		check "sarif of '$s': valid against the SARIF 2.1.0 JSON schema" valid "$(validate "$TMPD/$s.sarif" | tail -1)"
	done
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); j["runs"][0]["results"][0]["level"]="fatal"; json.dump(j, open(sys.argv[2],"w"))' \
		"$TMPD/undefined b_fn.sarif" "$TMPD/bad.sarif"
	check "sarif: a log with an invalid result level is rejected by the schema" invalid "$(validate "$TMPD/bad.sarif" | tail -1)"
else
	for k in 1 2 3 4; do notok "sarif: no python3 with jsonschema (Debian python3-jsonschema, scripts/install-deps.sh)"; done
fi

# a set ld links: no error result, exit 0, a valid log
gcc main_ord.o liba.a libb.a -o "$TMPD/ok" 2>/dev/null; ldrc=$?
"$GOABI" link --format sarif main_ord.o liba.a libb.a > "$TMPD/links.sarif"; grc=$?
check "links (ld exit $ldrc): exit 0, no error result" "0 0" \
	"$grc $(jget "$TMPD/links.sarif" "sum(1 for r in j['runs'][0]['results'] if r['level']=='error')")"
if [ -n "$PY" ]; then
	check "links: valid against the SARIF 2.1.0 JSON schema" valid "$(validate "$TMPD/links.sarif" | tail -1)"
else
	notok "links: no python3 with jsonschema"
fi

# a library ld cannot find: an error result naming it ("cannot find -lNAME")
lib=$(gcc main_ord.o -L. -lgoabi_no_such_lib -o "$TMPD/nl" 2>&1 | sed -n 's/.*cannot find \(-l[^:]*\):.*/\1/p')
"$GOABI" link --format sarif -- gcc main_ord.o -L. -lgoabi_no_such_lib > "$TMPD/nl.sarif"
check "missing library: an error result link/missing-library for ld's '$lib'" "$lib" \
	"$(jget "$TMPD/nl.sarif" "' '.join(l['name'] for r in j['runs'][0]['results'] if r['level']=='error' and r['ruleId']=='link/missing-library' for l in r['locations'][0]['logicalLocations'])")"

# rules: one per rule id, ruleIndex pointing at it; the result ids are the
# JSON findings' rules (same run, --json)
"$GOABI" link --json main_ab.o goa.a gob.a > "$TMPD/ab.json"
check "rules: one per rule id of the JSON findings" \
	"$(jget "$TMPD/ab.json" "' '.join(sorted({f['rule'] for f in j['findings']}))")" \
	"$(jget "$TMPD/multiple definitions (two Go c-archives).sarif" "' '.join(sorted(r['id'] for r in j['runs'][0]['tool']['driver']['rules']))")"
check "rules: every result's ruleIndex points at its ruleId" True \
	"$(jget "$TMPD/multiple definitions (two Go c-archives).sarif" "all(j['runs'][0]['tool']['driver']['rules'][r['ruleIndex']]['id']==r['ruleId'] for r in j['runs'][0]['results'])")"
# the two runtimes: the archives ld names in its "multiple definition"
# messages (the one it reads and the one "first defined here") are the
# result's evidence
want=$(grep -o "[^ :;]*\.a(go\.o)" "$TMPD/ld.multiple definitions (two Go c-archives)" | sed 's/(.*//' | sort -u | tr '\n' ' ')
check "two Go runtimes: an error result whose evidence names the c-archives ld names" "$want" \
	"$(jget "$TMPD/multiple definitions (two Go c-archives).sarif" "''.join(e+' ' for e in sorted(e for r in j['runs'][0]['results'] if r['ruleId']=='link/two-go-runtimes' and r['level']=='error' for e in r['properties']['evidence']))")"
