#!/bin/bash
# make demo: inspect four real programs nobody here built — Debian bookworm's
# age (Go, static), runc (Go with cgo), jq (C) and ripgrep (Rust), pinned by
# version and sha256 in testdata/demo/debian.tsv — then check them against a
# release policy. Needs only the build packages and apt (no test toolchain,
# no fixture build).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
BUILD=${BUILD:-build}
DEB="${GOABI_CACHE:-$HOME/.cache/goabi}/deb"
if ! tests/fetch-deb.sh "$DEB" testdata/demo/debian.tsv >&2; then
	echo "demo: the Debian packages could not be fetched; inspecting this machine's /bin/ls instead" >&2
	set -x
	"$BUILD/goabi" inspect /bin/ls
	exit
fi
root() { ls -d "$DEB/$1"_*_amd64 | head -1; }
age=$(root age)/usr/bin/age runc=$(root runc)/usr/sbin/runc jq=$(root jq)/usr/bin/jq rg=$(root ripgrep)/usr/bin/rg
echo "== goabi inspect: what each program is and needs"
( set -x; "$BUILD/goabi" inspect "$age" "$runc" "$jq" "$rg" ) || true
echo
echo "== goabi audit: a release gate (glibc floor at most 2.31, CPU baseline x86-64-v1)"
printf '{"max-glibc": "2.31", "max-isa": "x86-64-v1"}\n' > "$BUILD/demo-policy.json"
( set -x; "$BUILD/goabi" audit --policy "$BUILD/demo-policy.json" "$age" "$runc" "$jq" "$rg" ) || true
