#!/bin/bash
# Two Go runtimes in one process (golang/go#18976, #65050): goabi link
# reports every Go c-shared library of the link set, given directly or
# reached through another library's DT_NEEDED, with each one's Go version.
# Oracles: the toolchain that built each library (go env GOVERSION) and
# GNU ld, which links both programs (the runtimes do not collide in symbols).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/link-lib.sh"
d=$FIX/plugin/cshared
if [ ! -f "$d/twolibs" ]; then
	notok "c-shared fixtures missing (tests/fixtures/build-plugin.sh)"
	exit 0
fi
v119=$(/usr/lib/go-1.19/bin/go env GOVERSION)
v126=$(GOTOOLCHAIN=local "${GO126:-/usr/lib/go-1.19/bin/go}" env GOVERSION) # the Go that built libgomul.so (build-plugin.sh)
cd "$d"
check_cmd "ld links the two-library program" gcc -o "$TMPD/a.out" twolibs.o -L. -lgoadd -lgomul
"$GOABI" link --json twolibs.o -L. -lgoadd -lgomul > "$TMPD/direct.json"
check "direct: exit 1 (links, cannot work)" 1 $?
check "direct: verdict (ld links, the program cannot work)" "links but cannot work" \
	"$(ljget "$TMPD/direct.json" 'j["verdict"]')"
msg=$(ljget "$TMPD/direct.json" '[f["message"] for f in j["findings"] if f["kind"]=="two-go-runtimes"][0]')
case $msg in
*"2 Go runtimes"*"libgoadd.so (gc $v119"*"libgomul.so (gc $v126"*) ok "direct: both c-shared libraries with their Go versions" ;;
*) notok "direct: two-go-runtimes finding: '$msg'" ;;
esac
check_cmd "ld links the program that reaches one library through libwrap.so" \
	gcc -o "$TMPD/b.out" viawrap.o -L. -lgoadd -lwrap -Wl,-rpath,"$d"
"$GOABI" link --json viawrap.o -L. -lgoadd -lwrap > "$TMPD/indirect.json"
check "indirect: exit 1" 1 $?
msg=$(ljget "$TMPD/indirect.json" '[f["message"] for f in j["findings"] if f["kind"]=="two-go-runtimes"][0]')
case $msg in
*"libgoadd.so (gc $v119"*"libgomul.so (needed by ./libwrap.so; gc $v126"*) ok "indirect: the library behind libwrap.so is counted" ;;
*) notok "indirect: two-go-runtimes finding: '$msg'" ;;
esac
files=$(ljget "$TMPD/indirect.json" '" ".join([f for f in j["findings"] if f["kind"]=="two-go-runtimes"][0]["files"])')
check "indirect: the finding's files" "./libgoadd.so ./libgomul.so" "$files"
# one Go library alone is fine
"$GOABI" link --json "$d/twolibs.o" -L. -lgoadd > "$TMPD/one.json" 2>/dev/null
check "one Go library: no two-go-runtimes finding" 0 \
	"$(ljget "$TMPD/one.json" 'len([f for f in j["findings"] if f["kind"]=="two-go-runtimes"])')"
