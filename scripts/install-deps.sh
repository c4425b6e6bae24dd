#!/bin/sh
# Install the Debian bookworm packages goabi needs to build, test and benchmark.
# Only packages that are missing are installed; nothing happens when all are present.
# Usage: scripts/install-deps.sh [build|test|all]
set -eu
what=${1:-all}
build="gcc make pkg-config libelf-dev libdwarf-dev libcapstone-dev libarchive-dev libjansson-dev libmd-dev zlib1g-dev libcurl4-openssl-dev libssl-dev"
test="golang-1.19-go gccgo-12 musl-tools musl-dev binutils elfutils pax-utils ca-certificates bzip2 clang-14 libclang-rt-14-dev man-db abigail-tools python3-jsonschema skopeo umoci zstd g++ llvm-14 debootstrap docker-registry apache2-utils podman zsh bash-completion debhelper dpkg-dev fakeroot lintian"
test="$test rpm rpm2cpio cpio" # .rpm oracles (tests/cli/t-packages-rpm-apk.sh)
test="$test gcc-mingw-w64-x86-64-posix" # cgo Windows builds (tests/cli/t-inspect-pe-cgo.sh)
# tools that may come from outside Debian (nodesource npm, pyenv python): by command
test_cmds="npm:npm python3:python3"
case $what in
build) pkgs=$build ;;
test|all) pkgs="$build $test" ;;
*) echo "install-deps: unknown set '$what'" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ "$what" != build ]; then
	for pair in $test_cmds; do
		command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
	done
fi
gotc() { # the Go toolchains the tests build with, beside Debian's 1.19
	[ "$what" = build ] && return 0
	for v in 1.26.8 1.27.3; do
		"$(dirname "$0")/go-toolchain.sh" "$v" >/dev/null 2>&1 ||
			echo "install-deps: Go $v not available (no module proxy?): its tests will be skipped" >&2
	done
}
[ -z "$missing" ] && { gotc; exit 0; }
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root or install them)" >&2
	exit 1
fi
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
gotc
