"""Oracles for Mach-O and PE facts (issue 23), none of them goabi:
llvm-objdump-14 --macho --private-headers (load commands, minos, dylibs,
LC_CODE_SIGNATURE), llvm-readobj-14 (PE headers, certificate table, imports),
`go version -m` (the Go version) and the Go release notes' minimum OS per
release (docs/macho-pe.md cites each row)."""
import re, subprocess

# Go release notes: the toolchain's minimum OS (Go 1.minor from which on)
MACOS = [(127, (13, 0)), (125, (12, 0)), (123, (11, 0)), (121, (10, 15)), (117, (10, 13)), (115, (10, 12)), (113, (10, 11)), (111, (10, 10))]
WINDOWS = [(121, (10, 0)), (111, (6, 1)), (0, (5, 1))]
WINNAME = {(10, 0): "10", (6, 3): "8.1", (6, 2): "8", (6, 1): "7", (6, 0): "vista", (5, 2): "xp-x64", (5, 1): "xp", (5, 0): "2000"}


def run(*cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def gominor(v):
    m = re.match(r'go1\.(\d+)', v or '')
    return 100 + int(m.group(1)) if m else -1


def table(t, minor):
    for mi, v in t:
        if minor >= mi:
            return v
    return None


def go_version(gov, path):
    """The Go version `go version -m` reports, None when it reads none."""
    rc, o, e = run(gov, 'version', path)
    if rc != 0 or ': ' not in o:
        return None
    return o.split(': ', 1)[1].split()[0]


def macho(path):
    rc, o, e = run('llvm-objdump-14', '--macho', '--private-headers', path)
    r = {'dylibs': [], 'sign': False, 'minos': None, 'cputype': None, 'cmds': []}
    cmd = None
    for l in o.splitlines():
        f = l.split()
        if len(f) >= 2 and f[0] == 'cmd':
            cmd = f[1]
            r['cmds'].append(cmd)
            if cmd == 'LC_CODE_SIGNATURE':
                r['sign'] = True
        elif cmd in ('LC_LOAD_DYLIB', 'LC_LOAD_WEAK_DYLIB') and f[:1] == ['name']:
            r['dylibs'].append(f[1])
        elif cmd in ('LC_BUILD_VERSION', 'LC_VERSION_MIN_MACOSX') and f[:1] in (['minos'], ['version']) and r['minos'] is None:
            r['minos'] = f[1]
        elif f[:1] == ['MH_MAGIC_64'] or f[:1] == ['MH_MAGIC']:
            r['cputype'] = f[1]
    return r


def pe(path):
    """llvm-readobj-14 --file-headers --coff-imports, the one parser of it in
    the tests: 'magic' (PE32 / PE32+), the Major/Minor Subsystem and
    OperatingSystem versions, CertificateTableSize, 'dlls' (each import
    block's DLL, in order) and 'imports' ({dll: [functions]}, in order)."""
    rc, o, e = run('llvm-readobj-14', '--file-headers', '--coff-imports', path)
    r = {'dlls': [], 'imports': {}, 'CertificateTableSize': 0}
    cur = None
    for l in o.splitlines():
        l = l.strip()
        m = re.match(r'(\w+): (.*)', l)
        if not m:
            continue
        k, v = m.groups()
        if k in ('MajorSubsystemVersion', 'MinorSubsystemVersion', 'MajorOperatingSystemVersion', 'MinorOperatingSystemVersion'):
            r[k] = int(v)
        elif k == 'CertificateTableSize':
            r[k] = int(v, 16)
        elif k == 'Magic' and v.startswith('0x'):  # the optional header's, not the DOS header's "MZ"
            r['magic'] = 'PE32+' if v == '0x20B' else 'PE32'
        elif k == 'Name' and v.lower().endswith('.dll'):
            cur = v
            r['dlls'].append(v)
            r['imports'].setdefault(v, [])
        elif k == 'Symbol' and cur:
            r['imports'][cur].append(v.rsplit(' (', 1)[0])
    return r


def vtuple(s):
    p = [int(x) for x in s.split('.')[:2]]
    return tuple(p + [0] * (2 - len(p)))


def floor(gov, path, kind):
    """(os, (major, minor)) the higher of the binary's own minimum and Go's,
    or None; kind 'macho' or 'pe'."""
    minor = gominor(go_version(gov, path))
    if kind == 'macho':
        mo = macho(path)
        b = vtuple(mo['minos']) if mo['minos'] else None
        t = table(MACOS, minor) if minor > 0 else None
        if t and minor >= 116 and mo['cputype'] == 'ARM64':
            t = max(t, (11, 0))  # darwin/arm64 starts with Go 1.16 and macOS 11
        os = 'macos'
    else:
        po = pe(path)
        b = (po['MajorSubsystemVersion'], po['MinorSubsystemVersion']) if po.get('MajorSubsystemVersion') else None
        t = table(WINDOWS, minor) if minor > 0 else None
        os = 'windows'
    cands = [x for x in (b, t) if x]
    return (os, max(cands)) if cands else None


def floor_str(f):
    if not f:
        return None
    os, v = f
    if os == 'windows':
        return 'windows ' + WINNAME.get(v, 'nt%d.%d' % v)
    return '%s %d.%d' % (os, v[0], v[1])


def strip_code_signature(src, dst):
    """Write dst: src without its LC_CODE_SIGNATURE load command (the
    following commands moved up, ncmds and sizeofcmds lowered, the freed
    bytes zeroed), as `codesign --remove-signature` leaves the header.
    Thin little-endian 64-bit Mach-O only; False when src is not one."""
    import struct
    b = bytearray(open(src, 'rb').read())
    if b[:4] != b'\xcf\xfa\xed\xfe':
        return False
    ncmds, sizeofcmds = struct.unpack_from('<II', b, 16)
    off, end = 32, 32 + sizeofcmds
    for _ in range(ncmds):
        cmd, size = struct.unpack_from('<II', b, off)
        if size < 8 or off + size > end:
            return False
        if cmd == 0x1d:
            b[off:end] = b[off + size:end] + bytes(size)
            struct.pack_into('<II', b, 16, ncmds - 1, sizeofcmds - size)
            open(dst, 'wb').write(bytes(b))
            return True
        off += size
    return False
