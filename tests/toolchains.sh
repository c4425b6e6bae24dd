# Sourced by tests/run.sh, tests/fixtures/build.sh and tests/lib.sh: the Go
# toolchains the tests build with besides Debian's Go 1.19, by exact version.
# GO126 / GO127: the path of Go 1.26.8's / Go 1.27.3's `go`, or empty when it
# cannot be had here (no /usr/local/go and no module proxy): the tests that
# need it then print skip lines. scripts/go-toolchain.sh finds or downloads
# them (install-deps.sh already did, when it could); set GO126= to test
# without.
_tc=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/scripts/go-toolchain.sh
[ "${GO126+set}" = set ] || GO126=$("$_tc" 1.26.8 2>/dev/null || true)
[ "${GO127+set}" = set ] || GO127=$("$_tc" 1.27.3 2>/dev/null || true)
export GO126 GO127
unset _tc
