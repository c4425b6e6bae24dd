#!/bin/bash
# Hostile Go object files (cmd/internal/goobj): a real _go_.o from a
# -buildmode=archive package archive, truncated at every 1/64th of its size
# and with its block offsets and name references overwritten by huge values.
# goabi must end with exit 0 or 2, never crash (the sanitizer build turns
# any out-of-bounds read into a crash), and keep the header facts it can read.
. "$(dirname "$0")/../lib.sh"
a=$FIX/modern/go126-pkg.a; [ -f "$a" ] || a=$FIX/modern/go119-pkg.a
[ -f "$a" ] || { skip "hostile Go objects" "no package archive fixture (build-modern.sh)"; exit 0; }
ar p "$a" _go_.o > "$TMPD/o" || { notok "ar p _go_.o"; exit 0; }
n=$(stat -c %s "$TMPD/o")
bad=0 tot=0
for i in $(seq 1 63); do
	head -c $((n * i / 64)) "$TMPD/o" > "$TMPD/t"
	"$GOABI" inspect --json "$TMPD/t" > /dev/null 2> "$TMPD/err"; rc=$?
	tot=$((tot + 1)); [ $rc -eq 0 ] || [ $rc -eq 2 ] || { bad=$((bad + 1)); echo "# truncated at $i/64: exit $rc $(head -1 "$TMPD/err")"; }
done
check "$tot truncated Go objects: exit 0 or 2, no crash" 0 "$bad"
# overwrite 4 bytes with 0xffffffff at positions across the binary part
start=$(grep -abo $'\n!\n' "$TMPD/o" | head -1 | cut -d: -f1)
bad=0 tot=0
for off in $(seq $((start + 3)) 37 $((start + 3 + 37 * 60))); do
	[ "$off" -lt "$n" ] || break
	cp "$TMPD/o" "$TMPD/m"
	printf '\xff\xff\xff\xff' | dd of="$TMPD/m" bs=1 seek="$off" conv=notrunc 2> /dev/null
	"$GOABI" inspect --json "$TMPD/m" > "$TMPD/j.json" 2> "$TMPD/err"; rc=$?
	tot=$((tot + 1)); [ $rc -eq 0 ] || [ $rc -eq 2 ] || { bad=$((bad + 1)); echo "# 0xffffffff at $off: exit $rc $(head -1 "$TMPD/err")"; }
done
check "$tot Go objects with a huge offset or length planted: exit 0 or 2, no crash" 0 "$bad"
# the text header survives damage behind it: version as the header says
want=$(head -1 "$TMPD/o" | awk '{print $5}')
check "damaged object: version still read from the header" "$want" \
	"$(jget "$TMPD/j.json" "j['artifacts'][0]['go']['version']['value']")"
