#!/bin/bash
# goabi link with the drivers people call (gcc, cc, g++, c++, clang-14,
# clang++-14, a cross gcc) and with source files on the command line.
# Oracle: the real driver, run with the same command line (it compiles and
# links): its exit status, the symbols ld names in "undefined reference to"
# and "multiple definition of" (-Wl,--no-demangle: mangled, as in goabi's
# sets), its link map (-Map) for the archive members pulled from the Debian
# corpus's libc6-dev archives; c++filt for the demangled names goabi
# prints; `command -v` and readelf -h for the cross driver that is not
# installed. Objects and Go c-archives are built here from small sources.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/link-lib.sh"
plan 49
GO=/usr/lib/go-1.19/bin/go
[ -x "$GO" ] || GO=/usr/local/go/bin/go
cd "$TMPD"
export GOCACHE=${GOCACHE:-$HOME/.cache/go-build} GOFLAGS=-mod=mod GOTOOLCHAIN=local

cat > cc.cc <<'EOF'
#include <cmath>
#include <iostream>
#include <string>
int main(int argc, char **argv)
{
	std::string s(argv[0]);
	std::cout << s << " " << std::sqrt((double)argc + 0.5) << std::endl;
	return 0;
}
EOF
cat > m.c <<'EOF'
#include <math.h>
#include <stdio.h>
int main(int argc, char **argv) { (void)argv; printf("%f\n", exp((double)argc * 0.5)); return 0; }
EOF
cat > main1.c <<'EOF'
extern void Hello(void);
int main(void) { Hello(); return 0; }
EOF
cat > main2.c <<'EOF'
extern void Hello(void);
extern int Hello2(void);
int main(void) { Hello(); return Hello2(); }
EOF
cat > needs_helper.c <<'EOF'
extern int helper_fn(int);
int use_helper(int x) { return helper_fn(x) + 1; }
EOF
cat > defines_helper.c <<'EOF'
extern int use_helper(int);
int helper_fn(int x) { return x * 2; }
int main(void) { return use_helper(1) == 3 ? 0 : 1; }
EOF
mkdir -p ga gb
printf 'module ga\ngo 1.19\n' > ga/go.mod
printf 'module gb\ngo 1.19\n' > gb/go.mod
cat > ga/a.go <<'EOF'
package main

import "C"
import "fmt"

//export Hello
func Hello() { fmt.Println("hello") }
func main() {}
EOF
cat > gb/b.go <<'EOF'
package main

import "C"

//export Hello2
func Hello2() C.int { return 2 }
func main() {}
EOF
(cd ga && CGO_ENABLED=1 "$GO" build -buildmode=c-archive -o ../libga.a .) >build.log 2>&1
(cd gb && CGO_ENABLED=1 "$GO" build -buildmode=c-archive -o ../libgb.a .) >>build.log 2>&1
g++ -c -O0 cc.cc -o cc.o && gcc -c -O0 -fno-builtin m.c -o m.o && gcc -c main1.c -o main1.o &&
	gcc -c main2.c -o main2.o && gcc -c needs_helper.c -o needs_helper.o
if [ ! -f libga.a ] || [ ! -f libgb.a ] || [ ! -f cc.o ]; then
	notok "fixtures not built: $(tail -3 build.log)"
	exit 0
fi

