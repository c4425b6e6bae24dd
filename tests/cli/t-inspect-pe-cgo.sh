#!/bin/bash
# cgo Windows programs and their C runtime (issue 23: msvcrt.dll vs the
# UCRT's api-ms-win-crt-*.dll, a real mismatch source): Go 1.19 and Go 1.26.8
# cgo builds with Debian's mingw-w64 (msvcrt.dll, its default), the same
# program linked against the UCRT (mingw-w64's libucrt through a specs file:
# bookworm ships no ucrt64 compiler), a plain C program on the UCRT, a pure-Go
# build (no C runtime) and the pinned npm Windows binaries (Go's esbuild,
# Rust's Biome built with MSVC).
# Oracles, none of them goabi:
#  - llvm-readobj-14 --coff-imports: the DLLs each file imports, classified
#    by the rule in include/goabi/goabi.h (struct goabi_os.crt), and the
#    functions imported from each;
#  - `go version -m` of Go 1.26.8: CGO_ENABLED of each Go build;
#  - the linker command: mingw-w64's -lmsvcrt replaced by -lucrt.
. "$(dirname "$0")/../lib.sh"
GOV=${GO126:-}
CC=$(command -v x86_64-w64-mingw32-gcc || true)
if [ -z "$CC" ] || [ -z "$GOV" ] || ! command -v llvm-readobj-14 > /dev/null; then
	plan 1
	skip "cgo Windows C runtime" "needs gcc-mingw-w64-x86-64 (scripts/install-deps.sh), Go 1.26.8 and llvm-readobj-14"
	exit 0
fi
cd "$TMPD"
mkdir -p src out
cat > src/main.go <<'EOF'
package main

/*
#include <stdio.h>
#include <stdlib.h>
static int twice(int x) { char *p = malloc(8); free(p); printf("%d\n", x); return 2 * x; }
*/
import "C"
import "fmt"

