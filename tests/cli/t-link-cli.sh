#!/bin/bash
# goabi link's command line: the FILE... form, -v, text output, usage
# errors, -l search with -L and -Bstatic, --sysroot, @file, -nostdlib.
# Oracles: GNU ld (through gcc) and the fixture layout.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/link-lib.sh"
plan 21
D=$FIX/link
if [ ! -f "$D/goa.a" ]; then
	notok "link fixtures missing in $D"
	exit 0
fi
cd "$D"

# FILE... form = "gcc FILE...": same duplicate set as ld
gcc main_ab.o goa.a gob.a -o "$TMPD/x" 2>"$TMPD/ld.err"
want=$(grep -o "multiple definition of \`[^']*'" "$TMPD/ld.err" | sed "s/.*\`//; s/'//" | sort -u | tr '\n' ' ')
"$GOABI" link --json main_ab.o goa.a gob.a > "$TMPD/f.json"; rc=$?
got=$(ljget "$TMPD/f.json" '" ".join(sorted(j["duplicates"]))+" "')
check "FILE form: duplicates = ld's multiple definition messages" "$want" "$got"
check "FILE form: exit 1 when predicted to fail" 1 "$rc"

# text: first line is the verdict; ld's own message is quoted
"$GOABI" link main_ord.o liba.a libb.a > "$TMPD/t.txt"; rc=$?
gcc main_ord.o liba.a libb.a -o "$TMPD/y" 2>/dev/null; ldrc=$?
check "text: verdict line agrees with ld (exit $ldrc)" "goabi link: $([ $ldrc -eq 0 ] && echo links || echo fails)" "$(head -1 "$TMPD/t.txt" | sed 's/ \[[a-z]*\]$//')"
check "text: exit 0 when it links" 0 "$rc"
out=$("$GOABI" link -vq main_ord.o liba.a libb.a); rc=$?
check "-vq (bundled short options): nothing printed, exit as ld's ($ldrc)" "$ldrc 0" "$rc ${#out}"
"$GOABI" link main_ord.o libb.a liba.a > "$TMPD/t2.txt"
ldmsg=$(gcc main_ord.o libb.a liba.a -o "$TMPD/y" 2>&1 | grep -o "undefined reference to \`b_fn'" | head -1)
if [ -n "$ldmsg" ] && grep -q "^      .*$ldmsg" "$TMPD/t2.txt"; then ok "text quotes ld's message: $ldmsg"; else notok "text does not quote ld's message '$ldmsg'"; fi

# -v: pulled members with the symbol that pulled them (ld's -Map is the oracle)
"$GOABI" link -v main_ord.o liba.a libb.a > "$TMPD/v.txt"
gcc main_ord.o liba.a libb.a -o "$TMPD/y" -Wl,-Map="$TMPD/y.map"
ldpull=$(awk '/^Archive member included/{f=1;next} f&&/^$/{n++} n>=2{exit} f&&/^lib/{print}' "$TMPD/y.map" | sed -E 's/\(.*//' | sort | tr '\n' ' ')
# text -v: a pulled member's line "  ARCHIVE(MEMBER): pulled", then its properties, "for: SYMBOL" among them
pulled_for=$(awk '/^  [^ ].*: pulled$/ { m = $1; next } /^  [^ ]/ { m = "" } m != "" && /^      for: / { print m, $2; m = "" }' "$TMPD/v.txt")
if grep -qx "liba.a(ord_a.o): a_fn" <<< "$pulled_for" && grep -qx "libb.a(ord_b.o): b_fn" <<< "$pulled_for" && [ "$ldpull" = "liba.a libb.a " ]; then
	ok "-v lists members and the symbol that pulled each, as ld's map does ($ldpull)"
else
	notok "-v member list differs from ld's map: $ldpull / $(tr '\n' ' ' <<< "$pulled_for")"
fi

# usage errors
"$GOABI" link >/dev/null 2>&1; check "no arguments: exit 2" 2 "$?"
"$GOABI" link --bogus x.o >/dev/null 2>&1; check "unknown option: exit 2" 2 "$?"
"$GOABI" link --help | grep -q -- '--json'; check "help documents --json" 0 "$?"

