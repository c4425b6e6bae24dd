#!/bin/bash
# goabi diff on consecutive real-world esbuild releases from npm built with
# different Go versions (testdata/npm-go-binaries.tsv): go1.16.3 -> go1.17.2 ->
# go1.19 -> go1.20.5 -> go1.22.5 -> go1.23.8, and one pair backwards.
# Oracles: `go version -m` (Go version, dep lines with versions, build
# settings), Go's own semver.Compare (tests/cli/semver-oracle.sh) for the
# direction of each dependency change, readelf -h (same machine, no ELF
# change), the SARIF 2.1.0 schema for --format sarif.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/diff-lib.sh"
ORA="python3 $TOP/tests/cli/npm-audit-oracle.py"
SCHEMA=$TOP/testdata/sarif-2.1.0-schema.json
chain=(esbuild-linux-64@0.11.23 esbuild-linux-64@0.13.15 esbuild-linux-64@0.14.54
	@esbuild_linux-x64@0.18.5 @esbuild_linux-x64@0.23.1 @esbuild_linux-x64@0.25.5)
for c in "${chain[@]}"; do
	if [ ! -f "$NPM/$c/esbuild" ]; then
		skip "diff on esbuild releases" "$NPM/$c/esbuild missing (tests/fetch-npm.sh)"
		exit 0
	fi
done
SV=$TMPD/sv
if ! bash "$TOP/tests/cli/semver-oracle.sh" "$SV" > "$TMPD/sv.log" 2>&1; then
	notok "semver oracle: go build failed: $(head -3 "$TMPD/sv.log")"
	exit 0
fi
# expected "kind path old new" module lines from two go version -m outputs
mods() {
	python3 - "$1" "$2" "$SV/semver-oracle" << 'PY'
import json, subprocess, sys
a, b = json.load(open(sys.argv[1]))['deps'], json.load(open(sys.argv[2]))['deps']
def eff(d): return d[2] if d[1] == d[0] and d[2] else d[0]
both = [m for m in sorted(a) if m in b and eff(a[m]) != eff(b[m])]
cmp = subprocess.run([sys.argv[3]], input=''.join('%s %s\n' % (eff(a[m]), eff(b[m])) for m in both),
                     capture_output=True, text=True, check=True).stdout.split()
out = ['removed %s %s -' % (m, eff(a[m])) for m in a if m not in b]
out += ['added %s - %s' % (m, eff(b[m])) for m in b if m not in a]
out += ['%s %s %s %s' % ('upgraded' if int(c) < 0 else 'downgraded', m, eff(a[m]), eff(b[m])) for m, c in zip(both, cmp)]
print(';'.join(sorted(out)))
PY
}
goabi_mods() {
	jget "$1" "';'.join(sorted('%s %s %s %s' % (c['kind'], c['subject'], c['old'] or '-', c['new'] or '-') for c in j['changes'] if c['area']=='module' and c['kind'] in ('added','removed','upgraded','downgraded')))"
}
q() { jget "$1" "next((str(c['$4']) for c in j['changes'] if c['area']=='$2' and c['subject']=='$3'), 'none')"; }

