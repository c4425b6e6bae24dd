#!/bin/bash
# goabi inspect on gccgo-12 output (an executable from go build
# -compiler=gccgo and an object from gccgo-12 -c). Oracles: readelf (libgo
# in DT_NEEDED, the .go_export section), nm (the symbols the evidence names),
# go version -m (no gc build info), and
# the runtime.Version() string inside the libgo the executable links
# (libgo.so.N names its Go release: "go1.18 gccgo (Debian 12.2.0-...) 12.2.0").
. "$(dirname "$0")/../lib.sh"
export LC_ALL=C
I=$FIX/inspect
if ! command -v gccgo-12 >/dev/null; then skip "gccgo" "gccgo-12 not installed"; exit 0; fi
plan 28
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
	# .go_export: gccgo writes the package's export data into every object
	# (and go build -compiler=gccgo keeps it); readelf -S must show it, and
	# goabi's evidence names it exactly when readelf shows it
	has=$(readelf -SW "$I/$f" | grep -c ' \.go_export ')
	check "$f: readelf -S shows .go_export (gccgo's export data)" 1 "$has"
	named=$(case $ev in *".go_export"*) echo 1 ;; *) echo 0 ;; esac)
	check "$f: toolchain evidence names .go_export as readelf -S does ('$ev')" "$has" "$named"
	# DT_NEEDED libgo: named when readelf -d has it (the executable), not otherwise
	lg=$(readelf -dW "$I/$f" | grep -c '(NEEDED).*\[libgo\.so')
	named=$(case $ev in *"DT_NEEDED libgo"*) echo 1 ;; *) echo 0 ;; esac)
	check "$f: evidence names DT_NEEDED libgo as readelf -d does" "$lg" "$named"
	# every symbol the evidence names is one nm sees in the file
	syms=$(grep -oE 'symbol [^ ,]+' <<< "$ev" | cut -d' ' -f2)
	missing=
	for sy in $syms; do nm "$I/$f" | awk '{print $NF}' | grep -qxF "$sy" || missing="$missing $sy"; done
	check "$f: evidence names symbols nm shows ($(echo $syms))" "1 " "$([ -n "$syms" ] && echo 1) $missing"
	# the count in the scheme evidence: gccgo's names among readelf -s's
	# (defined ones of .symtab and .dynsym, not FILE or SECTION entries): __go_* entry
	# points, runtime_m, go..*, and names (not starting with _) holding
	# "..import" or "..d" after a ".."
	want_n=$(readelf -sW "$I/$f" | awk '$1 ~ /^[0-9]+:$/ && $4 != "FILE" && $4 != "SECTION" && $7 != "UND" && $8 != "" {print $8}' |
		sed 's/@.*//' | python3 -c '
import sys
n = 0
for s in sys.stdin.read().split():
    dd = -1 if s.startswith("_") else s.find("..")
    tail = s[dd:] if dd >= 0 else ""
    if s.startswith("__go_") or s == "runtime_m" or s.startswith("go..") or "..import" in tail or "..d" in tail:
        n += 1
print(n)')
	got_n=$(jget "$TMPD/j.json" "$g['scheme']['evidence']" | sed -n 's/.*; \([0-9]*\) such symbols.*/\1/p')
	check "$f: scheme evidence counts the gccgo names readelf -s lists" "$want_n" "$got_n"
	# go version -m prints build info on stdout, and nothing (a message on
	# stderr) for a file without it
	gv=$(go version -m "$I/$f" 2>/dev/null | grep -c .)
	check "$f: no gc build info claimed (go version -m prints $gv lines)" "None 0" \
		"$(jget "$TMPD/j.json" "$g['buildinfo']") $gv"
done
# --brief on a program with libgo linked in (-static-libgo), built here: no
# libgo.so in DT_NEEDED, so the line's "gccgo" comes from .go_export, and
# with that section removed (objcopy) from the runtime's own names in
# .symtab (__go_go, runtime_m: nm), which the brief walk reads by their
# first bytes without searching the string tables for ".."; stripped of
# both, nothing gccgo's is left and the line agrees with the full report
P=$TMPD/gg
mkdir -p "$P"
printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n' > "$P/main.go"
if gccgo-12 -static-libgo -o "$P/prog" "$P/main.go" 2>"$P/err"; then
	objcopy --remove-section .go_export "$P/prog" "$P/prog.nx"
	strip -o "$P/prog.snx" "$P/prog.nx"
	check "static-libgo: no libgo.so in DT_NEEDED (readelf -d)" 0 "$(readelf -dW "$P/prog" | grep -c 'NEEDED.*libgo')"
	check "static-libgo: nm shows the runtime's __go_go and runtime_m defined" 2 \
		"$(nm "$P/prog.nx" | grep -cE ' T (__go_go|runtime_m)$')"
	for f in prog prog.nx prog.snx; do
		full=$("$GOABI" inspect --json "$P/$f" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["artifacts"][0]["go"]["toolchain"]["value"])')
		line=$("$GOABI" inspect --brief "$P/$f" 2>/dev/null)
		case $line in *": gccgo "*) b=gccgo ;; *": not Go,"*) b=none ;; *) b="?" ;; esac
		want=gccgo
		[ "$f" = prog.snx ] && want=none
		check "static-libgo $f: --brief says $want, as the full report ($full)" "$want $want" "$b $full"
	done
	check "static-libgo prog.snx: stripped, readelf -S shows no .go_export and nm no symbols" "0 0" \
		"$(readelf -SW "$P/prog.snx" | grep -c go_export) $(nm "$P/prog.snx" 2>/dev/null | grep -c .)"
else
	for i in 1 2 3 4 5 6; do skip "static-libgo" "gccgo-12 -static-libgo failed: $(head -c 200 "$P/err")"; done
fi
