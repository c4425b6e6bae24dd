#!/bin/bash
# Hostile file-system objects and names: special files, loops, and bytes in
# names or strings that could break lines or drive a terminal. Each must end
# with the documented exit code and exactly one escaped stderr line naming
# it; `-r` must not follow symlinks or descend without end. Oracle: the
# file-system objects made here and od(1) on goabi's output.
. "$(dirname "$0")/../lib.sh"
plan 13
. "$TOP/tests/malformed/lib.sh"
cd "$TMPD"
mkfifo fifo
ln -s loop loop
mkdir dir
printf 'x' > "$(printf 'evil\ngoabi: fake')"
printf 'x' > "$(printf 'bad\377name')"

one() { # DESC WANT-EXIT WANT-REGEX FILE
	hrun "$TMPD/out" "$TMPD/err" "$GOABI" inspect "$4"
	local n
	n=$(wc -l < "$TMPD/err")
	if [ $HRC -eq "$2" ] && [ "$n" -eq 1 ] && LC_ALL=C grep -qE "$3" "$TMPD/err"; then
		ok "paths: $1: exit $2, one line: $(head -c 100 "$TMPD/err" | cat -v)"
	else
		notok "paths: $1: exit $HRC, $n stderr lines: $(head -c 200 "$TMPD/err" | cat -v | tr '\n' '|')"
	fi
}
one "/dev/zero" 2 "^goabi inspect: '/dev/zero': not a regular file$" /dev/zero
one "a FIFO (no hang)" 2 "^goabi inspect: 'fifo': not a regular file$" fifo
one "a symlink loop" 2 "^goabi inspect: 'loop': cannot open: " loop
one "a directory without -r (with a hint)" 2 "^goabi inspect: 'dir': is a directory \\(use -r " dir
one "a missing file" 2 "^goabi inspect: 'missing': cannot open: No such file" missing
one "a newline in the name is escaped" 2 "^goabi inspect: 'evil\\\\ngoabi: fake': not an ELF" "$(printf 'evil\ngoabi: fake')"
one "a non-UTF-8 name" 2 "^goabi inspect: 'bad.name': not an ELF" "$(printf 'bad\377name')"

# terminal escapes in build settings and archive member names: escaped in
# the text report and on stderr
TOP=$TOP python3 - "$TMPD" <<'PY'
import sys, os
sys.path.insert(0, os.path.join(os.environ['TOP'], 'tests', 'malformed'))
from gen import synth_elf, MAGIC
from elfmini import uvarint, ar_member, ar_archive
d = sys.argv[1]
mod = bytes.fromhex('3077af0c9274080241e1c107e6d618e6') + b'path\tx\x1b[2J\nmod\tx\t(devel)\t\nbuild\tX=\x1b]0;owned\x07\xc2\x9b31m\n' + bytes.fromhex('f932433186182072008242104116d8f2')
bi = MAGIC + bytes([8, 2]) + bytes(16) + uvarint(10) + b'go1.19\x1b[5m' + uvarint(len(mod)) + mod
open(os.path.join(d, 'esc.elf'), 'wb').write(synth_elf([('.go.buildinfo', 1, 3, bi)]))
open(os.path.join(d, 'esc.a'), 'wb').write(ar_archive([ar_member('\x1b[31mred', b'junk')]))
PY
for f in esc.elf esc.a; do
	"$GOABI" inspect -v "$f" > out.txt 2> err.txt
	if od -An -c out.txt err.txt | grep -qE '033|302 233|\\a'; then
		notok "paths: control bytes from $f reach the terminal: $(od -An -c out.txt err.txt | grep -E '033|\\a' | head -2 | tr '\n' ' ')"
	elif ! grep -qF '\x1b' out.txt; then
		notok "paths: $f: no escaped \\x1b in the report: $(head -c 200 out.txt err.txt | tr '\n' '|')"
	else
		ok "paths: control bytes in $f are printed escaped (\\x1b, \\x07, \\u009b) in the text report and on stderr"
	fi
done
check "paths: the escape is kept in --json (as \\u001b)" True \
	"$("$GOABI" inspect --json esc.elf | python3 -c 'import json,sys; a=json.load(sys.stdin)["artifacts"][0]; print(a["go"]["settings"]["X"].startswith("\x1b]0;owned"))')"

# -r: no symlink followed (a link to the tree's root), nesting capped at 64
mkdir -p tree
p=tree
for i in $(seq 70); do p=$p/d; done
mkdir -p "$p"
cp "$TOP/testdata/malformed/files/buildinfo-settings.elf" tree/
cp "$TOP/testdata/malformed/files/buildinfo-settings.elf" "$p/"
ln -s .. tree/up
ln -s /dev/zero tree/zero
mkfifo tree/fifo
hrun out.txt err.txt "$GOABI" inspect -r -q tree
if [ $HRC -eq 2 ] && grep -q 'deeper than 64' err.txt && [ "$(wc -l < err.txt)" -eq 1 ]; then
	ok "paths: -r over a 70-deep tree with symlink loops, a FIFO and a device link: stops at 64 levels, one message"
else
	notok "paths: -r: exit $HRC: $(head -c 300 err.txt | tr '\n' '|')"
fi
check "paths: -r reads the regular file at the top, not through the symlinks" 1 \
	"$("$GOABI" inspect -r --json tree 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["artifacts"]))')"

# goabi link: a response file naming itself fans out (10 per level, depth
# 8): reads are capped (libiberty stops at 2000 too) instead of 10^8
printf '@r.rsp %.0s' $(seq 10) > r.rsp
hrun out.txt err.txt "$GOABI" link --json -- gcc @r.rsp
if [ $HMS -lt 10000 ] && [ $HRC -le 2 ] && ! grep -qE 'Sanitizer|runtime error' err.txt; then
	ok "paths: link: a response file naming itself 10 times ends in ${HMS} ms (exit $HRC)"
else
	notok "paths: link: self-referencing response file: exit $HRC after ${HMS} ms"
fi
