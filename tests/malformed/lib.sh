# Helpers for the hostile-input tests (tests/cli/t-hostile-*.sh, t-corpus-*.sh):
# run goabi on one input under a time limit and a memory limit, and judge the
# outcome. Sourced after tests/lib.sh.
#
#   HOSTILE_TIMEOUT  seconds per goabi run (default 20)
#   HOSTILE_MEM_MB   memory limit per run in MiB (default 1024): `ulimit -v` for
#                    a plain build; ASan reserves terabytes of virtual address
#                    space, so a sanitized build gets hard_rss_limit_mb instead
: "${HOSTILE_TIMEOUT:=20}"
: "${HOSTILE_MEM_MB:=1024}"

# True when $GOABI was built with AddressSanitizer (gcc: libasan.so; clang: static).
hostile_sanitized() {
	if [ -z "${HOSTILE_SAN:-}" ]; then
		HOSTILE_SAN=no
		if readelf -d "$GOABI" 2>/dev/null | grep -q 'libasan' ||
		   nm "$GOABI" 2>/dev/null | grep -q '__asan_init'; then
			HOSTILE_SAN=yes
		fi
	fi
	[ "$HOSTILE_SAN" = yes ]
}

if hostile_sanitized; then
	export ASAN_OPTIONS="hard_rss_limit_mb=$HOSTILE_MEM_MB:detect_leaks=1:allocator_may_return_null=1:exitcode=99${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=98${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
fi

# hrun OUT ERR CMD...: run CMD with the limits; sets HRC (exit code) and HMS
# (elapsed milliseconds).
hrun() {
	local out=$1 err=$2 s
	shift 2
	s=$(date +%s%N)
	if hostile_sanitized; then
		timeout -k 5 "$HOSTILE_TIMEOUT" "$@" >"$out" 2>"$err"
	else
		(ulimit -v $((HOSTILE_MEM_MB * 1024)); exec timeout -k 5 "$HOSTILE_TIMEOUT" "$@") >"$out" 2>"$err"
	fi
	HRC=$?
	HMS=$((($(date +%s%N) - s) / 1000000))
}

# hjudge FILE ERR: prints nothing when the run of `goabi inspect FILE` ended
# well (exit 0 with a silent stderr, or exit 2 with one line naming FILE), else
# one line saying what went wrong.
hjudge() {
	local f=$1 err=$2
	if grep -qE 'Sanitizer|runtime error:' "$err"; then
		echo "sanitizer report: $(grep -m1 -E 'ERROR|runtime error' "$err" | cut -c1-200)"
		return
	fi
	case $HRC in
	0)
		if [ -s "$err" ]; then echo "exit 0 but stderr: $(head -c 200 "$err")"; fi ;;
	2)
		local n
		n=$(wc -l < "$err")
		if [ "$n" -ne 1 ]; then
			echo "exit 2 with $n stderr lines (want 1): $(head -c 200 "$err" | tr '\n' '|')"
		elif ! grep -qF "goabi inspect: '$f" "$err"; then
			echo "exit 2 but the message does not name the file: $(head -c 200 "$err")"
		fi ;;
	124|137) echo "timed out after ${HOSTILE_TIMEOUT}s" ;;
	*) echo "exit $HRC: $(head -c 200 "$err" | tr '\n' '|')" ;;
	esac
}

# json_all_valid FILE...: prints the files that are not valid UTF-8 JSON with
# the goabi top-level shape.
json_all_valid() {
	python3 - "$@" <<'PY'
import json, sys
for f in sys.argv[1:]:
    try:
        raw = open(f, 'rb').read()
        j = json.loads(raw.decode('utf-8', 'strict'))
        assert j['tool'] == 'goabi' and isinstance(j['artifacts'], list) and len(j['artifacts']) == 1
    except Exception as e:
        print(f, type(e).__name__, str(e)[:120])
PY
}
