#!/bin/bash
# goabi audit on the real-world Go binaries from npm (testdata/npm-go-binaries.tsv,
# tests/fetch-npm.sh): min-go, require-trimpath and forbid-module verdicts
# against `go version -m` (the Go version, build settings and dep lines) and
# Go's own semver ordering (golang.org/x/mod/semver as vendored in the Go 1.19
# tree, built here); the SARIF of the whole set validated against the schema.
. "$(dirname "$0")/../lib.sh"
ORA="python3 $TOP/tests/cli/npm-audit-oracle.py"
SCHEMA=$TOP/testdata/sarif-2.1.0-schema.json
bins=()
while IFS=$'\t' read -r spec file sha gover mach; do
	case $spec in '' | '#'*) continue ;; esac
	f=$NPM/$(echo "$spec" | tr '/' '_')/$(basename "$file")
	# files without build info are tests/cli/t-audit-nobuildinfo.sh's:
	# go version -m, the oracle here, cannot read them
	[ -f "$f" ] && readelf -SW "$f" 2> /dev/null | grep -q '\.go\.buildinfo' && bins+=("$f")
done < "$TOP/testdata/npm-go-binaries.tsv"
if [ ${#bins[@]} -lt 10 ]; then
	skip "audit on npm binaries" "npm cache has ${#bins[@]} binaries (tests/fetch-npm.sh)"
	exit 0
fi
# Go's semver.Compare as a filter: "A B" lines -> -1/0/1
SV=$TMPD/sv
if ! bash "$TOP/tests/cli/semver-oracle.sh" "$SV" > "$TMPD/sv.log" 2>&1; then
	notok "semver oracle: go build failed: $(head -3 "$TMPD/sv.log")"
	exit 0
fi
check "semver oracle: v1.2.3 < v1.2.10, pseudo < release, +incompatible ignored" "-1 -1 0" \
	"$(printf 'v1.2.3 v1.2.10\nv1.0.1-0.20200101000000-abcdefabcdef v1.0.1\nv2.0.0+incompatible v2.0.0\n' | "$SV/semver-oracle" | tr '\n' ' ' | sed 's/ $//')"

# status RULE JSON: broken | unverified | ok (no finding) for the single file audited
status() {
	jget "$2" "next(({'error': 'broken', 'note': 'unverified'}[f['severity']] for f in j['findings'] if f['rule']=='audit/$1'), 'ok')"
}

# min-go go1.22.7,go1.23.1: refuses go1.22.5 and older minors, accepts go1.23.8
POL=go1.22.7,go1.23.1
want="" got="" wown="" gown="" n=0
for f in "${bins[@]}"; do
	go version -m "$f" > "$TMPD/m" 2> /dev/null || continue
	v=$(head -1 "$TMPD/m" | awk '{print $2}')

	"$GOABI" audit --json --min-go "$POL" --require-trimpath "$f" > "$TMPD/a.json"
	rc=$?
	name=$(basename "$(dirname "$f")")
	mv=$($ORA mingo "$v" "$POL")
	check "min-go $POL on $name ($v, go version -m): $mv" "$mv" "$(status min-go "$TMPD/a.json")"
	# require-trimpath: no build lines at all (Go < 1.18) -> unverified; else -trimpath=true
	if ! grep -q '^[[:space:]]*build[[:space:]]' "$TMPD/m"; then
		tw=unverified
	elif grep -q '^[[:space:]]*build[[:space:]]*-trimpath=true' "$TMPD/m"; then
		tw=ok
	else
		tw=broken
	fi
	want="$want $name:$tw"
	# the binary's own release as the policy entry (go1.19 written go1.19.0), and the next patch
	own=$(python3 -c 'import re,sys; m=re.match(r"go1\.(\d+)(?:\.(\d+))?$", sys.argv[1]); print("go1.%s.%d go1.%s.%d" % (m.group(1), int(m.group(2) or 0), m.group(1), int(m.group(2) or 0) + 1))' "$v")
	"$GOABI" audit --json --min-go "${own% *}" "$f" > "$TMPD/own.json"
	"$GOABI" audit --json --min-go "${own#* }" "$f" > "$TMPD/next.json"
	wown="$wown $name:ok:broken"
	gown="$gown $name:$(status min-go "$TMPD/own.json"):$(status min-go "$TMPD/next.json")"
	got="$got $name:$(status require-trimpath "$TMPD/a.json")"
	# exit 1 exactly when a rule is broken
	eb=$([ "$mv" = broken ] || [ "$tw" = broken ] && echo 1 || echo 0)
	[ "$rc" = "$eb" ] || notok "exit code on $name: expected $eb, got $rc"
	n=$((n + 1))
done
check "min-go at each binary's own release (go version -m; go1.19 = go1.19.0) met, at the next patch broken" "$wown" "$gown"
check "require-trimpath on $n binaries = go version -m (-trimpath=true; no build lines before Go 1.18: unverified)" \
	"$want" "$got"
check "min-go: the policy refuses go1.22.5 and go1.21.x, accepts go1.23.8 (oracle sanity)" "broken broken ok" \
	"$($ORA mingo go1.22.5 $POL) $($ORA mingo go1.21.13 $POL) $($ORA mingo go1.23.8 $POL)"

# forbid-module: ranges around every dependency's version, verdicts by Go's semver
for f in "$NPM/lefthook-linux-x64@1.7.18/lefthook" "$NPM/esbuild-linux-64@0.13.15/esbuild" \
	"$NPM/@esbuild_linux-x64@0.25.5/esbuild"; do
	[ -f "$f" ] || continue
	name=$(basename "$(dirname "$f")")
	go version -m "$f" > "$TMPD/m"
	$ORA gomod "$TMPD/m" > "$TMPD/mod.json"
	$ORA ranges "$TMPD/mod.json" "$SV/semver-oracle" "$TMPD/chunks.json" "$TMPD/expect"
	nchunks=$(jget "$TMPD/chunks.json" "len(j)")
	: > "$TMPD/got"
	for ((k = 0; k < nchunks; k++)); do
		python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))[int(sys.argv[2])]; json.dump({"forbid-module": c}, open(sys.argv[3], "w"))' \
			"$TMPD/chunks.json" "$k" "$TMPD/pol.json"
		"$GOABI" audit --json --policy "$TMPD/pol.json" "$f" > "$TMPD/f.json"
		jget "$TMPD/f.json" "''.join(f['message'].rsplit(\"forbidden by '\", 1)[1][:-1]+'\n' for f in j['findings'] if f['rule']=='audit/forbid-module')" >> "$TMPD/got"
	done
	sed -i '/^$/d' "$TMPD/got"
	total=$(jget "$TMPD/chunks.json" "sum(len(c) for c in j)")
	check "forbid-module on $name: $total ranges (<, <=, >, >=, =, two-sided; pseudo-versions, +incompatible, pre-releases): broken entries = Go semver's ($(wc -l < "$TMPD/expect") expected)" \
		"$(sort "$TMPD/expect" | md5sum)" "$(sort "$TMPD/got" | md5sum)"
	if ! cmp -s <(sort "$TMPD/expect") <(sort "$TMPD/got"); then
		diff <(sort "$TMPD/expect") <(sort "$TMPD/got") | head -5 | sed 's/^/    /'
	fi
