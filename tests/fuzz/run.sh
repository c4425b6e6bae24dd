#!/bin/bash
# Build the libFuzzer targets (tests/fuzz/fuzz_*.c, clang-14 with
# -fsanitize=fuzzer,address,undefined; `make fuzz-build`), replay the
# regression inputs under testdata/malformed/, then fuzz each target for
# FUZZ_SECONDS (default 10) from seeds made at run time by seeds.py.
# Prints "ok - ..." / "not ok - ..." lines; a crash, leak, timeout (-timeout
# 10 s per input) or RSS over 1 GiB is a failure, and the reproducer is
# kept under build-fuzz/ (copy it into testdata/malformed/<target>/ with the
# fix that makes it pass).
#   FUZZ_SECONDS   seconds per target (0: build and replay only)
#   FUZZ_TARGETS   space-separated subset of target names (default: all)
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP"
SECS=${FUZZ_SECONDS:-10}
FB=$TOP/build-fuzz
CC_FUZZ=${FUZZ_CC:-clang-14}
if ! command -v "$CC_FUZZ" >/dev/null 2>&1; then
	echo "ok - fuzz: targets built and run # SKIP $CC_FUZZ not installed (scripts/install-deps.sh test)"
	exit 0
fi
mkdir -p "$FB"
if make --no-print-directory -s fuzz-build FUZZ_CC="$CC_FUZZ" > "$FB/build.log" 2>&1; then
	echo "ok - fuzz: $(ls "$FB"/fuzz_* | wc -l) targets built with $CC_FUZZ -fsanitize=fuzzer,address,undefined"
else
	echo "not ok - fuzz: targets do not build (see build-fuzz/build.log)"
	tail -20 "$FB/build.log"
	exit 0
fi

# seeds: fixtures, npm Go binaries, the elfutils corpus, Go's testdata,
# regression files; rebuilt when missing
FIXD=${FIX:-$TOP/build/fixtures}
NPMD=${NPM:-${GOABI_CACHE:-$HOME/.cache/goabi}/npm}
if [ ! -d "$FB/seeds/inspect" ] || [ tests/fuzz/seeds.py -nt "$FB/seeds/inspect" ]; then
	rm -rf "$FB/seeds"
	python3 tests/fuzz/seeds.py "$FB/seeds" "$FIXD" "$NPMD" "$TOP/../shared/corpus/elfutils-tests" \
		/usr/lib/go-1.19/src/debug/elf/testdata /usr/lib/go-1.19/src/debug/gosym/testdata \
		testdata/malformed/files > "$FB/seeds.log" 2>&1 || echo "# seeds.py failed: $(tail -1 "$FB/seeds.log")"
fi
echo "# seeds: $(tail -1 "$FB/seeds.log" 2>/dev/null)"

export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
FLAGS=(-rss_limit_mb=1024 -malloc_limit_mb=1024 -timeout=10)
total_execs=0
for bin in "$FB"/fuzz_*; do
	t=$(basename "$bin")
	t=${t#fuzz_}
	if [ -n "${FUZZ_TARGETS:-}" ] && ! [[ " $FUZZ_TARGETS " == *" $t "* ]]; then
		continue
	fi
	# 1. regression inputs: the target's own, and whole files for inspect
	reg=()
	[ -d "testdata/malformed/fuzz_$t" ] && reg+=(testdata/malformed/fuzz_"$t"/*)
	[ "$t" = inspect ] && [ -d testdata/malformed/files ] && reg+=(testdata/malformed/files/*)
	if [ ${#reg[@]} -gt 0 ]; then
		if "$bin" "${FLAGS[@]}" "${reg[@]}" > "$FB/replay-$t.log" 2>&1; then
			echo "ok - fuzz_$t: replayed ${#reg[@]} regression inputs from testdata/malformed"
		else
			echo "not ok - fuzz_$t: a regression input fails again: $(grep 'Running:' "$FB/replay-$t.log" | tail -1): $(grep -m1 -E 'ERROR|runtime error|ALARM' "$FB/replay-$t.log" | cut -c1-120)"
		fi
	fi
	[ "$SECS" -gt 0 ] || continue
	# 2. fuzz for SECS seconds; new inputs go to build-fuzz/corpus/<t>
	mkdir -p "$FB/corpus/$t" "$FB/seeds/$t"
	log=$FB/fuzz-$t.log
	# whole files need room for Go binaries; the narrow targets stay small and fast
	case $t in inspect|pclntab) maxlen=1048576 ;; symtab) maxlen=131072 ;; *) maxlen=65536 ;; esac
	s=$(date +%s)
	"$bin" "${FLAGS[@]}" -max_total_time="$SECS" -max_len=$maxlen -print_final_stats=1 \
		-artifact_prefix="$FB/crash-$t-" "$FB/corpus/$t" "$FB/seeds/$t" > "$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - s))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
	units=$(ls "$FB/corpus/$t" | wc -l)
	if [ $rc -eq 0 ]; then
		echo "ok - fuzz_$t: ${secs}s, ${execs:-0} executions, ${cov:-cov: ?} edges, corpus $units inputs: no crash, leak, timeout or OOM"
		total_execs=$((total_execs + ${execs:-0}))
	else
		art=$(grep -oE "$FB/crash-$t-[^ ]+" "$log" | tail -1)
		echo "not ok - fuzz_$t: $(grep -m1 -E 'ERROR:|runtime error|ALARM|out-of-memory' "$log" | cut -c1-160) (reproducer ${art#$TOP/}, log ${log#$TOP/})"
	fi
done
echo "# fuzz: $total_execs executions in total"
