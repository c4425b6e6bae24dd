#!/bin/bash
# goabi image with separate debug files (/usr/lib/debug/.build-id/*.debug, as
# Debian's -dbgsym packages install them): never loaded, so not checked and
# not counted as programs. Oracle: readelf -S shows the debug file's .text as
# NOBITS (no code in it); the program it was split from is checked as usual.
. "$(dirname "$0")/../lib.sh"
plan 4
p=$FIX/inspect/go119-static
if [ ! -f "$p" ]; then for i in 1 2 3 4; do notok "fixture $p missing"; done; exit 0; fi
R=$TMPD/root
mkdir -p "$R/usr/lib/debug/.build-id/ab" "$R/usr/bin"
cp "$p" "$R/usr/bin/prog"
objcopy --only-keep-debug "$p" "$R/usr/lib/debug/.build-id/ab/cdef.debug"
check "oracle: the debug file's .text is NOBITS" "NOBITS" \
	"$(readelf -S -W "$R/usr/lib/debug/.build-id/ab/cdef.debug" | awk '$2==".text"||$3==".text"{for(i=1;i<=NF;i++) if($i=="NOBITS") print $i}' | head -1)"
"$GOABI" image --json -v "$R" > "$TMPD/j.json" 2> "$TMPD/err"
check "exit 0" 0 $?
check "the debug file: not checked, as a debug file; the program: checked" "will start|skipped debug" \
	"$(python3 "$TOP/tests/cli/image_v2.py" "$TMPD/j.json" "'|'.join([(b['verdict'] + (' debug' if 'debug file' in (b.get('reason') or '') else '')) for b in sorted(j['binaries'], key=lambda b: b['path'])])" | sed 's/not checked/skipped/')"
check "the Go inventory counts the program only" 1 \
	"$(python3 "$TOP/tests/cli/image_v2.py" "$TMPD/j.json" "sum(t['binaries'] for t in j['summary']['go'].values())" 2>/dev/null || echo missing)"
