#!/bin/bash
# CLI habits users expect (issue 24): the man page renders (groff -w all, the
# title first), documents every option `goabi inspect --help` lists, a
# directory without -r gets a hint, and evidence reads as a sentence.
# Oracles: groff's own warnings, the --help text, the file system (stat).
. "$(dirname "$0")/../lib.sh"
plan 11
MAN=$TOP/docs/goabi.1
check "man page: the first request is .TH (nothing printed above the title)" ".TH" "$(grep -m1 '^\.' "$MAN" | cut -c1-3)"
if command -v groff > /dev/null; then
	groff -w all -man -Tutf8 "$MAN" > /dev/null 2> "$TMPD/groff"
	check "man page: groff -w all prints no warning" "" "$(head -3 "$TMPD/groff")"
else
	skip "man page: groff -w all" "groff not installed"
fi
# every long option of inspect --help is documented under INSPECT OPTIONS
opts=$("$GOABI" inspect --help 2>&1 | grep -oE '^  --[a-z-]+' | sed 's/^  //' | sort -u)
sect=$(sed -n '/^\.SH INSPECT OPTIONS/,/^\.SH /p' "$MAN" | sed 's/\\-/-/g')
missing=""
for o in $opts; do grep -qE -- "^\.BI? $o( |\$)" <<< "$sect" || missing="$missing $o"; done
check "man page: INSPECT OPTIONS documents every option of inspect --help ($(echo $opts | wc -w))" "" "$missing"
mkdir -p "$TMPD/d"
"$GOABI" inspect "$TMPD/d" > /dev/null 2> "$TMPD/err"; rc=$?
check "inspect DIR without -r: exit 2" 2 $rc
case $(cat "$TMPD/err") in
*"$TMPD/d"*"is a directory"*"-r"*) ok "inspect DIR without -r: names the directory and hints at -r" ;;
*) notok "inspect DIR without -r: '$(cat "$TMPD/err")'" ;;
esac
# a pclntab found by scanning (a stripped PIE: no runtime.pclntab symbol, no .gopclntab section; oracle:
# readelf -S shows neither): the evidence is a sentence ("magic ... in section X, found by scanning")
f=$FIX/inspect/go119-cgo-pie
if [ -f "$f" ]; then
	cp "$f" "$TMPD/pie" && strip "$TMPD/pie"
	if readelf -S -W "$TMPD/pie" | grep -q gopclntab; then
		notok "pclntab evidence wording: the stripped PIE still has a .gopclntab section (oracle)"
	else
		ev=$("$GOABI" inspect --json "$TMPD/pie" > "$TMPD/j.json"; jget "$TMPD/j.json" "j['artifacts'][0]['go']['version_range']['evidence']")
		case $ev in
		*" in found "*|"") notok "pclntab evidence wording: '$ev'" ;;
		*"found by scanning"*) ok "pclntab evidence wording: '$ev'" ;;
		*) notok "pclntab evidence: not found by scanning: '$ev'" ;;
		esac
	fi
else
	notok "pclntab evidence wording: fixture $f missing"
fi
# symbolic links: -r counts the ones it does not follow, -L follows them once
# each, a loop is reported and not followed (oracle: the tree made here)
L=$TMPD/lt
mkdir -p "$L/a" "$L/b" && cp /bin/true "$L/a/t" && ln -s ../a "$L/b/toa" && ln -s .. "$L/a/loop" &&
	ln -s /bin/true "$L/b/true" && ln -s a/t "$L/tlink" && ln -s /nonexistent "$L/dangling"
"$GOABI" inspect --brief -r "$L" > "$TMPD/r.out" 2> "$TMPD/r.err"
check "-r: the one regular file, and '4 symbolic links ... not followed' (toa, loop, true, tlink; not the dangling one)" \
	"$L/a/t|goabi inspect: 4 symbolic links to files or directories not followed (-L follows them)" \
	"$(sed 's/: .*//' "$TMPD/r.out" | tr '\n' '|')$(cat "$TMPD/r.err")"
timeout 20 "$GOABI" inspect --brief -r -L "$L" > "$TMPD/l.out" 2> "$TMPD/l.err"
check "-L: exit 0, each file once (a/t, and /bin/true through b/true)" "0 $L/a/t $L/b/true" \
	"$? $(sed 's/: .*//' "$TMPD/l.out" | sort | tr '\n' ' ' | sed 's/ $//')"
check "-L: the loop a/loop -> .. reported, not followed" "goabi inspect: '$L/a/loop': symbolic link loop, not followed" \
	"$(grep loop "$TMPD/l.err")"
# text output: no line ends in a space (a "(devel) " module line did); oracle: the text itself
tr=""
for f in "$FIX/inspect/go119-cgo-exe" "$FIX/modern/go126-static" "$NPM/lefthook-linux-x64@2.1.17/lefthook" "$FIX/inspect/go119-c-archive.a"; do
	[ -f "$f" ] || continue
	n=$("$GOABI" inspect -v "$f" 2>/dev/null | grep -c ' $')
	[ "$n" = 0 ] || tr="$tr $(basename "$f"):$n"
done
check "inspect -v text: no line ends in a space" "" "$tr"
# -r keeps no descriptor per file (walk_close closes runs of them with
# close_range, and all it holds when an open fails for the limit): 1200
# files in 20 directories, 600 of them ELF (hard links to /bin/true), read
# under a limit of 24 open files; oracle: find
T=$TMPD/many
for d in $(seq 1 20); do
	mkdir -p "$T/d$d"
	for i in $(seq 1 30); do ln /bin/true "$T/d$d/e$i" 2>/dev/null || cp /bin/true "$T/d$d/e$i"; echo text > "$T/d$d/t$i"; done
done
want=$(find "$T" -type f -exec sh -c 'head -c4 "$1" | grep -q ELF && echo x' _ {} \; | wc -l)
# descriptors 3 and up the shell inherited are closed first, so that the
# limit of 10 leaves the walk five for files: the sixth open fails (EMFILE)
# and is retried after the held ones are closed
got=$(bash -c 'for f in /proc/$$/fd/*; do f=${f##*/}; [ "$f" -gt 2 ] 2>/dev/null && eval "exec $f>&-"; done
	ulimit -n 10; exec "$0" inspect --brief -r "$1"' "$GOABI" "$T" 2>"$TMPD/many.err" | grep -c ': not Go')
check "-r under ulimit -n 10: every ELF file find sees is read ($want), no descriptor left per file" "$want " "$got $(grep -v 'not Go' "$TMPD/many.err" | head -2)"
