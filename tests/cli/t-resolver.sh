#!/bin/bash
# One library resolver (src/facts/resolve.c) for the image, plugin and link
# checks: for the same library set each check names the same file for each
# DT_NEEDED name, and the same problem, as the real dynamic loader does.
# Oracle: glibc's ld.so --list run in a chroot of a root built here (the
# host's libc and loader, ldconfig -r for ld.so.conf), readelf -d/-h/-V.
# The root holds:
#   libwrap.so   DT_RUNPATH $ORIGIN/../gor-first:$ORIGIN/../gor, needs the
#                two Go c-shared fixture libraries (two Go runtimes); gor-first
#                holds a copy of libgoadd.so patched to AArch64 (skipped)
#   libneedsconf.so     needs libconf.so, found through an ld.so.conf include
#   libneedsmissing.so  needs libnothere.so (absent)
#   libneedsarm.so      needs libarm.so, present only for another machine
#   libneedsv2.so       needs version LIBV_2 of libv.so; the root's libv.so
#                       defines LIBV_1 only
#   /app/app-rpath, /app/app-runpath  need libmid.so, which needs libdeep.so,
#                       present only in /opt/rp: the program's DT_RPATH
#                       /opt/rp serves libmid.so's lookups too, its
#                       DT_RUNPATH does not (glibc elf/dl-load.c)
. "$(dirname "$0")/../lib.sh"
plan 16
d=$FIX/plugin/cshared
HOST=$FIX/plugin/go126/host
if [ ! -f "$d/libgoadd.so" ] || [ ! -f "$d/libgomul.so" ] || [ ! -x "$HOST" ]; then
	for i in $(seq 16); do notok "c-shared or plugin fixtures missing (tests/fixtures/build-plugin.sh)"; done
	exit 0
fi
cd "$TMPD"
R=$TMPD/R
ML=usr/lib/x86_64-linux-gnu
mkdir -p "$R/lib64" "$R/lib/x86_64-linux-gnu" "$R/$ML" "$R/usr/lib/gor" "$R/usr/lib/gor-first" "$R/opt/conflib" "$R/opt/rp" "$R/app" \
	"$R/etc/ld.so.conf.d" src stub v2
cp -L /lib64/ld-linux-x86-64.so.2 "$R/lib64/"
for l in libc.so.6 libpthread.so.0 libdl.so.2 libm.so.6; do
	[ -e "/lib/x86_64-linux-gnu/$l" ] && cp -L "/lib/x86_64-linux-gnu/$l" "$R/lib/x86_64-linux-gnu/"
