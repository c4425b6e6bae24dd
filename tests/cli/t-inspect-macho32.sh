#!/bin/bash
# 32-bit and big-endian Mach-O, universal files that mix 32- and 64-bit
# slices, and the declared GO386 level of 32-bit Windows Go builds (issue 23).
# Inputs made here:
#  - MH_OBJECT files from clang-14 -c: i386 (-target i386-apple-macos10.13:
#    32-bit, LC_VERSION_MIN_MACOSX), x86_64 and arm64 (macos11:
#    LC_BUILD_VERSION);
#  - big-endian twins of the i386 and x86_64 objects: every header, load
#    command and nlist field byte-swapped and the CPU made PowerPC / PowerPC64
#    (the byte order Mach-O had there), by the Python below;
#  - universal files from llvm-lipo-14 -create: i386 + x86_64 + arm64
#    objects, and the big-endian ppc object beside the little-endian i386 and
#    x86_64 ones; with Go 1.26.8, also a Go darwin/arm64 executable beside the
#    i386 object;
#  - Go windows/386 builds: Go 1.19 with GO386 unset, =sse2, =softfloat, and
#    Go 1.26.8 with GO386 unset.
# Oracles, none of them goabi:
#  - llvm-objdump-14 --macho --private-headers (per slice with --arch):
#    cputype, filetype, LC_VERSION_MIN_MACOSX version / LC_BUILD_VERSION
#    minos, LC_CODE_SIGNATURE presence;
#  - llvm-lipo-14 -archs: the slices of a universal file;
#  - the compiler: clang -c of C code makes no Go object;
#  - `go version -m` (Go 1.26.8): GO386 build setting (isa.declared is
#    "386-" + it); `go env GO386` of the toolchain that built: the default a
#    build without GO386 gets (Debian's Go 1.19 defaults to softfloat, its
#    zbootstrap.go; upstream Go to sse2).
# A Mach-O file whose load commands are cut short is a diagnostic naming the
# file and exit 2 (README: exit codes), in either byte order.
. "$(dirname "$0")/../lib.sh"
for t in clang-14 llvm-objdump-14 llvm-lipo-14; do
	if ! command -v "$t" >/dev/null; then
		plan 1
		skip "32-bit and big-endian Mach-O" "needs $t (llvm-14, clang-14)"
		exit 0
	fi
done
W=$TMPD/m
mkdir -p "$W"
cat > "$W/a.c" <<'EOF'
int counter = 3;
extern int puts(const char *);
int hello(int x) { puts("hi"); return x + counter; }
EOF
clang-14 -target i386-apple-macos10.13 -c "$W/a.c" -o "$W/i386.o"
clang-14 -target x86_64-apple-macos11 -c "$W/a.c" -o "$W/x86_64.o"
clang-14 -target arm64-apple-macos11 -c "$W/a.c" -o "$W/arm64.o"
# the big-endian twins
python3 - "$W/i386.o" "$W/ppc.o" "$W/x86_64.o" "$W/ppc64.o" <<'PY'
import struct, sys
def swap(src, dst):
    b = bytearray(open(src, 'rb').read())
    magic = struct.unpack_from('<I', b, 0)[0]
    assert magic in (0xfeedface, 0xfeedfacf), hex(magic)
    is64 = magic == 0xfeedfacf
    def sw(fmt, off):  # the little-endian fields at off, written big-endian
        v = struct.unpack_from('<' + fmt, b, off)
        struct.pack_into('>' + fmt, b, off, *v)
        return v
    _, cpu, sub, ft, ncmds, sizeofcmds, flags = struct.unpack_from('<7I', b, 0)
    # CPU_TYPE_POWERPC(64), CPU_SUBTYPE_POWERPC_ALL
    struct.pack_into('>7I', b, 0, magic, 0x01000012 if is64 else 18, 0, ft, ncmds, sizeofcmds, flags)
    off = 32 if is64 else 28
    for _ in range(ncmds):
        cmd, size = sw('2I', off)
        c = off + 8
        if cmd == 0x1:  # LC_SEGMENT: 16-byte name, 8 words, sections of 68 bytes
            nsects = sw('8I', c + 16)[6]
            s = c + 48
            for _ in range(nsects):
                struct.pack_into('<2I', b, s + 48, 0, 0)  # no relocations (their bit fields differ by byte order)
                sw('9I', s + 32)
                s += 68
        elif cmd == 0x19:  # LC_SEGMENT_64: 4 quads, 4 words, sections of 80 bytes
            nsects = sw('4Q4I', c + 16)[6]
            s = c + 64
            for _ in range(nsects):
                struct.pack_into('<2I', b, s + 56, 0, 0)
                sw('2Q8I', s + 32)
                s += 80
        elif cmd == 0x2:  # LC_SYMTAB and its nlist entries
            symoff, nsyms, stroff, strsize = sw('4I', c)
            for i in range(nsyms):
                e = symoff + i * (16 if is64 else 12)
                sw('I', e)
                sw('H', e + 6)
                sw('Q' if is64 else 'I', e + 8)
        elif cmd == 0xb:  # LC_DYSYMTAB and the indirect symbol table
            v = sw('18I', c)
            for i in range(v[13]):
                sw('I', v[12] + 4 * i)
        elif cmd in (0x24, 0x25, 0x2f, 0x30):  # LC_VERSION_MIN_*
            sw('2I', c)
        elif cmd == 0x32:  # LC_BUILD_VERSION and its tools
            ntools = sw('4I', c)[3]
            for i in range(ntools):
                sw('2I', c + 16 + 8 * i)
        elif cmd in (0x29, 0x2e):  # LC_DATA_IN_CODE, LC_LINKER_OPTIMIZATION_HINT
            sw('2I', c)
        else:
            raise SystemExit('load command %#x not handled' % cmd)
        off += size
    open(dst, 'wb').write(b)
