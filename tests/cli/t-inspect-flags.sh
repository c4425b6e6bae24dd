#!/bin/bash
# goabi inspect: facts decided by how each fixture was built (the recipe in
# tests/fixtures/build-inspect.sh is the oracle): Go toolchain (gc/gccgo/none),
# cgo, build mode, GOAMD64, linkage (dynamic/static/static-pie/relocatable)
# and libc family (gcc -> glibc, musl-gcc -> musl, CGO_ENABLED=0 -> none).
# Copies without section headers must report the same facts.
. "$(dirname "$0")/../lib.sh"
I=$FIX/inspect
# name toolchain cgo buildmode linkage family  ("-" = not asserted)
while read -r name tc cgo bm link fam; do
	case $name in ''|'#'*) continue ;; esac
	for f in "$name" "$name-noshdr"; do
		[ "$f" = "$name-noshdr" ] && [ ! -f "$I/$f" ] && continue
		if [ "$f" = cxx-dyn ] && [ ! -f "$I/$f" ] && ! command -v g++ >/dev/null; then skip "$f" "g++ not installed"; continue; fi
		if [ ! -f "$I/$f" ]; then notok "$f: fixture missing"; continue; fi
		"$GOABI" inspect --json "$I/$f" > "$TMPD/j.json" 2>/dev/null
		# one python run per file: toolchain, cgo, build mode, linkage, family
		mapfile -t v < <(python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["artifacts"][0]
for x in (a["go"]["toolchain"], a["go"]["cgo"], a["go"]["buildmode"], a["libc"]["linkage"], a["libc"]["family"]): print(x["value"])' "$TMPD/j.json")
		check "$f: toolchain" "$tc" "${v[0]:-}"
		[ "$cgo" = - ] || check "$f: cgo" "$cgo" "${v[1]:-}"
		[ "$bm" = - ] || check "$f: build mode" "$bm" "${v[2]:-}"
		[ "$link" = - ] || check "$f: linkage" "$link" "${v[3]:-}"
		[ "$fam" = - ] || check "$f: libc family" "$fam" "${v[4]:-}"
	done
done <<'T'
# Go 1.19 gc
go119-c-shared.so   gc 1 c-shared dynamic glibc
go119-cgo-exe       gc 1 exe      dynamic glibc
go119-cgo-pie       gc 1 pie      dynamic glibc
go119-cgo-sw        gc 1 exe      dynamic glibc
go119-static        gc 0 exe      static  none
go119-static-sw     gc 0 exe      static  none
go119-pure-pie      gc 0 pie      dynamic glibc
go119-amd64v3       gc 0 exe      static  none
go119-trimpath-tags gc 0 exe      static  none
go119-arm64         gc 0 exe      static  none
go119-386           gc 0 exe      static  none
go119-s390x         gc 0 exe      static  none
# gccgo-12 (gcc links PIE by default on Debian)
gccgo-exe           gccgo - pie   dynamic glibc
gccgo-obj.o         gccgo - object relocatable -
# C
c-dyn               none - - dynamic    glibc
c-static            none - - static     glibc
c-static-pie        none - - static-pie glibc
musl-dyn            none - - dynamic    musl
musl-static         none - - static     musl
musl-static-strip   none - - static     musl
c-static-strip      none - - static     glibc
libc-so.so          none - - dynamic    glibc
cxx-dyn             none - - dynamic    glibc
hello.o             none - - relocatable -
T
# the c-archive: facts rolled up from its members
if [ -f "$I/go119-c-archive.a" ]; then
	"$GOABI" inspect --json "$I/go119-c-archive.a" > "$TMPD/j.json" 2>/dev/null
	a="j['artifacts'][0]"
	check "go119-c-archive.a: toolchain" gc "$(jget "$TMPD/j.json" "$a['go']['toolchain']['value']")"
	check "go119-c-archive.a: cgo" 1 "$(jget "$TMPD/j.json" "$a['go']['cgo']['value']")"
	check "go119-c-archive.a: build mode" c-archive "$(jget "$TMPD/j.json" "$a['go']['buildmode']['value']")"
else
	notok "go119-c-archive.a: fixture missing"
fi
# build settings the recipe passed: GOAMD64, -trimpath, -tags, -ldflags, GOARCH
setting() { jget "$TMPD/j.json" "j['artifacts'][0]['go']['settings'].get('$1')"; }
"$GOABI" inspect --json "$I/go119-amd64v3" > "$TMPD/j.json" 2>/dev/null
check "go119-amd64v3: GOAMD64 from GOAMD64=v3" v3 "$(setting GOAMD64)"
"$GOABI" inspect --json "$I/go119-trimpath-tags" > "$TMPD/j.json" 2>/dev/null
check "go119-trimpath-tags: -trimpath" true "$(setting -trimpath)"
check "go119-trimpath-tags: -tags" extra,netgo "$(setting -tags)"
"$GOABI" inspect --json "$I/go119-static-sw" > "$TMPD/j.json" 2>/dev/null
check "go119-static-sw: -ldflags" "-s -w" "$(setting -ldflags)"
for arch in arm64 386 s390x; do
	"$GOABI" inspect --json "$I/go119-$arch" > "$TMPD/j.json" 2>/dev/null
	check "go119-$arch: GOARCH" "$arch" "$(setting GOARCH)"
done
# cgo evidence names real cgo symbols (nm), never _cgo_init
"$GOABI" inspect -v "$I/go119-cgo-exe" > "$TMPD/t" 2>/dev/null
ev=$(jget <("$GOABI" inspect --json "$I/go119-cgo-exe") "' '.join(j['artifacts'][0]['go']['cgo_evidence'])")
case " $ev" in *" _cgo_init"*) notok "go119-cgo-exe: cgo evidence must not use _cgo_init: $ev" ;; *) ok "go119-cgo-exe: cgo evidence does not use _cgo_init" ;; esac
for s in x_cgo_init crosscall2 _cgo_panic; do
	if nm "$I/go119-cgo-exe" | grep -q " $s\$"; then
		case " $ev" in *" $s"*) ok "go119-cgo-exe: cgo evidence lists $s (nm has it)" ;; *) notok "go119-cgo-exe: cgo evidence lacks $s: $ev" ;; esac
	else
		notok "go119-cgo-exe: nm does not show $s"
	fi
