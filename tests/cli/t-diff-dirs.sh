#!/bin/bash
# goabi diff on two directories: files paired by relative path
# (tests/fixtures/build-diff.sh tree-old/, tree-new/). Oracles: find + comm
# for the pairing, readelf --dyn-syms and go version -m for the paired files.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/diff-lib.sh"
D=$FIX/diff
if [ ! -d "$D/tree-old" ]; then
	notok "diff fixtures missing in $D"
	exit 0
fi
bins() { (cd "$1" && find . -type f | sed 's|^\./||' | while read -r f; do
	case $(head -c 4 "$f" | od -An -c | tr -d ' ') in '177ELF') echo "$f" ;; esac; done | sort); }
diffjson "$TMPD/d.json" "$D/tree-old" "$D/tree-new"
rc=$?
check "files removed = binaries only in OLD (find, comm)" "$(comm -23 <(bins "$D/tree-old") <(bins "$D/tree-new") | tr '\n' ' ')" \
	"$(jget "$TMPD/d.json" "''.join(c['subject']+' ' for c in j['changes'] if c['area']=='file' and c['kind']=='removed')")"
check "files added = binaries only in NEW (find, comm)" "$(comm -13 <(bins "$D/tree-old") <(bins "$D/tree-new") | tr '\n' ' ')" \
	"$(jget "$TMPD/d.json" "''.join(c['subject']+' ' for c in j['changes'] if c['area']=='file' and c['kind']=='added')")"
check "non-binary README is not compared" 0 "$(jget "$TMPD/d.json" "sum(1 for c in j['changes'] if 'README' in c['where'])")"
# paired files: their changes against oracles of the two files themselves
pairs=$(comm -12 <(bins "$D/tree-old") <(bins "$D/tree-new") | tr '\n' ' ')
check "paired files = binaries in both (find, comm)" "$pairs" \
	"$(jget "$TMPD/d.json" "''.join(w+' ' for w in sorted(set(c['where'].split('(')[0] for c in j['changes'] if c['area']!='file')))")"
readelf --dyn-syms -W "$D/tree-old/lib/libfoo.so" > "$TMPD/1.sym"
readelf --dyn-syms -W "$D/tree-new/lib/libfoo.so" > "$TMPD/2.sym"
check "paired lib/libfoo.so: dynamic symbol changes = readelf --dyn-syms difference" \
	"$(python3 "$TOP/tests/cli/dynsym-oracle.py" "$TMPD/1.sym" "$TMPD/2.sym" | tr '\n' ';')" \
	"$(jget "$TMPD/d.json" "''.join(sorted(c['kind']+' '+c['subject']+';' for c in j['changes'] if c['where']=='lib/libfoo.so' and c['area']=='dynsym'))")"
amd() { go version -m "$1" | awk '$1 == "build" && $2 ~ /^GOAMD64=/ { sub(/GOAMD64=/, "", $2); print "x86-64-" $2 }'; }
check "paired bin/prog: declared ISA level old -> new = go version -m GOAMD64" \
	"$(amd "$D/tree-old/bin/prog") -> $(amd "$D/tree-new/bin/prog")" \
	"$(jget "$TMPD/d.json" "next(c['old']+' -> '+c['new'] for c in j['changes'] if c['where']=='bin/prog' and c['subject']=='ISA level declared')")"
check "a file removed makes the tree diff breaking (exit bit 8)" 8 "$((rc & 8))"
"$GOABI" diff "$D/tree-old" "$D/libfoo-v1.so" > /dev/null 2>&1
check "directory against a file: usage error (exit 2)" 2 $?
