#!/bin/bash
# Mach-O and PE (issue 23): Go programs cross-built here for darwin and
# windows with Go 1.19, Go 1.26.8 and Go 1.27.3 (CGO_ENABLED=0; several GOARCH; one
# build with -ldflags='-s -w' -trimpath; Go 1.27.3 when the module proxy
# gives it), a universal file made from two
# slices with llvm-lipo-14, and `inspect -r` over the mixed folder.
# Oracles, none of them goabi:
#  - `go version -m` of Go 1.26.8 (it reads Mach-O and PE): version, main
#    module path, build settings;
#  - llvm-objdump-14 --macho --private-headers: LC_BUILD_VERSION /
#    LC_VERSION_MIN_MACOSX minos, platform, LC_LOAD_DYLIB names,
#    LC_CODE_SIGNATURE presence;
#  - llvm-readobj-14 --file-headers --coff-imports: PE magic, subsystem
#    version, MajorOperatingSystemVersion, DLL names and imported functions;
#  - llvm-lipo-14 -archs: the slices of the universal file;
#  - Go's release notes (table below, also in docs/macho-pe.md): the
#    toolchain's minimum macOS / Windows; os.floor is the higher of it and
#    the binary's own minimum;
#  - the naming era (dot names before Go 1.20, colon from 1.20 on: the
#    Go 1.20 linker change) from the version go version -m reports.
. "$(dirname "$0")/../lib.sh"
GOV=${GO126:-}
if [ -z "$GOV" ] || ! command -v llvm-objdump-14 >/dev/null || ! command -v llvm-readobj-14 >/dev/null; then
	plan 1
	skip "Mach-O/PE inspection" "needs Go 1.26.8 (go version -m) and llvm-14's llvm-objdump/llvm-readobj/llvm-lipo"
	exit 0
fi
W=$TMPD/rel
mkdir -p "$W" "$TMPD/src"
cat > "$TMPD/src/main.go" <<'EOF'
package main

import (
	"fmt"
	"os"
)

func main() { fmt.Println("hello", len(os.Args)) }
EOF
printf 'module example.com/hello\n\ngo 1.19\n' > "$TMPD/src/go.mod"
# label toolchain GOOS GOARCH extra-flags
BUILDS=(
	"g126-darwin-amd64 $GOV darwin amd64"
	"g126-darwin-arm64 $GOV darwin arm64"
	"g126-windows-amd64 $GOV windows amd64"
	"g126-windows-386 $GOV windows 386"
	"g126-windows-arm64 $GOV windows arm64"
	"g126s-darwin-arm64 $GOV darwin arm64 -s"
	"g126s-windows-amd64 $GOV windows amd64 -s"
	"g119-darwin-amd64 /usr/lib/go-1.19/bin/go darwin amd64"
	"g119-windows-amd64 /usr/lib/go-1.19/bin/go windows amd64"
	"g119-windows-386 /usr/lib/go-1.19/bin/go windows 386"
)
# Go 1.27.3 through the module proxy (tests/toolchains.sh), when it can be had
if [ -n "${GO127:-}" ]; then
	BUILDS+=("g127-darwin-arm64 $GO127 darwin arm64" "g127-windows-amd64 $GO127 windows amd64")
else
	NOGO127=1
fi
BUILDS+=(
	"g126-linux-amd64 $GOV linux amd64"
	"g119-linux-amd64 /usr/lib/go-1.19/bin/go linux amd64"
)
for b in "${BUILDS[@]}"; do
	set -- $b
	fl=()
	[ "${5:-}" = -s ] && fl=(-ldflags=-s\ -w -trimpath)
	(cd "$TMPD/src" && GOOS=$3 GOARCH=$4 CGO_ENABLED=0 \
		"$2" build "${fl[@]}" -o "$W/$1" . ) 2>"$TMPD/$1.err" || echo "build of $1 failed: $(head -3 "$TMPD/$1.err")" >&2
