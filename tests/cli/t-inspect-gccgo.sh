#!/bin/bash
# goabi inspect on gccgo-12 output (an executable from go build
# -compiler=gccgo and an object from gccgo-12 -c). Oracles: readelf (libgo
# in DT_NEEDED, the .go_export section, .comment), nm (__go_init_main), and
# the runtime.Version() string inside the libgo the executable links
# (libgo.so.N names its Go release: "go1.18 gccgo (Debian 12.2.0-...) 12.2.0").
. "$(dirname "$0")/../lib.sh"
export LC_ALL=C
I=$FIX/inspect
if ! command -v gccgo-12 >/dev/null; then skip "gccgo" "gccgo-12 not installed"; exit 0; fi
libgo=$(readelf -dW "$I/gccgo-exe" | sed -n 's/.*(NEEDED).*\[\(libgo\.so[^]]*\)\].*/\1/p')
libgo_path=$(ls /usr/lib/*/"$libgo" /usr/lib/"$libgo" 2>/dev/null | head -1)
if [ -n "$libgo_path" ]; then
	want=$(strings -n 8 "$libgo_path" | grep -m1 -E '^go1\.[0-9.]+ gccgo ')
else
	want="(libgo not found)"
fi
for f in gccgo-exe gccgo-obj.o; do
	"$GOABI" inspect --json "$I/$f" > "$TMPD/j.json" 2>/dev/null
	g="j['artifacts'][0]['go']"
	check "$f: toolchain gccgo" gccgo "$(jget "$TMPD/j.json" "$g['toolchain']['value']")"
	check "$f: Go version equals libgo's runtime.Version() ($libgo)" "$want" "$(jget "$TMPD/j.json" "$g['version']['value']")"
	check "$f: version is inferred, not known" inferred "$(jget "$TMPD/j.json" "$g['version']['confidence']")"
	check "$f: scheme gccgo" gccgo "$(jget "$TMPD/j.json" "$g['scheme']['value']")"
	check "$f: type hash not guessed" unknown "$(jget "$TMPD/j.json" "$g['typehash']['confidence']")"
	ev=$(jget "$TMPD/j.json" "$g['toolchain']['evidence']")
	if readelf -SW "$I/$f" | grep -q ' \.go_export '; then
		case $ev in *".go_export"*) ok "$f: evidence names .go_export (readelf -S has it)" ;; *) notok "$f: evidence lacks .go_export: $ev" ;; esac
	fi
	if [ -n "$libgo" ] && [ "$f" = gccgo-exe ]; then
		case $ev in *"DT_NEEDED libgo"*) ok "$f: evidence names DT_NEEDED $libgo (readelf -d)" ;; *) notok "$f: evidence lacks libgo: $ev" ;; esac
	fi
	check "$f: no gc build info claimed" None "$(jget "$TMPD/j.json" "$g['buildinfo']")"
done
nm "$I/gccgo-obj.o" | grep -q ' T __go_init_main$' && ok "gccgo-obj.o: nm shows __go_init_main (gccgo marker exists)" || notok "gccgo-obj.o: nm lacks __go_init_main"
