#!/bin/bash
# goabi inspect --format cyclonedx: a CycloneDX 1.6 SBOM, validated against the
# official CycloneDX JSON schema (shipped in the npm package
# @cyclonedx/cyclonedx-library, pinned in testdata/npm-test-data.tsv), with
# its Go module components checked against `go version -m` (purls as syft
# writes them: pkg:golang/PATH@VERSION, the replacement's when replaced by a
# module, the module's own path without version when replaced by a directory,
# no version for "(devel)", and pkg:golang/stdlib@X.Y.Z; the program's own
# purl from its main module), archive members against `ar t`, bom-refs unique.
# Inputs: real programs (npm lefthook and esbuild, Debian's age, runc, jq), a
# program built here with a directory replacement and a Go 1.19 c-archive
# fixture.
. "$(dirname "$0")/../lib.sh"
ORACLE="python3 $TOP/tests/cli/sbom_oracle.py"
DEB="${GOABI_CACHE:-$HOME/.cache/goabi}/deb"
if cdx_schema; then # tests/lib.sh: CDX_SPEC, CDX_SCHEMA
	ok "CycloneDX schema: $CDX_SPEC fetched, sha256 verified"
else
	notok "CycloneDX schema: $CDX_SPEC could not be fetched or its sha256 differs"
fi
S=$CDX_SCHEMA
inputs=()
for f in "$NPM/lefthook-linux-x64@2.1.17/lefthook" "$NPM/@esbuild_linux-x64@0.25.5/esbuild" \
	"$(ls -d "$DEB"/age_*_amd64 2>/dev/null | head -1)/usr/bin/age" \
	"$(ls -d "$DEB"/runc_*_amd64 2>/dev/null | head -1)/usr/sbin/runc" \
	"$(ls -d "$DEB"/jq_*_amd64 2>/dev/null | head -1)/usr/bin/jq" "$FIX/inspect/go119-c-archive.a"; do
	if [ -f "$f" ]; then inputs+=("$f"); else skip "sbom input $(basename "$f")" "not cached or built here"; fi
done
"$GOABI" inspect --format cyclonedx "${inputs[@]}" > "$TMPD/bom.json" 2> "$TMPD/err"
check "exit 0 on ${#inputs[@]} readable inputs" 0 $?
if [ -f "$S/bom-1.6.SNAPSHOT.schema.json" ]; then
	check "valid against the CycloneDX 1.6 JSON schema" valid "$(cdx_validate "$TMPD/bom.json" | tail -1)"
	# the validator rejects a broken BOM (the check can fail)
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); j["components"][0]["type"]="binary"; json.dump(j, open(sys.argv[2],"w"))' "$TMPD/bom.json" "$TMPD/bad.json"
	check "the schema check rejects a component of type 'binary'" invalid "$(cdx_validate "$TMPD/bad.json" | tail -1)"
else
	skip "CycloneDX schema validation" "schema not fetched"
	skip "CycloneDX schema rejects a bad BOM" "schema not fetched"
fi
case $($ORACLE refs "$TMPD/bom.json") in
unique*) ok "every bom-ref unique ($($ORACLE refs "$TMPD/bom.json"))" ;;
*) notok "bom-refs: $($ORACLE refs "$TMPD/bom.json")" ;;
esac
# each Go program alone: its module components against go version -m
for f in "${inputs[@]}"; do
	case $f in *.a|*/jq) continue ;; esac
	n=$(basename "$f")
	"$GOABI" inspect --format cyclonedx "$f" > "$TMPD/one.json" 2>/dev/null
	cp "$f" "$TMPD/x" && chmod +x "$TMPD/x"
	GOTOOLCHAIN=local "${GO126:-go}" version -m "$TMPD/x" > "$TMPD/gv.txt" 2>&1 || { notok "$n: go version -m cannot read it"; continue; }
	$ORACLE modules "$n" "$TMPD/one.json" "$TMPD/gv.txt"
	$ORACLE mainpurl "$n" "$TMPD/one.json" "$TMPD/gv.txt"
done
# a program built here: a module replaced by a directory (the module's path,
# no version: as syft writes it), a "(devel)" main module (purl without version)
if [ -n "${GO126:-}" ] && prog=$($ORACLE mkprog "$TMPD/go" "$GO126" 2> "$TMPD/go.log"); then
	"$GOABI" inspect --format cyclonedx "$prog" > "$TMPD/one.json" 2> /dev/null
	GOTOOLCHAIN=local "$GO126" version -m "$prog" > "$TMPD/gv.txt" 2>&1
	$ORACLE modules "replacement program" "$TMPD/one.json" "$TMPD/gv.txt"
	$ORACLE mainpurl "replacement program" "$TMPD/one.json" "$TMPD/gv.txt"
	check "replacement program: the replaced module names its directory ($(grep -P '^\t=>' "$TMPD/gv.txt" | cut -f3) in go version -m)" \
		"$(grep -P '^\t=>' "$TMPD/gv.txt" | cut -f3)" \
		"$(jget "$TMPD/one.json" "' '.join(p['value'] for c in j['components'][0]['components'] for p in c.get('properties',[]) if p['name']=='goabi:go.module.replaced_by')")"
else
	for i in 1 2 3 4; do skip "replacement program check $i" "no Go 1.26.8 or its build failed: $(tail -1 "$TMPD/go.log" 2> /dev/null)"; done
fi
# an archive: its members nested under it, as ar t lists them
a=$FIX/inspect/go119-c-archive.a
if [ -f "$a" ]; then
	"$GOABI" inspect --format cyclonedx "$a" > "$TMPD/ar.json" 2>/dev/null
	got=$(jget "$TMPD/ar.json" "' '.join(sorted(p['value'] for c in j['components'][0].get('components', []) for p in c.get('properties', []) if p['name']=='goabi:member'))")
	check "c-archive: members nested as components (oracle: ar t)" "$(ar t "$a" | sort | tr '\n' ' ' | sed 's/ $//')" "$got"
else
	skip "c-archive members" "fixture missing"
fi
