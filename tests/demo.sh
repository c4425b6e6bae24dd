#!/bin/bash
# make demo: build a small Go c-archive and cgo executable with Go 1.19 and
# inspect them, plus a pinned real-world Go 1.23 binary from npm when reachable.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
BUILD=${BUILD:-build}
FIX="$TOP/$BUILD/fixtures"
export PATH="/usr/lib/go-1.19/bin:$PATH"
tests/fixtures/build.sh "$FIX" > "$BUILD/fixtures.log" 2>&1 || { echo "demo: fixture build failed, see $BUILD/fixtures.log" >&2; exit 1; }
NPM="${GOABI_CACHE:-$HOME/.cache/goabi}/npm"
extra=()
if tests/fetch-npm.sh "$NPM" >/dev/null 2>&1; then
	extra=("$NPM/@esbuild_linux-x64@0.25.5/esbuild")
fi
set -x
"$BUILD/goabi" inspect "$FIX/inspect/go119-c-archive.a" "$FIX/inspect/go119-cgo-exe" "${extra[@]}"
