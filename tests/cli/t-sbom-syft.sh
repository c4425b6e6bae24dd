#!/bin/bash
# goabi's CycloneDX merged with syft's (issue 24): for the same inputs, goabi's
# BOM (inspect, image --format cyclonedx) and syft's (`syft scan SOURCE -o
# cyclonedx-json`, syft v1.57.2 built from the Go module proxy by
# tests/syft.sh) are merged by `sbom_oracle.py merge` (docs/sbom.md: goabi's
# tree is the skeleton, syft's components go under the binary they were found
# in, matched by purl) and checked:
#  - every Go module purl syft reports for a binary is one goabi reports for
#    the same binary, and the binary's main-module purl is the one `go version
#    -m` gives (mod line, or the path line when there is none; no version for
#    "(devel)": syft's inferred version is kept apart, goabi:merge.syft.purl);
#  - the merged BOM validates against the official CycloneDX 1.6 schema, has
#    no duplicate component (the same purl twice under one parent, or twice
#    for one file at the top level), and its dependency refs resolve;
#  - every syft component lands in goabi's tree (none left over at the top).
# Inputs: single files (npm esbuild and lefthook, Debian age and runc, a
# program built here with a directory replacement, a "(devel)" main module
# and -X main.version), a root directory (image fixture + those programs and
# jq), the fixtures' docker-archive image (mkimage.py) and the npm cache
# directory (inspect -r: ELF, Mach-O, PE).
# syft is slow to build (minutes): make check never builds it; without the
# cached binary every check here is a counted skip.
. "$(dirname "$0")/../lib.sh"
ORACLE="python3 $TOP/tests/cli/sbom_oracle.py"
DEB="${GOABI_CACHE:-$HOME/.cache/goabi}/deb"
GOV=${GO126:-}
SYFT=$(bash "$TOP/tests/syft.sh" 2> "$TMPD/syft.why")
if [ -z "$SYFT" ]; then
	for g in "single files" "root directory" "docker-archive image" "npm directory"; do
		skip "syft merge: $g" "$(head -1 "$TMPD/syft.why")"
	done
	exit 0
fi
export SYFT_CHECK_FOR_APP_UPDATE=false
if ! cdx_schema; then # tests/lib.sh
	notok "CycloneDX schema $CDX_SPEC not fetched: the merged BOMs cannot be validated"
fi
# label NAME: "ok - X" -> "ok - NAME: X"
label() {
	local l
	while IFS= read -r l; do
		case $l in
		"ok - "*) echo "ok - $1: ${l#ok - }" ;;
		"not ok - "*) echo "not ok - $1: ${l#not ok - }" ;;
		*) echo "$l" ;;
		esac
	done
}
# merged LABEL GOABI_BOM SYFT_BOM ROOT: merge, then the checks on the result
merged() {
	local st
	st=$($ORACLE merge "$2" "$3" "$4" "$TMPD/merged.json")
	check "$1: merged BOM valid against the CycloneDX 1.6 JSON schema" valid "$(cdx_validate "$TMPD/merged.json" | tail -1)"
	case $($ORACLE dups "$TMPD/merged.json") in
	none*) ok "$1: no duplicate component in the merged BOM ($($ORACLE dups "$TMPD/merged.json"))" ;;
	*) notok "$1: $($ORACLE dups "$TMPD/merged.json")" ;;
	esac
	case $($ORACLE refs "$TMPD/merged.json")/$($ORACLE deprefs "$TMPD/merged.json") in
	unique*/resolved*) ok "$1: bom-refs unique, dependency refs resolve" ;;
	*) notok "$1: $($ORACLE refs "$TMPD/merged.json") / $($ORACLE deprefs "$TMPD/merged.json")" ;;
	esac
	check "$1: every syft component placed in goabi's tree, no syft-only Go module ($st)" "0 []" \
		"$(python3 -c 'import json,sys; s=json.loads(sys.argv[1]); print(s["top_new"], s["syft_only_go"])' "$st")"
}
if [ -z "$GOV" ]; then
	skip "syft merge" "no Go >= 1.21 toolchain for go version -m (tests/toolchains.sh)"
	exit 0
fi

# ---- single files: inspect FILE vs syft file:FILE
# a program with a directory replacement, a (devel) main module and a version in -ldflags
$ORACLE mkprog "$TMPD/go" "$GOV" > /dev/null 2> "$TMPD/go.log" || notok "build of the replacement program failed: $(tail -2 "$TMPD/go.log")"
files=()
for f in "$TMPD/go/prog" "$NPM/@esbuild_linux-x64@0.25.5/esbuild" "$NPM/lefthook-linux-x64@2.1.17/lefthook" \
	"$(ls -d "$DEB"/age_*_amd64 2> /dev/null | head -1)/usr/bin/age" "$(ls -d "$DEB"/runc_*_amd64 2> /dev/null | head -1)/usr/sbin/runc"; do
	if [ -f "$f" ]; then files+=("$f"); else skip "syft merge of $(basename "$f")" "not cached or built here"; fi
