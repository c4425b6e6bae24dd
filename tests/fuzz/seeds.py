#!/usr/bin/env python3
"""Seed corpora for the libFuzzer targets, written at run time (never
committed in bulk): OUT/<target>/<name> for every tests/fuzz/fuzz_*.c.

  seeds.py OUT [REAL-FILE-OR-DIR...]

Real files (fixtures, the elfutils corpus, Go's debug/elf testdata,
testdata/malformed) seed fuzz_inspect whole and give their .go.buildinfo,
.gopclntab, module info and symbol/version tables to the narrower targets,
wrapped in each target's input format (see the target's header comment)."""
import os
import stat, struct, sys, bz2, gzip
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'malformed'))
from elfmini import Elf, uvarint, ar_member, ar_archive

MAX_INSPECT = 1 << 20
out = sys.argv[1]
targets = ['inspect', 'ar', 'buildinfo', 'modinfo', 'pclntab', 'symtab', 'link', 'policy', 'diff', 'image']
for t in targets:
    os.makedirs(os.path.join(out, t), exist_ok=True)
count = {t: 0 for t in targets}
seen = set()


def put(t, name, data):
    key = (t, hash(data))
    if key in seen or not data:
        return
    seen.add(key)
    name = name.replace('/', '_')[-80:]
    with open(os.path.join(out, t, name), 'wb') as f:
        f.write(data)
    count[t] += 1


def read(path):
    with open(path, 'rb') as f:
        d = f.read(64 << 20)
    if path.endswith('.bz2'):
        try:
            d = bz2.decompress(d)
        except Exception:
            pass
    elif path.endswith('.gz'):
        try:
            d = gzip.decompress(d)
        except Exception:
            pass
    return d


def files(args):
    """Regular files only (a root filesystem fixture holds device nodes such
    as dev/console, which block on open), not the chroot trees themselves."""
    for a in args:
        if os.path.isdir(a):
            for root, dirs, fs in os.walk(a):
                dirs[:] = [d for d in sorted(dirs) if not (d == 'root' and os.path.basename(root) == 'nss')]
                for f in sorted(fs):
                    p = os.path.join(root, f)
                    if stat.S_ISREG(os.lstat(p).st_mode):
                        yield p
        elif os.path.isfile(a):
            yield a

MOD_START = bytes.fromhex('3077af0c9274080241e1c107e6d618e6')
MOD_END = bytes.fromhex('f932433186182072008242104116d8f2')


def from_elf(name, d):
    e = Elf(d)
    mode64 = 0 if e.is64 else 1
    modebe = 2 if e.end == '>' else 0
    bi = e.section_bytes('.go.buildinfo')
    if bi:
        put('buildinfo', name, bytes([mode64 | modebe]) + bi[:4096])
        if len(bi) > 32 and bi[15] & 2:
            # module info: second uvarint string after the version
            p = 32
            for k in range(2):
                n, shift = 0, 0
                while p < len(bi):
                    b = bi[p]; p += 1
                    n |= (b & 0x7f) << shift; shift += 7
                    if b < 0x80:
                        break
                if k == 0:
                    p += n
                else:
                    mod = bi[p:p + n]
                    if len(mod) > 33:
                        put('modinfo', name, mod[16:-16])
    for sec in ('.gopclntab', '.data.rel.ro.gopclntab'):
        pc = e.section_bytes(sec)
        if pc:
            which = 0 if sec == '.gopclntab' else 8
            put('pclntab', name + sec, bytes([mode64 | modebe | which]) + pc[:1 << 20])
            put('pclntab', name + sec + '-scan', bytes([mode64 | modebe | 4]) + pc[:1 << 20])
    parts = [e.section_bytes(s) or b'' for s in ('.dynsym', '.dynstr', '.gnu.version', '.gnu.version_r', '.symtab', '.strtab')]
    if any(parts) and all(len(p) < 65536 for p in parts):
        vr = e.find('.gnu.version_r')
        vnnum = min(e.sh(vr[0], 'sh_info'), 255) if vr else 0
        hdr = bytes([mode64 | modebe | (4 if e.eh('e_type') == 1 else 0), vnnum, 1, 1])
        lens = b''.join(struct.pack('<H', len(p)) for p in parts)
        put('symtab', name, hdr + lens + b''.join(parts))