done
printf 'include /etc/ld.so.conf.d/*.conf\n' > "$R/etc/ld.so.conf"
printf '/opt/conflib\n' > "$R/etc/ld.so.conf.d/conf.conf"
# arm64 copy: e_machine 183 (EM_AARCH64), as the plugin tests make one
arm() { cp "$1" "$2" && printf '\267\000' | dd of="$2" bs=1 seek=18 conv=notrunc 2> /dev/null; }
cp "$d/libgoadd.so" "$d/libgomul.so" "$R/usr/lib/gor/"
arm "$d/libgoadd.so" "$R/usr/lib/gor-first/libgoadd.so"
lib() { # lib OUT SONAME SRC [gcc args...]
	local out=$1 so=$2 src=$3
	shift 3
	printf '%s\n' "$src" > "src/$so.c"
	gcc -shared -fPIC -o "$out" "src/$so.c" -Wl,-soname,"$so" "$@"
}
{
	lib "$R/$ML/libwrap.so" libwrap.so 'int w(void) { return 0; }' -Wl,--no-as-needed -L"$d" -lgoadd -lgomul \
		-Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/../gor-first:$ORIGIN/../gor' &&
	lib "$R/opt/conflib/libconf.so" libconf.so 'int c(void) { return 3; }' &&
	lib "$R/$ML/libneedsconf.so" libneedsconf.so 'int nc(void) { return 0; }' -Wl,--no-as-needed -L"$R/opt/conflib" -lconf &&
	lib stub/libnothere.so libnothere.so 'int n(void) { return 0; }' &&
	lib "$R/$ML/libneedsmissing.so" libneedsmissing.so 'int nm(void) { return 0; }' -Wl,--no-as-needed -Lstub -lnothere &&
	lib stub/libarm.so libarm.so 'int a(void) { return 4; }' &&
	arm stub/libarm.so "$R/$ML/libarm.so" &&
	lib "$R/$ML/libneedsarm.so" libneedsarm.so 'int na(void) { return 0; }' -Wl,--no-as-needed -Lstub -larm &&
	printf 'LIBV_1 { global: v1; local: *; };\n' > v1.map &&
	printf 'LIBV_1 { global: v1; local: *; };\nLIBV_2 { global: v2; } LIBV_1;\n' > v2.map &&
	lib "$R/$ML/libv.so" libv.so 'int v1(void) { return 1; }' -Wl,--version-script=v1.map &&
	lib v2/libv.so libv.so 'int v1(void) { return 1; } int v2(void) { return 2; }' -Wl,--version-script=v2.map &&
	lib "$R/$ML/libneedsv2.so" libneedsv2.so 'extern int v2(void); int nv(void) { return v2(); }' -Lv2 -lv &&
	lib "$R/opt/rp/libdeep.so" libdeep.so 'int deep(void) { return 5; }' &&
	lib "$R/$ML/libmid.so" libmid.so 'extern int deep(void); int mid(void) { return deep(); }' -L"$R/opt/rp" -ldeep &&
	printf 'extern int mid(void);\nint main(void) { return mid(); }\n' > src/app.c &&
	gcc -o "$R/app/app-rpath" src/app.c -L"$R/$ML" -lmid -Wl,-rpath-link,"$R/opt/rp" -Wl,--disable-new-dtags -Wl,-rpath,/opt/rp &&
	gcc -o "$R/app/app-runpath" src/app.c -L"$R/$ML" -lmid -Wl,-rpath-link,"$R/opt/rp" -Wl,--enable-new-dtags -Wl,-rpath,/opt/rp
} > build.log 2>&1 || { for i in $(seq 16); do notok "building the test libraries failed: $(tail -1 build.log)"; done; exit 0; }
ldconfig -r "$R" 2> /dev/null

# the loader's answer: NAME => /path (normalised), NAME => not found, and
# its version error, for one library of the root
oracle() {
	chroot "$R" /lib64/ld-linux-x86-64.so.2 --list "$1" > "oracle.out" 2>&1
	python3 - "oracle.out" << 'PY'
import os, re, sys
for l in open(sys.argv[1]).read().splitlines():
    m = re.match(r'\s*(\S+) => (not found|(\S+) \(0x)', l)
    if m:
        print(m.group(1), "=>", "not found" if m.group(2) == "not found" else os.path.normpath(m.group(3)))
    elif "version `" in l:
        print("version", re.sub(r'^.*?(\S+: version .*)$', r'\1', l.strip()))
    elif "error while loading shared libraries: " in l:
        # ld.so stops at the first library it cannot open
        e = l[l.index("error while loading shared libraries: "):].strip()
        print(e.split(": ")[1], "=> not found")
        print("error", e)
PY
}
oracle "/$ML/libwrap.so" > o-wrap.txt
oracle "/$ML/libneedsconf.so" > o-conf.txt
oracle "/$ML/libneedsmissing.so" > o-missing.txt
oracle "/$ML/libneedsarm.so" > o-arm.txt
oracle "/$ML/libneedsv2.so" > o-v2.txt
oracle /app/app-rpath > o-rpath.txt
oracle /app/app-runpath > o-runpath.txt

# ---- image: the whole root ----
"$GOABI" image --json -v --no-progress "$R" > image.json 2> image.err
# image NAMEPATH: "resolved" pairs and findings (rule: message | tool_says) of one library
image() {
	python3 - image.json "$1" << 'PY'
import json, os, sys
j = json.load(open(sys.argv[1]))
p = sys.argv[2]
it = next((x for x in j["judged"] if x["member"] == p), None)
if it is None:
    print("no judged item", p); sys.exit(0)
res = it["properties"].get("resolved") or ""
for pair in [x for x in res.split("; ") if x]:
    n, _, path = pair.partition(" => ")
    print(n, "=>", os.path.normpath(path.replace(" (the interpreter)", "")))
for f in j["findings"]:
    if f["subject"]["member"] == p:
        print(f["rule"] + ":", f["message"], "|", f.get("tool_says"))
PY
}
# the loader's resolved names that are not libc, loader or vdso
picked() { grep -vE '^(libc\.so\.6|linux-vdso|/lib64|ld-linux|version)' "$1" | grep -v 'not found' | sort; }

