#!/bin/bash
# The layers hold (README "Architecture"): below src/cli and src/report
# nothing prints or exits, and only src/read opens, maps or lists files.
# Oracle: grep over the sources; the scan is checked to catch planted calls.
. "$(dirname "$0")/../lib.sh"
plan 4
cd "$TOP"

OPENS='\b(fopen|freopen|fdopen|open|openat|open64|creat|opendir|fdopendir|popen|mmap|mkstemp|tmpfile|json_load_file|json_dump_file)[[:space:]]*\('
PRINTS='\b(printf|vprintf|fprintf|vfprintf|dprintf|puts|fputs|putchar|perror)[[:space:]]*\(|\bstd(out|err)\b'
EXITS='\b(exit|_exit|_Exit|quick_exit|abort)[[:space:]]*\('

# scan ROOT REGEX DIR...: file:line: text of each match under ROOT/DIR,
# comment lines (" * ...", "/* ...", "// ...") left out. dlopen, snprintf
# and fprintf-free names such as json_loadb do not match the word boundary.
scan() {
	local root=$1 re=$2
	shift 2
	(cd "$root" && grep -rnE --include='*.c' --include='*.h' "$re" "$@" 2>/dev/null) |
		grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|/\*|//)' || true
}

# result DESC MATCHES
result() {
	if [ -z "$2" ]; then
		ok "$1"
	else
		notok "$1: $(head -5 <<< "$2" | cut -c1-160 | sed 's/$/ |/' | tr '\n' ' ' | sed 's/ | $//')$([ "$(wc -l <<< "$2")" -gt 5 ] && echo " (and more)")"
	fi
}

result "no file opened, mapped or listed in src/util, src/facts, src/check (only src/read does)" \
	"$(scan "$TOP" "$OPENS" src/util src/facts src/check)"
result "nothing printed in src/util, src/read, src/facts, src/check (diagnostics go into the model)" \
	"$(scan "$TOP" "$PRINTS" src/util src/read src/facts src/check)"
result "no exit or abort in src/util, src/read, src/facts, src/check" \
	"$(scan "$TOP" "$EXITS" src/util src/read src/facts src/check)"

# the scan itself: a copy of the tree with one call of each kind planted
# (and a commented-out one that must not count) is caught, by file:line
mkdir -p "$TMPD/tree/src/check" "$TMPD/tree/src/read"
cp src/read/mapfile.c "$TMPD/tree/src/read/"
cat > "$TMPD/tree/src/check/planted.c" <<'C'
/* fopen(path, "r") in a comment does not count */
static int f(const char *p)
{
	FILE *x = fopen(p, "r");
	fprintf(stderr, "planted\n");
	exit(1);
}
C
o=$(scan "$TMPD/tree" "$OPENS" src/check | cut -d: -f1,2)
p=$(scan "$TMPD/tree" "$PRINTS" src/check | cut -d: -f1,2)
e=$(scan "$TMPD/tree" "$EXITS" src/check | cut -d: -f1,2)
r=$(scan "$TMPD/tree" "$OPENS" src/read | grep -c 'open(' || true)
check "the scan finds planted calls by file:line, skips comments, sees src/read's own open" \
	"src/check/planted.c:4|src/check/planted.c:5|src/check/planted.c:6|yes" \
	"$o|$p|$e|$([ "$r" -gt 0 ] && echo yes || echo no)"
