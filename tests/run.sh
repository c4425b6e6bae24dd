#!/bin/bash
# Runs every test: unit tests, CLI tests against oracles, brief fuzzing.
# Prints each result and ends with "N passed, N failed".
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
BUILD=${BUILD:-build}
export TOP BUILD
export GOABI="$TOP/$BUILD/goabi"
# fixtures do not depend on SANITIZE: the sanitizer run reuses build/fixtures
export FIX="${FIX:-$TOP/build/fixtures}"
export NPM="${GOABI_CACHE:-$HOME/.cache/goabi}/npm"
pass=0 fail=0
tally() { # reads "ok - ..." / "not ok - ..." lines
	local line
	while IFS= read -r line; do
		case $line in
		"ok - "*) pass=$((pass + 1)); echo "  $line" ;;
		"not ok - "*) fail=$((fail + 1)); echo "  $line" ;;
		*) echo "    $line" ;;
		esac
	done
}

echo "== fixtures"
if tests/fixtures/build.sh "$FIX" > "$TOP/$BUILD/fixtures.log" 2>&1; then
	tally <<< "ok - fixtures built"
else
	tally <<< "not ok - fixtures build failed (see $BUILD/fixtures.log)"
	tail -20 "$TOP/$BUILD/fixtures.log"
fi
if tests/fetch-npm.sh "$NPM" > "$TOP/$BUILD/npm.log" 2>&1; then
	tally <<< "ok - npm Go binaries fetched and verified by sha256"
else
	tally <<< "not ok - npm fetch failed (see $BUILD/npm.log)"
	tail -20 "$TOP/$BUILD/npm.log"
fi

echo "== unit"
for t in "$BUILD"/tests/unit/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1); rc=$?
	tally <<< "$out"
	[ $rc -eq 0 ] || tally <<< "not ok - $(basename "$t") exited $rc"
done

echo "== cli"
for t in ${TESTS:-tests/cli/t-*.sh}; do # TESTS: a subset, e.g. 'tests/cli/t-hostile-*.sh'
	case $t in tests/cli/t-*.sh) ;; *) continue ;; esac
	[ -f "$t" ] || continue
	echo "-- $t"
	tmp=$(mktemp -d)
	out=$(TMPD=$tmp timeout 600 bash "$t" 2>&1); rc=$?
	rm -rf "$tmp"
	tally <<< "$out"
	if [ $rc -ne 0 ]; then tally <<< "not ok - $t exited $rc"; fi
done

if [ -x tests/fuzz/run.sh ]; then
	echo "== fuzz (brief)"
	tally < <(FUZZ_SECONDS=${FUZZ_SECONDS:-10} tests/fuzz/run.sh 2>&1)
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