# compare NAME CMD...: the real link and goabi's prediction of the same
# command line agree on links/fails, the undefined and the duplicate sets
# (and, for links, the members pulled from the user's archives = ld's map)
n=0
compare() {
	local name=$1; shift
	n=$((n + 1))
	"$@" -o "out.$n" -Wl,--no-demangle -Wl,-Map="map.$n" >"ld.$n" 2>&1
	local rc=$?
	"$GOABI" link --json -- "$@" -o "out.$n" -Wl,--no-demangle >"g.$n.json" 2>"g.$n.err"
	local grc=$?
	python3 - "$name" "$rc" "ld.$n" "g.$n.json" "$grc" "map.$n" <<'PY'
import json, os, re, sys
from link_view import view
name, rc, ldf, gf, grc, mapf = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
ld = open(ldf, errors="replace").read()
try:
    g = view(json.load(open(gf)))
except Exception as e:
    print("not ok - %s: no JSON from goabi link (%s)" % (name, e)); sys.exit(0)
und = set(re.findall(r"undefined reference to `([^']+)'", ld))
# found in a library that another one needs (DT_NEEDED) but not given: "DSO missing from command line"
und |= {m.split("@")[0] for m in re.findall(r"undefined reference to symbol '([^']+)'", ld)}
dup = set(re.findall(r"multiple definition of `([^']+)'", ld))
gv = g["verdict"]
good = (gv == "fails") == (rc != 0) and gv != "unknown"
good = good and set(g["undefined"]) == und and set(g["duplicates"]) == dup
good = good and grc == (1 if rc else 0)
why = ""
if rc == 0 and os.path.exists(mapf):
    lines = open(mapf, errors="replace").read().split("\n")
    user = {os.path.basename(i["path"]) for i in g["inputs"] if i["kind"] == "archive" and not i["implicit"]}
    want = set()
    if lines and lines[0].startswith("Archive member included"):
        for l in lines[2:]:
            if not l.strip():
                break
            m = re.match(r"(\S+)\((\S+)\)", l)
            if m and not l.startswith(" ") and os.path.basename(m.group(1)) in user:
                want.add("%s(%s)" % (os.path.basename(m.group(1)), m.group(2)))
    got = {"%s(%s)" % (os.path.basename(i["path"]), p["member"]) for i in g["inputs"] if os.path.basename(i["path"]) in user
           for p in i.get("pulled") or []}
    good = good and got == want
    why = ", %d members of the user's archives pulled as in ld's map" % len(want)
    if got != want:
        why += " (differ: %s)" % sorted(got ^ want)[:5]
print("%s - %s: goabi '%s' (exit %d, %d undefined, %d duplicates), the driver: exit %d, %d undefined, %d duplicates%s"
      % ("ok" if good else "not ok", name, gv, grc, len(g["undefined"]), len(g["duplicates"]), rc, len(und), len(dup), why))
PY
}

# C++ objects: the C++ drivers add libstdc++ and libm; the C drivers do not
compare "g++ cc.o" g++ cc.o
compare "c++ cc.o" c++ cc.o
compare "gcc cc.o (no libstdc++)" gcc cc.o
compare "cc cc.o (no libstdc++)" cc cc.o
compare "gcc cc.o -lstdc++ -lm" gcc cc.o -lstdc++ -lm
compare "g++ -static cc.o" g++ -static cc.o
if command -v clang++-14 >/dev/null; then
	compare "clang++-14 cc.o" clang++-14 cc.o
	compare "clang-14 cc.o (no libstdc++)" clang-14 cc.o
	compare "clang++-14 -static cc.o" clang++-14 -static cc.o
	compare "clang-14 main1.o libga.a" clang-14 main1.o libga.a
else
	for k in 1 2 3 4; do skip "clang case $k" "clang-14 not installed"; done
fi
# libm: needed by a C object, added by g++
compare "gcc m.o (no -lm)" gcc m.o
compare "gcc m.o -lm" gcc m.o -lm
compare "g++ m.o (g++ adds -lm)" g++ m.o
# Go c-archives
compare "gcc main1.o libga.a" gcc main1.o libga.a
compare "gcc main2.o libga.a libgb.a (two Go runtimes)" gcc main2.o libga.a libgb.a
compare "g++ main1.o libga.a" g++ main1.o libga.a
# the Debian corpus's static glibc archives, named as files
DEB=$(ls -d "${GOABI_CACHE:-$HOME/.cache/goabi}"/deb/libc6-dev_*_amd64/usr/lib/x86_64-linux-gnu 2>/dev/null | head -1)
if [ -n "$DEB" ] && [ -f "$DEB/libm-2.36.a" ]; then
	compare "gcc -static m.o corpus libm-2.36.a" gcc -static m.o "$DEB/libm-2.36.a"
	compare "g++ -static cc.o corpus libm-2.36.a" g++ -static cc.o "$DEB/libm-2.36.a"
	compare "gcc -static cc.o corpus libm-2.36.a (no libstdc++)" gcc -static cc.o "$DEB/libm-2.36.a"
else
	for k in 1 2 3; do skip "corpus libc6-dev case $k" "tests/fetch-deb.sh has not fetched libc6-dev"; done
