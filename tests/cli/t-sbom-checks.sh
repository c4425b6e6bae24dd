#!/bin/bash
# goabi image / audit --format cyclonedx: CycloneDX 1.6 BOMs of a check's
# result, validated against the official CycloneDX 1.6 JSON schema (the npm
# package @cyclonedx/cyclonedx-library, as t-sbom.sh); module purls of each Go
# program against `go version -m` of the same file (purls as syft writes
# them); the components against the ELF files the input holds (found by
# their magic bytes: find + head -c4), the glibc floor property against
# readelf -V, audit's verdict and finding against the rule and readelf -V.
# Inputs: real Debian programs (age, runc: Go; jq: C) and npm's lefthook (a
# static Go program with 50 modules) in a root directory (image) and as
# files, and a Debian .deb (audit).
. "$(dirname "$0")/../lib.sh"
ORACLE="python3 $TOP/tests/cli/sbom_oracle.py"
DEB="${GOABI_CACHE:-$HOME/.cache/goabi}/deb"
cdx_schema # tests/lib.sh: CDX_SPEC, CDX_SCHEMA (t-sbom.sh checks the fetch)
S=$CDX_SCHEMA
spec=$CDX_SPEC
validate() { # DESC BOM
	if [ -f "$S/bom-1.6.SNAPSHOT.schema.json" ]; then
		check "$1: valid against the CycloneDX 1.6 JSON schema" valid "$(cdx_validate "$2" | tail -1)"
	else
		skip "$1: CycloneDX schema validation" "schema $spec not fetched"
	fi
	case $($ORACLE refs "$2") in
	unique*) ok "$1: every bom-ref unique ($($ORACLE refs "$2"))" ;;
	*) notok "$1: bom-refs: $($ORACLE refs "$2")" ;;
	esac
}
# go version -m of a file against the module purls of the component named PATH
modules() { # NAME BOM GOABI_PATH FILE
	cp "$4" "$TMPD/x" && chmod +x "$TMPD/x"
	if ! GOTOOLCHAIN=local "${GO126:-go}" version -m "$TMPD/x" > "$TMPD/gv.txt" 2>&1; then
		notok "$1: go version -m cannot read it"; notok "$1: modules"; return
	fi
	$ORACLE pick "$2" "$3" "$TMPD/one.json"
	$ORACLE modules "$1" "$TMPD/one.json" "$TMPD/gv.txt"
}
elfs() { # DIR: the ELF files under it, relative, sorted (magic bytes)
	(cd "$1" && find . -type f | while IFS= read -r f; do
		[ "$(head -c4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] && echo "${f#.}"
	done) | sort
}
age=$(ls -d "$DEB"/age_*_amd64 2>/dev/null | head -1)/usr/bin/age
runc=$(ls -d "$DEB"/runc_*_amd64 2>/dev/null | head -1)/usr/sbin/runc
jq=$(ls -d "$DEB"/jq_*_amd64 2>/dev/null | head -1)/usr/bin/jq
lh=$NPM/lefthook-linux-x64@2.1.17/lefthook
[ -f "$lh" ] || { skip "lefthook (a Go program with modules)" "npm binary not cached"; lh=""; }
if [ ! -f "$age" ] || [ ! -f "$runc" ] || [ ! -f "$jq" ]; then
	skip "image/audit SBOM" "Debian age, runc, jq not cached (tests/fetch-deb.sh)"
	exit 0
fi
# ---- image: a root directory with the three programs and a glibc image's libraries
R=$TMPD/root
mkdir -p "$R/usr/bin" "$R/usr/sbin"
cp -a "$FIX/image/glibc/." "$R/" 2>/dev/null
cp "$age" "$jq" $lh "$R/usr/bin/" && cp "$runc" "$R/usr/sbin/"
"$GOABI" image --format cyclonedx "$R" > "$TMPD/img.json" 2> "$TMPD/img.err"
rc=$?
case $rc in 0|1) ok "image --format cyclonedx: exit $rc (a verdict, not an error)" ;; *) notok "image --format cyclonedx: exit $rc: $(head -2 "$TMPD/img.err")" ;; esac
validate "image BOM" "$TMPD/img.json"
check "image: one component per ELF file of the root (oracle: find + ELF magic, $(elfs "$R" | wc -l) files)" \
	"$(elfs "$R")" "$(jget "$TMPD/img.json" "'\n'.join(sorted(p['value'] for c in j['components'] for p in c['properties'] if p['name']=='goabi:path'))")"
check "image: metadata.component is the image (type container)" "container $R" \
	"$(jget "$TMPD/img.json" "j['metadata']['component']['type']+' '+j['metadata']['component']['name']")"
