#!/bin/bash
# The real-world corpus: every ELF file and ar archive in the Debian bookworm
# packages pinned in tests/realworld/*.tsv (Go, gccgo, Rust, C and C++
# programs and libraries, several architectures; nobody here built them),
# each fact compared with its independent oracle by tests/realworld/oracle.py:
# readelf for ELF identity, dynamic section, versions and validity, `ar t`
# for archives, `go version -m` of Go 1.26.8 (else 1.19) for build info.
. "$(dirname "$0")/../lib.sh"
DEB="${GOABI_CACHE:-$HOME/.cache/goabi}/deb"
nfacts=$(sed -n '/^FACTS = \[/,/^\]/p' "$TOP/tests/realworld/oracle.py" | grep -c '^    "')
plan $((nfacts + 1))
if "$TOP/tests/fetch-deb.sh" "$DEB" > "$TMPD/fetch.log" 2>&1; then
	ok "real-world corpus fetched and verified by sha256 ($(cat "$TOP"/tests/realworld/*.tsv | grep -vc '^#') packages)"
else
	# a package that could not be had leaves its facts unchecked, never passed
	notok "real-world corpus: $(grep -m1 'fetch-deb' "$TMPD/fetch.log")"
fi
GOV=${GO126:-/usr/lib/go-1.19/bin/go}
JOBS=2 python3 "$TOP/tests/realworld/oracle.py" "$GOABI" "$GOV" "$DEB" "$TOP"/tests/realworld/*.tsv