pairs=()
for ((i = 0; i + 1 < ${#chain[@]}; i++)); do pairs+=("${chain[i]} ${chain[i + 1]}"); done
pairs+=("@esbuild_linux-x64@0.25.5 @esbuild_linux-x64@0.23.1") # backwards: a Go downgrade
for p in "${pairs[@]}"; do
	set -- $p
	old=$NPM/$1/esbuild new=$NPM/$2/esbuild
	label="${1#*@}($(go version "$old" | awk '{print $2}')) -> ${2#*@}($(go version "$new" | awk '{print $2}'))"
	go version -m "$old" > "$TMPD/o.m"
	go version -m "$new" > "$TMPD/n.m"
	$ORA gomod "$TMPD/o.m" > "$TMPD/o.json"
	$ORA gomod "$TMPD/n.m" > "$TMPD/n.json"
	diffjson "$TMPD/d.json" "$old" "$new"
	rc=$?
	vo=$(jget "$TMPD/o.json" "j['version']") vn=$(jget "$TMPD/n.json" "j['version']")
	check "$label: Go version old -> new = go version -m" "$vo -> $vn" \
		"$(q "$TMPD/d.json" go 'Go version' old) -> $(q "$TMPD/d.json" go 'Go version' new)"
	# direction: Go's toolchain order (minor, then patch; go1.19 = go1.19.0)
	dir=$(python3 -c 'import re,sys
k=lambda v: tuple(int(x) for x in re.findall(r"\d+", v)[:3]) + (0,) * (3 - len(re.findall(r"\d+", v)[:3]))
print("upgraded" if k(sys.argv[1]) < k(sys.argv[2]) else "downgraded")' "$vo" "$vn")
	check "$label: Go version $dir (class $([ "$dir" = upgraded ] && echo informational || echo possibly-breaking))" \
		"$dir $([ "$dir" = upgraded ] && echo informational || echo possibly-breaking)" \
		"$(q "$TMPD/d.json" go 'Go version' kind) $(q "$TMPD/d.json" go 'Go version' class)"
	check "$label: module changes with versions = go version -m dep lines (direction by Go's semver)" \
		"$(mods "$TMPD/o.json" "$TMPD/n.json")" "$(goabi_mods "$TMPD/d.json")"
	# settings go version -m records on both sides, changed: -trimpath etc. (informational keys)
	want=$(python3 - "$TMPD/o.json" "$TMPD/n.json" << 'PY'
import json, sys
a, b = json.load(open(sys.argv[1]))['settings'], json.load(open(sys.argv[2]))['settings']
keys = ['-compiler', '-trimpath', '-tags', '-race', '-msan', '-asan', 'GOEXPERIMENT']
print(';'.join('%s %s -> %s' % (k, a.get(k, '(unset)'), b.get(k, '(unset)')) for k in keys if a.get(k) != b.get(k)))
PY
)
	check "$label: build settings changed = go version -m's" "$want" \
		"$(jget "$TMPD/d.json" "';'.join('%s %s -> %s' % (c['subject'], c['old'], c['new']) for c in j['changes'] if c['area']=='go' and c['kind']=='setting changed')")"
	check "$label: no ELF identity change (readelf -h: same machine and type)" \
		"$(readelf -h "$old" | grep -E 'Machine|Type|Class' | md5sum | cut -c1-8) 0" \
		"$(readelf -h "$new" | grep -E 'Machine|Type|Class' | md5sum | cut -c1-8) $(jget "$TMPD/d.json" "sum(1 for c in j['changes'] if c['area']=='elf')")"
	# exit bits: 4 (changes) always here; 16 exactly when something is possibly breaking
	check "$label: exit = 4 | 8 if breaking | 16 if possibly breaking (summary)" \
		"$((4 | $(jget "$TMPD/d.json" "8 if j['summary']['breaking'] else 0") | $(jget "$TMPD/d.json" "16 if j['summary']['possibly_breaking'] else 0")))" "$rc"
done
# the backwards pair is possibly breaking through the Go downgrade alone (bit 16)
"$GOABI" diff -q "$NPM/@esbuild_linux-x64@0.25.5/esbuild" "$NPM/@esbuild_linux-x64@0.23.1/esbuild"
check "downgrade go1.23.8 -> go1.22.5: exit bit 16" 16 "$(($? & 16))"

# SARIF of one pair, relative paths: valid, one result per change, levels by class
cd "$NPM" || exit 0
"$GOABI" diff --format sarif esbuild-linux-64@0.13.15/esbuild @esbuild_linux-x64@0.18.5/esbuild > "$TMPD/d.sarif"
diffjson "$TMPD/d.json" esbuild-linux-64@0.13.15/esbuild @esbuild_linux-x64@0.18.5/esbuild
if python3 -c 'import jsonschema' 2> /dev/null; then
	check "diff sarif (esbuild pair): valid against the SARIF 2.1.0 schema" valid "$(python3 - "$SCHEMA" "$TMPD/d.sarif" << 'PY'
import json, sys, jsonschema
s = json.load(open(sys.argv[1])); log = json.load(open(sys.argv[2]))
errs = list(jsonschema.validators.validator_for(s)(s).iter_errors(log))
print('valid' if not errs else 'invalid: ' + errs[0].message[:200])
PY
)"
fi
check "diff sarif: Go version result located at NEW (relative uri, %SRCROOT%)" \
	"%40esbuild_linux-x64%400.18.5/esbuild %SRCROOT%" \
	"$(jget "$TMPD/d.sarif" "next(r['locations'][0]['physicalLocation']['artifactLocation']['uri']+' '+r['locations'][0]['physicalLocation']['artifactLocation']['uriBaseId'] for r in j['runs'][0]['results'] if r['ruleId'].startswith('diff/go-'))")"
check "diff sarif: partialFingerprints distinct per result" True \
	"$(jget "$TMPD/d.sarif" "len(set(str(r['partialFingerprints']) for r in j['runs'][0]['results']))==len(j['runs'][0]['results'])")"
