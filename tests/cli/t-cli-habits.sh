#!/bin/bash
# CLI habits users expect (issue 24): the man page renders (groff -w all, the
# title first), documents every option `goabi inspect --help` lists, a
# directory without -r gets a hint, and evidence reads as a sentence.
# Oracles: groff's own warnings, the --help text, the file system (stat).
. "$(dirname "$0")/../lib.sh"
plan 6
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
