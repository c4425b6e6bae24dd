#!/bin/bash
# make install honours PREFIX and DESTDIR; the installed man page renders;
# the installed library and header build a program (oracle: cc, man).
. "$(dirname "$0")/../lib.sh"
plan 8
cd "$TOP"
d=$TMPD/dest
make --no-print-directory install DESTDIR="$d" PREFIX=/opt/goabi BUILD="$BUILD" >/dev/null 2>&1
for f in bin/goabi lib/libgoabi.a include/goabi/goabi.h share/man/man1/goabi.1; do
	if [ -f "$d/opt/goabi/$f" ]; then ok "install puts $f under DESTDIR/PREFIX"; else notok "install: $f missing"; fi
done
if man -l "$d/opt/goabi/share/man/man1/goabi.1" 2>/dev/null | grep -q "EXIT STATUS"; then
	ok "man page renders with man -l"
else
	notok "man page does not render"
fi
cat > "$TMPD/use.c" <<'C'
#include <goabi/goabi.h>
#include <stdio.h>
int main(int argc, char **argv) {
	struct goabi_artifact *a = NULL;
	if (argc < 2 || goabi_inspect_path(argv[1], NULL, &a) != 0 || !a) return 2;
	printf("%s\n", a->go.toolchain.value ? a->go.toolchain.value : "?");
	goabi_artifact_free(a);
	return 0;
}
C
libs="/usr/lib/$(cc -print-multiarch)/libdwarf.a $(pkg-config --libs libelf capstone libarchive jansson libcurl libcrypto) -lmd -lz -lpthread"
# only the public API is global in the installed library (oracle: nm)
extra=$(nm -g --defined-only "$d/opt/goabi/lib/libgoabi.a" 2>/dev/null | awk 'NF == 3 && $3 !~ /^goabi_/ { print $3 }' | head -5 | tr '\n' ' ')
napi=$(nm -g --defined-only "$d/opt/goabi/lib/libgoabi.a" 2>/dev/null | awk 'NF == 3 && $3 ~ /^goabi_/' | wc -l)
if [ -z "$extra" ] && [ "$napi" -gt 0 ]; then
	ok "installed libgoabi.a: $napi global symbols, all goabi_ (nm)"
else
	notok "installed libgoabi.a exports non-goabi_ symbols: $extra($napi goabi_)"
fi
# a library built with `make SANITIZE=...` needs the sanitizer runtimes
if cc -std=c11 ${SANITIZE:+-fsanitize=$SANITIZE} -I"$d/opt/goabi/include" -o "$TMPD/use" "$TMPD/use.c" "$d/opt/goabi/lib/libgoabi.a" $libs 2>"$TMPD/cc.err"; then
	ok "a program builds against the installed header and libgoabi.a"
	check "library API reports 'none' for a C binary (/bin/true is not Go)" none "$("$TMPD/use" /bin/true)"
else
	notok "building against the installed library failed: $(head -3 "$TMPD/cc.err")"
fi
