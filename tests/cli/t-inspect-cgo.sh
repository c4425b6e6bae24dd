#!/bin/bash
# goabi inspect's cgo fact is what was linked (cgo code in the binary or
# not), with the build setting CGO_ENABLED kept beside it (go.cgo_setting);
# audit --cgo and the image summary use the linked fact. Programs are built
# here with Go 1.19 and Go 1.26, all with CGO_ENABLED=1: a pure-Go hello (no
# package uses cgo: a static binary), one importing "C", one using net (cgo
# resolver), one with -tags netgo,osusergo; each also -ldflags=-s -w. gccgo:
# hello and import "C", with libgo shared and -static-libgo.
# Oracles: the recipe (import "C" or not), go version -m (CGO_ENABLED),
# readelf -l/-d (PT_INTERP, DT_NEEDED) and nm of the unstripped twin
# (runtime/cgo's x_cgo_init, crosscall2, _cgo_topofstack). Then the Go
# programs of the Debian corpus (~/.cache/goabi/deb, tests/fetch-deb.sh):
# every one is a CGO_ENABLED=1 build whose gc executables are dynamic
# exactly when cgo code is linked (readelf -d DT_NEEDED).
. "$(dirname "$0")/../lib.sh"
DEB=${GOABI_CACHE:-$HOME/.cache/goabi}/deb
S=$TMPD/src
mkdir -p "$S/hello" "$S/cgoc" "$S/net" "$TMPD/out"
printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n' > "$S/hello/main.go"
printf 'package main\n\n// int add(int a, int b) { return a + b; }\nimport "C"\nimport "fmt"\n\nfunc main() { fmt.Println(C.add(1, 2)) }\n' > "$S/cgoc/main.go"
printf 'package main\n\nimport (\n\t"fmt"\n\t"net"\n)\n\nfunc main() { fmt.Println(net.LookupHost("localhost")) }\n' > "$S/net/main.go"
for d in hello cgoc net; do printf 'module example.com/%s\n\ngo 1.19\n' "$d" > "$S/$d/go.mod"; done

