#!/bin/bash
# goabi inspect --brief: one line per file, like `go version`. Oracles, over
# real programs (Debian packages of the real-world corpus, npm binaries):
# the Go version = `go version FILE` (Go 1.26.8, else 1.19), "not Go" where
# go version rejects the file and readelf shows no Go section, the glibc
# floor = readelf -V's highest GLIBC_ version, one line per ELF file and
# archive that find + the magic bytes see under a -r tree.
. "$(dirname "$0")/../lib.sh"
plan 4
DEB="${GOABI_CACHE:-$HOME/.cache/goabi}/deb"
GOV=${GO126:-/usr/lib/go-1.19/bin/go}
roots=()
for p in age restic runc jq ripgrep bash coreutils hyperfine; do
	d=$(ls -d "$DEB/${p}"_*_amd64 2>/dev/null | head -1)
	[ -n "$d" ] && roots+=("$d/usr")
done
for d in "$NPM"/lefthook-linux-x64@2.1.17 "$NPM"/@esbuild_linux-x64@0.25.5 "$NPM"/esbuild-linux-64@0.14.54; do
	[ -d "$d" ] && roots+=("$d")
done
if [ ${#roots[@]} -lt 3 ]; then
	for i in 1 2 3 4; do skip "--brief" "the real-world corpus is not cached (tests/fetch-deb.sh)"; done
	exit 0
fi
"$GOABI" inspect --brief -r "${roots[@]}" > "$TMPD/brief" 2> "$TMPD/err"
# the files: regular files with ELF or ar magic (symbolic links are not followed by -r)
find "${roots[@]}" -type f -print0 | xargs -0 python3 -c '
import sys
for p in sys.argv[1:]:
    with open(p, "rb") as f:
        m = f.read(8)
    if m[:4] == b"\x7fELF" or m == b"!<arch>\n":
        print(p)' | sort > "$TMPD/files"
check "one line per ELF file and archive ($(wc -l < "$TMPD/files") files)" "$(cat "$TMPD/files")" "$(sed 's/: .*//' "$TMPD/brief" | sort)"
gobad="" nbad="" fbad="" ngo=0 nnot=0 nfloor=0
while IFS= read -r f; do
	line=$(grep -F -- "$f: " "$TMPD/brief" | head -1)
	facts=${line#"$f: "}
	first=${facts%%,*}
	cp "$f" "$TMPD/x" && chmod +x "$TMPD/x"
	if gv=$(GOTOOLCHAIN=local "$GOV" version "$TMPD/x" 2>/dev/null) && [ -n "$gv" ]; then
		want=$(awk '{print $2}' <<< "$gv")
		ngo=$((ngo + 1))
		[ "$first" = "$want" ] || gobad="$gobad $(basename "$f"):'$first'!='$want'"
	elif ! readelf -S -W "$f" 2>/dev/null | grep -qE 'gopclntab|go\.buildinfo|\.gosymtab|\.go\.'; then
		nnot=$((nnot + 1))
		[ "$first" = "not Go" ] || nbad="$nbad $(basename "$f"):'$first'"
	fi
	want=$(readelf -V -W "$f" 2>/dev/null | sed -n 's/.*Name: GLIBC_\([0-9][0-9.]*\) .*/\1/p' | sort -V | tail -1)
	got=$(grep -oE ', glibc [0-9][0-9.]*' <<< "$facts" | sed 's/, glibc //')
	nfloor=$((nfloor + 1))
	[ "$got" = "$want" ] || fbad="$fbad $(basename "$f"):'$got'!='$want'"
done < <(grep -v '\.a$' "$TMPD/files")
check "Go version = go version on $ngo Go programs" "" "$gobad"
check "'not Go' where go version rejects the file and readelf shows no Go section ($nnot files)" "" "$nbad"
check "glibc floor = readelf -V's highest GLIBC_ ($nfloor files)" "" "$fbad"
