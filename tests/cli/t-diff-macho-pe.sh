#!/bin/bash
# goabi diff on Mach-O and PE (issue 23): the same program cross-built with
# Go 1.19 and Go 1.26.8 for darwin/amd64, darwin/arm64, windows/amd64 and
# windows/386 (CGO_ENABLED=0), compared OLD -> NEW and NEW -> OLD; a Mach-O
# with and without its code signature; a PE with and without an Authenticode
# signature. Oracles, none of them goabi (tests/cli/macho_pe_oracle.py):
#  - the OS floor: the higher of llvm-objdump-14 --macho --private-headers
#    minos (llvm-readobj-14 Major/MinorSubsystemVersion for PE) and the Go
#    release notes' minimum for the version `go version -m` (Go 1.26.8)
#    reads; raised -> diff/os-raised, breaking (exit bit 8); lowered ->
#    diff/os-lowered, informational;
#  - dylibs / DLLs added and removed: llvm-objdump's LC_LOAD_DYLIB names,
#    llvm-readobj-14 --coff-imports' DLL names (case-insensitive);
#  - the signature: llvm-objdump's LC_CODE_SIGNATURE (the unsigned Mach-O
#    is the Go-signed one with that load command removed by the test's
#    bounded rewriter, checked by llvm-objdump: every other load command
#    unchanged); for PE `osslsigncode sign` with a throw-away self-signed
#    certificate, `osslsigncode verify` / llvm-readobj CertificateTableSize
#    say which file is signed. Lost -> diff/signature-removed, breaking.
. "$(dirname "$0")/../lib.sh"
GOV=${GO126:-}
G119=/usr/lib/go-1.19/bin/go
if [ -z "$GOV" ] || [ ! -x "$G119" ] || ! command -v llvm-objdump-14 >/dev/null || ! command -v llvm-readobj-14 >/dev/null; then
	plan 1
	skip "diff on Mach-O/PE" "needs Go 1.19, Go 1.26.8 and llvm-14's llvm-objdump/llvm-readobj"
	exit 0
fi
mkdir -p "$TMPD/src" "$TMPD/old" "$TMPD/new"
cat > "$TMPD/src/main.go" <<'GO'
package main

import (
	"fmt"
	"os"
)

func main() { fmt.Println("hello", len(os.Args)) }
GO
printf 'module example.com/hello\n\ngo 1.19\n' > "$TMPD/src/go.mod"
TARGETS="darwin/amd64 darwin/arm64 windows/amd64 windows/386"
for t in $TARGETS; do
	for side in old new; do
		g=$G119; [ $side = new ] && g=$GOV
		(cd "$TMPD/src" && GOOS=${t%/*} GOARCH=${t#*/} CGO_ENABLED=0 "$g" build -o "$TMPD/$side/${t%/*}-${t#*/}" .) \
			2>"$TMPD/build.err" || echo "build $side $t failed: $(head -3 "$TMPD/build.err")" >&2
	done
done
SIGN=
if command -v osslsigncode >/dev/null && command -v openssl >/dev/null && [ -f "$TMPD/new/windows-amd64" ] &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMPD/k.pem" -out "$TMPD/c.pem" -days 2 -subj /CN=goabi-test >/dev/null 2>&1 &&
	osslsigncode sign -certs "$TMPD/c.pem" -key "$TMPD/k.pem" -in "$TMPD/new/windows-amd64" -out "$TMPD/signed.exe" >/dev/null 2>&1; then
	SIGN=1
fi
LIPO=
if command -v llvm-lipo-14 >/dev/null && [ -f "$TMPD/old/darwin-amd64" ] && [ -f "$TMPD/new/darwin-arm64" ]; then
	llvm-lipo-14 -create "$TMPD/old/darwin-amd64" "$TMPD/old/darwin-arm64" -output "$TMPD/uni-old" &&
		llvm-lipo-14 -create "$TMPD/new/darwin-amd64" "$TMPD/new/darwin-arm64" -output "$TMPD/uni-new" && LIPO=1
fi
# per target: 4 checks; signature: Mach-O 3, PE 3; universal: 2
plan $(( 4 * 4 + 3 + 3 + 2 ))
PYTHONPATH=$TOP/tests/cli python3 - "$GOABI" "$GOV" "$TMPD" "$SIGN" "$LIPO" $TARGETS <<'PY'
import json, os, subprocess, sys
import macho_pe_oracle as O
goabi, gov, tmp, sign, lipo = sys.argv[1:6]
targets = sys.argv[6:]

