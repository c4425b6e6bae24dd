#!/bin/bash
# goabi diff of two release packages (issue 24: packages as inputs to diff):
# each binary of OLD paired with the one at the same path in NEW, as two
# directories are. Real inputs: Debian bookworm's age for amd64 and arm64
# (pinned in tests/realworld/debian.tsv), runc against age (disjoint files).
# Oracles, none of them goabi:
#  - dpkg-deb -x + the ELF magic: the files each package holds, so the pairs
#    (same path), the added and the removed files;
#  - readelf -h of the extracted files: the machine of each side (a changed
#    machine is breaking).
. "$(dirname "$0")/../lib.sh"
DEB="${GOABI_CACHE:-$HOME/.cache/goabi}/deb"
A64=$(ls "$DEB"/age_*_amd64.deb 2>/dev/null | head -1)
ARM=$(ls "$DEB"/age_*_arm64.deb 2>/dev/null | head -1)
RUNC=$(ls "$DEB"/runc_*_amd64.deb 2>/dev/null | head -1)
plan 8
if [ -z "$A64" ] || [ -z "$ARM" ] || [ -z "$RUNC" ]; then
	for i in $(seq 8); do skip "diff of .deb packages" "age amd64/arm64 and runc amd64 not cached (tests/fetch-deb.sh)"; done
	exit 0
fi
cd "$TMPD"
elfs() { # PKG DIR: the ELF files inside, by path
	mkdir -p "$2" && dpkg-deb -x "$1" "$2"
	(cd "$2" && find . -type f | sed 's|^\./||' | while IFS= read -r f; do
		[ "$(head -c 4 "$f" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] && echo "$f"
	done) | sort
}
elfs "$A64" a64 > a64.list
elfs "$ARM" arm > arm.list
elfs "$RUNC" runc > runc.list

# the same package against itself: every binary paired, nothing changed
"$GOABI" diff --json "$A64" "$A64" > same.json 2> same.err
rc=$?
check "age amd64 vs itself: exit 0, nothing changed" "0 0" "$rc $(jget same.json "len(j['findings'])")"
check "age amd64 vs itself: one judged pair per ELF file (dpkg-deb -x: $(wc -l < a64.list))" \
	"$(paste -sd' ' a64.list)" "$(jget same.json "' '.join(sorted(x['properties']['where'] for x in j['judged']))")"

# amd64 -> arm64: the same paths, another machine (readelf -h)
"$GOABI" diff --json "$A64" "$ARM" > arch.json 2> arch.err
rc=$?
m_old=$(LC_ALL=C readelf -h "a64/$(head -1 a64.list)" | sed -n 's/.*Machine: *//p')
m_new=$(LC_ALL=C readelf -h "arm/$(head -1 a64.list)" | sed -n 's/.*Machine: *//p')
check "age amd64 vs arm64: the pairs are the common paths (comm -12 of the dpkg-deb lists)" \
	"$(comm -12 a64.list arm.list | paste -sd' ')" \
	"$(jget arch.json "' '.join(sorted(x['properties']['where'] for x in j['judged'] if x['properties'].get('old') and x['properties'].get('new')))")"
check "age amd64 vs arm64: machine $m_old -> $m_new (readelf -h): breaking, exit bits 4|8" \
	"$([ "$m_old" != "$m_new" ] && echo 12 || echo 0)" "$(( rc & 12 ))"
check "age amd64 vs arm64: a diff/elf-changed finding for each pair" \
	"$(comm -12 a64.list arm.list | wc -l)" \
	"$(jget arch.json "len([f for f in j['findings'] if f['rule'] == 'diff/elf-changed' and 'machine' in f['message']])")"

# runc vs age: no common path: every file added or removed
"$GOABI" diff --json "$RUNC" "$A64" > disj.json 2> /dev/null
check "runc vs age: removed = runc's files, added = age's (comm -23 / -13)" \
	"$(comm -23 runc.list a64.list | paste -sd' ')|$(comm -13 runc.list a64.list | paste -sd' ')" \
	"$(jget disj.json "' '.join(sorted(x['properties']['where'] for x in j['judged'] if not x['properties'].get('new'))) + '|' + ' '.join(sorted(x['properties']['where'] for x in j['judged'] if not x['properties'].get('old')))")"

# a package against a plain file: a usage error (exit bit 2)
"$GOABI" diff "$A64" "a64/$(head -1 a64.list)" > /dev/null 2> mix.err
rc=$?
check "a package against a plain file: usage error (exit bit 2), message names both kinds" \
	"2 yes" "$(( rc & 2 )) $(grep -q 'release packages' mix.err && echo yes)"
# a package cut short: an input error (exit bit 1), not a crash
head -c 20000 "$A64" > cut.deb
"$GOABI" diff cut.deb "$A64" > /dev/null 2> cut.err
rc=$?
check "a package cut at 20000 bytes: input error (exit bit 1), the file named" \
	"1 yes" "$(( rc & 1 )) $(grep -q 'cut.deb' cut.err && echo yes)"
