#!/bin/bash
# The layers hold (README "Architecture"): below src/cli and src/report
# nothing prints or exits, and only src/read opens, maps or lists files;
# the checks (src/check) read the model, not bytes (no libelf, no elfview
# walk, no symbol-table read, no mapping or read(2) of their own: the shared
# loader in src/read and src/facts does that), and a check's own headers
# (src/check/NAME.h, NAME_int.h) are included only by that check's files.
# Oracle: grep over the sources; the scan is checked to catch planted calls.
. "$(dirname "$0")/../lib.sh"
plan 8
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
		grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|/\*|//)' |
		# a match inside a string literal ("not read (a source file)") or a
		# comment after the code ("/* the file read (a script) */") is text,
		# not a call
		RE="$re" perl -ne 'my ($loc, $c) = /^([^:]+:[0-9]+:)(.*)$/s or next; $c =~ s/"(?:[^"\\]|\\.)*"/""/g; $c =~ s{/\*.*?(?:\*/|$)|//.*$}{}g; print if $c =~ /$ENV{RE}/' || true
}

# result DESC MATCHES
result() {
	if [ -z "$2" ]; then
		ok "$1"
	else
		notok "$1: $(head -5 <<< "$2" | cut -c1-160 | sed 's/$/ |/' | tr '\n' ' ' | sed 's/ | $//')$([ "$(wc -l <<< "$2")" -gt 5 ] && echo " (and more)")"
	fi
}

# an anonymous mapping (MAP_ANONYMOUS: src/util/arena.c's huge-page pool)
# is memory, not a file
result "no file opened, mapped or listed in src/util, src/facts, src/check (only src/read does)" \
	"$(scan "$TOP" "$OPENS" src/util src/facts src/check | grep -v 'MAP_ANONYMOUS' || true)"
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

# ---- checks read the model, not bytes; a check's headers are its own ----
# libelf and gelf calls, elfview walks (ev_*), symtab_read, mapping and
# read(2)-style calls, and the headers that bring them
BYTES='\b(elf_[a-z0-9_]+|gelf_[a-z0-9_]+|elf(32|64)_[a-z0-9_]+|ev_[a-z0-9_]+|symtab_read|rd_map_file|rd_read_head|read|pread|pread64|fread|readv|mmap)[[:space:]]*\(|#[[:space:]]*include[[:space:]]*[<"](libelf\.h|gelf\.h|read/elfview\.h|read/symtab\.h)[>"]'
# the check a file or header of src/check belongs to (nss is the image
# check's name-service part, policy the audit check's)
# private_includes ROOT: "includer: check/H.h" for every include of a
# src/check header by a file of src/ outside that header's check
private_includes() {
	(cd "$1" && grep -rnE --include='*.c' --include='*.h' '^[[:space:]]*#[[:space:]]*include[[:space:]]*"check/[A-Za-z0-9_]+\.h"' src 2>/dev/null) |
		awk -F: '
		function group(n) {
			sub(/^.*\//, "", n); sub(/\.[ch]$/, "", n); sub(/_int$/, "", n)
			if (n ~ /^nss/) return "image"
			if (n ~ /^policy/) return "audit"
			sub(/_.*/, "", n)
			return n
		}
		{
			h = $0; sub(/^[^"]*"check\//, "", h); sub(/".*/, "", h)
			f = $1
			fg = (f ~ /^src\/check\//) ? group(f) : "outside"
			if (fg != group(h)) print f ":" $2 ": check/" h
		}' || true
}
# Known violations, issue 21's conversions in flight (link, image, plugin,
# diff, audit move to the result model and include/goabi/checks.h): listed
# by file so that each one that goes away is seen below; a NEW file that
# reads bytes or includes another check's header fails now.
KNOWN_BYTES=""
KNOWN_PRIVATE=""
bytes=$(scan "$TOP" "$BYTES" src/check)
priv=$(private_includes "$TOP")
new_bytes=$(grep -vE "^($(echo $KNOWN_BYTES | tr ' ' '|')):" <<< "$bytes" | grep . || true)
new_priv=$(while IFS= read -r l; do
	[ -n "$l" ] || continue
	k="${l%%:*}:${l##*: }"
	grep -qxF "$k" <<< "$(tr ' ' '\n' <<< "$KNOWN_PRIVATE")" || echo "$l"
done <<< "$priv")
result "no check reads bytes itself (libelf, elfview, symtab_read, mmap, read) outside the known list" "$new_bytes"
result "no check's private header (src/check/*.h) included outside that check outside the known list" "$new_priv"
left=""
for f in $KNOWN_BYTES; do grep -q "^$f:" <<< "$bytes" && left="$left $f(bytes)"; done
for k in $KNOWN_PRIVATE; do
	grep -q "^${k%%:*}:[0-9]*: ${k#*:}\$" <<< "$priv" && left="$left $k"
done
if [ -z "$left" ]; then
	ok "the known list of layer violations is empty"
else
	skip "known layer violations remain ($(wc -w <<< "$left"), issue 21 conversions)" "$left"
fi

# the new scans on planted code: a gelf call, an elfview walk, a libelf
# include and another check's private header are caught by file:line; a
# check's own header (image.c, nss.c with image_int.h) and comments are not
mkdir -p "$TMPD/tree2/src/check" "$TMPD/tree2/src/report"
cat > "$TMPD/tree2/src/check/plugin_planted.c" <<'C'
#include <gelf.h>
#include "check/image_int.h"
/* gelf_getshdr(scn, &sh) in a comment does not count */
static void f(Elf_Scn *scn, struct elfview *ev)
{
	GElf_Shdr sh;
	gelf_getshdr(scn, &sh);
	ev_for_each_symbol(ev, true, NULL, NULL); /* a call before a comment counts */
	int n; /* the file read (a script's library) after code does not */
}
C
printf '#include "check/image_int.h"\n#include "check/nss.h"\n' > "$TMPD/tree2/src/check/image_x.c"
printf '#include "check/image_int.h"\n' > "$TMPD/tree2/src/check/nss.c"
printf '#include "check/link.h"\n' > "$TMPD/tree2/src/report/r.c"
b=$(scan "$TMPD/tree2" "$BYTES" src/check | cut -d: -f1,2 | tr '\n' ' ')
pv=$(private_includes "$TMPD/tree2" | sort | tr '\n' ' ')
check "the byte and header scans find planted calls and includes by file:line, not a check's own header" \
	"src/check/plugin_planted.c:1 src/check/plugin_planted.c:7 src/check/plugin_planted.c:8 |src/check/plugin_planted.c:2: check/image_int.h src/report/r.c:1: check/link.h " \
	"$b|$pv"