for path in files(sys.argv[2:]):
    try:
        d = read(path)
    except OSError:
        continue
    base = os.path.basename(path)
    if d[:4] == b'\x7fELF':
        put('inspect', base, d[:MAX_INSPECT])
        try:
            from_elf(base, d)
        except Exception:
            pass
    elif d[:8] in (b'!<arch>\n', b'!<thin>\n'):
        put('inspect', base, d[:MAX_INSPECT])
        put('ar', base, (b'\1' if d[:8] == b'!<thin>\n' else b'\0') + d[8:MAX_INSPECT])
    elif len(d) < 4096:
        put('inspect', base, d)

# Synthesized seeds for the layouts no real file here has.
# Build info, inline strings (Go 1.18+) and pre-1.18 pointers.
mod = MOD_START + b'path\texample.com/x\nmod\texample.com/x\t(devel)\t\ndep\tgolang.org/x/sys\tv0.1.0\th1:abc=\n' \
    b'=>\t../sys\t\t\nbuild\t-ldflags="-s -w"\nbuild\tCGO_ENABLED=1\nbuild\tGOAMD64=v3\n' + MOD_END
ver = b'go1.21.0 X:boringcrypto'
hdr = b'\xff Go buildinf:' + bytes([8, 2]) + bytes(16)
put('buildinfo', 'inline64', b'\0' + hdr + uvarint(len(ver)) + ver + uvarint(len(mod)) + mod)
hdr32be = b'\xff Go buildinf:' + bytes([4, 3]) + bytes(16)
put('buildinfo', 'inline32be', b'\3' + hdr32be + uvarint(len(ver)) + ver + uvarint(len(mod)) + mod)
# pointer layout: section at file offset (== vaddr) 120 in the synthetic ELF64
base = 120
sv = base + 32 + 32          # string headers at +32, data at +64
data = ver + mod
ptrhdr = b'\xff Go buildinf:' + bytes([8, 0]) + struct.pack('<QQ', base + 32, base + 48)
strs = struct.pack('<QQ', sv, len(ver)) + struct.pack('<QQ', sv + len(ver), len(mod))
put('buildinfo', 'pointer64', b'\0' + ptrhdr + strs + data)
put('modinfo', 'synth', mod[16:-16])
put('modinfo', 'quoted', b'path\tx\nbuild\t"-tags=a b"="x\\ty\\x41\\"z"\nbuild\tk=\n=>\tx\n')

# pclntab headers: Go 1.18 (0xfffffff0) and 1.2 (0xfffffffb) layouts with names.
names = [b'runtime.main', b'type..eq.main.T', b'type:.hash.main.U', b'go.itab.*os.File,io.Reader',
         b'x_cgo_init', b'crosscall2', b'_cgoexp_0123456789ab_Hello', b'main.main']
nt = b''.join(n + b'\0' for n in names)
h = 8 + 8 * 8
offs = [h, h + len(nt), h + len(nt), h + len(nt), h + len(nt)]
p18 = struct.pack('<IBBBBQQQ', 0xfffffff0, 0, 0, 1, 8, len(names), 1, 0x401000) + \
    b''.join(struct.pack('<Q', o) for o in offs) + nt
put('pclntab', 'go118', b'\0' + p18)
put('pclntab', 'go118-scan', b'\4' + p18)
put('pclntab', 'go118-stripped', b'\x10' + p18)
p16 = struct.pack('<IBBBBQQ', 0xfffffffa, 0, 0, 1, 8, len(names), 1) + \
    b''.join(struct.pack('<Q', o - 8) for o in offs) + nt
put('pclntab', 'go116', b'\0' + p16)
# 1.2: functab {entry, funcoff} then _func {entry, nameoff}
n = len(names)
ft = 8 + 8
funcs_at = ft + n * 16 + 8
names_at = funcs_at + n * 12
body = bytearray(struct.pack('<IBBBBQ', 0xfffffffb, 0, 0, 1, 8, n))
off = names_at
name_offs = []
for nm in names:
    name_offs.append(off)
    off += len(nm) + 1
