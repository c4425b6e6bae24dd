#!/bin/bash
# -r progress and text wrapping.
# Progress: on stderr only when it is a terminal (a pty from util-linux's
# `script -qc`), never with --json / --format sarif / -q, never when stderr
# is piped; its file count never exceeds the regular files under the
# directory (oracle: find -type f) and the line is erased at the end.
# Wrapping: with COLUMNS=80 no text line is wider than 80 columns (Python's
# len of the UTF-8 line) except lines holding a token longer than half the width (a path or
# a version list with no space to break at); the words are those of the
# unwrapped output (piped, no COLUMNS: never wrapped), and --json is the same
# with and without COLUMNS.
. "$(dirname "$0")/../lib.sh"
DEB="${GOABI_CACHE:-$HOME/.cache/goabi}/deb"
D=$FIX/inspect
if ! command -v script > /dev/null; then
	skip "progress" "script (util-linux) not installed"
else
	nf=$(find "$D" -type f | wc -l)
	script -qc "'$GOABI' inspect -r '$D' > /dev/null" /dev/null < /dev/null > "$TMPD/ts" 2>&1
	n=$(tr '\r' '\n' < "$TMPD/ts" | sed -n 's/.*goabi inspect: \([0-9]*\) files\{0,1\}, .*/\1/p' | sort -n | tail -1)
	if [ -n "$n" ] && [ "$n" -ge 1 ] && [ "$n" -le "$nf" ]; then
		ok "inspect -r on a terminal: progress on stderr (up to $n files shown; find -type f: $nf)"
	else
		notok "inspect -r on a terminal: no progress line ('$(head -c 200 "$TMPD/ts" | od -c | head -2)')"
	fi
	check "inspect -r on a terminal: the progress line is erased at the end" yes \
		"$(tail -c 4 "$TMPD/ts" | od -An -c | tr -d ' ' | grep -q '\\r033\[K$' && echo yes)"
	for mode in "inspect --json" "inspect -q" "audit --max-glibc 2.99 --format sarif" "audit --max-glibc 2.99 --json" "audit --max-glibc 2.99 -q"; do
		script -qc "'$GOABI' $mode -r '$D' > /dev/null" /dev/null < /dev/null > "$TMPD/ts2" 2>&1
		check "$mode -r on a terminal: no progress" 0 "$(grep -c 'files\{0,1\}, [0-9.]* s:' "$TMPD/ts2")"
	done
	script -qc "'$GOABI' audit --max-glibc 2.99 -r '$D' > /dev/null" /dev/null < /dev/null > "$TMPD/ts3" 2>&1
	check "audit -r (text) on a terminal: progress" yes "$(grep -q 'goabi audit: [0-9]* files\{0,1\}, ' "$TMPD/ts3" && echo yes)"
	"$GOABI" inspect -r "$D" 2> "$TMPD/piped" > /dev/null
	check "inspect -r with stderr piped: no progress" 0 "$(grep -c 'files\{0,1\}, [0-9.]* s:' "$TMPD/piped")"
	# stdout a terminal too: the progress is erased before each file's output
	script -qc "'$GOABI' inspect -r '$D'" /dev/null < /dev/null > "$TMPD/ts4" 2>&1
	check "inspect -r, stdout and stderr one terminal: every file's block starts on a clean line" "" \
		"$(tr '\r' '\n' < "$TMPD/ts4" | grep -a 's: .*[^ ]/.*  elf ' | head -1)"
fi
# ---- wrapping
inputs=()
for f in "$(ls -d "$DEB"/jq_*_amd64 2>/dev/null | head -1)/usr/bin/jq" "$(ls -d "$DEB"/age_*_amd64 2>/dev/null | head -1)/usr/bin/age" \
	"$NPM/lefthook-linux-x64@2.1.17/lefthook" "$D/go119-cgo-exe" "$D/c-lib.a" "$D/go119-c-shared.so"; do
	[ -f "$f" ] && inputs+=("$f")
done
overlong() { # FILE WIDTH: lines wider than WIDTH columns (characters) without a token longer than WIDTH/2
	python3 -c 'import sys
w = int(sys.argv[2])
for l in open(sys.argv[1], encoding="utf-8", errors="replace").read().split("\n"):
    if len(l) > w and not any(len(t) > w / 2 for t in l.split()):
        print(l)' "$1" "$2"
}
for v in "" -v; do
	env -u COLUMNS "$GOABI" inspect $v "${inputs[@]}" > "$TMPD/plain" 2>/dev/null
	COLUMNS=80 "$GOABI" inspect $v "${inputs[@]}" > "$TMPD/wrapped" 2>/dev/null
	check "inspect $v: piped without COLUMNS: not wrapped (some line is over 80: $(awk 'length($0) > 80' "$TMPD/plain" | wc -l) lines)" yes \
		"$([ "$(awk 'length($0) > 80' "$TMPD/plain" | wc -l)" -gt 0 ] && echo yes)"
	check "inspect $v COLUMNS=80 (${#inputs[@]} files): no line over 80 columns but unbreakable tokens" "" "$(overlong "$TMPD/wrapped" 80 | head -2)"
	check "inspect $v COLUMNS=80: the same words as unwrapped" "$(tr -s ' \n' '  ' < "$TMPD/plain" | md5sum)" "$(tr -s ' \n' '  ' < "$TMPD/wrapped" | md5sum)"
done
COLUMNS=40 "$GOABI" inspect "${inputs[@]}" > "$TMPD/w40" 2>/dev/null
check "inspect COLUMNS=40: no line over 40 but unbreakable tokens" "" "$(overlong "$TMPD/w40" 40 | head -2)"
env -u COLUMNS "$GOABI" inspect --json "${inputs[@]}" > "$TMPD/j1" 2>/dev/null
COLUMNS=80 "$GOABI" inspect --json "${inputs[@]}" > "$TMPD/j2" 2>/dev/null
check "inspect --json: identical with and without COLUMNS=80 (evidence in full)" "" "$(diff "$TMPD/j1" "$TMPD/j2" | head -2)"
env -u COLUMNS "$GOABI" audit --max-glibc 2.17 "${inputs[@]}" > "$TMPD/ap" 2>/dev/null
COLUMNS=80 "$GOABI" audit --max-glibc 2.17 "${inputs[@]}" > "$TMPD/aw" 2>/dev/null
check "audit COLUMNS=80: no line over 80 but unbreakable tokens" "" "$(overlong "$TMPD/aw" 80 | head -2)"
check "audit COLUMNS=80: the same words as unwrapped" "$(tr -s ' \n' '  ' < "$TMPD/ap" | md5sum)" "$(tr -s ' \n' '  ' < "$TMPD/aw" | md5sum)"
if command -v script > /dev/null; then
	# stdout a terminal of 60 columns, no COLUMNS: wrapped at the terminal's width
	script -qc "stty cols 60 rows 50; env -u COLUMNS '$GOABI' inspect '${inputs[0]}'" /dev/null < /dev/null | tr -d '\r' > "$TMPD/tty"
	check "inspect on a 60-column terminal (stty cols 60, TIOCGWINSZ): no line over 60 but unbreakable tokens" "" "$(overlong "$TMPD/tty" 60 | head -2)"
	check "inspect on a 60-column terminal: wrapped (more lines than piped)" yes \
		"$([ "$(wc -l < "$TMPD/tty")" -gt "$(env -u COLUMNS "$GOABI" inspect "${inputs[0]}" | wc -l)" ] && echo yes)"
else
	skip "terminal width" "script not installed"; skip "terminal width wrapping" "script not installed"
fi
