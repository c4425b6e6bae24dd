#!/bin/bash
# goabi inspect: runtime symbol naming scheme, type-equality/hash functions and
# type-hash digest.
# Oracles: nm (defined type..eq./type..hash. and type:.eq./type:.hash.
# symbols; the scheme is the separator they use); for stripped binaries the
# same-source unstripped fixture's nm, and the Go version (go version -m, or
# the tsv for npm binaries): colon names iff Go >= 1.20 (Go 1.20 release
# notes), type hashes md5 iff Go <= 1.18 and notsha256 from 1.19
# (cmd/compile/internal/types/fmt.go).
. "$(dirname "$0")/../lib.sh"
export LC_ALL=C
I=$FIX/inspect
minor() { echo "$1" | sed -n 's/^go1\.\([0-9]*\).*/\1/p'; }
expect_scheme() { local m; m=$(minor "$1"); [ "${m:-0}" -ge 20 ] && echo colon || echo dot; }
expect_hash() { local m; m=$(minor "$1"); [ "${m:-0}" -le 18 ] && echo md5 || echo notsha256; }
# names may contain spaces ("type..eq.struct { runtime.gList; ... }")
nmnames() { nm --defined-only "$1" 2>/dev/null | sed -E 's/^[0-9a-f]+ [A-Za-z] //' | grep -E "$2" | sort -u; }
nmcount() { nmnames "$@" | wc -l; }
one() { # NAME FILE NM-FILE GOVERSION
	local name=$1 f=$2 nmf=$3 gv=$4
	if [ ! -f "$f" ]; then notok "$name: fixture missing"; return; fi
	"$GOABI" inspect --json "$f" > "$TMPD/j.json" 2>/dev/null
	# one python run per file
	mapfile -t v < <(python3 -c 'import json,sys; g=json.load(open(sys.argv[1]))["artifacts"][0]["go"]
print(g["scheme"]["value"]); print(g["typehash"]["value"]); print(g["typehash"]["confidence"])
print(len(g["eq_funcs"])); print(len(g["hash_funcs"])); print(g["conflicts"])
open(sys.argv[2], "w").write("".join(n + "\n" for n in g["eq_funcs"]))' "$TMPD/j.json" "$TMPD/eq")
	check "$name: scheme (Go $gv)" "$(expect_scheme "$gv")" "${v[0]:-}"
	check "$name: type hash digest (Go $gv)" "$(expect_hash "$gv")" "${v[1]:-}"
	check "$name: type hash confidence" known "${v[2]:-}"
	if [ -n "$nmf" ]; then
		check "$name: type equality functions (oracle: nm $(basename "$nmf"))" "$(nmcount "$nmf" '^type[.:]\.eq\.')" "${v[3]:-}"
		check "$name: type hash functions (oracle: nm $(basename "$nmf"))" "$(nmcount "$nmf" '^type[.:]\.hash\.')" "${v[4]:-}"
		# the very names, not just their number
		# pclntab names elide the text from the first '[' to the last ']'
		# (Go 1.18+ cmd/link/internal/ld/pcln.go nameParts): stripped files
		# are compared with nm's names treated the same way
		if [ "$f" = "$nmf" ]; then nmnames "$nmf" '^type[.:]\.eq\.' > "$TMPD/want"
		else nmnames "$nmf" '^type[.:]\.eq\.' | sed -E 's/\[.*\]/[...]/' | sort -u > "$TMPD/want"; fi
		sort -u "$TMPD/eq" > "$TMPD/got"
		check "$name: type equality function names equal nm's" "" "$(diff "$TMPD/want" "$TMPD/got" | head -3)"
	fi
	check "$name: no conflicts on a real binary" "[]" "${v[5]:-}"
}
gv=$(go version "$I/go119-static" | awk '{print $2}')
for f in go119-cgo-exe go119-cgo-pie go119-static go119-pure-pie go119-amd64v3 go119-arm64 go119-386 go119-s390x \
	go119-trimpath-tags go119-c-shared.so; do
	one "$f" "$I/$f" "$I/$f" "$gv"
done
# stripped: names come from the pclntab; the unstripped twin is the nm oracle
one go119-cgo-sw "$I/go119-cgo-sw" "$I/go119-cgo-exe" "$gv"
one go119-static-sw "$I/go119-static-sw" "$I/go119-static" "$gv"
one go119-static-noshdr "$I/go119-static-noshdr" "$I/go119-static" "$gv"
one go119-cgo-exe-noshdr "$I/go119-cgo-exe-noshdr" "$I/go119-cgo-exe" "$gv"
one go119-c-archive.a "$I/go119-c-archive.a" "$I/go119-c-archive.a" "$gv"
while IFS=$'\t' read -r spec file sha gover mach; do
	case $spec in ''|'#'*) continue ;; esac
	f="$NPM/$(echo "$spec" | tr '/' '_')/$(basename "$file")"
	if [ -f "$f" ]; then one "$spec" "$f" "" "$gover"; else skip "$spec scheme" "not fetched"; fi
done < "$TOP/testdata/npm-go-binaries.tsv"