# -Bstatic/-Bdynamic and -l:NAME: the file ld would open (ld --trace is the oracle)
mkdir -p "$TMPD/L" && cp libb.a "$TMPD/L/libq.a" && cp liba.a "$TMPD/L/libp.a"
tr_ld=$(gcc main_ord.o -L"$TMPD/L" -l:libp.a -Wl,-Bstatic -lq -Wl,-Bdynamic -o "$TMPD/z" -Wl,--trace 2>&1 | grep -c "$TMPD/L/lib[pq].a")
"$GOABI" link --json -- gcc main_ord.o -L"$TMPD/L" -l:libp.a -Wl,-Bstatic -lq -Wl,-Bdynamic > "$TMPD/b.json"
got=$(ljget "$TMPD/b.json" 'len([i for i in j["inputs"] if i["path"].startswith("'"$TMPD/L"'")])')
check "-l:NAME and -Bstatic -lNAME open the files ld --trace opens" "$tr_ld" "$got"
check "… and the set links like ld" "links" "$(ljget "$TMPD/b.json" 'j["verdict"]')"

# -nostdlib: no crt objects, no libc: printf stays undefined, like ld says
gcc -nostdlib -o "$TMPD/n" fort.o 2>"$TMPD/n.err"
want=$(grep -o "undefined reference to \`[^']*'" "$TMPD/n.err" | sed "s/.*\`//; s/'//" | sort -u | tr '\n' ' ')
"$GOABI" link --json -- gcc -nostdlib fort.o > "$TMPD/n.json"
got=$(ljget "$TMPD/n.json" '" ".join(sorted(j["undefined"]))+" "')
check "-nostdlib: undefined = ld's set" "$want" "$got"

# --sysroot: a library only inside the sysroot is found by ld, and by goabi
sr=$TMPD/sr; mkdir -p "$sr/usr/lib/x86_64-linux-gnu" && cp libb.a "$sr/usr/lib/x86_64-linux-gnu/libsronly.a"
for opt in "--sysroot=$sr" ""; do
	gcc $opt main_ord.o liba.a -lsronly -o "$TMPD/s" >/dev/null 2>&1; ldrc=$?
	"$GOABI" link --json -- gcc $opt main_ord.o liba.a -lsronly > "$TMPD/s.json"
	v=$(ljget "$TMPD/s.json" 'j["verdict"]')
	if { [ $ldrc -eq 0 ] && [ "$v" != fails ]; } || { [ $ldrc -ne 0 ] && [ "$v" = fails ]; }; then
		ok "sysroot '${opt:-none}': verdict '$v' agrees with ld (exit $ldrc)"
	else
		notok "sysroot '${opt:-none}': verdict '$v', ld exit $ldrc"
	fi
done

# ld itself: no implicit inputs
ld -o "$TMPD/l" main_ord.o liba.a libb.a 2>"$TMPD/l.err"; ldrc=$?
"$GOABI" link --json -- ld -o "$TMPD/l" main_ord.o liba.a libb.a > "$TMPD/l.json"
v=$(ljget "$TMPD/l.json" 'j["verdict"]')
n=$(ljget "$TMPD/l.json" 'sum(1 for i in j["inputs"] if i["implicit"])')
check "plain ld: no implicit inputs" 0 "$n"
if { [ $ldrc -eq 0 ] && [ "$v" != fails ]; } || { [ $ldrc -ne 0 ] && [ "$v" = fails ]; }; then ok "plain ld: verdict '$v' agrees with ld (exit $ldrc)"; else notok "plain ld: verdict '$v', ld exit $ldrc"; fi

# malformed inputs: same verdict and undefined set as ld, and no crash
echo "not an object" > "$TMPD/garbage.o"
: > "$TMPD/empty.o"
head -c 100 goa.a > "$TMPD/trunc.a"
head -c 40 main_ord.o > "$TMPD/trunc.o"
for f in garbage.o empty.o trunc.a trunc.o; do
	gcc main_ord.o "$TMPD/$f" -o "$TMPD/m" > "$TMPD/m.err" 2>&1; ldrc=$?
	want=$(grep -o "undefined reference to \`[^']*'" "$TMPD/m.err" | sed "s/.*\`//; s/'//" | sort -u | tr '\n' ' ')
	"$GOABI" link --json main_ord.o "$TMPD/$f" > "$TMPD/m.json"; grc=$?
	v=$(ljget "$TMPD/m.json" 'j["verdict"]')
	got=$(ljget "$TMPD/m.json" '" ".join(sorted(j["undefined"]))+" "')
	[ "$got" = " " ] && got=""
	if [ $grc -le 1 ] && { { [ $ldrc -ne 0 ] && [ "$v" = fails ]; } || { [ $ldrc -eq 0 ] && [ "$v" != fails ]; }; } && [ "$got" = "$want" ]; then
		ok "malformed $f: verdict '$v', undefined '$got' as ld (exit $ldrc)"
	else
		notok "malformed $f: goabi '$v' (exit $grc) undefined '$got'; ld exit $ldrc undefined '$want'"
	fi
done