done
# Go's own compiler: built with CGO_ENABLED=1 (go version -m) but no package
# uses cgo, so it is static without libc: readelf shows no PT_INTERP and no
# dynamic section; goabi must say cgo_setting=1 (the setting; cgo, what was
# linked, is tests/cli/t-inspect-cgo.sh's), libc none, no conflict
f=/usr/lib/go-1.19/pkg/tool/linux_amd64/compile
if [ -f "$f" ]; then
	"$GOABI" inspect --json "$f" > "$TMPD/j.json" 2>/dev/null
	want=$(go version -m "$f" | sed -n 's/^\tbuild\tCGO_ENABLED=//p')
	check "cmd/compile: cgo_setting equals go version -m's CGO_ENABLED" "$want" "$(jget "$TMPD/j.json" "j['artifacts'][0]['go']['cgo_setting']['value']")"
	if ! readelf -lW "$f" | grep -q INTERP && ! readelf -dW "$f" | grep -q NEEDED; then
		check "cmd/compile: no PT_INTERP/DT_NEEDED (readelf) and no cgo symbols: libc none" none \
			"$(jget "$TMPD/j.json" "j['artifacts'][0]['libc']['family']['value']")"
	else
		notok "cmd/compile: readelf shows an interpreter or needed libraries"
	fi
	check "cmd/compile: no conflict for CGO_ENABLED=1 without cgo packages" "[]" "$(jget "$TMPD/j.json" "j['artifacts'][0]['go']['conflicts']")"
fi
