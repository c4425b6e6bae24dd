#!/bin/bash
# goabi inspect: runtime symbol naming scheme, type-equality/hash functions and
# type-hash digest.
# Oracles: nm (defined type..eq./type..hash. and type:.eq./type:.hash.
# symbols; the scheme is the separator they use); for stripped binaries the
# same-source unstripped fixture's nm, and the Go version (go version -m, or
# the tsv for npm binaries): colon names iff Go >= 1.20 (Go 1.20 release
# notes); type hashes by era: md5 up to Go 1.18, notsha256 1.19-1.23,
# sha256[8:12] in 1.24, sha256^0xff from 1.25 (the issue's verified table),
# and on every ELF file the digest found by tests/cli/typehash-oracle.py, a
# brute-force search of all non-executable segments in Python (hashlib).
. "$(dirname "$0")/../lib.sh"
export LC_ALL=C
I=$FIX/inspect
minor() { echo "$1" | sed -n 's/^go1\.\([0-9]*\).*/\1/p'; }
expect_scheme() { local m; m=$(minor "$1"); [ "${m:-0}" -ge 20 ] && echo colon || echo dot; }
expect_hash() {
	local m; m=$(minor "$1"); m=${m:-0}
	if [ "$m" -le 18 ]; then echo md5; elif [ "$m" -le 23 ]; then echo notsha256
	elif [ "$m" -le 24 ]; then echo 'sha256[8:12]'; else echo 'sha256^0xff'; fi
}
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
	if [ "${f%.a}" = "$f" ]; then
		check "$name: type hash digest equals the brute-force oracle's" \
			"$(python3 "$TOP/tests/cli/typehash-oracle.py" elf "$f")" "${v[1]:-}"
	fi
	if [ -n "$nmf" ]; then
		check "$name: type equality functions (oracle: nm $(basename "$nmf"))" "$(nmcount "$nmf" '^type[.:]\.eq\.')" "${v[3]:-}"
		check "$name: type hash functions (oracle: nm $(basename "$nmf"))" "$(nmcount "$nmf" '^type[.:]\.hash\.')" "${v[4]:-}"
		# the very names, not just their number
		# pclntab names elide the text from the first '[' to the last ']'
		# (Go 1.18+ cmd/link/internal/ld/pcln.go nameParts): stripped files
		# are compared with nm's names treated the same way
		# (Go 1.26 and later keep them whole: either form must match exactly)
		nmnames "$nmf" '^type[.:]\.eq\.' > "$TMPD/want"
		# the pclntab keeps the middle dot of closure suffixes (untracedG·7)
		# that the Go 1.26 linker writes as '.' in .symtab
		sed 's/\xc2\xb7/./g' "$TMPD/eq" | sort -u > "$TMPD/got"
		if [ "$f" != "$nmf" ] && ! cmp -s "$TMPD/want" "$TMPD/got"; then
			nmnames "$nmf" '^type[.:]\.eq\.' | sed -E 's/\[.*\]/[...]/' | sort -u > "$TMPD/want"
		fi
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
# today's Go: Go 1.26.8 and 1.27.3 (tests/fixtures/build-modern.sh)
M=$FIX/modern
for tc in go126 go127; do
	tv=$(awk -v t=$tc '$1 == t {print $2}' "$M/TOOLCHAINS" 2>/dev/null)
	if [ -z "$tv" ]; then skip "$tc scheme and type hash" "toolchain $tc not on this machine"; continue; fi
	for f in cgo-exe cgo-pie c-shared.so static amd64v3 arm64; do one "$tc-$f" "$M/$tc-$f" "$M/$tc-$f" "$tv"; done
	one "$tc-cgo-sw" "$M/$tc-cgo-sw" "$M/$tc-cgo-exe" "$tv"
	one "$tc-static-sw" "$M/$tc-static-sw" "$M/$tc-static" "$tv"
	one "$tc-c-archive.a" "$M/$tc-c-archive.a" "$M/$tc-c-archive.a" "$tv"
done
# Go package archives (Go's object format): scheme by version, hash by the
# oracle on the object's bytes (the package defines type Value)
for tc in go119 go126 go127; do
	f=$M/$tc-pkg.a
	if [ ! -f "$f" ]; then skip "$tc-pkg.a" "toolchain $tc not on this machine"; continue; fi
	tv=$(ar p "$f" _go_.o | head -1 | awk '{print $5}')
	check "$tc-pkg.a: Go object header names the toolchain that built it" "$tc" "go1$(echo "$tv" | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
	ar p "$f" _go_.o > "$TMPD/obj"
	"$GOABI" inspect --json "$f" > "$TMPD/j.json" 2>/dev/null
	mapfile -t v < <(python3 -c 'import json,sys; g=json.load(open(sys.argv[1]))["artifacts"][0]["go"]
print(g["scheme"]["value"]); print(g["typehash"]["value"]); print(g["version"]["value"])' "$TMPD/j.json")
	check "$tc-pkg.a: scheme" "$(expect_scheme "$tv")" "${v[0]:-}"
	check "$tc-pkg.a: type hash digest (era of $tv)" "$(expect_hash "$tv")" "${v[1]:-}"
	check "$tc-pkg.a: type hash digest equals the oracle's on _go_.o" \
		"$(python3 "$TOP/tests/cli/typehash-oracle.py" goobj "$TMPD/obj" '*example.com/dep.Value')" "${v[1]:-}"
done
while IFS=$'\t' read -r spec file sha gover mach; do
	case $spec in ''|'#'*) continue ;; esac
	f="$NPM/$(echo "$spec" | tr '/' '_')/$(basename "$file")"
	if [ -f "$f" ]; then one "$spec" "$f" "" "$gover"; else skip "$spec scheme" "not fetched"; fi
done < "$TOP/testdata/npm-go-binaries.tsv"
