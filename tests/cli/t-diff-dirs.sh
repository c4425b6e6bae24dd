#!/bin/bash
# goabi diff on two directories: files paired by relative path
# (tests/fixtures/build-diff.sh tree-old/, tree-new/). Oracles: find + comm
# for the pairing, the per-file diffs of the same pairs.
. "$(dirname "$0")/../lib.sh"
D=$FIX/diff
if [ ! -d "$D/tree-old" ]; then
	notok "diff fixtures missing in $D"
	exit 0
fi
bins() { (cd "$1" && find . -type f | sed 's|^\./||' | while read -r f; do
	case $(head -c 4 "$f" | od -An -c | tr -d ' ') in '177ELF') echo "$f" ;; esac; done | sort); }
"$GOABI" diff --json "$D/tree-old" "$D/tree-new" > "$TMPD/d.json"
rc=$?
check "files removed = binaries only in OLD (find, comm)" "$(comm -23 <(bins "$D/tree-old") <(bins "$D/tree-new") | tr '\n' ' ')" \
	"$(jget "$TMPD/d.json" "''.join(c['subject']+' ' for c in j['changes'] if c['area']=='file' and c['kind']=='removed')")"
check "files added = binaries only in NEW (find, comm)" "$(comm -13 <(bins "$D/tree-old") <(bins "$D/tree-new") | tr '\n' ' ')" \
	"$(jget "$TMPD/d.json" "''.join(c['subject']+' ' for c in j['changes'] if c['area']=='file' and c['kind']=='added')")"
check "non-binary README is not compared" 0 "$(jget "$TMPD/d.json" "sum(1 for c in j['changes'] if 'README' in c['where'])")"
for f in $(comm -12 <(bins "$D/tree-old") <(bins "$D/tree-new")); do
	"$GOABI" diff --json "$D/tree-old/$f" "$D/tree-new/$f" > "$TMPD/one.json"
	check "paired $f: same changes as diffing the two files" \
		"$(jget "$TMPD/one.json" "len(j['changes'])")" \
		"$(jget "$TMPD/d.json" "sum(1 for c in j['changes'] if c['where']=='$f' or c['where'].startswith('$f('))")"
done
check "a file removed makes the tree diff breaking (exit bit 8)" 8 "$((rc & 8))"
"$GOABI" diff "$D/tree-old" "$D/libfoo-v1.so" > /dev/null 2>&1
check "directory against a file: usage error (exit 2)" 2 $?
