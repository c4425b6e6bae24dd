#!/bin/bash
# The library as others use it: `make install DESTDIR=...` installs goabi.pc;
# docs/example/goabi-example.c builds with `pkg-config --cflags --libs goabi`
# against that install (PKG_CONFIG_SYSROOT_DIR for the DESTDIR) and runs.
# Oracles: go version -m (the build info lines the example prints in its
# format), readelf -h (machine), pkg-config itself (the .pc parses and names
# the installed prefix), cc (it links with only what the .pc says).
. "$(dirname "$0")/../lib.sh"
plan 7
cd "$TOP"
d=$TMPD/dest
pfx=/opt/goabi-pc
make --no-print-directory install DESTDIR="$d" PREFIX="$pfx" BUILD="$BUILD" > /dev/null 2>&1
pc=$d$pfx/lib/pkgconfig/goabi.pc
if [ -f "$pc" ]; then ok "make install puts goabi.pc under DESTDIR/PREFIX/lib/pkgconfig"; else notok "goabi.pc not installed ($pc)"; fi
export PKG_CONFIG_PATH=$d$pfx/lib/pkgconfig
check "pkg-config reads goabi.pc: version = GOABI_VERSION, prefix = the install's" \
	"$(sed -n 's/^#define GOABI_VERSION "\(.*\)"/\1/p' include/goabi/goabi.h) $pfx" \
	"$(pkg-config --modversion goabi 2>&1) $(pkg-config --variable=prefix goabi 2>&1)"
export PKG_CONFIG_SYSROOT_DIR=$d
flags=$(pkg-config --cflags --libs goabi 2>&1)
# a library built with `make SANITIZE=...` needs the sanitizer runtimes
if cc -std=c11 -Wall -Wextra -Werror ${SANITIZE:+-fsanitize=$SANITIZE} -o "$TMPD/goabi-example" docs/example/goabi-example.c $flags 2> "$TMPD/cc.err"; then
	ok "docs/example/goabi-example.c builds with \`pkg-config --cflags --libs goabi\` alone"
else
	notok "the example does not build with: $flags: $(head -3 "$TMPD/cc.err" | tr '\n' ' ')"
fi
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
f=$FIX/inspect/go119-trimpath-tags
c=$FIX/inspect/c-dyn
if [ ! -x "$TMPD/goabi-example" ] || [ ! -f "$f" ] || [ ! -f "$c" ]; then
	for i in 1 2 3 4; do notok "example run: no example binary or fixture ($f, $c)"; done
	exit 0
fi
"$TMPD/goabi-example" "$f" > "$TMPD/ex.txt" 2> "$TMPD/ex.err"
rc=$?
check "the example exits 0 on a Go fixture" 0 "$rc"
# go version -m's lines (first line, path, mod, dep, =>, build), trailing blanks and empty lines dropped
norm() { sed -e 's/[[:space:]]*$//' | grep -v '^$'; }
want=$(go version -m "$f" 2> /dev/null | norm)
got=$(grep -E "^($f: |	(path|mod|dep|=>|build)	)" "$TMPD/ex.txt" | norm)
if [ -n "$want" ] && [ "$want" = "$got" ]; then
	ok "the example prints the build info exactly as go version -m does ($(wc -l <<< "$want") lines)"
else
	notok "build info differs from go version -m: $(diff <(echo "$want") <(echo "$got") | head -5 | tr '\n' ' ')"
fi
# machine: readelf -h's Machine and Class
rm=$(LC_ALL=C readelf -h "$c" | sed -n 's/^ *Machine: *//p')
cls=$(LC_ALL=C readelf -h "$c" | sed -n 's/^ *Class: *ELF//p')
em=$(case $rm in *X86-64*) echo "x86_64 (e_machine 62" ;; *AArch64*) echo "aarch64 (e_machine 183" ;; *) echo "$rm" ;; esac)
check "C fixture: machine and ELF class as readelf -h says" "machine: $em, ELF$cls)" \
	"$("$TMPD/goabi-example" "$c" 2> /dev/null | grep '^machine:')"
check "C fixture: not Go, as go version -m says (not a Go executable)" "1|$c: not Go (toolchain none)" \
	"$(go version -m "$c" 2>&1 | grep -c 'not a Go executable')|$("$TMPD/goabi-example" "$c" 2> /dev/null | grep "^$c: ")"
