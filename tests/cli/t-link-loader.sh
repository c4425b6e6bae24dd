#!/bin/bash
# The shared loader (src/facts/loader.c): during one `goabi link` every
# file -- the inputs, the libraries the -l search finds, the driver's crt
# objects, libgcc, the libraries of a linker script, the candidates for a
# missing library -- is opened and mapped once, and the prediction is
# still GNU ld's.
# Oracles: strace(1) (the openat calls the process makes: src/read's
# mapfile opens O_NOCTTY|O_NONBLOCK, which the dynamic loader does not)
# and GNU ld through gcc (the verdict).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/link-lib.sh"
plan 4
D=$FIX/link
if [ ! -f "$D/goa.a" ]; then
	notok "link fixtures missing in $D"
	exit 0
fi
if ! command -v strace >/dev/null 2>&1; then
	for i in 1 2 3 4; do skip "loader check $i" "strace is not installed"; done
	exit 0
fi
cd "$D"

# opens LOG: "COUNT PATH" for each file opened by src/read (O_NOCTTY), most first
opens() {
	grep -v ENOENT "$1" | grep 'O_NOCTTY' | grep -oE 'openat\([^"]*"[^"]*"' | sed 's/^[^"]*"//; s/"$//' |
		sort | uniq -c | sort -rn
}

# a Go c-archive, a static and a shared library from the search, libpthread
# and libm (glibc: an archive and a linker script), gcc's own inputs
args=(-- gcc main_ab.o goa.a -L. -lhelp -ldsohelp -lpthread -lm)
gcc main_ab.o goa.a -L. -lhelp -ldsohelp -lpthread -lm -o "$TMPD/x" 2>/dev/null; ldrc=$?
strace -f -e trace=openat -o "$TMPD/st" "$GOABI" link --json "${args[@]}" > "$TMPD/j.json"; rc=$?
check "c-archive + libraries: verdict agrees with ld (ld exit $ldrc)" \
	"$([ $ldrc -eq 0 ] && echo 0 || echo 1)" "$([ $rc -eq 0 ] && echo 0 || echo 1)"
o=$(opens "$TMPD/st")
most=$(head -1 <<< "$o" | awk '{print $1}')
check "every file opened once (most: $(head -1 <<< "$o" | awk '{print $2}'))" 1 "$most"
# the inputs named and found are among them (the trace is of the right run)
seen=0
for f in main_ab.o goa.a ./libhelp.a ./libdsohelp.so; do
	grep -qE "^ *1 $f\$" <<< "$o" && seen=$((seen + 1))
done
check "the inputs and the libraries the search found are each opened once" 4 "$seen"

# a missing library: the candidates goabi reads to say which library
# defines the undefined symbols (libm for sqrt) are read once as well
cat > "$TMPD/m.c" <<'C'
#include <math.h>
double f(double x) { return sqrt(x) + cbrt(x); }
int main(void) { return (int)f(2.0); }
C
gcc -O0 -fno-builtin -c "$TMPD/m.c" -o "$TMPD/m.o"
strace -f -e trace=openat -o "$TMPD/st2" "$GOABI" link -- gcc "$TMPD/m.o" -lpthread > /dev/null 2>&1
most=$(opens "$TMPD/st2" | head -1 | awk '{print $1}')
check "undefined symbols, candidate libraries read: every file opened once (most: $(opens "$TMPD/st2" | head -1 | awk '{print $2}'))" 1 "$most"
