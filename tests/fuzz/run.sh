#!/bin/bash
# The libFuzzer targets (tests/fuzz/fuzz_*.c, clang-14 with
# -fsanitize=fuzzer,address,undefined; `make fuzz-build`), in two modes:
#
#   run.sh replay     (make check) deterministic: no mutation, no random
#                     seed. Every target runs once over each of its inputs:
#                     tests/fuzz/regress/<target>/ and testdata/malformed/
#                     fuzz_<target>/ (committed reproducers), every file of
#                     the shared regression corpus (../shared/corpus/regress,
#                     SHARED_REGRESS) through every target, whole files of
#                     testdata/malformed/files/ through inspect, and the seeds
#                     that seeds.py writes from the fixtures, npm binaries and
#                     corpora (build-fuzz/seeds/<target>/).
#   run.sh campaign   (make fuzz) the same replay, then FUZZ_SECONDS (default
#                     60) of random fuzzing per target, FUZZ_JOBS targets at a
#                     time (default 1), from the seeds and the corpus kept in
#                     build-fuzz/corpus/<target>/. FUZZ_SEED fixes libFuzzer's
#                     -seed (default: random, printed). Appends one line per
#                     target to build-fuzz/campaigns.tsv.
#
# Prints "ok - ..." / "not ok - ..." lines. A crash, leak, timeout (-timeout
# 10 s per input) or RSS over 1 GiB is a failure; a campaign's reproducer is
# copied to build-fuzz/crashes/<target>/ and must be committed as
# tests/fuzz/regress/<target>/<name> with the fix that makes it pass.
#   FUZZ_TARGETS   space-separated subset of target names (default: all)
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP"
MODE=${1:-replay}
case $MODE in replay|campaign) ;; *) echo "usage: $0 [replay|campaign]" >&2; exit 2 ;; esac
SECS=${FUZZ_SECONDS:-60}
[ "$MODE" = replay ] && SECS=0
JOBS=${FUZZ_JOBS:-1}
FB=$TOP/build-fuzz
SHARED_REGRESS=${SHARED_REGRESS:-$TOP/../shared/corpus/regress}
CC_FUZZ=${FUZZ_CC:-clang-14}
if ! command -v "$CC_FUZZ" >/dev/null 2>&1; then
	echo "skip - fuzz: targets built and run: $CC_FUZZ not installed (scripts/install-deps.sh test)"
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
# regression files; rebuilt when missing or when seeds.py changed
FIXD=${FIX:-$TOP/build/fixtures}
NPMD=${NPM:-${GOABI_CACHE:-$HOME/.cache/goabi}/npm}
if [ ! -d "$FB/seeds/inspect" ] || [ tests/fuzz/seeds.py -nt "$FB/seeds/inspect" ]; then
	rm -rf "$FB/seeds"
	if ! python3 tests/fuzz/seeds.py "$FB/seeds" "$FIXD" "$NPMD" "$TOP/../shared/corpus/elfutils-tests" \
		/usr/lib/go-1.19/src/debug/elf/testdata /usr/lib/go-1.19/src/debug/gosym/testdata \
		testdata/malformed/files > "$FB/seeds.log" 2>&1; then
		echo "not ok - fuzz: seeds.py failed: $(tail -1 "$FB/seeds.log")"
	fi
fi
echo "# seeds: $(tail -1 "$FB/seeds.log" 2>/dev/null)"

export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
FLAGS=(-rss_limit_mb=1024 -malloc_limit_mb=1024 -timeout=10)

