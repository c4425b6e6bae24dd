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
