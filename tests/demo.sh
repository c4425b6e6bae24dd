#!/bin/bash
# make demo: inspect four real programs nobody here built — Debian bookworm's
# age (Go), runc (Go with cgo), ncdu (C) and ripgrep (Rust), pinned by
# version and sha256 in testdata/demo/debian.tsv — then check them against a
# release policy. Needs only the build packages and apt (no test toolchain,
# no fixture build).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
BUILD=${BUILD:-build}
DEB="${GOABI_CACHE:-$HOME/.cache/goabi}/deb"
tests/fetch-deb.sh "$DEB" testdata/demo/debian.tsv >&2 ||
	echo "demo: not every pinned package could be fetched (an updated package's old version leaves the archive); showing those that were" >&2
progs=()
for p in age:usr/bin/age runc:usr/sbin/runc ncdu:usr/bin/ncdu ripgrep:usr/bin/rg; do
	d=$(ls -d "$DEB/${p%%:*}"_*_amd64 2>/dev/null | head -1)
	[ -n "$d" ] && [ -f "$d/${p#*:}" ] && progs+=("$d/${p#*:}")
done
[ ${#progs[@]} -gt 0 ] || progs=(/bin/ls)
echo "== goabi inspect: what each program is and needs"
( set -x; "$BUILD/goabi" inspect "${progs[@]}" ) || true
echo
echo "== goabi inspect --brief: one line each"
"$BUILD/goabi" inspect --brief "${progs[@]}" || true
echo
echo "== goabi audit: a release gate (glibc floor at most 2.31, CPU baseline x86-64-v1)"
printf '{"max-glibc": "2.31", "max-isa": "x86-64-v1"}\n' > "$BUILD/demo-policy.json"
( set -x; "$BUILD/goabi" audit --policy "$BUILD/demo-policy.json" "${progs[@]}" ) || true