# ---- 1. the same library set through the three checks (libwrap.so) ----
want=$(picked o-wrap.txt | sed "s| => /| => |" | tr '\n' ';')
check "oracle: libwrap.so's RUNPATH skips the AArch64 copy in gor-first (readelf -h) and loads both Go libraries from gor" \
	"AArch64|libgoadd.so => usr/lib/gor/libgoadd.so;libgomul.so => usr/lib/gor/libgomul.so;" \
	"$(readelf -h "$R/usr/lib/gor-first/libgoadd.so" | sed -n 's/.*Machine: *//p')|$want"
got=$(image "/$ML/libwrap.so" | grep ' => ' | grep -v '^libc.so.6' | sed "s| => /| => |" | sort | tr '\n' ';')
check "image: libwrap.so's DT_NEEDED resolved to the loader's files" "$want" "$got"
rt=$(image "/$ML/libwrap.so" | grep '^image/go-runtimes:' | grep -o '/usr/lib/[a-z-]*/lib[a-z]*\.so' | sed 's|^/||' | tr '\n' ' ')
check "image: the two Go runtimes are the loader's files" "usr/lib/gor/libgoadd.so usr/lib/gor/libgomul.so " "$rt"
# plugin: the root is / and the plugin its path on this machine, so the
# files are under $R
"$GOABI" plugin --json -v "$HOST" "$R/$ML/libwrap.so" > plugin-wrap.json 2> plugin-wrap.err
pgot=$(jget plugin-wrap.json '"\n".join(sorted(e for e in j["judged"][0]["properties"]["evidence"].split("; ") if " => " in e and not e.startswith("libc.so.6")))' |
	python3 -c 'import os,sys; [print(l.split(" => ")[0], "=>", os.path.relpath(os.path.normpath(l.split(" => ")[1]), sys.argv[1])) for l in sys.stdin.read().splitlines()]' "$R" |
	tr '\n' ';')
check "plugin: libwrap.so's DT_NEEDED resolved to the loader's files" "$want" "$pgot"
prt=$(jget plugin-wrap.json '[e for e in j["judged"][0]["properties"]["evidence"].split("; ") if "Go runtimes" in e][0]' |
	grep -o "$R/usr/lib/[a-z-]*/lib[a-z]*\.so" | sed "s|^$R/||" | tr '\n' ' ')
check "plugin: the two Go runtimes of the process are the loader's files" "usr/lib/gor/libgoadd.so usr/lib/gor/libgomul.so " "$prt"
# link: the Go c-shared libraries reached through libwrap.so's DT_NEEDED
printf 'int main(void) { return 0; }\n' > main.c && gcc -c -o main.o main.c
"$GOABI" link --json -- gcc main.o "$R/$ML/libwrap.so" > link.json 2> link.err
lgot=$(jget link.json '"\n".join(sorted(f for x in j["findings"] if x["rule"] == "link/two-go-runtimes" for f in x["evidence"]))' |
	python3 -c 'import os,sys; [print(os.path.relpath(os.path.normpath(l), sys.argv[1])) for l in sys.stdin.read().splitlines()]' "$R" |
	tr '\n' ' ')
check "link: the two Go runtimes behind libwrap.so are the loader's files" "usr/lib/gor/libgoadd.so usr/lib/gor/libgomul.so " "$lgot"

# ---- 2. ld.so.conf include, missing, another machine, versions: image and
# plugin (--root) against the loader in the chroot ----
check "oracle: libconf.so through the ld.so.conf include, libnothere.so and libarm.so not found" \
	"libconf.so => /opt/conflib/libconf.so|libnothere.so => not found|libarm.so => not found" \
	"$(grep '^libconf' o-conf.txt)|$(grep '^libnothere' o-missing.txt)|$(grep '^libarm' o-arm.txt)"
check "image: libconf.so through the ld.so.conf include" "libconf.so => /opt/conflib/libconf.so" \
	"$(image "/$ML/libneedsconf.so" | grep '^libconf')"