targets=()
for bin in "$FB"/fuzz_*; do
	t=$(basename "$bin")
	t=${t#fuzz_}
	if [ -n "${FUZZ_TARGETS:-}" ] && ! [[ " $FUZZ_TARGETS " == *" $t "* ]]; then
		continue
	fi
	targets+=("$t")
done

# first_error LOG: the sanitizer or libFuzzer line that says what went wrong
first_error() {
	grep -m1 -E 'ERROR:|runtime error|ALARM|out-of-memory|SUMMARY' "$1" | cut -c1-160
}

# 1. replay: committed reproducers one file at a time (so a failure names
# the input), then the seed directory with -runs=0 (each input executed
# once, nothing mutated)
replay() { # TARGET
	local t=$1 bin=$FB/fuzz_$1 reg=() f log=$FB/replay-$1.log
	for f in tests/fuzz/regress/"$t"/* testdata/malformed/fuzz_"$t"/* "$SHARED_REGRESS"/*; do
		[ -f "$f" ] && reg+=("$f")
	done
	if [ "$t" = inspect ]; then
		for f in testdata/malformed/files/*; do
			[ -f "$f" ] && [ "${f##*/}" != cases.tsv ] && reg+=("$f")
		done
	fi
	if [ ${#reg[@]} -gt 0 ]; then
		if "$bin" "${FLAGS[@]}" "${reg[@]}" > "$log" 2>&1; then
			echo "ok - fuzz_$t: replayed ${#reg[@]} regression inputs"
		else
			echo "not ok - fuzz_$t: a regression input fails: $(grep 'Running:' "$log" | tail -1 | sed "s|$TOP/||"): $(first_error "$log")"
		fi
	fi
	local seeds=$FB/seeds/$t n
	n=$(find "$seeds" -type f 2>/dev/null | wc -l)
	if [ "$n" -eq 0 ]; then
		echo "not ok - fuzz_$t: no seeds in ${seeds#$TOP/} (seeds.py: $(tail -1 "$FB/seeds.log" 2>/dev/null))"
		return
	fi
	log=$FB/replay-seeds-$t.log
	local s=$(date +%s)
	# -max_len above the largest seed: nothing is cut
	if "$bin" "${FLAGS[@]}" -runs=0 -max_len=67108864 -artifact_prefix="$FB/replay-crash-$t-" "$seeds" > "$log" 2>&1; then
		echo "ok - fuzz_$t: replayed $n seeds in $(($(date +%s) - s))s: no crash, leak, timeout or OOM"
	else
		echo "not ok - fuzz_$t: a seed fails: $(first_error "$log") (input $(grep -oE "$FB/replay-crash-$t-[^ ]+" "$log" | tail -1 | sed "s|$TOP/||"), log ${log#$TOP/})"
	fi
}

# 2. campaign: SECS seconds of random fuzzing; new inputs go to
# build-fuzz/corpus/<t>
campaign() { # TARGET
	local t=$1 bin=$FB/fuzz_$1 log=$FB/fuzz-$1.log maxlen seed rc s secs execs cov units art
	mkdir -p "$FB/corpus/$t" "$FB/seeds/$t"
	# whole files need room for Go binaries; the narrow targets stay small and fast
	case $t in inspect|pclntab) maxlen=1048576 ;; symtab) maxlen=131072 ;; *) maxlen=65536 ;; esac
	seed=${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
	s=$(date +%s)
	"$bin" "${FLAGS[@]}" -seed="$seed" -max_total_time="$SECS" -max_len=$maxlen -print_final_stats=1 \
		-artifact_prefix="$FB/crash-$t-" "$FB/corpus/$t" "$FB/seeds/$t" > "$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - s))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
	units=$(ls "$FB/corpus/$t" | wc -l)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$seed" "$secs" "${execs:-0}" "${cov#cov: }" "$units" "$rc" >> "$FB/campaigns.tsv"
	if [ $rc -eq 0 ]; then
		echo "ok - fuzz_$t: ${secs}s (-seed=$seed), ${execs:-0} executions, ${cov:-cov: ?} edges, corpus $units inputs: no crash, leak, timeout or OOM"
	else
		art=$(grep -oE "$FB/crash-$t-[^ ]+" "$log" | tail -1)
		if [ -n "$art" ] && [ -f "$art" ]; then
			mkdir -p "$FB/crashes/$t"
			cp "$art" "$FB/crashes/$t/"
		fi
		echo "not ok - fuzz_$t: $(first_error "$log") after ${execs:-?} executions (-seed=$seed; reproducer ${art#$TOP/}: commit it as tests/fuzz/regress/$t/<name> with the fix; log ${log#$TOP/})"
	fi
}

for t in "${targets[@]}"; do
	replay "$t"
done
[ "$SECS" -gt 0 ] || exit 0

: > "$FB/campaign.out"
running=0
for t in "${targets[@]}"; do
	campaign "$t" >> "$FB/campaign.out" &
	running=$((running + 1))
	if [ $running -ge "$JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait
cat "$FB/campaign.out"
total=$(grep -oE '^ok - fuzz_[a-z]+: [0-9]+s \(-seed=[0-9]+\), [0-9]+ executions' "$FB/campaign.out" | grep -oE '[0-9]+ executions' | awk '{s += $1} END {print s + 0}')
echo "# fuzz campaign: $total executions in total over ${#targets[@]} targets, ${SECS}s each, $JOBS at a time (crashed targets not counted; build-fuzz/campaigns.tsv)"
