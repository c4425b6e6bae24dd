#!/bin/bash
# goabi audit --format sarif: validated against the published SARIF 2.1.0
# JSON schema (testdata/sarif-2.1.0-schema.json) with python's jsonschema, and
# checked for one rule per policy item and results located at the audited
# files (oracle: the policy given and the file list).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/diff-lib.sh"
D=$FIX/diff
SCHEMA=$TOP/testdata/sarif-2.1.0-schema.json
if [ ! -f "$D/prog-cgo" ]; then
	notok "diff/audit fixtures missing in $D"
	exit 0
fi
PY=$(sarif_python) # tests/lib.sh
cd "$D"
"$GOABI" audit --format sarif --max-glibc 2.17 --cgo off --require-trimpath --max-isa x86-64-v2 prog-cgo prog-v3 prog-trim > "$TMPD/a.sarif"
rc=$?
check "sarif: exit 1 (rules broken)" 1 "$rc"
validate() { sarif_validate "$1"; } # tests/lib.sh: testdata/sarif-2.1.0-schema.json
if [ -n "$PY" ]; then
	check "sarif: the schema file is the SARIF 2.1.0 schema" "2.1.0" \
		"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["properties"]["version"]["enum"][0])' "$SCHEMA")"
	check "sarif: valid against the SARIF 2.1.0 JSON schema" valid "$(validate "$TMPD/a.sarif" | tail -1)"
	# the validator does reject a broken log (the check can fail)
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); j["runs"][0]["results"][0]["level"]="fatal"; json.dump(j, open(sys.argv[2],"w"))' "$TMPD/a.sarif" "$TMPD/bad.sarif"
	check "sarif: a log with an invalid result level is rejected by the schema" invalid "$(validate "$TMPD/bad.sarif" | tail -1)"
	"$GOABI" audit --format sarif --cgo off prog-trim > "$TMPD/clean.sarif"
	check "sarif: a clean run (no results, exit $?) is valid too" valid "$(validate "$TMPD/clean.sarif" | tail -1)"
else
	notok "sarif: no python3 with jsonschema (Debian python3-jsonschema, scripts/install-deps.sh)"
fi
check "sarif: version 2.1.0, one run, driver goabi" "2.1.0 1 goabi" \
	"$(jget "$TMPD/a.sarif" "'%s %d %s' % (j['version'], len(j['runs']), j['runs'][0]['tool']['driver']['name'])")"
check "sarif: one rule per policy item given (each is broken here)" "audit/cgo audit/max-glibc audit/max-isa audit/require-trimpath" \
	"$(jget "$TMPD/a.sarif" "' '.join(sorted(r['id'] for r in j['runs'][0]['tool']['driver']['rules']))")"
check "sarif: every result's ruleIndex points at its ruleId" True \
	"$(jget "$TMPD/a.sarif" "all(j['runs'][0]['tool']['driver']['rules'][r['ruleIndex']]['id']==r['ruleId'] for r in j['runs'][0]['results'])")"
# expected (rule, file) pairs from the oracles: objdump -T floor, go version -m
setting() { go version -m "$1" | awk -v k="$2" '$1 == "build" { split($2, kv, "="); if (kv[1] == k) print substr($2, length(k) + 2) }'; }
exp=$(for f in prog-cgo prog-v3 prog-trim; do
	hi=$(objdump -T "$f" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)
	[ -n "$hi" ] && [ "$(printf '2.17\n%s\n' "${hi#GLIBC_}" | sort -V | tail -1)" != 2.17 ] && echo "audit/max-glibc $f"
	[ "$(setting "$f" CGO_ENABLED)" = 1 ] && echo "audit/cgo $f"
	[ "$(setting "$f" -trimpath)" != true ] && echo "audit/require-trimpath $f"
	[ "$(setting "$f" GOAMD64)" = v3 ] || [ "$(setting "$f" GOAMD64)" = v4 ] && echo "audit/max-isa $f"
done | sort | tr '\n' ';')
check "sarif: error results (rule, artifact uri) = the oracles' broken pairs" "$exp" \
	"$(jget "$TMPD/a.sarif" "''.join(x+';' for x in sorted(r['ruleId']+' '+r['locations'][0]['physicalLocation']['artifactLocation']['uri'] for r in j['runs'][0]['results'] if r['level']=='error'))")"
check "sarif: artifacts list the audited files" "prog-cgo prog-v3 prog-trim" \
	"$(jget "$TMPD/a.sarif" "' '.join(a['location']['uri'] for a in j['runs'][0]['artifacts'])")"
"$GOABI" audit --format sarif --cgo off "$D/prog-cgo" > "$TMPD/abs.sarif"
check "sarif: an absolute path becomes a file:// URI" "file://$D/prog-cgo" \
	"$(jget "$TMPD/abs.sarif" "j['runs'][0]['results'][0]['locations'][0]['physicalLocation']['artifactLocation']['uri']")"
# goabi diff --format sarif on the directory pair: valid, one result per change
"$GOABI" diff --format sarif tree-old tree-new > "$TMPD/d.sarif"
drc=$?
diffjson "$TMPD/d.json" tree-old tree-new
if [ -n "$PY" ]; then
	check "diff sarif: valid against the SARIF 2.1.0 JSON schema" valid "$(validate "$TMPD/d.sarif" | tail -1)"
fi
check "diff sarif: one result per change of --json, levels by class" \
	"$(jget "$TMPD/d.json" "' '.join({'breaking':'error','possibly-breaking':'warning','informational':'note','not-comparable':'note'}[c['class']] for c in j['changes'])")" \
	"$(jget "$TMPD/d.sarif" "' '.join(r['level'] for r in j['runs'][0]['results'])")"
check "diff sarif: removed file located in OLD, others in NEW (find)" \
	"$(cd tree-old && find . -name libgone.so | sed 's|^\./|tree-old/|') $(cd tree-new && find . -name libnew.so | sed 's|^\./|tree-new/|')" \
	"$(jget "$TMPD/d.sarif" "' '.join(r['locations'][0]['physicalLocation']['artifactLocation']['uri'] for r in j['runs'][0]['results'] if r['ruleId'] in ('diff/file-removed','diff/file-added'))")"
check "diff sarif: exit code = --json's bitmask" "$(jget "$TMPD/d.json" "j['exit']")" "$drc"
"$GOABI" audit --format xml --cgo off prog-cgo > /dev/null 2>&1
check "--format xml: usage error (exit 2)" 2 $?
