#!/bin/bash
# Valid real-world files must not be reported as errors (exit 0, no error
# diagnostic) and must get correct facts:
# - every file of the pinned Debian corpus (tests/realworld/debian.tsv,
#   unpacked by tests/fetch-deb.sh): goabi inspect -r over each package's
#   tree; oracle: readelf -h reads each ELF file without error, ar t each
#   archive (one check per package);
# - empty archives ("!<arch>\n" alone: glibc's libanl.a, libdl.a,
#   libpthread.a ...): ar t lists nothing -> 0 members, no diagnostic;
# - gccgo's runtime library libgo.so.21 (libgo21), which holds a stray
#   copy of the build-info magic: go version -m rejects it -> no build info,
#   no error; gccgo (readelf -S: .go_export; nm -D: defines __go_go); the
#   library gccgo programs link against (the gccgo fixture's DT_NEEDED names
#   its DT_SONAME) -> buildmode shared, cgo not "1";
# - separate debug files made here with objcopy --only-keep-debug (and
#   eu-strip -f, which keeps the segments' original sizes) from
#   corpus programs and fixtures (readelf -S: .text is NOBITS): exit 0,
#   elf.debug_file, machine and build-id as readelf -h / -n give them,
#   linkage dynamic when readelf -l shows PT_INTERP and never a "statically
#   linked" libc then, Go (gc) when readelf -S shows gc's sections; the same
#   file one byte short (its section headers at the end) exits 2;
# - Go package archives (-buildmode=archive, Go's own object format) for
#   amd64, arm64, 386 and s390x: the header line (head -c 200) names the
#   GOARCH built with; the machine goabi reports equals the ELF machine of
#   a Go program of that GOARCH (the go119-* fixtures: GOARCH from go
#   version -m, e_machine from readelf -h).
. "$(dirname "$0")/../lib.sh"
DEB=${GOABI_CACHE:-$HOME/.cache/goabi}/deb
TSV=$TOP/tests/realworld/debian.tsv
NPKG=$(grep -vc '^#' "$TSV")
DEBUG_SRCS=(jq:usr/bin/jq ripgrep:usr/bin/rg bash:bin/bash age:usr/bin/age fzf:usr/bin/fzf libstdc++6:usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30)
DEBUG_FIX=(c-static go119-static go119-cgo-exe go119-c-shared.so musl-static c-static-pie)
DEBUG_EU=(c-dyn go119-cgo-exe)
ARCHES=(amd64:go119-static arm64:go119-arm64 386:go119-386 s390x:go119-s390x)
plan $(( NPKG + 2 + 4 + 2 * (${#DEBUG_SRCS[@]} + ${#DEBUG_FIX[@]} + ${#DEBUG_EU[@]}) + ${#ARCHES[@]} ))

# ---- the corpus, one package at a time
grep -v '^#' "$TSV" | while IFS=$'\t' read -r pkg ver arch _; do
	d=$DEB/${pkg}_${ver//:/%3a}_$arch
	if [ ! -d "$d" ]; then skip "corpus $pkg: every file exits 0" "not fetched (tests/fetch-deb.sh)"; continue; fi
	"$GOABI" inspect --json -r "$d" > "$TMPD/c.json" 2> "$TMPD/c.err"
	rc=$?
	python3 - "$pkg" "$d" "$rc" "$TMPD/c.json" "$TMPD/c.err" <<'PY'
import json, os, subprocess, sys
pkg, root, rc, js, err = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
arts = {}
try:
    for a in json.load(open(js))['artifacts']:
        arts[a['path']] = a
except Exception as x:
    print("not ok - corpus %s: no JSON (%s)" % (pkg, x)); sys.exit(0)
def errors(a):
    e = [d['message'] for d in a.get('diagnostics', []) if d['severity'] == 'error']
    for m in a.get('members', []) or []:
        e += errors(m)
    return e
bad, nelf, nar = [], 0, 0
for dp, dn, fn in os.walk(root):
    for f in fn:
        p = os.path.join(dp, f)
        if os.path.islink(p) or not os.path.isfile(p):
            continue
        with open(p, 'rb') as fh:
            head = fh.read(8)
        if head[:4] == b'\x7fELF':
            nelf += 1
            r = subprocess.run(['readelf', '-h', p], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            valid = r.returncode == 0 and not r.stderr.strip()
        elif head == b'!<arch>\n':
            nar += 1
            valid = subprocess.run(['ar', 't', p], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
        else:
            continue
        a = arts.get(p)
        if not valid:
            continue  # not a valid file by the oracle: not this test's business
        if a is None:
            bad.append("%s: not inspected" % p)
        elif errors(a):
            bad.append("%s: %s" % (os.path.relpath(p, root), errors(a)[0]))
# stderr: nothing but the count of symbolic links -r did not follow (a note)
noise = [l for l in open(err).read().splitlines() if l.strip() and 'not followed (-L follows them)' not in l]
bad += ["stderr: " + l for l in noise[:2]]
ok = rc == 0 and not bad
print(("ok - corpus %s: %d ELF files and %d archives (valid per readelf -h / ar t), exit 0, no error" % (pkg, nelf, nar)) if ok else
      ("not ok - corpus %s: exit %d; %d files with errors: %s" % (pkg, rc, len(bad), "; ".join(bad[:3]))))
PY
done

# ---- empty archives
printf '!<arch>\n' > "$TMPD/empty.a"
ar t "$TMPD/empty.a" > "$TMPD/ar.out" 2>&1
"$GOABI" inspect --json "$TMPD/empty.a" > "$TMPD/e.json" 2> "$TMPD/e.err"
rc=$?
if [ -s "$TMPD/ar.out" ]; then
	notok "empty archive: ar t lists '$(head -1 "$TMPD/ar.out")' (oracle broken)"
else
	check "empty archive (ar t lists nothing): exit 0, 0 members, no diagnostic" "0 0 0" \
		"$rc $(jget "$TMPD/e.json" 'len(j["artifacts"][0]["members"])') $(jget "$TMPD/e.json" 'len(j["artifacts"][0]["diagnostics"])')"
fi
LIBC6=$(ls -d $DEB/libc6-dev_*_amd64/usr/lib/x86_64-linux-gnu 2>/dev/null | head -1)
if [ -z "$LIBC6" ]; then
	skip "libc6-dev empty archives" "libc6-dev not fetched"
else
	n=0; bad=
	for f in "$LIBC6"/*.a; do
		# an archive (not a linker script, not an ELF file named .a) that
		# ar t reads and finds empty
		[ "$(head -c 7 "$f")" = '!<arch>' ] && ar t "$f" > "$TMPD/ar.out" 2>/dev/null && [ ! -s "$TMPD/ar.out" ] || continue
		n=$((n + 1))
		"$GOABI" inspect --json "$f" > "$TMPD/e.json" 2>/dev/null
		r="$? $(jget "$TMPD/e.json" 'len(j["artifacts"][0]["members"])') $(jget "$TMPD/e.json" 'len(j["artifacts"][0]["diagnostics"])')"
		[ "$r" = "0 0 0" ] || bad="$bad $(basename "$f")($r)"
	done
	if [ $n -gt 0 ] && [ -z "$bad" ]; then ok "libc6-dev: $n archives that ar t finds empty: exit 0, 0 members, no diagnostic"
	else notok "libc6-dev empty archives ($n): exit/members/diagnostics:$bad"; fi
fi

# ---- gccgo's libgo.so.21
LIBGO=$(ls $DEB/libgo21_*_amd64/usr/lib/x86_64-linux-gnu/libgo.so.21.* 2>/dev/null | head -1)
GO126=$("$TOP/scripts/go-toolchain.sh" 1.26.8 2>/dev/null)
if [ -z "$LIBGO" ] || [ ! -f "$FIX/inspect/gccgo-exe" ]; then
	for d in "build info" toolchain buildmode cgo; do skip "libgo.so.21 $d" "libgo21 not fetched or gccgo fixture missing"; done
else
	"$GOABI" inspect --json "$LIBGO" > "$TMPD/g.json" 2> "$TMPD/g.err"
	rc=$?
	if [ -z "$GO126" ] || "$GO126" version -m "$LIBGO" > /dev/null 2>&1; then
		notok "libgo.so.21 build info: go version -m (Go 1.26.8: '$GO126') reads build info or is missing"
	else
		check "libgo.so.21: go version -m finds no build info -> exit 0, no diagnostic, no build info or settings" "0 0 None 0" \
			"$rc $(jget "$TMPD/g.json" 'len(j["artifacts"][0]["diagnostics"])') $(jget "$TMPD/g.json" 'j["artifacts"][0]["go"]["buildinfo"]') $(jget "$TMPD/g.json" 'len(j["artifacts"][0]["go"]["settings"])')"
	fi
	if readelf -SW "$LIBGO" | grep -q ' \.go_export ' && nm -D --defined-only "$LIBGO" | grep -q ' T __go_go$'; then
		check "libgo.so.21: toolchain gccgo (readelf: .go_export; nm -D: defines __go_go)" gccgo "$(jget "$TMPD/g.json" 'j["artifacts"][0]["go"]["toolchain"]["value"]')"
	else
		notok "libgo.so.21: oracle: no .go_export or __go_go"
	fi
	soname=$(readelf -dW "$LIBGO" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
	if readelf -dW "$FIX/inspect/gccgo-exe" | grep -q "(NEEDED).*\[$soname\]"; then
		check "libgo.so.21: the library gccgo programs link against (gccgo-exe needs $soname): buildmode shared" shared \
			"$(jget "$TMPD/g.json" 'j["artifacts"][0]["go"]["buildmode"]["value"]')"
	else
		notok "libgo.so.21: oracle: gccgo-exe does not need $soname"
	fi
	check "libgo.so.21: cgo not claimed (its _cgo_panic is the runtime's cgo support): none or 0" yes \
		"$(jget "$TMPD/g.json" '"yes" if j["artifacts"][0]["go"]["cgo"]["value"] in (None, "0") else j["artifacts"][0]["go"]["cgo"]["value"]')"
fi

# ---- separate debug files
debug_case() { # LABEL FILE [eu]: objcopy --only-keep-debug, or eu-strip -f
	local label=$1 f=$2 dbg=$TMPD/$1.debug
	if [ ! -f "$f" ]; then
		skip "debug file $label" "source missing"; skip "debug file $label, one byte short" "source missing"; return
	fi
	if [ "${3:-}" = eu ]; then
		eu-strip -f "$dbg" -o "$TMPD/$label.stripped" "$f" 2> "$TMPD/oc.err"
	else
		objcopy --only-keep-debug "$f" "$dbg" 2> "$TMPD/oc.err"
	fi
	if [ $? -ne 0 ]; then
		notok "debug file $label: objcopy failed: $(head -1 "$TMPD/oc.err")"; skip "debug file $label, one byte short" "no debug file"; return
	fi
	"$GOABI" inspect --json "$dbg" > "$TMPD/d.json" 2> "$TMPD/d.err"
	local rc=$?
	python3 - "$label" "$dbg" "$rc" "$TMPD/d.json" <<'PY'
import json, re, subprocess, sys
label, f, rc, js = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
R = lambda *a: subprocess.run(['readelf'] + list(a) + [f], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
S, h, l, n = R('-SW'), R('-hW'), R('-lW'), R('-nW')
why = []
if not re.search(r'\]\s+\.text\s+NOBITS', S):
    why.append("oracle: readelf -S does not show .text NOBITS")
a = json.load(open(js))['artifacts'][0]
e, lc, go = a.get('elf') or {}, a.get('libc') or {}, a['go']
errs = [d['message'] for d in a['diagnostics'] if d['severity'] == 'error']
if rc != 0 or errs:
    why.append("exit %d, errors %s" % (rc, errs[:2]))
if e.get('debug_file') is not True:
    why.append("debug_file %s" % e.get('debug_file'))
m = re.search(r'Machine:\s+(.*)', h)
mach = int.from_bytes(open(f, 'rb').read(20)[18:20], 'little')
if e.get('machine') != mach:
    why.append("machine %s, e_machine %d (%s)" % (e.get('machine'), mach, m.group(1) if m else '?'))
bid = re.search(r'Build ID: ([0-9a-f]+)', n)
if (bid.group(1) if bid else None) != e.get('build_id'):
    why.append("build_id %s, readelf -n %s" % (e.get('build_id'), bid.group(1) if bid else None))
lk = (lc.get('linkage') or {}).get('value')
if re.search(r'^\s+INTERP\s', l, re.M):
    if lk != 'dynamic':
        why.append("readelf -l shows INTERP, linkage %s" % lk)
    if 'statically linked' in ((lc.get('family') or {}).get('evidence') or ''):
        why.append("libc family evidence says statically linked: %s" % lc['family']['evidence'])
gc = bool(re.search(r'\]\s+\.(gopclntab|go\.buildinfo)\s', S))
tc = go['toolchain']['value']
if gc and tc != 'gc':
    why.append("readelf -S shows gc's sections, toolchain %s" % tc)
if not gc and tc not in ('none', None):
    why.append("no gc section, toolchain %s" % tc)
print(("ok - debug file %s: exit 0, debug_file, machine %d, build-id, linkage %s, go %s as readelf says" % (label, mach, lk, tc))
      if not why else "not ok - debug file %s: %s" % (label, "; ".join(why)))
PY
	head -c $(( $(stat -c %s "$dbg") - 1 )) "$dbg" > "$dbg.short"
	"$GOABI" inspect -q "$dbg.short" 2> "$TMPD/s.err"
	local src=$?
	local need=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); from elfhdr import parse, need_end; d=open(sys.argv[2],"rb").read(); print(need_end(parse(d), segments=False))' "$TOP/tests/cli" "$dbg")
	if [ "$need" -le $(( $(stat -c %s "$dbg") - 1 )) ]; then
		skip "debug file $label, one byte short" "its headers do not reach the last byte"
	else
		check "debug file $label, one byte short (headers reach byte $need): exit 2, stderr names it" "2 1" \
			"$src $(grep -c "$dbg.short" "$TMPD/s.err")"
	fi
}
for s in "${DEBUG_SRCS[@]}"; do
	debug_case "deb-${s%%:*}" "$(ls $DEB/${s%%:*}_*_amd64/${s#*:} 2>/dev/null | head -1)"
done
for s in "${DEBUG_FIX[@]}"; do
	debug_case "$s" "$FIX/inspect/$s"
done
# eu-strip -f keeps the segments' original offsets and sizes (past the end
# of the debug file, or over its debug sections): absent by design too
for s in "${DEBUG_EU[@]}"; do
	debug_case "eu-strip-$s" "$FIX/inspect/$s" eu
done

# ---- machine of Go package archives
mkdir -p "$TMPD/pkg"
printf 'module example.com/p\ngo 1.19\n' > "$TMPD/pkg/go.mod"
printf 'package p\n\nfunc Add(a, b int) int { return a + b }\n' > "$TMPD/pkg/p.go"
for s in "${ARCHES[@]}"; do
	ga=${s%%:*} fx=$FIX/inspect/${s#*:}
	if [ -z "$GO126" ] || [ ! -f "$fx" ]; then skip "Go package archive GOARCH=$ga: machine" "no Go 1.26.8 or fixture ${s#*:}"; continue; fi
	if ! (cd "$TMPD/pkg" && GOARCH=$ga GOFLAGS=-mod=mod GOCACHE=$TMPD/gocache "$GO126" build -buildmode=archive -o "$TMPD/p-$ga.a" . 2> "$TMPD/gb.err"); then
		notok "Go package archive GOARCH=$ga: go build failed: $(head -1 "$TMPD/gb.err")"; continue
	fi
	hdr=$(head -c 200 "$TMPD/p-$ga.a" | grep -a -o 'go object [^ ]* [^ ]*' | head -1)
	fxarch=$(go version -m "$fx" 2>/dev/null | awk '$1 == "build" && $2 ~ /^GOARCH=/ { sub("GOARCH=", "", $2); print $2 }')
	fxmach=$(python3 -c 'import sys; d=open(sys.argv[1],"rb").read(20); print(int.from_bytes(d[18:20], "little" if d[5] == 1 else "big"))' "$fx")
	"$GOABI" inspect --json "$fx" > "$TMPD/fx.json" 2>/dev/null
	"$GOABI" inspect --json "$TMPD/p-$ga.a" > "$TMPD/pa.json" 2>/dev/null
	if [ "$hdr" != "go object linux $ga" ] || [ "$fxarch" != "$ga" ] || [ "$(jget "$TMPD/fx.json" 'j["artifacts"][0]["elf"]["machine"]')" != "$fxmach" ]; then
		notok "Go package archive GOARCH=$ga: oracle: header '$hdr', fixture GOARCH '$fxarch', fixture e_machine $fxmach vs goabi $(jget "$TMPD/fx.json" 'j["artifacts"][0]["elf"]["machine"]')"
		continue
	fi
	want=$(jget "$TMPD/fx.json" 'j["artifacts"][0]["elf"]["machine_name"]')
	got="$(jget "$TMPD/pa.json" 'j["artifacts"][0]["machine"]["value"]') $(jget "$TMPD/pa.json" '[m.get("machine", {}).get("value") for m in j["artifacts"][0]["members"]]')"
	check "Go package archive GOARCH=$ga (header '$hdr'): machine of a Go $ga program (e_machine $fxmach), archive and members" \
		"$want ['$want', '$want']" "$got"
done