fi
# the corpus's libstdc++.so.6.0.30 named as a file: its versioned references
# (__udivmodti4@GCC_3.0 ...) bind to libgcc_s, not to libgcc.a's hidden copies
SO=$(ls "${GOABI_CACHE:-$HOME/.cache/goabi}"/deb/libstdc++6_*_amd64/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.* 2>/dev/null | head -1)
if [ -n "$SO" ]; then
	compare "gcc cc.o corpus libstdc++.so.6.0.30 -lm" gcc cc.o "$SO" -lm
	compare "gcc cc.o corpus libstdc++.so.6.0.30 (no -lm)" gcc cc.o "$SO"
	want=$(grep -o "undefined reference to symbol '[^']*'" "ld.$n" | head -1)
	got=$(ljget "g.$n.json" '" | ".join(f["linker_message"] or "" for f in j["findings"])')
	case $got in
	*"$want"*"DSO missing from command line"*) [ -n "$want" ] && ok "… ld's own message for a library only a DT_NEEDED entry brings: $want" ||
		notok "ld printed no 'undefined reference to symbol'" ;;
	*) notok "… ld says '$want', goabi '$got'" ;;
	esac
else
	skip "corpus libstdc++6 message" "tests/fetch-deb.sh has not fetched libstdc++6"
	for k in 1 2; do skip "corpus libstdc++6 case $k" "tests/fetch-deb.sh has not fetched libstdc++6"; done
fi

# the undefined std:: symbols of "gcc cc.o" are one finding naming libstdc++,
# with every symbol ld names, demangled as c++filt does
gcc cc.o -o x -Wl,--no-demangle 2>ld.cxx; und=$(grep -o "undefined reference to \`_Z[^']*'" ld.cxx | sed "s/.*\`//; s/'//" | sort -u)
"$GOABI" link --json -- gcc cc.o > cxx.json
got=$(ljget cxx.json '"\n".join(sorted(s for f in j["findings"] if "libstdc++" in f["message"] for s in f.get("symbols", []) if s.startswith("_Z")))')
check "gcc cc.o: one finding holds the $(wc -l <<< "$und") undefined C++ symbols ld names" "$und" "$got"
check "… and it is the only libstdc++ finding" 1 "$(ljget cxx.json 'len([f for f in j["findings"] if "libstdc++" in f["message"]])')"
sym=$(ljget cxx.json '[s for f in j["findings"] if "libstdc++" in f["message"] for s in f["symbols"] if s.startswith("_Z")][0]')
dm=$(echo "$sym" | c++filt)
msg=$(ljget cxx.json '" ".join(f["message"] for f in j["findings"] if "libstdc++" in f["message"])')
case $msg in *"$dm"*) [ -n "$sym" ] && [ "$dm" != "$sym" ] && ok "names demangled as c++filt does ($sym -> $dm)" || notok "no C++ symbol in a libstdc++ finding ('$sym')" ;;
*) notok "no '$dm' in the message: $msg" ;; esac
gcc cc.o -o x 2>ld.dm
"$GOABI" link -- gcc cc.o > cxx.txt
quoted=$(sed -n 's/^      cc.o: \(undefined reference to `.*'"'"'\)\( (and .*\)\{0,1\}$/\1/p' cxx.txt | sed "s/' (and .*/'/" | head -1)
if [ -n "$quoted" ] && grep -qF "$quoted" ld.dm; then ok "ld's own demangled message quoted ($quoted)"; else notok "'$quoted' is not among ld's messages: $(grep -c 'undefined reference' ld.dm) of them"; fi

# the report names the driver given
for d in gcc g++ cc c++ clang-14 clang++-14; do
	if ! command -v "$d" >/dev/null; then skip "header names $d" "$d not installed"; continue; fi
	"$GOABI" link -- "$d" cc.o > h.txt
	# the summary's first line: "  driver  NAME"
	if sed -n 2p h.txt | grep -qxE "  driver +$(sed 's/[+.]/\\&/g' <<< "$d")"; then ok "header names the driver $d"; else notok "header for $d: $(sed -n 2p h.txt)"; fi
done

