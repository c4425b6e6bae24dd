#!/bin/bash
# Fetch the pinned real-world binaries of testdata/npm-go-binaries.tsv and
# testdata/npm-other-binaries.tsv (non-Go programs) and testdata/npm-macho-pe-binaries.tsv
# (macOS and Windows builds) into a cache (default ~/.cache/goabi/npm), verifying each by sha256.
# A cached file whose checksum matches is not downloaded again.
# Layout: DIR/<package@version with / -> _>/<basename of file>
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-${GOABI_CACHE:-$HOME/.cache/goabi}/npm}
mkdir -p "$DIR"
bad=0
while IFS=$'\t' read -r spec file sha gover mach; do
	case $spec in ''|'#'*) continue ;; esac
	key=$(echo "$spec" | tr '/' '_')
	out="$DIR/$key/$(basename "$file")"
	if [ -f "$out" ] && echo "$sha  $out" | sha256sum -c --status; then
		continue
	fi
	tmp=$(mktemp -d)
	if ! (cd "$tmp" && npm pack --silent "$spec" >/dev/null 2>&1); then
		echo "fetch-npm: cannot fetch $spec" >&2; bad=1; rm -rf "$tmp"; continue
	fi
	tgz=$(ls "$tmp"/*.tgz)
	mkdir -p "$DIR/$key"
	tar -xzf "$tgz" -C "$tmp" "$file"
	if ! echo "$sha  $tmp/$file" | sha256sum -c --status; then
		echo "fetch-npm: checksum mismatch for $spec $file" >&2; bad=1
	else
		mv "$tmp/$file" "$out"
		printf '%s\t%s\t%s\n' "$spec" "$gover" "$mach" > "$DIR/$key/info"
		echo "fetched $spec ($gover, $mach)"
	fi
	rm -rf "$tmp"
done < <(cat "$TOP/testdata/npm-go-binaries.tsv" "$TOP/testdata/npm-other-binaries.tsv" "$TOP/testdata/npm-macho-pe-binaries.tsv")
exit $bad