done
for f in "${files[@]}"; do
	n=$(basename "$(dirname "$f")")/$(basename "$f")
	"$GOABI" inspect --format cyclonedx "$f" > "$TMPD/g.json" 2> /dev/null
	"$SYFT" scan "file:$f" -o cyclonedx-json -q > "$TMPD/s.json" 2> "$TMPD/s.err" || { notok "$n: syft failed: $(head -2 "$TMPD/s.err")"; continue; }
	$ORACLE syftgo "$TMPD/g.json" "$TMPD/s.json" "$(dirname "$f")" "$GOV" | label "$n"
	merged "$n" "$TMPD/g.json" "$TMPD/s.json" "$(dirname "$f")"
done
# ---- a root directory: image ROOT vs syft dir:ROOT
R=$TMPD/root
mkdir -p "$R/usr/bin" "$R/usr/sbin"
cp -a "$FIX/image/glibc/." "$R/" 2> /dev/null
for f in "${files[@]}"; do case $f in */runc) cp "$f" "$R/usr/sbin/" ;; */prog) ;; *) cp "$f" "$R/usr/bin/" ;; esac; done
jq=$(ls -d "$DEB"/jq_*_amd64 2> /dev/null | head -1)/usr/bin/jq
[ -f "$jq" ] && cp "$jq" "$R/usr/bin/"
"$GOABI" image --format cyclonedx "$R" > "$TMPD/g.json" 2> /dev/null
"$SYFT" scan "dir:$R" -o cyclonedx-json -q > "$TMPD/s.json" 2> "$TMPD/s.err" || notok "root: syft failed: $(head -2 "$TMPD/s.err")"
$ORACLE syftgo "$TMPD/g.json" "$TMPD/s.json" "$R" "$GOV" | label root
merged "root directory" "$TMPD/g.json" "$TMPD/s.json" ""

# ---- the fixtures' docker-archive image: image TAR vs syft docker-archive:TAR
if python3 "$TOP/tests/fixtures/src/image/mkimage.py" "$FIX/image" "$TMPD/img" > /dev/null 2>&1 && [ -f "$TMPD/img/docker.tar" ]; then
	"$GOABI" image --format cyclonedx "$TMPD/img/docker.tar" > "$TMPD/g.json" 2> /dev/null
	"$SYFT" scan "docker-archive:$TMPD/img/docker.tar" -o cyclonedx-json -q > "$TMPD/s.json" 2> "$TMPD/s.err" ||
		notok "docker-archive: syft failed: $(head -2 "$TMPD/s.err")"
	# go version -m reads the binary from the image's last layer holding it: umoci-free, tar
	mkdir -p "$TMPD/img/root" && python3 - "$TMPD/img/docker.tar" "$TMPD/img/root" <<'PY'
import io, json, os, sys, tarfile
# apply the docker-save layers in order (whiteouts do not matter for the Go binaries read here)
t = tarfile.open(sys.argv[1])
m = json.load(t.extractfile("manifest.json"))[0]
for l in m["Layers"]:
    lt = tarfile.open(fileobj=io.BytesIO(t.extractfile(l).read()))
    for e in lt.getmembers():
        if e.isfile() and not os.path.basename(e.name).startswith(".wh."):
            p = os.path.join(sys.argv[2], e.name.lstrip("./"))
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as f:
                f.write(lt.extractfile(e).read())
PY
	$ORACLE syftgo "$TMPD/g.json" "$TMPD/s.json" "$TMPD/img/root" "$GOV" | label docker-archive
	merged "docker-archive image" "$TMPD/g.json" "$TMPD/s.json" ""
else
	skip "syft merge: docker-archive image" "mkimage.py could not build it from $FIX/image"
fi

# ---- the npm cache directory: inspect -r DIR vs syft dir:DIR
if [ -d "$NPM" ]; then
	"$GOABI" inspect -r --format cyclonedx "$NPM" > "$TMPD/g.json" 2> /dev/null
	"$SYFT" scan "dir:$NPM" -o cyclonedx-json -q > "$TMPD/s.json" 2> "$TMPD/s.err" || notok "npm: syft failed: $(head -2 "$TMPD/s.err")"
	$ORACLE syftgo "$TMPD/g.json" "$TMPD/s.json" "$NPM" "$GOV" | label npm
	merged "npm directory" "$TMPD/g.json" "$TMPD/s.json" "$NPM"
else
	skip "syft merge: npm directory" "no npm cache ($NPM)"
fi