swap(sys.argv[1], sys.argv[2])
swap(sys.argv[3], sys.argv[4])
PY
# cut inside the load commands (the header promises more): both byte orders
head -c 200 "$W/i386.o" > "$W/cut-i386.o"
head -c 200 "$W/ppc.o" > "$W/cut-ppc.o"
llvm-lipo-14 -create "$W/i386.o" "$W/x86_64.o" "$W/arm64.o" -output "$W/fat-3264"
llvm-lipo-14 -create "$W/ppc.o" "$W/i386.o" "$W/x86_64.o" -output "$W/fat-endian"
GOV=${GO126:-}
FATGO=
mkdir -p "$W/src"
printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n' > "$W/src/main.go"
printf 'module example.com/hello\n\ngo 1.19\n' > "$W/src/go.mod"
if [ -n "$GOV" ]; then
	(cd "$W/src" && GOTOOLCHAIN=local GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 "$GOV" build -o "$W/go-darwin-arm64" .) &&
		llvm-lipo-14 -create "$W/i386.o" "$W/go-darwin-arm64" -output "$W/fat-go" && FATGO=1
fi
# Go windows/386: label toolchain GO386 (- unset)
G386=()
G119=/usr/lib/go-1.19/bin/go
[ -x "$G119" ] && G386+=("g119-unset $G119 -" "g119-sse2 $G119 sse2" "g119-softfloat $G119 softfloat")
[ -n "$GOV" ] && G386+=("g126-unset $GOV -")
for b in "${G386[@]}"; do
	set -- $b
	if [ "$3" = - ]; then
		(cd "$W/src" && env -u GO386 GOTOOLCHAIN=local GOOS=windows GOARCH=386 CGO_ENABLED=0 "$2" build -o "$W/$1.exe" .)
	else
		(cd "$W/src" && GO386=$3 GOTOOLCHAIN=local GOOS=windows GOARCH=386 CGO_ENABLED=0 "$2" build -o "$W/$1.exe" .)
	fi 2>"$TMPD/$1.err" || echo "build of $1 failed: $(head -3 "$TMPD/$1.err")" >&2