# source files: goabi cannot see what they define; the driver compiles them
# (srcrun NAME WANT CMD...: WANT "not-fails" when the real driver links,
# "fails" when it fails whatever the sources hold)
srcrun() {
	local name=$1 want=$2; shift 2
	n=$((n + 1))
	"$@" -o "s.$n" -Wl,--no-demangle >"sld.$n" 2>&1
	local rc=$?
	"$GOABI" link --json -- "$@" -o "s.$n" > "s.$n.json"
	local grc=$?
	local v=$(ljget "s.$n.json" 'j["verdict"]')
	local dup=$(grep -o "multiple definition of \`[^']*'" "sld.$n" | sed "s/.*\`//; s/'//" | sort -u | tr '\n' ' ')
	local gdup=$(ljget "s.$n.json" '" ".join(sorted(j["duplicates"]))+(" " if j["duplicates"] else "")')
	if [ "$want" = not-fails ]; then
		if [ $rc -eq 0 ] && [ "$v" = unknown ] && [ $grc -eq 3 ]; then
			ok "$name: the driver links; goabi says '$v' (exit 3), not fails"
		else
			notok "$name: the driver exit $rc; goabi '$v' exit $grc"
		fi
	else
		if [ $rc -ne 0 ] && [ "$v" = fails ] && [ $grc -eq 1 ] && [ "$gdup" = "$dup" ]; then
			ok "$name: the driver fails; goabi fails too (duplicates '$dup')"
		else
			notok "$name: the driver exit $rc (duplicates '$dup'); goabi '$v' exit $grc (duplicates '$gdup')"
		fi
	fi
}
srcrun "gcc main1.c libga.a" not-fails gcc main1.c libga.a
check "… main is what the source must define" "['main']" "$(ljget "s.$n.json" 'j["needs_from_sources"]')"
check "… the source is an input of kind source" "main1.c" "$(ljget "s.$n.json" '" ".join(i["path"] for i in j["inputs"] if i["kind"] == "source")')"
srcrun "gcc main2.c libga.a libgb.a: two c-archives collide whatever main2.c holds" fails gcc main2.c libga.a libgb.a
srcrun "gcc defines_helper.c needs_helper.o" not-fails gcc defines_helper.c needs_helper.o
check "… helper_fn and main are what the source must define" "['helper_fn', 'main']" \
	"$(ljget "s.$n.json" 'sorted(j["needs_from_sources"])')"
srcrun "g++ cc.cc" not-fails g++ cc.cc
srcrun "gcc m.c -lm" not-fails gcc m.c -lm
srcrun "gcc main1.c -lgoabi_no_such_lib" fails gcc main1.c -lgoabi_no_such_lib
cp main1.c main1.src
srcrun "gcc -x c main1.src -x none libga.a" not-fails gcc -x c main1.src -x none libga.a
if command -v clang-14 >/dev/null; then
	srcrun "clang-14 main1.c libga.a" not-fails clang-14 main1.c libga.a
	srcrun "clang++-14 cc.cc" not-fails clang++-14 cc.cc
else
	skip "clang-14 sources" "not installed"; skip "clang++-14 sources" "not installed"
fi
# gcc m.c without -lm: the driver fails, but only the source knows why
gcc m.c -o x >/dev/null 2>&1; rc=$?
"$GOABI" link --json -- gcc m.c > sm.json; grc=$?
check "gcc m.c (fails for the source's own exp): goabi does not claim links (driver exit $rc)" "unknown 3" \
	"$(ljget sm.json 'j["verdict"]') $grc"

# a cross driver that is not installed: its facts are unknown, and said so
if command -v aarch64-linux-gnu-gcc >/dev/null; then
	for k in 1 2; do skip "cross driver not installed $k" "aarch64-linux-gnu-gcc is installed"; done
else
	A64=$FIX/link/arm64.o
	if [ -f "$A64" ] && readelf -h "$A64" | grep -q AArch64; then
		"$GOABI" link --json -- aarch64-linux-gnu-gcc "$A64" > x.json; grc=$?
		check "aarch64-linux-gnu-gcc (not installed) on an AArch64 object: unknown, exit 3, driver facts unknown" \
			"unknown 3 unknown" "$(ljget x.json 'j["verdict"]') $grc $(ljget x.json 'j["driver_facts"]')"
		"$GOABI" link --json -- aarch64-linux-gnu-gcc cc.o > x2.json; grc=$?
		check "… an x86-64 object for it still fails (wrong format, whatever the driver's files)" "fails 1" \
			"$(ljget x2.json 'j["verdict"]') $grc"
	else
		for k in 1 2; do skip "cross driver not installed $k" "no AArch64 fixture object"; done
	fi
fi

# --no-driver: goabi's documented default for g++ agrees with g++ too
g++ cc.o -o x >/dev/null 2>&1; rc=$?
"$GOABI" link --json --no-driver -- g++ cc.o > nd.json; grc=$?
check "--no-driver g++ cc.o: default C++ libraries, verdict as g++ (exit $rc), facts 'default'" \
	"$([ $rc -eq 0 ] && echo links || echo fails) default" \
	"$(ljget nd.json 'j["verdict"]') $(ljget nd.json 'j["driver_facts"]')"
check "asked driver: g++ cc.o has driver_facts 'asked'" "asked" \
	"$(ljget "g.1.json" 'j["driver_facts"]')"