for i in range(n):
    body += struct.pack('<QQ', 0x401000 + i, funcs_at + 12 * i)
body += struct.pack('<Q', 0)
for i in range(n):
    body += struct.pack('<QI', 0x401000 + i, name_offs[i])
body += nt
put('pclntab', 'go12', b'\0' + bytes(body))

# archives: a few members, long names, a nested archive, a thin one.
m = [ar_member('a.o', b'\x7fELF' + bytes(60)), ar_member('b.txt', b'hello')]
strtab = b'a_rather_long_member_name_over_16.o/\n'
put('ar', 'plain', b'\0' + b''.join(m))
put('ar', 'longnames', b'\0' + ar_member('/', b'', None)[:0] + b'//' + b' ' * 46 + b'%-10d`\n' % len(strtab) + strtab + b'\n' * (len(strtab) & 1) +
    ar_member('', b'x' * 10, longname_off=0))
put('ar', 'nested', b'\0' + ar_member('inner.a', ar_archive(m)))
put('ar', 'thin', b'\1' + ar_member('missing.o', b'', size_field=100))
put('ar', 'symindex', b'\0' + ar_member('', struct.pack('>I', 2) + struct.pack('>II', 68, 68) + b'foo\0bar\0')[:0] +
    b'/' + b' ' * 47 + b'%-10d`\n' % 16 + struct.pack('>I', 1) + struct.pack('>I', 84) + b'foo\0\0\0\0\0' + m[0])

# link: command lines (mode byte: driver | 4 = response file after NUL) and linker scripts (3)
cmds = [b'main.o\nlibgo.a\n-L/opt/lib\n-lfoo\n-lpthread\n-static',
        b'-shared\n-o\nlib.so\na.o\n-Wl,--whole-archive\nx.a\n-Wl,--no-whole-archive\n-Wl,--as-needed\n-lm',
        b'-Wl,--start-group\na.a\nb.a\n-Wl,--end-group\n-Xlinker\n-z\n-Xlinker\nmuldefs\n-nostdlib\n-u\nmain',
        b'-static-pie\n-Wl,-Bstatic\n-lc\n-Wl,-Bdynamic\n-l:libx.so.1\n--sysroot=/\n-B/usr/lib\n-pthread']
for i, c in enumerate(cmds):
    for drv in range(3):
        put('link', 'cmd%d-%d' % (i, drv), bytes([drv]) + c)
put('link', 'rsp', bytes([4]) + b'a.o\0' + b"'quoted word' \"dq\" back\\ slash @nested.rsp -lfoo")
for lib in ('/usr/lib/x86_64-linux-gnu/libc.so', '/usr/lib/x86_64-linux-gnu/libm.so'):
    try:
        put('link', 'script-' + os.path.basename(lib), b'\3' + open(lib, 'rb').read()[:65536])
    except OSError:
        pass
put('link', 'script-synth', b'\3/* c */ OUTPUT_FORMAT(elf64-x86-64) SEARCH_DIR("/x") INPUT(a.o -lb) GROUP ( /lib/libc.so.6 AS_NEEDED ( /lib/ld.so ) )')
# policy: a policy file (even) or one rule value (odd)
pol = b'{"comment": "x", "max-glibc": "2.28", "libc": ["glibc", "none"], "require-static": false, "cgo": "off", ' \
      b'"min-go": ["go1.22.7", "go1.23.1"], "max-isa": "x86-64-v2", "require-trimpath": true, ' \
      b'"forbid-vcs-modified": true, "forbid-module": ["golang.org/x/net@<v0.23.0", "github.com/example/bad"], ' \
      b'"buildmode": ["exe", "pie"]}'
put('policy', 'full', b'\0' + pol)
for r, v in enumerate([b'2.28', b'glibc,musl', b'true', b'off', b'go1.22.7,go1.23.1', b'x86-64-v3', b'true', b'true',
                       b'golang.org/x/net@<v0.23.0', b'exe,pie']):
    put('policy', 'rule%d' % r, bytes([1 | (r << 1)]) + v)