done
# thin: 9 checks each (5 files); universal: 3 + 5 per slice (3 + 3 slices),
# with Go: 3 + 5 * 2 + 2; truncated: 2 each (2); GO386: 2 each (the first
# needs go version -m: Go 1.26.8)
NG=${#G386[@]}
plan $(( 5 * 9 + 2 * (3 + 3 * 5) + (3 + 2 * 5 + 2) + 2 * 2 + NG * 2 ))
python3 - "$GOABI" "$W" "$GOV" "$FATGO" "${G386[@]}" <<'PY'
import json, os, re, subprocess, sys
goabi, w, gov, fatgo = sys.argv[1:5]
g386 = [b.split() for b in sys.argv[5:]]

def out(ok, d, why=""):
    print(("ok - %s" % d) if ok else ("not ok - %s: %s" % (d, why)))

def run(*cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')

# llvm-objdump's CPU names -> the ELF machine names goabi reports (docs/json-schema.md)
CPU = {'I386': 'i386', 'X86_64': 'x86_64', 'ARM64': 'aarch64', 'PPC': 'ppc', 'PPC64': 'ppc64'}
LIPO_TO_OBJDUMP = {'i386': 'I386', 'x86_64': 'X86_64', 'arm64': 'ARM64', 'ppc': 'PPC', 'ppc64': 'PPC64'}

def oracle(path, arch=None):
    """llvm-objdump --macho --private-headers of one thin file or one slice"""
    cmd = ['llvm-objdump-14', '--macho', '--private-headers']
    if arch:
        cmd.append('--arch=' + arch)
    rc, o, e = run(*(cmd + [path]))
    r = {'rc': rc, 'cpu': None, 'filetype': None, 'minos': None, 'sdk': None, 'sign': False}
    lines = o.splitlines()
    cmdname = None
    for i, l in enumerate(lines):
        f = l.split()
        if f[:1] == ['magic'] and i + 1 < len(lines):
            h = lines[i + 1].split()  # magic cputype cpusubtype caps filetype ...
            r['cpu'], r['filetype'] = h[1], h[4]
        elif len(f) >= 2 and f[0] == 'cmd':
            cmdname = f[1]
            if cmdname == 'LC_CODE_SIGNATURE':
                r['sign'] = True
        elif cmdname == 'LC_VERSION_MIN_MACOSX' and f[:1] == ['version'] and r['minos'] is None:
            r['minos'] = f[1]
        elif cmdname == 'LC_BUILD_VERSION' and f[:1] == ['minos'] and r['minos'] is None:
            r['minos'] = f[1]
        elif cmdname in ('LC_VERSION_MIN_MACOSX', 'LC_BUILD_VERSION') and f[:1] == ['sdk'] and 'sdk_seen' not in r:
            r['sdk_seen'] = True
            r['sdk'] = None if f[1] == 'n/a' else f[1]
    return r

def v3(v):
    return tuple(([int(x) for x in v.split('.')] + [0, 0, 0])[:3]) if v else None

def vnorm(v):
    """10.13 / 11.0 / 11.0.0 -> (major, minor)"""
    p = [int(x) for x in v.split('.')]
    return tuple((p + [0, 0])[:2])

def inspect(path):
    rc, o, e = run(goabi, 'inspect', '--json', path)
    try:
        return rc, json.loads(o)['artifacts'][0], e
    except (ValueError, KeyError, IndexError):
        return rc, None, e

def thin_checks(label, a, o):
    """5 checks on an artifact against the llvm-objdump oracle o"""
    out(a.get('format') == 'macho', "%s: format macho" % label, a.get('format'))
    m = (a.get('machine') or {}).get('value')
    out(m == CPU.get(o['cpu']), "%s: machine %s = cputype %s (llvm-objdump)" % (label, m, o['cpu']), m)
    os_ = a.get('os') or {}
    ft = os_.get('filetype')
    out(ft == 'MH_' + (o['filetype'] or '?'), "%s: filetype %s = llvm-objdump %s" % (label, ft, o['filetype']), ft)
    bm = (os_.get('binary_min') or {}).get('value')
    want = 'macos %d.%d' % vnorm(o['minos']) if o['minos'] else None
    out(bm is not None and want is not None and vnorm(bm.split()[1]) == vnorm(want.split()[1]),
        "%s: binary minimum %s = llvm-objdump minos %s" % (label, bm, o['minos']), "%s vs %s" % (bm, want))
    sdk = os_.get('sdk')
    out(v3(sdk) == v3(o['sdk']), "%s: sdk %s = llvm-objdump sdk %s (n/a: none recorded)" % (label, sdk, o['sdk'] or 'n/a'), sdk)

# --- thin objects: 8 checks each
for f in ('i386.o', 'x86_64.o', 'arm64.o', 'ppc.o', 'ppc64.o'):
    p = os.path.join(w, f)
    o = oracle(p)
    rc, a, e = inspect(p)
    out(rc == 0 and a is not None, "%s: inspect exits 0" % f, "rc %d: %s" % (rc, e.strip()[:200]))
    if a is None:
        for _ in range(8):
            out(False, "%s: no artifact" % f)
        continue
    thin_checks(f, a, o)
    sig = ((a.get('os') or {}).get('signature') or {}).get('value')
    out((sig == 'none') == (not o['sign']), "%s: signature %s (llvm-objdump: LC_CODE_SIGNATURE %s)" % (f, sig, o['sign']), sig)
    tc = ((a.get('go') or {}).get('toolchain') or {}).get('value')
    out(tc == 'none', "%s: clang -c of C code is not Go" % f, tc)
    fl = ((a.get('os') or {}).get('floor') or {}).get('value')
    out(fl == 'macos %d.%d' % vnorm(o['minos']), "%s: os.floor %s = minos (not Go: the binary decides)" % (f, fl), fl)

# --- universal files: 3 + 4 per slice
def fat_checks(name, nslices, goslice=None):
    p = os.path.join(w, name)
    rc, o, e = run('llvm-lipo-14', '-archs', p)
    archs = o.split()
    rc, a, e = inspect(p)
    out(rc == 0 and a is not None, "%s: inspect exits 0" % name, "rc %d: %s" % (rc, e.strip()[:200]))
    mem = (a or {}).get('members') or []
    names = [m.get('member') for m in mem]
    out(names == archs, "%s: slices %s = llvm-lipo -archs %s" % (name, names, archs), names)
    minos = [vnorm(oracle(p, x)['minos']) for x in archs]
    fl = ((a or {}).get('os') or {}).get('floor') or {}
    want = 'macos %d.%d' % min(minos)
    out(fl.get('value') == want, "%s: os.floor %s = the lowest slice minos (%s; docs/macho-pe.md)" % (name, fl.get('value'), want), fl)
    for x in archs[:nslices]:
        m = next((m for m in mem if m.get('member') == x), None)
        if m is None:
            for _ in range(5):
                out(False, "%s slice %s: missing" % (name, x))
            continue
        thin_checks("%s slice %s" % (name, x), m, oracle(p, x))
    if goslice:
        m = next((m for m in mem if m.get('member') == goslice), {})
        rc, o, e = run(gov, 'version', '-m', os.path.join(w, 'go-darwin-arm64'))
        ver = o.splitlines()[0].split(': ', 1)[1].strip() if rc == 0 and o else None
        gv = ((m.get('go') or {}).get('version') or {}).get('value')
        out(gv is not None and gv == ver, "%s slice %s: Go version %s = go version -m of the thin file %s" % (name, goslice, gv, ver), gv)
        other = next((m for m in mem if m.get('member') != goslice), {})
        tc = ((other.get('go') or {}).get('toolchain') or {}).get('value')
        out(tc == 'none', "%s: the clang slice beside the Go one is not Go" % name, tc)

fat_checks('fat-3264', 3)
fat_checks('fat-endian', 3)
if fatgo:
    fat_checks('fat-go', 2, goslice='arm64')
else:
    for i in range(3 + 2 * 5 + 2):
        print("skip - fat-go check %d: needs Go 1.26.8 (GO126)" % i)

# --- load commands cut short: a diagnostic naming the file, exit 2
for f in ('cut-i386.o', 'cut-ppc.o'):
    p = os.path.join(w, f)
    rc, o, e = run(goabi, 'inspect', p)
    orc, oo, oe = run('llvm-objdump-14', '--macho', '--private-headers', p)
    out(rc == 2, "%s: exit 2 (llvm-objdump also refuses it: rc %d)" % (f, orc), "rc %d" % rc)
    out(p in e and ('load command' in e or 'truncated' in e or 'past the end' in e),
        "%s: the diagnostic names the file and the cut" % f, e.strip()[:200])

# --- GO386 of Go windows/386 builds: 2 each
for label, tool, want in g386:
    p = os.path.join(w, label + '.exe')
    if not os.path.exists(p):
        out(False, "%s: built" % label)
        out(False, "%s: built" % label)
        continue
    rc, a, e = inspect(p)
    dec = ((a or {}).get('isa') or {}).get('declared') or {}
    if gov:
        rc, o, e = run(gov, 'version', '-m', p)
        m = re.search(r'^\s*build\s+GO386=(\S+)$', o, re.M)
        vm = m.group(1) if m else None
        out(vm is not None and dec.get('value') == '386-' + vm,
            "%s: isa.declared %s = 386- + go version -m GO386=%s" % (label, dec.get('value'), vm), dec)
    else:
        print("skip - %s: GO386 against go version -m: needs Go 1.26.8 (GO126)" % label)
    if want == '-':
        env = dict(os.environ, GOARCH='386', GOOS='windows', GOTOOLCHAIN='local')
        env.pop('GO386', None)
        d = subprocess.run([tool, 'env', 'GO386'], stdout=subprocess.PIPE, env=env).stdout.decode().strip()
        out(dec.get('value') == '386-' + d, "%s: GO386 unset: isa.declared %s = the toolchain's default (go env GO386: %s)" %
            (label, dec.get('value'), d), dec)
    else:
        out(dec.get('value') == '386-' + want, "%s: built with GO386=%s: isa.declared %s" % (label, want, dec.get('value')), dec)
PY
