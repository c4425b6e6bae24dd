#!/bin/bash
# Runs every test: unit tests, CLI tests against oracles, a deterministic
# replay of the fuzz seeds and regression inputs through every fuzz target.
# Prints each result and ends with "N passed, N failed, N skipped".
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
BUILD=${BUILD:-build}
export TOP BUILD
export GOABI="$TOP/$BUILD/goabi"
# fixtures do not depend on SANITIZE: the sanitizer run reuses build/fixtures
export FIX="${FIX:-$TOP/build/fixtures}"
export NPM="${GOABI_CACHE:-$HOME/.cache/goabi}/npm"
. "$TOP/tests/toolchains.sh"
# python3 behind a version manager's shim (pyenv: a shell script that picks
# the interpreter on every call, ~0.4 s each) costs minutes over the
# thousands of oracle calls: call the interpreter it picks directly
if py=$(command -v python3) && case $py in */shims/*) true ;; *) false ;; esac; then
	real=$(python3 -c 'import sys; print(sys.executable)' 2> /dev/null)
	if [ -x "$real" ]; then
		mkdir -p "$TOP/$BUILD/pybin" && ln -sf "$real" "$TOP/$BUILD/pybin/python3" && ln -sf "$real" "$TOP/$BUILD/pybin/python"
		export PATH="$TOP/$BUILD/pybin:$PATH"
	fi
fi
pass=0 fail=0 skipped=0
tally() { # reads "ok - ..." / "not ok - ..." / "skip - ..." lines
	local line
	while IFS= read -r line; do
		case $line in
		"ok - "*) pass=$((pass + 1)); echo "  $line" ;;
		"not ok - "*) fail=$((fail + 1)); echo "  $line" ;;
		"skip - "*) skipped=$((skipped + 1)); echo "  $line" ;;
		*) echo "    $line" ;;
		esac
	done
}
# judge NAME RC OUTPUT: tally a script's lines, then fail the script when it
# exited non-zero, printed a Python traceback or a sanitizer report, printed
# no result, or printed another number of results than its "plan N" says
judge() {
	local name=$1 rc=$2 out=$3 n planned
	tally <<< "$out"
	n=$(grep -cE '^(ok|not ok|skip) - ' <<< "$out")
	planned=$(sed -n 's/^plan \([0-9][0-9]*\)$/\1/p' <<< "$out" | tail -1)
	if [ "$rc" -ne 0 ]; then tally <<< "not ok - $name exited $rc"; fi
	if grep -q '^Traceback (most recent call last):' <<< "$out"; then
		tally <<< "not ok - $name printed a Python traceback: $(grep -A30 '^Traceback' <<< "$out" | grep -m1 -E '^[A-Za-z]*(Error|Exception)' | cut -c1-160)"
	fi
	if grep -vE '^(ok|not ok|skip) - ' <<< "$out" | grep -qE 'SUMMARY: [A-Za-z]+Sanitizer|runtime error: '; then
		tally <<< "not ok - $name printed a sanitizer report: $(grep -m1 -E 'SUMMARY: [A-Za-z]+Sanitizer|runtime error: ' <<< "$out" | cut -c1-160)"
	fi
	if [ "$n" -eq 0 ]; then
		tally <<< "not ok - $name printed no result line"
	elif [ -n "$planned" ] && [ "$n" -ne "$planned" ]; then
		tally <<< "not ok - $name printed $n results, its plan says $planned"
	fi
}

T0=$SECONDS
echo "== fixtures"
# the npm download overlaps the fixture builds
tests/fetch-npm.sh "$NPM" > "$TOP/$BUILD/npm.log" 2>&1 &
npm_pid=$!
if tests/fixtures/build.sh "$FIX" > "$TOP/$BUILD/fixtures.log" 2>&1; then
	tally <<< "ok - fixtures built"
else
	tally <<< "not ok - fixtures build failed (see $BUILD/fixtures.log)"
	tail -20 "$TOP/$BUILD/fixtures.log"
fi
echo "    fixtures: $((SECONDS - T0)) s"
if wait "$npm_pid"; then
	tally <<< "ok - npm Go binaries fetched and verified by sha256"
else
	tally <<< "not ok - npm fetch failed (see $BUILD/npm.log)"
	tail -20 "$TOP/$BUILD/npm.log"
fi

echo "== unit"
for t in "$BUILD"/tests/unit/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1); rc=$?
	judge "$(basename "$t")" $rc "$out"
done

echo "== cli"
# TEST_JOBS scripts (default 2) run at a time, each in its own temp dir with
# its output kept; results are judged in name order, as if run one by one
jobs=${TEST_JOBS:-2}
res=$(mktemp -d)
scripts=()
for t in ${TESTS:-tests/cli/t-*.sh}; do # TESTS: a subset, e.g. 'tests/cli/t-hostile-*.sh'
	case $t in tests/cli/t-*.sh) ;; *) continue ;; esac
	[ -f "$t" ] || continue
	k=${#scripts[@]}
	scripts+=("$t")
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
	(
		tmp=$(mktemp -d)
		t0=$SECONDS
		TMPD=$tmp timeout 600 bash "$t" > "$res/$k.out" 2>&1
		echo $? > "$res/$k.rc"
		echo $((SECONDS - t0)) > "$res/$k.time"
		rm -rf "$tmp"
	) &
done
wait
for k in "${!scripts[@]}"; do
	echo "-- ${scripts[$k]} ($(cat "$res/$k.time" 2>/dev/null || echo ?) s)"
	judge "${scripts[$k]}" "$(cat "$res/$k.rc" 2>/dev/null || echo 1)" "$(cat "$res/$k.out" 2>/dev/null)"
done
# the slowest scripts, to keep make check within its time budget
echo "-- slowest: $(for k in "${!scripts[@]}"; do echo "$(cat "$res/$k.time" 2>/dev/null || echo 0) ${scripts[$k]#tests/cli/}"; done | sort -rn | head -8 | awk '{printf "%s %ss, ", $2, $1}')"
rm -rf "$res"

if [ -x tests/fuzz/run.sh ] && [ "${FUZZ_REPLAY:-1}" != 0 ]; then
	# no random fuzzing here (make fuzz runs the campaigns): every target
	# runs once over each seed and regression input, the same way each time
	echo "== fuzz (replay)"
	out=$(tests/fuzz/run.sh replay 2>&1); rc=$?
	judge tests/fuzz/run.sh $rc "$out"
fi

echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