# diff: cgo header (0), prototype + name (1), versions (2), two artifacts (3)
hdr = b'/* Code generated by cmd/cgo; DO NOT EDIT. */\n#include <stddef.h>\ntypedef struct { const char *p; ptrdiff_t n; } _GoString_;\n' \
      b'extern int Add(int a, int b);\nextern void Hello(char* name);\nextern struct Point Move(struct Point p, double dx);\n' \
      b'extern GoInt Sum(GoSlice xs);\nextern char* Greet(void);\n'
put('diff', 'header', b'\0' + hdr)
put('diff', 'proto', b'\1extern int  Add (int a,\n\tint b);\nAdd')
put('diff', 'proto-fnptr', b'\1extern void (*Get(int (*cb)(int x)))(void);\nGet')
put('diff', 'vers', b'\2go1.21.3\nv1.2.3-pre')
small = [os.path.join(out, 'inspect', f) for f in sorted(os.listdir(os.path.join(out, 'inspect')))]
small = [f for f in small if os.path.getsize(f) < 16384][:6]
for i in range(len(small) - 1):
    a, b = open(small[i], 'rb').read(), open(small[i + 1], 'rb').read()
    put('diff', 'pair%d' % i, b'\3' + struct.pack('<H', len(a)) + a + b)
    put('diff', 'same%d' % i, b'\3' + struct.pack('<H', len(a)) + a + a)

# image: docker-save tarballs with an ELF, symlinks (loop, .. escape, absolute),
# a whiteout, a hard link, a gzip layer
import io, tarfile
def tar_bytes(entries, gz=False):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode='w:gz' if gz else 'w', format=tarfile.GNU_FORMAT) as t:
        for name, kind, payload in entries:
            ti = tarfile.TarInfo(name)
            if kind == 'file':
                ti.size = len(payload)
                t.addfile(ti, io.BytesIO(payload))
            elif kind == 'dir':
                ti.type = tarfile.DIRTYPE
                t.addfile(ti)
            elif kind == 'sym':
                ti.type = tarfile.SYMTYPE
                ti.linkname = payload
                t.addfile(ti)
            elif kind == 'hard':
                ti.type = tarfile.LNKTYPE
                ti.linkname = payload
                t.addfile(ti)
    return bio.getvalue()
elfs = [open(os.path.join(out, 'inspect', f), 'rb').read() for f in sorted(os.listdir(os.path.join(out, 'inspect')))]
elfs = [e for e in elfs if e[:4] == b'\x7fELF' and len(e) < 32768][:2] or [b'\x7fELF' + bytes(60)]
layer = [('usr', 'dir', None), ('usr/bin', 'dir', None), ('usr/bin/app', 'file', elfs[0]),
         ('lib64', 'sym', 'usr/lib64'), ('usr/lib64', 'dir', None),
         ('usr/lib64/ld-linux-x86-64.so.2', 'file', elfs[-1]), ('loop', 'sym', 'loop'),
         ('escape', 'sym', '../../../../etc/passwd'), ('abs', 'sym', '/usr/bin/app'),
         ('usr/bin/hard', 'hard', 'usr/bin/app'), ('etc', 'dir', None),
         ('etc/ld.so.conf', 'file', b'include /etc/ld.so.conf.d/*.conf\n/opt/lib\n'),
         ('usr/.wh.gone', 'file', b''), ('usr/.wh..wh..opq', 'file', b'')]
for gz in (False, True):
    lt = tar_bytes(layer, gz)
    manifest = b'[{"Config":"config.json","RepoTags":["x:1"],"Layers":["layer.tar"]}]'
    config = b'{"os":"linux","architecture":"amd64","rootfs":{"type":"layers","diff_ids":[]}}'
    img = tar_bytes([('manifest.json', 'file', manifest), ('config.json', 'file', config), ('layer.tar', 'file', lt)])
    put('image', 'docker-save' + ('-gz' if gz else ''), img)
put('image', 'plain-layer', tar_bytes(layer))

print(' '.join('%s=%d' % (t, count[t]) for t in targets))