check "image: libnothere.so not found, libarm.so only for another machine (readelf -h: AArch64), in the loader's words" \
	"image/missing-library: libnothere.so not found | $(grep '^error' o-missing.txt | sed 's/^error //')|image/library-wrong-machine: libarm.so: only /$ML/libarm.so found, for another machine or class | $(grep '^error' o-arm.txt | sed 's/^error //')|AArch64" \
	"$(image "/$ML/libneedsmissing.so" | grep '^image/')|$(image "/$ML/libneedsarm.so" | grep '^image/')|$(readelf -h "$R/$ML/libarm.so" | sed -n 's/.*Machine: *//p')"
# the version: readelf -V names what libneedsv2.so needs and what the
# root's libv.so defines; the loader's words are the finding's tool_says
need=$(readelf -V "$R/$ML/libneedsv2.so" | sed -n 's/.*Name: \(LIBV_[0-9]*\).*/\1/p' | sort -u | tr '\n' ' ')
def=$(readelf -V "$R/$ML/libv.so" | sed -n 's/.*Name: \(LIBV_[0-9]*\).*/\1/p' | sort -u | tr '\n' ' ')
check "oracle: libneedsv2.so needs LIBV_2 (readelf -V), libv.so defines LIBV_1, ld.so refuses" \
	"LIBV_2 |LIBV_1 |version /$ML/libv.so: version \`LIBV_2' not found (required by /$ML/libneedsv2.so)" \
	"$need|$def|$(grep '^version' o-v2.txt)"
check "image: the missing version, with the loader's words" \
	"image/missing-version: LIBV_2 not defined by /$ML/libv.so | $(grep '^version' o-v2.txt | sed 's/^version //')" \
	"$(image "/$ML/libneedsv2.so" | grep '^image/')"
# plugin --root: each library as the first plugin; dlerror() as the loader says it
perr() {
	"$GOABI" plugin --json --root "$R" "$HOST" "$R/$ML/$1" > "p-$1.json" 2> /dev/null
	jget "p-$1.json" 'j["judged"][0]["properties"].get("error") or "loads"' | sed "s|^plugin.Open(\"$R/$ML/$1\"): ||"
}
check "plugin --root: libnothere.so and libarm.so cannot be opened (dlerror as ld.so says it)" \
	"$(grep '^error' o-missing.txt | sed 's/^error error while loading shared libraries: //')|$(grep '^error' o-arm.txt | sed 's/^error error while loading shared libraries: //')" \
	"$(perr libneedsmissing.so)|$(perr libneedsarm.so)"
# the plugin's own path inside the root is its path on this machine
check "plugin --root: the missing version as ld.so says it" \
	"$(grep '^version' o-v2.txt | sed "s/^version //; s|(required by /$ML/|(required by $R/$ML/|")" "$(perr libneedsv2.so)"
"$GOABI" plugin --json -v --root "$R" "$HOST" "$R/$ML/libneedsconf.so" > p-conf.json 2> /dev/null
check "plugin --root: libconf.so through the root's ld.so.conf include" "libconf.so => /opt/conflib/libconf.so" \
	"$(jget p-conf.json '"\n".join(e for e in j["judged"][0]["properties"]["evidence"].split("; ") if e.startswith("libconf.so"))')"

# ---- 3. the program's DT_RPATH serves its libraries' lookups, DT_RUNPATH not ----
check "oracle: readelf -d (RPATH, RUNPATH); ld.so finds libdeep.so through the program's RPATH only" \
	"RPATH|RUNPATH|libdeep.so => /opt/rp/libdeep.so|libdeep.so => not found" \
	"$(readelf -d "$R/app/app-rpath" | grep -o 'RPATH' | head -1)|$(readelf -d "$R/app/app-runpath" | grep -o 'RUNPATH' | head -1)|$(grep '^libdeep' o-rpath.txt)|$(grep '^libdeep' o-runpath.txt)"
check "image: app-rpath has no finding, app-runpath misses libdeep.so (needed by libmid.so) in the loader's words" \
	"|image/missing-library: libdeep.so (needed by /$ML/libmid.so) not found | $(grep '^error' o-runpath.txt | sed 's/^error //')" \
	"$(image /app/app-rpath | grep '^image/')|$(image /app/app-runpath | grep '^image/')"
