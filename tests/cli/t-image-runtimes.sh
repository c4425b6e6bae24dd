#!/bin/bash
# goabi image: two Go runtimes in one process (golang/go#18976, #65050),
# per program, through its resolved DT_NEEDED closure: a C program linked
# against two Go c-shared libraries, a Go program linked against a Go
# c-shared library. Oracles: readelf (NEEDED), go version of each file (the
# toolchain that built it), and one Go library alone giving no finding.
. "$(dirname "$0")/../lib.sh"
d=$FIX/plugin/cshared R=$FIX/image/glibc
if [ ! -f "$d/twolibs" ] || [ ! -d "$R" ]; then notok "fixtures missing (build-plugin.sh, build-image.sh)"; exit 0; fi
L=/usr/lib/x86_64-linux-gnu
vadd=$(go version "$d/libgoadd.so" 2>/dev/null | awk '{print $2}'); [ -n "$vadd" ] || vadd=$(/usr/lib/go-1.19/bin/go env GOVERSION)
vmul=$(GOTOOLCHAIN=local "${GO126:-/usr/lib/go-1.19/bin/go}" env GOVERSION 2>/dev/null) # the Go that built libgomul.so (build-plugin.sh)
reason() { # JSON PATH (schema 2, read per binary by tests/cli/image_v2.py)
	python3 "$TOP/tests/cli/image_v2.py" "$1" "[b for b in j['binaries'] if b['path']=='$2'][0]['verdict'] + ' | ' + ' '.join([b for b in j['binaries'] if b['path']=='$2'][0]['notes'] + [b for b in j['binaries'] if b['path']=='$2'][0]['problems'])"
}
check "oracle: twolibs needs libgoadd.so and libgomul.so" "libgoadd.so libgomul.so" \
	"$(readelf -d "$d/twolibs" | sed -n 's/.*NEEDED.*\[\(libgo[a-z]*\.so\)\]/\1/p' | tr '\n' ' ' | sed 's/ $//')"
"$GOABI" image --json "$R" --add "$d/twolibs:/app/twolibs" --add "$d/libgoadd.so:$L/libgoadd.so" \
	--add "$d/libgomul.so:$L/libgomul.so" > "$TMPD/two.json" 2>/dev/null
r=$(reason "$TMPD/two.json" /app/twolibs)
case $r in
"may fail | "*"2 Go runtimes in one process"*"libgoadd.so ($vadd)"*"libgomul.so ($vmul)"*) ok "C program with two Go c-shared libraries: 2 runtimes, $vadd and $vmul" ;;
*) notok "C program with two Go c-shared libraries: '$r'" ;;
esac
# one Go library: no finding (twolibs' twin linked with libgoadd only)
printf 'int Add(int, int);\nint main(void) { return Add(1, 2) == 3 ? 0 : 1; }\n' > "$TMPD/one.c" 2>/dev/null
if gcc -o "$TMPD/one" "$TMPD/one.c" -L"$d" -lgoadd 2>/dev/null || gcc -o "$TMPD/one" "$TMPD/one.c" -L"$d" -lgoadd -lgomul 2>/dev/null; then
	"$GOABI" image --json "$R" --add "$TMPD/one:/app/one" --add "$d/libgoadd.so:$L/libgoadd.so" \
		--add "$d/libgomul.so:$L/libgomul.so" > "$TMPD/one.json" 2>/dev/null
	case $(reason "$TMPD/one.json" /app/one) in
	*"Go runtimes"*) notok "one Go library: a runtime finding" ;;
	*) ok "one Go library: no runtime finding" ;;
	esac
fi
# a Go program (Go 1.26, cgo) linked against a Go c-shared library
if [ -n "$GO126" ]; then
	mkdir -p "$TMPD/gp" && cp "$d/libgoadd.so" "$d/libgoadd.h" "$TMPD/gp/"
	cat > "$TMPD/gp/main.go" <<'GO'
package main

// #cgo LDFLAGS: -L${SRCDIR} -lgoadd
// #include "libgoadd.h"
import "C"
import "fmt"

func main() { fmt.Println(C.Add(1, 2)) }
GO
	printf 'module gp\ngo 1.21\n' > "$TMPD/gp/go.mod"
	if (cd "$TMPD/gp" && GOTOOLCHAIN=local GOFLAGS=-mod=mod "$GO126" build -o gp . ) > "$TMPD/gb.log" 2>&1; then
		check "oracle: the Go program needs libgoadd.so" 1 "$(readelf -d "$TMPD/gp/gp" | grep -c 'NEEDED.*libgoadd.so')"
		"$GOABI" image --json "$R" --add "$TMPD/gp/gp:/app/gp" --add "$d/libgoadd.so:$L/libgoadd.so" > "$TMPD/gp.json" 2>/dev/null
		r=$(reason "$TMPD/gp.json" /app/gp)
		case $r in
		*"2 Go runtimes in one process: /app/gp ($vmul)"*"libgoadd.so ($vadd)"*) ok "Go program with a Go c-shared library: 2 runtimes, $vmul and $vadd" ;;
		*) notok "Go program with a Go c-shared library: '$r'" ;;
		esac
	else
		notok "Go program linked against libgoadd.so did not build: $(tail -2 "$TMPD/gb.log")"
	fi
else
	skip "Go program with a Go c-shared library" "no Go 1.26.8 on this machine"
fi
