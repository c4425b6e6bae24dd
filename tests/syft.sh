#!/bin/bash
# Print the path of syft (github.com/anchore/syft/cmd/syft, the version
# below, built once from the Go module proxy into the goabi cache), or exit 1
# with the reason on stderr. BUILD=1 builds it when missing (slow: minutes;
# make bench does, make check does not: its tests use syft only when cached).
SYFT_VERSION=v1.57.2
C=${GOABI_CACHE:-$HOME/.cache/goabi}/syft
S=$C/bin/syft
# `go install` stamps no version into `syft version`: the build info says it
# (mod line), read with goabi's own oracle, `go version -m`, when a Go is here
. "$(dirname "$0")/toolchains.sh" >/dev/null 2>&1
GO=${GO126:-}
built() {
	[ -x "$S" ] || return 1
	if [ -x "$GO" ]; then
		"$GO" version -m "$S" 2>/dev/null | grep -qE "^[[:space:]]mod[[:space:]]+github.com/anchore/syft[[:space:]]+$SYFT_VERSION([[:space:]]|$)"
	else
		[ "$(cat "$C/version" 2>/dev/null)" = "$SYFT_VERSION" ]
	fi
}
if built; then echo "$S"; exit 0; fi
if [ "${BUILD:-0}" != 1 ]; then
	echo "syft $SYFT_VERSION is not built in $C (BUILD=1 $0 builds it)" >&2; exit 1
fi
[ -x "$GO" ] || { echo "syft: no Go >= 1.21 toolchain to build it with" >&2; exit 1; }
mkdir -p "$C"
if ! GOBIN=$C/bin GOPATH=$C/gopath GOFLAGS=-modcacherw GOTOOLCHAIN=local timeout 1800 \
	"$GO" install "github.com/anchore/syft/cmd/syft@$SYFT_VERSION" > "$C/build.log" 2>&1; then
	echo "syft $SYFT_VERSION: build failed, see $C/build.log" >&2; exit 1
fi
echo "$SYFT_VERSION" > "$C/version"
built || { echo "syft: $S does not say it is $SYFT_VERSION" >&2; exit 1; }
echo "$S"