def out(ok, d, why=""):
    print(("ok - %s" % d) if ok else ("not ok - %s: %s" % (d, why)))

def diff(a, b):
    p = subprocess.run([goabi, 'diff', '--json', a, b], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        return p.returncode, json.loads(p.stdout)
    except Exception:
        return p.returncode, {'findings': [], 'err': p.stderr.decode()[:200]}

def by_rule(d, rule):
    return [f for f in d.get('findings', []) if f['rule'] == rule]

def breaking_rules(d):
    return sorted({f['rule'] for f in d.get('findings', []) if f['properties'].get('class') == 'breaking'})

for t in targets:
    name = t.replace('/', '-')
    kind = 'macho' if t.startswith('darwin') else 'pe'
    old, new = os.path.join(tmp, 'old', name), os.path.join(tmp, 'new', name)
    if not (os.path.exists(old) and os.path.exists(new)):
        for i in range(4):
            out(False, "%s: check %d" % (t, i), "build failed")
        continue
    fo, fn = O.floor(gov, old, kind), O.floor(gov, new, kind)
    so, sn = O.floor_str(fo), O.floor_str(fn)
    rc, d = diff(old, new)
    raised = by_rule(d, 'diff/os-raised')
    if fo and fn and fn[1] > fo[1]:
        ok = len(raised) == 1 and raised[0]['properties']['old'] == so and raised[0]['properties']['new'] == sn \
            and raised[0]['severity'] == 'error' and raised[0]['properties']['class'] == 'breaking'
        out(ok, "%s: Go 1.19 -> 1.26 raises the OS floor %s -> %s (oracle): diff/os-raised, breaking" % (t, so, sn),
            [(f['properties']['old'], f['properties']['new']) for f in raised] or d.get('err'))
        out(rc >= 0 and rc & 8 and 'diff/os-raised' in breaking_rules(d), "%s: exit %d has the breaking bit, the raised floor among the breaking changes" % (t, rc),
            breaking_rules(d))
    else:
        out(not raised, "%s: floor %s -> %s (oracle) not raised: no diff/os-raised" % (t, so, sn), raised)
        out(not (rc & 8), "%s: exit %d without the breaking bit" % (t, rc), breaking_rules(d))
    # libraries
    if kind == 'macho':
        lo, ln = set(O.macho(old)['dylibs']), set(O.macho(new)['dylibs'])
        area = 'dylib'
    else:
        lo, ln = {x.lower() for x in O.pe(old)['dlls']}, {x.lower() for x in O.pe(new)['dlls']}
        area = 'dll'
    got_add = {f['subject']['symbol'].lower() if kind == 'pe' else f['subject']['symbol'] for f in by_rule(d, 'diff/%s-added' % area)}
    got_rm = {f['subject']['symbol'].lower() if kind == 'pe' else f['subject']['symbol'] for f in by_rule(d, 'diff/%s-removed' % area)}
    out(got_add == ln - lo and got_rm == lo - ln, "%s: %ss added %s, removed %s (oracle)" % (t, area, sorted(ln - lo), sorted(lo - ln)),
        "goabi: added %s removed %s" % (sorted(got_add), sorted(got_rm)))
    # the other way round: lowered, informational
    rc2, d2 = diff(new, old)
    low = by_rule(d2, 'diff/os-lowered')
    if fo and fn and fn[1] > fo[1]:
        out(len(low) == 1 and low[0]['properties']['class'] == 'informational' and not by_rule(d2, 'diff/os-raised')
            and low[0]['properties']['new'] == so,
            "%s: NEW -> OLD lowers the floor to %s: diff/os-lowered, informational" % (t, so), [f['properties'] for f in low])
    else:
        out(not low and not by_rule(d2, 'diff/os-raised'), "%s: NEW -> OLD: the floor does not change" % t, d2.get('findings'))

# Mach-O: the Go-signed darwin/arm64 program, and the same without LC_CODE_SIGNATURE
signed = os.path.join(tmp, 'new', 'darwin-arm64')
unsigned = os.path.join(tmp, 'unsigned-darwin-arm64')
mo = O.macho(signed) if os.path.exists(signed) else {'sign': False, 'cmds': []}
if mo['sign'] and O.strip_code_signature(signed, unsigned):
    mu = O.macho(unsigned)
    out(not mu['sign'] and [c for c in mo['cmds'] if c != 'LC_CODE_SIGNATURE'] == mu['cmds'],
        "oracle: llvm-objdump sees LC_CODE_SIGNATURE in the Go-built darwin/arm64 program only, every other load command alike",
        "%s vs %s" % (mo['cmds'], mu['cmds']))
    rc, d = diff(signed, unsigned)
    r = by_rule(d, 'diff/signature-removed')
    out(len(r) == 1 and r[0]['properties']['class'] == 'breaking' and r[0]['properties']['new'] == 'none' and rc & 8,
        "Mach-O signed -> unsigned: diff/signature-removed, breaking (exit %d)" % rc, [f['rule'] for f in d['findings']])
    rc, d = diff(unsigned, signed)
    r = by_rule(d, 'diff/signature-added')
    out(len(r) == 1 and r[0]['properties']['class'] == 'informational' and not (rc & 8),
        "Mach-O unsigned -> signed: diff/signature-added, informational (exit %d)" % rc, [f['rule'] for f in d['findings']])
else:
    for i in range(3):
        out(False, "Mach-O signature check %d" % i, "the Go-built darwin/arm64 program has no LC_CODE_SIGNATURE (llvm-objdump) or could not be rewritten")

# PE: signed by osslsigncode, and the unsigned original
if sign:
    se, un = os.path.join(tmp, 'signed.exe'), os.path.join(tmp, 'new', 'windows-amd64')
    vs, vu = O.run('osslsigncode', 'verify', '-in', se), O.run('osslsigncode', 'verify', '-in', un)
    has = lambda v: 'No signature found' not in v[1] + v[2]
    out(has(vs) and not has(vu) and O.pe(se)['CertificateTableSize'] > 0 and O.pe(un)['CertificateTableSize'] == 0,
        "oracle: osslsigncode verify finds a signature in the signed PE only, llvm-readobj its certificate table")
    rc, d = diff(se, un)
    r = by_rule(d, 'diff/signature-removed')
    out(len(r) == 1 and r[0]['properties']['class'] == 'breaking' and r[0]['properties']['old'] == 'present' and rc & 8,
        "PE signed -> unsigned: diff/signature-removed, breaking (exit %d)" % rc, [f['rule'] for f in d['findings']])
    rc, d = diff(un, se)
    r = by_rule(d, 'diff/signature-added')
    out(len(r) == 1 and not (rc & 8), "PE unsigned -> signed: diff/signature-added, informational (exit %d)" % rc,
        [f['rule'] for f in d['findings']])
else:
    for i in range(3):
        print("skip - PE signature check %d: needs osslsigncode and openssl" % i)

# universal files: slices paired by architecture (llvm-lipo-14 -archs), each
# slice's floor change as for the thin files it was made of
if lipo:
    uo, un = os.path.join(tmp, 'uni-old'), os.path.join(tmp, 'uni-new')
    archs = O.run('llvm-lipo-14', '-archs', un)[1].split()
    thin = {'x86_64': 'darwin-amd64', 'arm64': 'darwin-arm64'}
    want = sorted(('%s(%s)' % (uo, a), O.floor_str(O.floor(gov, os.path.join(tmp, 'old', thin[a]), 'macho')),
                   O.floor_str(O.floor(gov, os.path.join(tmp, 'new', thin[a]), 'macho'))) for a in archs if a in thin)
    rc, d = diff(uo, un)
    got = sorted((f['properties']['where'], f['properties']['old'], f['properties']['new']) for f in by_rule(d, 'diff/os-raised'))
    out(got == want and rc & 8, "universal Go 1.19 -> 1.26: diff/os-raised per slice %s (oracle)" % archs, (got, want))
    rc, d = diff(os.path.join(tmp, 'new', 'darwin-arm64'), un)
    added = [f['subject']['symbol'] for f in by_rule(d, 'diff/slice-added')]
    out(added == ['x86_64'] and not by_rule(d, 'diff/os-raised') and not (rc & 8) and
        all(f['rule'] == 'diff/slice-added' for f in d['findings']),
        "thin arm64 -> universal of the same builds: slice x86_64 added, the arm64 slice unchanged", [f['rule'] for f in d['findings']])
else:
    for i in range(2):
        print("skip - universal diff %d: needs llvm-lipo-14" % i)
PY
