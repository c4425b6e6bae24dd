#!/bin/bash
# Real-world odd ELF files: every file of the elfutils test corpus (336,
# mostly .bz2, decompressed into a temp dir) and Go's debug/elf and
# debug/gosym testdata must be read by `goabi inspect` and `--json` with
# exit 0 or 2 (2: exactly one stderr line naming the file), within a time
# limit, under a memory limit, with no sanitizer report, and --json must be
# valid UTF-8 JSON. Oracle: the exit-code and message contract of
# docs/limits.md, plus readelf -h for the ELF class/machine of each file.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/malformed/lib.sh"

CORPUS=${GOABI_ELFUTILS_CORPUS:-$TOP/../shared/corpus/elfutils-tests}
GOTD=/usr/lib/go-1.19/src/debug

run_set() { # NAME FILE...
	local name=$1 n0=0 n2=0 bad=0 total=0 maxms=0 f why mode
	shift
	: > "$TMPD/list"
	for f in "$@"; do
		local out=$TMPD/out.$total err=$TMPD/err
		for mode in text json; do
			if [ $mode = json ]; then
				hrun "$out" "$err" "$GOABI" inspect --json "$f"
			else
				hrun /dev/null "$err" "$GOABI" inspect "$f"
			fi
			why=$(hjudge "$f" "$err")
			[ $HMS -gt $maxms ] && maxms=$HMS
			if [ -n "$why" ]; then
				notok "$name: inspect${mode/text/} $(basename "$f"): $why"
				bad=$((bad + 1))
			elif [ $mode = text ]; then
				[ $HRC -eq 0 ] && n0=$((n0 + 1)) || n2=$((n2 + 1))
			fi
		done
		# the oracle for the ELF class: readelf -h
		local cls
		cls=$(LC_ALL=C readelf -h "$f" 2>/dev/null | awk '/Class:/ {print $2; exit}')
		printf '%s\t%s\t%s\n' "$f" "$out" "${cls:--}" >> "$TMPD/list"
		total=$((total + 1))
	done
	[ $bad -eq 0 ] && ok "$name: $total files read by inspect and inspect --json ($n0 exit 0, $n2 exit 2 naming the file; slowest ${maxms} ms; limits ${HOSTILE_TIMEOUT}s, ${HOSTILE_MEM_MB} MiB$(hostile_sanitized && echo ', ASan/UBSan build'))"
	python3 - "$TMPD/list" "$name" <<'PY'
import json, sys, os
name = sys.argv[2]
bad, nid, badid = [], 0, []
for line in open(sys.argv[1]):
    f, out, cls = line.rstrip('\n').split('\t')
    try:
        j = json.loads(open(out, 'rb').read().decode('utf-8', 'strict'))
        a = j['artifacts'][0]
        assert j['tool'] == 'goabi' and len(j['artifacts']) == 1
    except Exception as e:
        bad.append('%s: %s %s' % (os.path.basename(f), type(e).__name__, str(e)[:100]))
        continue
    if cls in ('ELF32', 'ELF64') and a['kind'] == 'elf':
        nid += 1
        got = 'ELF%d' % a['elf']['class'] if a.get('elf') else 'none'
        if got != cls:
            badid.append('%s: readelf says %s, goabi says %s' % (os.path.basename(f), cls, got))
print(('not ok - %s: invalid --json output: %s' % (name, ' | '.join(bad[:3]))) if bad else
      'ok - %s: every --json output is valid UTF-8 JSON' % name)
print(('not ok - %s: ELF class differs from readelf -h: %s' % (name, ' | '.join(badid[:3]))) if badid else
      'ok - %s: ELF class of %d files agrees with readelf -h' % (name, nid))
PY
	rm -f "$TMPD"/out.*
}

# Go's own testdata is always installed with golang-1.19-src.
gofiles=()
for f in "$GOTD"/elf/testdata/* "$GOTD"/gosym/testdata/*; do
	[ -f "$f" ] || continue
	gofiles+=("$f")
	case $f in *.gz)
		mkdir -p "$TMPD/gz"
		gzip -dc "$f" > "$TMPD/gz/$(basename "${f%.gz}")" && gofiles+=("$TMPD/gz/$(basename "${f%.gz}")") ;;
	esac
done
if [ ${#gofiles[@]} -gt 0 ]; then
	run_set go-testdata "${gofiles[@]}"
else
	notok "go-testdata: no files under $GOTD/{elf,gosym}/testdata (golang-1.19-src missing)"
fi

if [ ! -d "$CORPUS" ]; then
	skip "elfutils corpus: inspect on every file" "corpus directory $CORPUS absent"
	exit 0
fi
mkdir -p "$TMPD/eu"
n=0
for f in "$CORPUS"/*; do
	b=$(basename "$f")
	case $f in
	*.bz2) bzip2 -dc "$f" > "$TMPD/eu/${b%.bz2}" 2>/dev/null || cp "$f" "$TMPD/eu/$b" ;;
	*) cp "$f" "$TMPD/eu/$b" ;;
	esac
	n=$((n + 1))
done
check "elfutils corpus: 336 files present" 336 "$n"
run_set elfutils "$TMPD"/eu/*
rm -rf "$TMPD/eu"
