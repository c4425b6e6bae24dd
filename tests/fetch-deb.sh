#!/bin/bash
# Fetch the pinned Debian bookworm packages of tests/realworld/*.tsv into a
# cache (default ~/.cache/goabi/deb), each by exact version with
# `apt-get download PKG:ARCH=VERSION`, verified by sha256, and unpacked with
# `dpkg-deb -x` beside it. A cached package whose checksum matches is not
# downloaded again. Foreign architectures are added to dpkg (and the package
# lists updated) only when a row needs one, and only as root.
# Layout: DIR/PKG_VERSION_ARCH.deb and DIR/PKG_VERSION_ARCH/ (the unpacked tree).
# Row format (tab-separated): package  version  arch  sha256  [what it is]
# Usage: tests/fetch-deb.sh [DIR] [TSV...]   (exit 1 when any row failed)
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-${GOABI_CACHE:-$HOME/.cache/goabi}/deb}
shift || true
lists=("$@")
[ ${#lists[@]} -gt 0 ] || lists=("$TOP"/tests/realworld/*.tsv)
mkdir -p "$DIR"
bad=0
rows=$(cat "${lists[@]}" | grep -v '^#' | awk -F'\t' 'NF >= 4')
need_arch() { # need_arch ARCH: make sure dpkg knows ARCH and apt has its lists
	local a=$1
	[ "$a" = all ] && return 0
	[ "$a" = "$(dpkg --print-architecture)" ] && return 0
	dpkg --print-foreign-architectures | grep -qx "$a" && return 0
	[ "$(id -u)" = 0 ] || { echo "fetch-deb: architecture $a not configured (needs root)" >&2; return 1; }
	dpkg --add-architecture "$a" && updated=0
}
updated=1
while IFS=$'\t' read -r pkg ver arch sha _; do
	f="$DIR/${pkg}_${ver//:/%3a}_$arch.deb"
	[ -f "$f" ] && echo "$sha  $f" | sha256sum -c --status && continue
	need_arch "$arch" || { bad=1; continue; }
done <<< "$rows"
if [ "$updated" = 0 ]; then apt-get update -qq >/dev/null 2>&1 || true; fi
# apt rebuilds its package cache on every call where the image turned the
# cache off (docker-clean): keep one of our own, and download every missing
# package in one call (one cache load), then one by one only if that fails
APT=(apt-get -qq -o "Dir::Cache::pkgcache=$DIR/.pkgcache.bin" -o "Dir::Cache::srcpkgcache=$DIR/.srcpkgcache.bin")
spec_of() { if [ "$3" = all ]; then echo "$1=$2"; else echo "$1:$3=$2"; fi; }
missing=()
while IFS=$'\t' read -r pkg ver arch sha _; do
	[ -n "$pkg" ] || continue
	f="$DIR/${pkg}_${ver//:/%3a}_$arch.deb"
	[ -f "$f" ] && echo "$sha  $f" | sha256sum -c --status && continue
	missing+=("$(spec_of "$pkg" "$ver" "$arch")")
done <<< "$rows"
dl=$(mktemp -d)
trap 'rm -rf "$dl"' EXIT
if [ ${#missing[@]} -gt 0 ]; then
	if ! (cd "$dl" && "${APT[@]}" download "${missing[@]}" >/dev/null 2>&1); then
		# lists may be missing or stale on a fresh machine: update once, then one by one
		if [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null 2>&1; fi
		for spec in "${missing[@]}"; do
			(cd "$dl" && "${APT[@]}" download "$spec" >/dev/null 2>&1) || echo "fetch-deb: cannot download $spec" >&2
		done
	fi
fi
while IFS=$'\t' read -r pkg ver arch sha _; do
	[ -n "$pkg" ] || continue
	base="${pkg}_${ver//:/%3a}_$arch"
	f="$DIR/$base.deb"
	if ! { [ -f "$f" ] && echo "$sha  $f" | sha256sum -c --status; }; then
		# apt names the file PKG_VERSION_ARCH.deb with the epoch's colon as %3a
		got="$dl/$base.deb"
		if ! [ -f "$got" ]; then bad=1; echo "fetch-deb: $pkg:$arch=$ver not downloaded" >&2; continue; fi
		if ! echo "$sha  $got" | sha256sum -c --status; then
			echo "fetch-deb: checksum mismatch for $pkg:$arch=$ver" >&2; bad=1; continue
		fi
		mv "$got" "$f"
		rm -rf "${DIR:?}/$base"
		echo "fetched $pkg:$arch=$ver"
	fi
	if ! [ -f "$DIR/$base/.unpacked" ]; then
		rm -rf "${DIR:?}/$base"; mkdir -p "$DIR/$base"
		dpkg-deb -x "$f" "$DIR/$base" && touch "$DIR/$base/.unpacked" ||
			{ echo "fetch-deb: cannot unpack $f" >&2; bad=1; }
	fi
done <<< "$rows"
exit $bad