done
LIPO=
if command -v llvm-lipo-14 >/dev/null && [ -f "$W/g126-darwin-amd64" ] && [ -f "$W/g126-darwin-arm64" ]; then
	llvm-lipo-14 -create "$W/g126-darwin-amd64" "$W/g126-darwin-arm64" -output "$W/universal" && LIPO=1
fi
cp /bin/true "$W/linux-true" # an ELF beside them for inspect -r
NB=$(( ${#BUILDS[@]} - 2 )) # the two linux builds: ELF kernel floor checks only
# real release binaries from npm (testdata/npm-macho-pe-binaries.tsv, fetched
# into $NPM by tests/fetch-npm.sh): the same checks plus the machine the
# package is named for
# and programs that are not Go (Rust): not called Go, their own floor, libraries
NALL=$(grep -cv '^#' "$TOP/testdata/npm-macho-pe-binaries.tsv")
NNONE=$(grep -v '^#' "$TOP/testdata/npm-macho-pe-binaries.tsv" | awk -F'\t' '$4 == "none"' | wc -l)
NN=$(( NALL - NNONE ))
# per thin build: 11 checks; per npm Go binary: 12, not Go: 5; universal: 4;
# inspect -r: 3; ELF kernel floor: 3
plan $(( NB * 11 + NN * 12 + NNONE * 5 + 4 + 3 + 3 + ${NOGO127:-0} ))
[ -n "${NOGO127:-}" ] && skip "Go 1.27.3 darwin/windows cross builds" "Go 1.27.3 not available (no module proxy): tests/toolchains.sh"
PYTHONPATH=$TOP/tests/cli python3 - "$GOABI" "$GOV" "$W" "$LIPO" "$TOP/testdata/npm-macho-pe-binaries.tsv" "$NPM" "${BUILDS[@]}" <<'PY'
import ast, json, os, re, subprocess, sys
import macho_pe_oracle as O
goabi, gov, w, lipo, npmtsv, npmdir = sys.argv[1:7]
builds = [b.split() for b in sys.argv[7:]]

def out(ok, d, why=""):
    print(("ok - %s" % d) if ok else ("not ok - %s: %s" % (d, why)))

def run(*cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')

# Go release notes: the toolchain's minimum OS (Go 1.minor from which on)
MACOS = [(127, (13, 0)), (125, (12, 0)), (123, (11, 0)), (121, (10, 15)), (117, (10, 13)), (115, (10, 12)), (113, (10, 11)), (111, (10, 10))]
WINDOWS = [(121, (10, 0)), (111, (6, 1)), (0, (5, 1))]
WINNAME = {(10, 0): "10", (6, 3): "8.1", (6, 2): "8", (6, 1): "7", (6, 0): "vista", (5, 1): "xp"}

def gominor(v):
    m = re.match(r'go1\.(\d+)', v)
    return 100 + int(m.group(1)) if m else -1

def table(t, minor):
    for mi, v in t:
        if minor >= mi:
            return v
    return None

def govm(path):
    rc, o, e = run(gov, 'version', '-m', path)
    if rc != 0:
        return None
    r = {'settings': {}, 'path': None, 'mod': None}
    for i, l in enumerate(o.splitlines()):
        if i == 0:
            r['version'] = l.split(': ', 1)[1].strip()
            continue
        f = l.strip('\n').split('\t')
        if len(f) >= 3 and f[1] == 'path':
            r['path'] = f[2]
        elif len(f) >= 3 and f[1] == 'mod':
            r['mod'] = f[2]
        elif len(f) >= 3 and f[1] == 'build':
            k, _, v = f[2].partition('=')
            if v.startswith('"'):
                v = ast.literal_eval(v)
            r['settings'][k] = v
    return r

def macho_oracle(path):
    rc, o, e = run('llvm-objdump-14', '--macho', '--private-headers', path)
    r = {'dylibs': [], 'sign': False, 'minos': None, 'platform': None}
    cmd = None
    for l in o.splitlines():
        f = l.split()
        if len(f) >= 2 and f[0] == 'cmd':
            cmd = f[1]
            if cmd == 'LC_CODE_SIGNATURE':
                r['sign'] = True
        elif cmd in ('LC_LOAD_DYLIB', 'LC_LOAD_WEAK_DYLIB') and f[:1] == ['name']:
            r['dylibs'].append(f[1])
        elif cmd == 'LC_BUILD_VERSION' and f[:1] == ['minos'] and r['minos'] is None:
            r['minos'] = f[1]
        elif cmd == 'LC_BUILD_VERSION' and f[:1] == ['platform']:
            r['platform'] = f[1]
        elif cmd == 'LC_VERSION_MIN_MACOSX' and f[:1] == ['version'] and r['minos'] is None:
            r['minos'] = f[1]
            r['platform'] = 'macos'
    return r

pe_oracle = O.pe  # llvm-readobj-14 --file-headers --coff-imports (macho_pe_oracle.py)

def inspect(path):
    rc, o, e = run(goabi, 'inspect', '--json', path)
    try:
        return rc, json.loads(o)['artifacts'][0], e
    except Exception:
        return rc, None, e

def check_thin(label, path, a, goos):
    vm = govm(path)
    if vm is None or a is None or 'os' not in a or 'go' not in a:
        for i in range(10):
            out(False, "%s: check %d" % (label, i), "no go version -m, or goabi reported no go/os facts")
        return
    out(a.get('format') == ('macho' if goos == 'darwin' else 'pe'), "%s: format" % label, a.get('format'))
    g = a['go']
    out(g['version']['value'] == vm['version'], "%s: go version = go version -m" % label,
        "%s vs %s" % (g['version']['value'], vm['version']))
    out(g.get('path') == vm['path'] and (g.get('main') or {}).get('path') == vm['mod'],
        "%s: main module = go version -m" % label, "%s %s vs %s %s" % (g.get('path'), (g.get('main') or {}).get('path'), vm['path'], vm['mod']))
    st = {s['key']: s['value'] for s in g.get('settings', [])} if isinstance(g.get('settings'), list) else g.get('settings', {})
    out(st == vm['settings'], "%s: build settings = go version -m" % label,
        "differ: %s" % sorted(set(st.items()) ^ set(vm['settings'].items()))[:4])
    minor = gominor(vm['version'])
    want_scheme = 'colon' if minor >= 120 else 'dot'
    out(g['scheme']['value'] == want_scheme and g['version_range']['value'],
        "%s: naming scheme %s for %s, pclntab found" % (label, want_scheme, vm['version']), "%s %s" % (g['scheme'], g['version_range']))
    osj = a['os']
    out(osj['name']['value'] == goos, "%s: os.name %s" % (label, goos), osj['name'])
    if goos == 'darwin':
        mo = macho_oracle(path)
        mn = tuple(int(x) for x in mo['minos'].split('.')[:2]) if mo['minos'] else None
        bmin = 'macos %d.%d' % mn if mn else None
        out(osj['binary_min']['value'] == bmin and osj.get('platform') == mo['platform'],
            "%s: minos %s per llvm-objdump" % (label, mo['minos']), "%s %s" % (osj['binary_min'], osj.get('platform')))
        out([d['name'] for d in osj['libraries']] == mo['dylibs'], "%s: dylibs = llvm-objdump LC_LOAD_DYLIB" % label,
            "%s vs %s" % ([d['name'] for d in osj['libraries']], mo['dylibs']))
        out((osj['signature']['value'] != 'none') == mo['sign'], "%s: code signature %s per llvm-objdump" % (label, mo['sign']),
            osj['signature'])
        tm = table(MACOS, minor)
        fl = max(x for x in (mn, tm) if x)
        out(osj['floor']['value'] == 'macos %d.%d' % fl, "%s: os.floor macos %d.%d = max(minos, Go %s's minimum)" % ((label,) + fl + (vm['version'],)),
            osj['floor'])
    else:
        po = pe_oracle(path)
        sv = (po['MajorSubsystemVersion'], po['MinorSubsystemVersion'])
        out(osj.get('pe') == po['magic'] and osj.get('subsystem_version') == '%d.%d' % sv and
            osj.get('os_version') == '%d.%d' % (po['MajorOperatingSystemVersion'], po['MinorOperatingSystemVersion']),
            "%s: %s, subsystem %d.%d per llvm-readobj" % ((label, po['magic']) + sv), "%s %s %s" % (osj.get('pe'), osj.get('subsystem_version'), osj.get('os_version')))
        got = {d['name']: d['imports'] for d in osj['libraries']}
        out(list(got) == po['dlls'] and all(got[d] == po['imports'][d] for d in po['dlls']),
            "%s: DLLs and imported functions = llvm-readobj --coff-imports" % label, "%s vs %s" % (list(got), po['dlls']))
        cert = po.get('CertificateTableSize', 0) != 0
        out((osj['signature']['value'] == 'present') == cert, "%s: Authenticode %s per llvm-readobj CertificateTableSize" % (label, cert), osj['signature'])
        tm = table(WINDOWS, minor)
        fl = max(sv, tm)
        out(osj['floor']['value'] == 'windows ' + WINNAME[fl], "%s: os.floor windows %s = max(subsystem %d.%d, Go %s's minimum)" % ((label, WINNAME[fl]) + sv + (vm['version'],)),
            osj['floor'])

# ELF (Linux): os.floor = max(readelf -n NT_GNU_ABI_TAG, Go's minimum kernel:
# 3.2 from Go 1.24 (its release notes), 2.6.32 before)
def elf_floor(path):
    _, o, _ = run('readelf', '-nW', path)
    m = re.search(r'OS: Linux, ABI: (\d+)\.(\d+)\.(\d+)', o)
    tag = tuple(int(x) for x in m.groups()) if m else None
    vm = govm(path)
    t = None
    if vm:
        t = (3, 2, 0) if gominor(vm['version']) >= 124 else (2, 6, 32)
    f = max(x for x in (tag, t) if x)
    return 'linux %d.%d' % f[:2] if f[2] == 0 else 'linux %d.%d.%d' % f
for label in ('linux-true', 'g126-linux-amd64', 'g119-linux-amd64'):
    path = "%s/%s" % (w, label)
    rc, a, e = inspect(path)
    want = elf_floor(path)
    got = ((a or {}).get('os') or {}).get('floor', {}).get('value')
    out(got == want, "%s: ELF os.floor %s = max(readelf -n ABI tag, Go's minimum kernel)" % (label, want), got)

for b in builds:
    label, goos = b[0], b[2]
    if goos == 'linux':
        continue
    path = "%s/%s" % (w, label)
    rc, a, e = inspect(path)
    out(rc == 0 and a is not None and not any(d['severity'] == 'error' for d in a['diagnostics']),
        "%s: inspect exits 0 without error diagnostics" % label, "rc %d %s" % (rc, e.strip()[:200]))
    check_thin(label, path, a, goos)

# npm release binaries
for row in open(npmtsv):
    if row.startswith('#') or not row.strip():
        continue
    spec, file, sha, gover, mach = row.rstrip('\n').split('\t')
    path = "%s/%s/%s" % (npmdir, spec.replace('/', '_'), file.rsplit('/', 1)[-1])
    goos = 'darwin' if 'darwin-' in spec else 'windows'
    if not os.path.exists(path):
        for i in range(11 if gover != 'none' else 5):
            print("skip - %s check %d: not fetched (tests/fetch-npm.sh)" % (spec, i))
        continue
    rc, a, e = inspect(path)
    if gover == 'none':
        a = a or {}
        osj = a.get('os') or {}
        out(rc == 0 and (a.get('go') or {}).get('toolchain', {}).get('value') == 'none',
            "%s: exit 0, not called Go (go version -m: not a Go executable)" % spec, "rc %d %s" % (rc, (a.get('go') or {}).get('toolchain')))
        out((a.get('machine') or {}).get('value') == mach.split()[0], "%s: machine %s" % (spec, mach.split()[0]), a.get('machine'))
        out(osj.get('name', {}).get('value') == goos, "%s: os.name %s" % (spec, goos), osj.get('name'))
        if goos == 'darwin':
            mo = macho_oracle(path)
            mn = tuple(int(x) for x in mo['minos'].split('.')[:2])
            out(osj.get('floor', {}).get('value') == 'macos %d.%d' % mn, "%s: os.floor = minos %s (no Go minimum)" % (spec, mo['minos']),
                osj.get('floor'))
            out([d['name'] for d in osj.get('libraries', [])] == mo['dylibs'], "%s: dylibs = llvm-objdump" % spec, "")
        else:
            po = pe_oracle(path)
            sv = (po['MajorSubsystemVersion'], po['MinorSubsystemVersion'])
            out(osj.get('floor', {}).get('value') == 'windows ' + WINNAME.get(sv, '?') and osj.get('subsystem_version') == '%d.%d' % sv,
                "%s: os.floor = subsystem %d.%d (no Go minimum)" % ((spec,) + sv), osj.get('floor'))
            got = {d['name']: d['imports'] for d in osj.get('libraries', [])}
            out(list(got) == po['dlls'] and all(got[d] == po['imports'][d] for d in po['dlls']),
                "%s: %d DLLs and their functions = llvm-readobj --coff-imports" % (spec, len(po['dlls'])), "%s vs %s" % (list(got), po['dlls']))
        continue
    out(rc == 0 and a is not None, "%s: inspect exits 0" % spec, "rc %d %s" % (rc, e.strip()[:200]))
    out(a is not None and (a.get('machine') or {}).get('value') == mach, "%s: machine %s (the package's platform)" % (spec, mach),
        a and a.get('machine'))
    check_thin(spec, path, a, goos)

# universal
if lipo:
    path = w + '/universal'
    rc, a, e = inspect(path)
    _, archs, _ = run('llvm-lipo-14', '-archs', path)
    archs = archs.split()
    out(rc == 0 and a and a['format'] == 'macho', "universal: inspect exits 0, format macho", "rc %d" % rc)
    mem = [m.get('member') for m in a.get('members', [])] if a else []
    out(mem == archs, "universal: one member per slice = llvm-lipo -archs %s" % archs, mem)
    vm = govm(path)
    out(a and vm and mem and all(m['go']['version']['value'] == vm['version'] for m in a['members']),
        "universal: each slice's version = go version -m", "")
    okm = True
    for m in (a or {}).get('members', []) if mem == archs else []:
        thin = "%s/g126-darwin-%s" % (w, 'amd64' if m['member'] == 'x86_64' else 'arm64')
        okm &= m['os']['floor']['value'] == inspect(thin)[1]['os']['floor']['value'] and \
            [d['name'] for d in m['os']['libraries']] == macho_oracle(thin)['dylibs']
    out(okm and mem == archs, "universal: each slice's floor and dylibs = those of the thin file it came from (llvm-objdump)", "")
else:
    for i in range(4):
        print("skip - universal check %d: no llvm-lipo-14 or slices" % i)

# inspect -r over the mixed folder
rc, o, e = run(goabi, 'inspect', '-r', '--json', w)
try:
    arts = json.loads(o)['artifacts']
except Exception:
    arts = []
import os
files = sorted(f for f in os.listdir(w))
out(rc == 0, "inspect -r over a mixed release folder exits 0", "rc %d: %s" % (rc, e.strip()[:300]))
out(sorted(os.path.basename(x['path']) for x in arts) == files, "inspect -r reports every file (%d)" % len(files),
    sorted(os.path.basename(x['path']) for x in arts))
fm = {os.path.basename(x['path']): x.get('format') for x in arts}
want = {f: ('elf' if 'linux' in f else 'macho' if 'darwin' in f or f == 'universal' else 'pe') for f in files}
out(fm == want, "inspect -r: format per file (elf/macho/pe by how each was built)", fm)
PY
