#!/bin/sh
# go-toolchain.sh VERSION: print the path of a `go` command of exactly
# goVERSION (e.g. 1.26.8), installing it when no such toolchain is on hand.
# Exit 1 (and print nothing) when it cannot be had.
#
# Where it looks, in order:
#   1. $GO_TOOLCHAIN_DIRS (space-separated GOROOTs), /usr/local/go, /usr/lib/go-*:
#      a GOROOT whose bin/go reports exactly goVERSION;
#   2. the Go module cache: golang.org/toolchain@v0.0.1-goVERSION.linux-ARCH,
#      the module that GOTOOLCHAIN=goVERSION downloads;
#   3. that module downloaded with any Go on hand (Debian's golang-1.19-go is
#      enough: `go mod download` needs no newer go) through the module proxy.
# The toolchain module unpacks without execute bits; as cmd/go does after its
# own download, the bin/ and pkg/tool/ files get them here.
set -eu
want=${1:?usage: go-toolchain.sh VERSION}
case $(uname -m) in
x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; i?86) arch=386 ;; armv*) arch=armv6l ;;
*) arch=$(uname -m) ;;
esac
reports() { # reports GO: true when GO runs and says goVERSION
	[ -x "$1" ] && [ "$(GOTOOLCHAIN=local "$1" env GOVERSION 2>/dev/null)" = "go$want" ]
}
for root in ${GO_TOOLCHAIN_DIRS:-} /usr/local/go /usr/lib/go-*; do
	if reports "$root/bin/go"; then echo "$root/bin/go"; exit 0; fi
done
# a Go to download with: the newest one on hand
dl=""
for g in /usr/local/go/bin/go /usr/lib/go-1.19/bin/go $(command -v go 2>/dev/null || true); do
	[ -x "$g" ] && dl=$g && break
done
[ -n "$dl" ] || exit 1
modcache=$(GOTOOLCHAIN=local "$dl" env GOMODCACHE 2>/dev/null) || exit 1
mod="golang.org/toolchain@v0.0.1-go$want.linux-$arch"
root="$modcache/$mod"
if ! [ -f "$root/bin/go" ]; then
	tmp=$(mktemp -d)
	# a module download needs a module context only for its go.mod: none here
	(cd "$tmp" && GOTOOLCHAIN=local GOFLAGS=-mod=mod GO111MODULE=on \
		GOPROXY="${GOABI_GOPROXY:-https://proxy.golang.org}" \
		"$dl" mod download "$mod" >/dev/null 2>&1) || { rm -rf "$tmp"; exit 1; }
	rm -rf "$tmp"
fi
[ -f "$root/bin/go" ] || exit 1
if ! [ -x "$root/bin/go" ]; then
	chmod -R u+w "$root/bin" "$root/pkg/tool" 2>/dev/null || true
	find "$root/bin" "$root/pkg/tool" -type f -exec chmod a+x {} + 2>/dev/null || exit 1
	chmod -R a-w "$root/bin" "$root/pkg/tool" 2>/dev/null || true
fi
reports "$root/bin/go" || exit 1
echo "$root/bin/go"
