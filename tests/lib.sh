# Shared helpers for tests/cli/t-*.sh. Each test script prints one line per
# assertion: "ok - what", "not ok - what: why" or "skip - what: why".
# tests/run.sh counts them, and turns a script into a failure when it exits
# non-zero, prints a Python traceback, prints no result at all, or prints
# another number of results than its "plan N" line declares.
# Environment from run.sh: GOABI (the binary), FIX (fixtures dir), NPM (npm
# binaries dir), TOP (project root), TMPD (a private temp dir for this script).
set -u
: "${TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILD:=build}"
: "${GOABI:=$TOP/$BUILD/goabi}"
: "${FIX:=$TOP/$BUILD/fixtures}"
: "${NPM:=${GOABI_CACHE:-$HOME/.cache/goabi}/npm}"
: "${TMPD:=$(mktemp -d)}"
export PATH="/usr/lib/go-1.19/bin:$PATH"
. "$TOP/tests/toolchains.sh"

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }
# check DESC EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else notok "$1: expected '$2', got '$3'"; fi
}
# check_cmd DESC CMD...: passes when CMD exits 0
check_cmd() {
	local d=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$d"; else notok "$d: command failed: $*"; fi
}
# jq-free JSON access: jget FILE PYTHON-EXPR (j = parsed JSON)
jget() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
# skip DESC REASON: a check that did not run, counted apart ("N skipped"),
# never as passed
skip() { echo "skip - $1: $2"; }
# plan N: this script prints exactly N result lines (ok / not ok / skip);
# tests/run.sh fails a script that declares a plan and prints another count
plan() { echo "plan $1"; }

# ---- SARIF 2.1.0: logs against the published schema
# (testdata/sarif-2.1.0-schema.json) with python's jsonschema.
# sarif_python: the first python3 that has jsonschema (candidates: $SARIF_PY,
# else python3 and /usr/bin/python3); nothing, status 1, when none has it.
sarif_python() {
	local p
	for p in ${SARIF_PY:-python3 /usr/bin/python3}; do
		if "$p" -c 'import jsonschema' 2> /dev/null; then echo "$p"; return 0; fi
	done
	return 1
}
# sarif_validate FILE: up to 5 schema errors (path, message), then "valid" or
# "invalid"; "no-validator" when no python3 has jsonschema
sarif_validate() {
	[ -n "${_SARIF_PYTHON+x}" ] || _SARIF_PYTHON=$(sarif_python)
	[ -n "$_SARIF_PYTHON" ] || { echo no-validator; return 1; }
	"$_SARIF_PYTHON" - "$TOP/testdata/sarif-2.1.0-schema.json" "$1" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
errs = sorted(cls(schema).iter_errors(log), key=lambda e: list(e.path))
for e in errs[:5]:
    print('/'.join(map(str, e.path)), e.message[:200])
print('valid' if not errs else 'invalid')
PY
}

# ---- CycloneDX 1.6: the official JSON schema, from the npm package
# @cyclonedx/cyclonedx-library pinned by sha256 in testdata/npm-test-data.tsv,
# fetched once with npm pack into the goabi cache.
# cdx_schema: sets CDX_SPEC (the package@version) and CDX_SCHEMA (the schema
# directory); status 0 when the schema is there (fetched now or before) and
# its tarball's sha256 is the pinned one, 1 otherwise.
cdx_schema() {
	local cache=${GOABI_CACHE:-$HOME/.cache/goabi}/npm-data sha _
	read -r CDX_SPEC sha _ < <(grep -v '^#' "$TOP/testdata/npm-test-data.tsv" | grep '^@cyclonedx/cyclonedx-library@')
	CDX_SCHEMA=$cache/cyclonedx/package/res/schema
	local tgz=$cache/cyclonedx.tgz
	mkdir -p "$cache/cyclonedx"
	if ! { [ -f "$tgz" ] && echo "$sha  $tgz" | sha256sum -c --status; }; then
		rm -rf "$TMPD/np" && mkdir -p "$TMPD/np"
		(cd "$TMPD/np" && npm pack --silent "$CDX_SPEC" > /dev/null 2>&1) && mv "$TMPD"/np/*.tgz "$tgz" 2> /dev/null
		rm -rf "$cache/cyclonedx/package"
	fi
	if [ -f "$tgz" ] && echo "$sha  $tgz" | sha256sum -c --status; then
		[ -f "$CDX_SCHEMA/bom-1.6.SNAPSHOT.schema.json" ] || tar -xzf "$tgz" -C "$cache/cyclonedx" package/res/schema
	fi
	[ -f "$CDX_SCHEMA/bom-1.6.SNAPSHOT.schema.json" ] && [ -f "$tgz" ] && echo "$sha  $tgz" | sha256sum -c --status
}
# cdx_validate BOM: up to 5 schema errors, then "valid" or "invalid" (call
# cdx_schema first)
cdx_validate() {
	python3 "$TOP/tests/cli/sbom_oracle.py" validate "$CDX_SCHEMA" "$1"
}