func main() { fmt.Println(C.twice(21)) }
EOF
printf 'module example.com/cgow\n\ngo 1.19\n' > src/go.mod
mkdir -p pure # the same program without cgo (a cgo file is excluded with CGO_ENABLED=0)
printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println(42) }\n' > pure/main.go
printf 'module example.com/pure\n\ngo 1.19\n' > pure/go.mod
"$CC" -dumpspecs | sed 's/-lmsvcrt/-lucrt/g' > ucrt.specs
cat > ucrt-gcc <<EOF
#!/bin/sh
exec "$CC" -specs="$TMPD/ucrt.specs" -D__MSVCRT_VERSION__=0xE00 -D_UCRT "\$@"
EOF
chmod +x ucrt-gcc
printf '#include <stdio.h>\n#include <stdlib.h>\nint main(void){char*p=malloc(4);free(p);printf("hi\\n");return 0;}\n' > c.c
build() { # NAME GO CC CGO
	local d=src
	[ "$4" = 0 ] && d=pure
	(cd $d && GOOS=windows GOARCH=amd64 CGO_ENABLED=$4 CC=$3 "$2" build -o "../out/$1.exe" .) > "$1.log" 2>&1
}
build go119-cgo-msvcrt /usr/lib/go-1.19/bin/go "$CC" 1
build go126-cgo-msvcrt "$GOV" "$CC" 1
build go126-cgo-ucrt "$GOV" "$TMPD/ucrt-gcc" 1
build go126-pure "$GOV" "$CC" 0
./ucrt-gcc c.c -o out/c-ucrt.exe > c.log 2>&1
"$CC" c.c -o out/c-msvcrt.exe >> c.log 2>&1
for f in "$NPM"/*win32*/*.exe; do [ -f "$f" ] && cp "$f" "out/npm-$(basename "$(dirname "$f")").exe"; done
files=(out/*.exe)
plan $(( ${#files[@]} * 3 + 6 ))
check "every build here succeeded (6 files)" 6 "$(ls out/go1*.exe out/c-*.exe 2>/dev/null | wc -l)"
PYTHONPATH=$TOP/tests/cli python3 - "$GOABI" "$GOV" "${files[@]}" <<'PY'
import json, re, subprocess, sys
import macho_pe_oracle as O
goabi, gov, files = sys.argv[1], sys.argv[2], sys.argv[3:]

def out(ok, d, why=""):
    print(("ok - %s" % d) if ok else ("not ok - %s: %s" % (d, why)))

def readobj_imports(f):
    """{dll: [functions]} from llvm-readobj-14 --coff-imports, in order (macho_pe_oracle.py)"""
    return O.pe(f)['imports']

def crt_of(dlls):
    """the rule struct goabi_os.crt states, applied to readobj's list"""
    kinds = []
    for d in dlls:
        l = d.lower()
        if l.startswith("api-ms-win-crt-") or l in ("ucrtbase.dll", "ucrtbased.dll"):
            kinds.append("ucrt")
        elif l == "msvcrt.dll":
            kinds.append("msvcrt")
        elif l.startswith("msvcr") and l.endswith(".dll") and len(l) > 9:
            kinds.append(l[:-4])
    if not kinds:
        return "none"
    return kinds[0] if len(set(kinds)) == 1 else "mixed"

def cgo_setting(f):
    p = subprocess.run([gov, "version", "-m", f], stdout=subprocess.PIPE, text=True)
    if p.returncode != 0:
        return None
    for l in p.stdout.splitlines():
        fl = l.strip().split("\t")
        if len(fl) >= 2 and fl[0] == "build" and fl[1].startswith("CGO_ENABLED="):
            return fl[1].split("=", 1)[1]
    return None

saw = set()
for f in files:
    name = f.split("/")[-1]
    p = subprocess.run([goabi, "inspect", "--json", f], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        a = json.loads(p.stdout)["artifacts"][0]
    except Exception as e:
        for i in range(3):
            out(False, "%s: check %d" % (name, i), "no JSON (exit %d): %s" % (p.returncode, p.stderr[:200]))
        continue
    dlls = readobj_imports(f)
    want = crt_of(dlls)
    crt = (a.get("os") or {}).get("crt") or {}
    saw.add(want)
    out(crt.get("value") == want and bool(crt.get("evidence")),
        "%s: C runtime %s, as llvm-readobj's imports say (%s)" % (name, want, " ".join(dlls)), crt)
    got = {l["name"]: l.get("imports", []) for l in a["os"].get("libraries", [])}
    out(got == dlls, "%s: DLLs and functions = llvm-readobj --coff-imports" % name,
        "%s vs %s" % (sorted(got), sorted(dlls)))
    # text: "N function" / "N functions" per DLL, the number readelf counts
    t = subprocess.run([goabi, "inspect", f], stdout=subprocess.PIPE, text=True).stdout
    want_lines = ["%s (%d function%s)" % (d, len(fs), "" if len(fs) == 1 else "s") for d, fs in dlls.items()]
    missing = [w for w in want_lines if w not in t]
    out(not missing, "%s: text lists each DLL with its function count, singular for one" % name, missing)
# the Go builds: goabi's cgo fact says linked C code where go version -m
# says CGO_ENABLED=1 and the imports hold a C runtime
for f in files:
    name = f.split("/")[-1]
    if not name.startswith("go1"):
        continue
    a = json.loads(subprocess.run([goabi, "inspect", "--json", f], stdout=subprocess.PIPE, text=True).stdout)["artifacts"][0]
    st = cgo_setting(f)
    want = "1" if st == "1" and crt_of(readobj_imports(f)) != "none" else "0"
    out(a["go"]["cgo"]["value"] == want, "%s: cgo %s (go version -m CGO_ENABLED=%s, C runtime imported: %s)" % (name, want, st, want == "1"),
        a["go"]["cgo"])
out({"msvcrt", "ucrt", "none"} <= saw, "the inputs cover msvcrt, the UCRT and no C runtime (per llvm-readobj)", sorted(saw))
PY