# name dir tags cgo-imported (the recipe: 1 when a package imports "C")
progs="hello:hello::0 cgoc:cgoc::1 net:net::1 netgo:net:netgo,osusergo:0"
gos=""
for g in /usr/lib/go-1.19/bin/go /usr/local/go/bin/go; do [ -x "$g" ] && gos="$gos $g"; done
corpus=()
for f in "$DEB"/*/usr/bin/* "$DEB"/*/usr/sbin/*; do
	[ -f "$f" ] && [ ! -L "$f" ] && [ "$(head -c4 "$f" 2>/dev/null)" = $'\x7fELF' ] || continue
	go version -m "$f" 2>/dev/null | grep -q $'^\tbuild\tCGO_ENABLED=' && corpus+=("$f")
done
ngo=$(wc -w <<< "$gos")
plan $((ngo * 4 * 2 * 4 + ngo * 2 + 1 + 5 + 2 + ${#corpus[@]} * 2 + 1 + 6))
# the --brief line's cgo ("cgo 1" / "cgo 0"): --brief decides a linux
# program's cgo from its dynamic linking when it can (src/facts/go.c
# brief_cgo), the full report from the cgo names; both must match the oracle
brief_cgo() { "$GOABI" inspect --brief "$1" 2>/dev/null | grep -o ', cgo [01]' | sed 's/, cgo //'; }

for g in $gos; do
	v=$("$g" env GOVERSION)
	for p in $progs; do
		IFS=: read -r name dir tags imp <<< "$p"
		out=$TMPD/out/$name-$v
		for strip in "" "-s -w"; do
			o=$out${strip:+-s}
			(cd "$S/$dir" && GOTOOLCHAIN=local CGO_ENABLED=1 GOFLAGS= "$g" build ${tags:+-tags $tags} ${strip:+-ldflags="$strip"} -o "$o" .) > "$TMPD/b.log" 2>&1 ||
				{ notok "$name-$v${strip:+ stripped}: go build failed: $(tail -1 "$TMPD/b.log")"; continue; }
		done
		# oracle from the unstripped twin: nm's runtime/cgo symbols and
		# readelf's PT_INTERP/DT_NEEDED (a gc program without cgo is static)
		nmc=$(nm "$out" 2>/dev/null | grep -cE ' T (x_cgo_init|crosscall2|_cgo_topofstack)$')
		dyn=$(readelf -lW -dW "$out" | grep -cE 'Requesting program interpreter|\(NEEDED\)')
		want=$([ "$nmc" -gt 0 ] && echo 1 || echo 0)
		for f in "$out" "$out-s"; do
			[ -f "$f" ] || { notok "$(basename "$f"): not built"; notok "$(basename "$f"): not built"; notok "$(basename "$f"): not built"; continue; }
			"$GOABI" inspect --json "$f" > "$TMPD/j.json"
			mapfile -t r < <(jget "$TMPD/j.json" "'\n'.join(str(x) for x in (j['artifacts'][0]['go']['cgo']['value'], j['artifacts'][0]['go']['cgo_setting']['value']))")
			set=$(go version -m "$f" | sed -n 's/^\tbuild\tCGO_ENABLED=//p')
			check "$(basename "$f"): cgo linked = recipe (import \"C\": $imp) = nm of the unstripped build ($nmc runtime/cgo symbols)" \
				"$imp $imp" "$want ${r[0]:-}"
			check "$(basename "$f"): cgo_setting = go version -m CGO_ENABLED" "$set" "${r[1]:-}"
			check "$(basename "$f"): no cgo linked <=> no PT_INTERP/DT_NEEDED (readelf: $dyn)" \
				"$([ "$dyn" -gt 0 ] && echo 1 || echo 0)" "${r[0]:-}"
			check "$(basename "$f"): --brief line's cgo = nm of the unstripped build" "$want" "$(brief_cgo "$f")"
		done
	done
	# audit --cgo off: the pure-Go CGO_ENABLED=1 build passes, the cgo one fails
	"$GOABI" audit --cgo off "$TMPD/out/hello-$v-s" > /dev/null 2>&1
	check "audit --cgo off on CGO_ENABLED=1 hello-$v-s without cgo linked: exit 0" 0 $?
	"$GOABI" audit --cgo off "$TMPD/out/cgoc-$v-s" > /dev/null 2>&1
	check "audit --cgo off on cgoc-$v-s (import \"C\"): exit 1" 1 $?
done

# static programs from an external link (-extldflags=-static): runtime/cgo
# is linked (the linker adds it to every external link on linux, import "C"
# or not) and the C start files leave an .init section; --brief must not
# take such a program for one of Go's internal linker (no .init: cgo 0).
# Oracles: readelf (no PT_INTERP, .init present), nm (x_cgo_init defined).
g=${gos##* }
for p in hello net; do
	o=$TMPD/out/$p-extstatic
	if [ -n "$g" ] && (cd "$S/$p" && GOTOOLCHAIN=local CGO_ENABLED=1 GOFLAGS= "$g" build \
		-ldflags='-linkmode=external -extldflags=-static' -o "$o" .) > "$TMPD/b.log" 2>&1; then
		check "$p -linkmode=external -extldflags=-static: static with .init (readelf)" "0 1" \
			"$(readelf -lW "$o" | grep -c 'program interpreter') $(readelf -SW "$o" | grep -cE ' \.init +PROGBITS')"
		want=$(nm "$o" 2>/dev/null | grep -cE ' T x_cgo_init$')
		check "$p external static: cgo linked = nm ($want x_cgo_init)" "$want" \
			"$("$GOABI" inspect --json "$o" | python3 -c 'import json,sys; print(json.load(sys.stdin)["artifacts"][0]["go"]["cgo"]["value"])')"
		check "$p external static: --brief line's cgo = nm ($want x_cgo_init)" "$want" "$(brief_cgo "$o")"
	else
		for i in 1 2 3; do skip "$p external static $i" "no Go toolchain or the static link failed: $(tail -1 "$TMPD/b.log" 2>/dev/null)"; done
	fi
done

# image summary: the Go inventory counts linked cgo, not the setting
mkdir -p "$TMPD/root/bin"
n=0; c=0; st=0
for f in "$TMPD"/out/*; do
	case $f in *-s) ;; *) continue ;; esac
	cp "$f" "$TMPD/root/bin/"
	n=$((n + 1))
	if readelf -lW -dW "$f" | grep -qE 'Requesting program interpreter|\(NEEDED\)'; then c=$((c + 1)); else st=$((st + 1)); fi
done
"$GOABI" image --json "$TMPD/root" > "$TMPD/img.json" 2>/dev/null
check "image summary: binaries, cgo, static over the stripped builds = readelf (dynamic ones link cgo)" "$n $c $st" \
	"$(python3 "$TOP/tests/cli/image_v2.py" "$TMPD/img.json" "' '.join(str(sum(v[k] for v in j['summary']['go'].values())) for k in ('binaries','cgo','static'))")"

# gccgo-12: libgo carries its own _cgo_panic (nm), shared or -static-libgo;
# only the program's cgo wrappers decide, the same with both libgo links
if command -v gccgo-12 >/dev/null; then
	for p in hello:0 cgoc:1; do
		name=${p%:*} imp=${p#*:}
		for l in "" -static-libgo; do
			o=$TMPD/out/gccgo-$name$l
			if (cd "$S/$name" && GCCGO=gccgo-12 GOFLAGS= /usr/lib/go-1.19/bin/go build -compiler=gccgo ${l:+-gccgoflags=$l} -o "$o" .) > "$TMPD/b.log" 2>&1; then
				check "gccgo $name${l:+ $l}: cgo = recipe (import \"C\": $imp)" "$imp" \
					"$("$GOABI" inspect --json "$o" | python3 -c 'import json,sys; print(json.load(sys.stdin)["artifacts"][0]["go"]["cgo"]["value"])')"
			else
				notok "gccgo $name${l:+ $l}: build failed: $(tail -1 "$TMPD/b.log")"
			fi
		done
	done
	check "gccgo -static-libgo hello: nm shows libgo's _cgo_panic (why it is no evidence)" 1 \
		"$(nm "$TMPD/out/gccgo-hello-static-libgo" 2>/dev/null | grep -c ' T _cgo_panic$')"
else
	for i in 1 2 3 4 5; do skip "gccgo" "gccgo-12 not installed"; done
fi

# Go 1.19's cmd/compile: CGO_ENABLED=1 (go version -m), static (readelf), no
# runtime/cgo (Go's own tools import no cgo package)
f=/usr/lib/go-1.19/pkg/tool/linux_amd64/compile
if [ -f "$f" ]; then
	"$GOABI" inspect --json "$f" > "$TMPD/j.json"
	check "cmd/compile: cgo_setting = go version -m" "$(go version -m "$f" | sed -n 's/^\tbuild\tCGO_ENABLED=//p')" \
		"$(jget "$TMPD/j.json" "j['artifacts'][0]['go']['cgo_setting']['value']")"
	check "cmd/compile: cgo = 0 (readelf: $(readelf -lW -dW "$f" | grep -cE 'interpreter|NEEDED') PT_INTERP/DT_NEEDED)" \
		"$(readelf -lW -dW "$f" | grep -qE 'interpreter|NEEDED' && echo 1 || echo 0)" \
		"$(jget "$TMPD/j.json" "j['artifacts'][0]['go']['cgo']['value']")"
else
	skip "cmd/compile cgo_setting" "golang-1.19-go not installed"
	skip "cmd/compile cgo" "golang-1.19-go not installed"
fi

# Debian corpus: every Go program; gc executables link cgo exactly when
# they need shared libraries (internal linking of pure Go gives a static
# binary; a CGO_ENABLED=0 PIE has PT_INTERP but no DT_NEEDED)
nc=0
for f in "${corpus[@]}"; do
	nd=$(readelf -dW "$f" 2>/dev/null | grep -c '(NEEDED)')
	nc=$((nc + 1))
	check "${f#"$DEB"/}: cgo linked = readelf DT_NEEDED ($nd), setting CGO_ENABLED=$(go version -m "$f" | sed -n 's/^\tbuild\tCGO_ENABLED=//p')" \
		"$([ "$nd" -gt 0 ] && echo 1 || echo 0)" \
		"$("$GOABI" inspect --json "$f" | python3 -c 'import json,sys; print(json.load(sys.stdin)["artifacts"][0]["go"]["cgo"]["value"])')"
	check "${f#"$DEB"/}: --brief line's cgo = readelf DT_NEEDED ($nd)" "$([ "$nd" -gt 0 ] && echo 1 || echo 0)" "$(brief_cgo "$f")"
done
if [ "$nc" -gt 0 ]; then ok "Debian corpus: $nc Go programs checked"; else skip "Debian corpus" "no Go programs in $DEB (tests/fetch-deb.sh)"; fi
