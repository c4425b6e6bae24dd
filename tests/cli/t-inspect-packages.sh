#!/bin/bash
# Release packages as inputs: goabi inspect FILE.deb reports every ELF file
# and ar archive inside as PACKAGE!/path. Oracles, on real Debian packages of
# the real-world corpus: dpkg-deb -x (the files the package holds, found by
# their magic bytes), `go version` of each extracted program (the Go
# version), readelf -V (the glibc floor); a package cut short exits 2 naming
# the package.
. "$(dirname "$0")/../lib.sh"
DEB="${GOABI_CACHE:-$HOME/.cache/goabi}/deb"
GOV=${GO126:-/usr/lib/go-1.19/bin/go}
pkgs=()
for p in runc age jq libc6-dev ripgrep; do
	f=$(ls "$DEB/${p}"_*_amd64.deb 2>/dev/null | head -1)
	[ -n "$f" ] && pkgs+=("$f")
done
plan $((3 * 5 + 4))
if [ ${#pkgs[@]} -eq 0 ]; then
	for i in $(seq 1 19); do skip ".deb inputs" "no Debian package cached (tests/fetch-deb.sh)"; done
	exit 0
fi
for f in "${pkgs[@]}"; do
	n=$(basename "$f")
	x=$TMPD/x-$n
	mkdir -p "$x" && dpkg-deb -x "$f" "$x"
	(cd "$x" && find . -type f -print0 | xargs -0 -r python3 -c '
import sys
for p in sys.argv[1:]:
    with open(p, "rb") as f:
        m = f.read(8)
    if m[:4] == b"\x7fELF" or m in (b"!<arch>\n", b"!<thin>\n"):
        print(p[2:])') | sort > "$TMPD/want"
	"$GOABI" inspect --brief "$f" > "$TMPD/brief" 2> "$TMPD/err"
	check "$n: exit 0" 0 $?
	check "$n: every ELF file and archive inside, as PACKAGE!/path (oracle: dpkg-deb -x, $(wc -l < "$TMPD/want") files)" \
		"$(cat "$TMPD/want")" "$(sed "s|^$f!/||; s|: .*||" "$TMPD/brief" | sort)"
	bad=""
	while IFS= read -r rel; do
		line=$(grep -F -- "$f!/$rel: " "$TMPD/brief" | head -1)
		facts=${line#*: }
		first=${facts%%,*}
		cp "$x/$rel" "$TMPD/bin" && chmod +x "$TMPD/bin"
		if gv=$(GOTOOLCHAIN=local "$GOV" version "$TMPD/bin" 2>/dev/null) && [ -n "$gv" ]; then
			want=$(awk '{print $2}' <<< "$gv")
			[ "$first" = "$want" ] || bad="$bad $rel:'$first'!='$want'"
		fi
		want=$(readelf -V -W "$x/$rel" 2>/dev/null | sed -n 's/.*Name: GLIBC_\([0-9][0-9.]*\) .*/\1/p' | sort -V | tail -1)
		got=$(grep -oE ', glibc [0-9][0-9.]*' <<< "$facts" | sed 's/, glibc //')
		case $rel in *.a|*.o) ;; *) [ "$got" = "$want" ] || bad="$bad $rel:glibc'$got'!='$want'" ;; esac
	done < "$TMPD/want"
	check "$n: Go version (go version) and glibc floor (readelf -V) of each file" "" "$bad"
done
for i in $(seq $((${#pkgs[@]} + 1)) 5); do for k in 1 2 3; do skip ".deb input $i" "package not cached"; done; done
# a package cut short: exit 2, the package named
f=${pkgs[0]}
head -c $(( $(stat -c %s "$f") / 2 )) "$f" > "$TMPD/cut.deb"
"$GOABI" inspect --brief "$TMPD/cut.deb" > /dev/null 2> "$TMPD/cuterr"
check "a .deb cut in half: exit 2" 2 $?
case $(cat "$TMPD/cuterr") in
*"$TMPD/cut.deb"*) ok "a .deb cut in half: the message names it: $(head -1 "$TMPD/cuterr" | cut -c1-150)" ;;
*) notok "a .deb cut in half: '$(head -1 "$TMPD/cuterr")'" ;;
esac
# goabi audit on a package: each binary inside judged as PKG!/path; the glibc
# floor it reports = readelf -V on the file dpkg-deb -x extracts
f=${pkgs[0]}; n=$(basename "$f"); x=$TMPD/x-$n
rel=$(head -1 < <(cd "$x" && find . -type f -perm -u+x | sed 's|^\./||' | sort))
want=$(readelf -V -W "$x/$rel" | sed -n 's/.*Name: \(GLIBC_[0-9][0-9.]*\) .*/\1/p' | sort -V | tail -1)
"$GOABI" audit --max-glibc 2.17 "$f" > "$TMPD/audit" 2>&1
check "audit --max-glibc 2.17 $n: exit 1 (readelf -V: $rel needs $want)" 1 $?
case $(cat "$TMPD/audit") in
*"$f!/$rel: needs $want,"*"[audit/max-glibc]"*) ok "audit names $n!/$rel and its floor $want" ;;
*) notok "audit of $n: '$(head -2 "$TMPD/audit")'" ;;
esac