done

# SARIF of the whole set: valid against the 2.1.0 schema, error results = the oracle's broken pairs
cd "$NPM" || exit 0
rel=()
for f in "${bins[@]}"; do rel+=("${f#"$NPM"/}"); done
"$GOABI" audit --format sarif --min-go "$POL" --require-trimpath "${rel[@]}" > "$TMPD/all.sarif"
if python3 -c 'import jsonschema' 2> /dev/null; then
	check "sarif on ${#rel[@]} npm binaries: valid against the SARIF 2.1.0 schema" valid \
		"$(python3 - "$SCHEMA" "$TMPD/all.sarif" << 'PY'
import json, sys, jsonschema
s = json.load(open(sys.argv[1])); log = json.load(open(sys.argv[2]))
errs = list(jsonschema.validators.validator_for(s)(s).iter_errors(log))
print('valid' if not errs else 'invalid: ' + errs[0].message[:200])
PY
)"
else
	notok "sarif: no python3 jsonschema (Debian python3-jsonschema)"
fi
exp=$(for r in "${rel[@]}"; do
	go version -m "$r" > "$TMPD/m" 2> /dev/null || continue
	[ "$($ORA mingo "$(head -1 "$TMPD/m" | awk '{print $2}')" "$POL")" = broken ] && echo "audit/min-go $r"
	grep -q '^[[:space:]]*build[[:space:]]' "$TMPD/m" && ! grep -q '^[[:space:]]*build[[:space:]]*-trimpath=true' "$TMPD/m" &&
		echo "audit/require-trimpath $r"
done | sort | tr '\n' ';')
check "sarif: error results (ruleId, relative uri) = go version -m's broken pairs" "$exp" \
	"$(jget "$TMPD/all.sarif" "''.join(x+';' for x in sorted(r['ruleId']+' '+__import__('urllib.parse').parse.unquote(r['locations'][0]['physicalLocation']['artifactLocation']['uri']) for r in j['runs'][0]['results'] if r['level']=='error'))")"
check "sarif: relative uris carry uriBaseId %SRCROOT%, mapped to the working directory" "True file://$NPM/" \
	"$(jget "$TMPD/all.sarif" "all(r['locations'][0]['physicalLocation']['artifactLocation'].get('uriBaseId')=='%SRCROOT%' for r in j['runs'][0]['results'])") $(jget "$TMPD/all.sarif" "__import__('urllib.parse').parse.unquote(j['runs'][0]['originalUriBaseIds']['%SRCROOT%']['uri'])")"
check "sarif: partialFingerprints distinct per result" True \
	"$(jget "$TMPD/all.sarif" "len(set(str(r['partialFingerprints']) for r in j['runs'][0]['results']))==len(j['runs'][0]['results'])")"