modules "image /usr/bin/age" "$TMPD/img.json" /usr/bin/age "$age"
modules "image /usr/sbin/runc" "$TMPD/img.json" /usr/sbin/runc "$runc"
[ -n "$lh" ] && modules "image /usr/bin/lefthook" "$TMPD/img.json" /usr/bin/lefthook "$lh"
want=$(readelf -V -W "$jq" | sed -n 's/.*Name: \(GLIBC_[0-9][0-9.]*\) .*/\1/p' | sort -V | tail -1)
check "image: jq's goabi:libc.glibc_floor (oracle: readelf -V)" "$want" "$($ORACLE props "$TMPD/img.json" /usr/bin/jq goabi:libc.glibc_floor)"
check "image: jq's goabi:libc.needed (oracle: readelf -d NEEDED)" \
	"$(readelf -d -W "$jq" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort)" "$($ORACLE props "$TMPD/img.json" /usr/bin/jq goabi:libc.needed | sort)"
v=$($ORACLE props "$TMPD/img.json" /usr/bin/jq goabi:image.verdict)
case $v in "will start"|"may fail"|"will not start") ok "image: jq carries the image's verdict ($v)" ;; *) notok "image: jq's goabi:image.verdict '$v'" ;; esac
# the JSON of the same check: same binaries, no go.modules (SBOM only)
"$GOABI" image --json "$R" > "$TMPD/img-j.json" 2>/dev/null
check "image --json: the same judged binaries, no go.modules property outside the SBOM" \
	"$(jget "$TMPD/img.json" "len(j['components'])") 0" \
	"$(jget "$TMPD/img-j.json" "str(len(j['judged']))+' '+str(sum('go.modules' in x.get('properties',{}) for x in j['judged']))")"
# ---- audit: files and a package
A=()
for f in "$age" "$runc" "$jq" $lh; do cp "$f" "$TMPD/" && A+=("$TMPD/$(basename "$f")"); done
"$GOABI" audit --max-glibc 2.17 --format cyclonedx "${A[@]}" > "$TMPD/aud.json" 2> "$TMPD/aud.err"
check "audit --max-glibc 2.17 --format cyclonedx: exit 1 (readelf -V: jq needs $want > 2.17)" 1 $?
validate "audit BOM" "$TMPD/aud.json"
check "audit: one component per file" "${A[*]}" "$(jget "$TMPD/aud.json" "' '.join(p['value'] for c in j['components'] for p in c['properties'] if p['name']=='goabi:path')")"
for f in "${A[@]}"; do
	n=$(basename "$f")
	fl=$(readelf -V -W "$f" | sed -n 's/.*Name: GLIBC_\([0-9][0-9.]*\) .*/\1/p' | sort -V | tail -1)
	if [ -n "$fl" ] && [ "$(printf '%s\n' "$fl" 2.17 | sort -V | tail -1)" != 2.17 ]; then w="broken yes"; else w="pass no"; fi
	got="$($ORACLE props "$TMPD/aud.json" "$f" goabi:audit.verdict) $($ORACLE props "$TMPD/aud.json" "$f" goabi:finding | grep -q '^audit/max-glibc (error): ' && echo yes || echo no)"
	check "audit: $n verdict and audit/max-glibc finding (readelf -V: GLIBC_$fl vs 2.17)" "$w" "$got"
done
modules "audit age" "$TMPD/aud.json" "$TMPD/age" "$age"
modules "audit runc" "$TMPD/aud.json" "$TMPD/runc" "$runc"
[ -n "$lh" ] && modules "audit lefthook" "$TMPD/aud.json" "$TMPD/lefthook" "$lh"
ev=$($ORACLE props "$TMPD/aud.json" "$TMPD/jq" goabi:libc.glibc_floor:evidence)
case $ev in ?*) ok "audit: the facts keep their evidence ($(cut -c1-80 <<< "$ev"))" ;; *) notok "audit: glibc_floor evidence '$ev'" ;; esac
# a .deb: its binaries as PKG!/path components (oracle: dpkg-deb -x + ELF magic)
d=$(ls "$DEB"/runc_*_amd64.deb 2>/dev/null | head -1)
if [ -f "$d" ]; then
	"$GOABI" audit --max-glibc 2.40 --format cyclonedx "$d" > "$TMPD/deb.json" 2>/dev/null
	check "audit of $(basename "$d") --format cyclonedx: exit 0" 0 $?
	validate "audit .deb BOM" "$TMPD/deb.json"
	mkdir -p "$TMPD/xd" && dpkg-deb -x "$d" "$TMPD/xd"
	check "audit .deb: one component per ELF file inside, named PKG!/path (oracle: dpkg-deb -x)" \
		"$(elfs "$TMPD/xd" | sed "s|^|$d!|")" "$(jget "$TMPD/deb.json" "'\n'.join(sorted(p['value'] for c in j['components'] for p in c['properties'] if p['name']=='goabi:path'))")"
else
	skip "audit .deb SBOM" "runc .deb not cached"
fi
# the schema check can fail: a BOM whose component lacks its name
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); del j["components"][0]["name"]; json.dump(j, open(sys.argv[2],"w"))' "$TMPD/aud.json" "$TMPD/bad.json"
if [ -f "$S/bom-1.6.SNAPSHOT.schema.json" ]; then
	check "the schema check rejects a component without a name" invalid "$(cdx_validate "$TMPD/bad.json" | tail -1)"
else
	skip "the schema check rejects a bad BOM" "schema not fetched"
fi
