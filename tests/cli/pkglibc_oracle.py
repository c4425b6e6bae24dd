#!/usr/bin/env python3
"""Oracle for a release package's declared C library against its ELF files
(docs/packages.md, rules package-libc, package-arch, package-libc-undeclared),
from the packaging tools and binutils only, never from goabi:

  the declaration: `dpkg-deb -f PKG Depends|Pre-Depends|Architecture` (.deb),
  `rpm -qp --requires` and `--qf %{ARCH}` (.rpm), the `.PKGINFO` that
  `tar -xzOf PKG .PKGINFO` prints (.apk);
  each file of the extracted package (DIR) that starts with \\x7fELF:
  `readelf -h` (Machine), `readelf -l` (PT_INTERP), `readelf -d` (NEEDED),
  `readelf -V` (the GLIBC_x.y of its version needs: the newest is its floor).

usage: pkglibc_oracle.py OUTDIR PKG=DIR...
  writes OUTDIR/basename(PKG).oracle for each package extracted in DIR: the
  ELF files ("/usr/bin/tool", sorted), a line "|", then "/path rule" for
  each file the rule finds wrong, sorted
"""
import os
import re
import subprocess
import sys


def run(*a):
    return subprocess.run(a, capture_output=True, text=True).stdout


def vkey(v):
    return tuple(int(x) for x in v.split('.') if x.isdigit())


def clean_version(v):
    """Debian "1:2.36-9+deb12u3" / rpm "2.17" -> "2.36" (epoch dropped, digits and dots)"""
    v = v.split(':', 1)[1] if ':' in v else v
    m = re.match(r'[0-9.]*', v.strip())
    return m.group(0).rstrip('.') if m else ''


GLIBC_NAMES = {'libc6', 'libc6.1', 'libc0.1', 'libc0.3', 'glibc'}


def family_of_name(n):
    if n in GLIBC_NAMES or n.startswith('libc.so.6'):
        return 'glibc'
    if n == 'musl' or n.startswith('so:libc.musl-') or n.startswith('libc.musl-'):
        return 'musl'
    return None


def declaration(pkg):
    """(family or None, newest lower-bound version or '', fields, architecture)"""
    fam, mn, fields, arch = None, '', [], ''

    def take(field, name, op, ver):
        nonlocal fam, mn
        f = family_of_name(name)
        if not f:
            return
        fam = fam or f
        if field not in fields:
            fields.append(field)
        v = ''
        m = re.match(r'libc\.so\.6\(GLIBC_([0-9.]+)\)', name)
        if m:
            v = m.group(1)
        elif op in ('>=', '>>', '=', '>') and ver:
            v = clean_version(ver)
        if f == 'glibc' and v and (not mn or vkey(v) > vkey(mn)):
            mn = v

    if pkg.endswith('.deb'):
        ctl = {}  # dpkg-deb -f PKG: the whole control file (continuation lines start with a blank)
        key = None
        for line in run('dpkg-deb', '-f', pkg).splitlines():
            if line[:1] in (' ', '\t') and key:
                ctl[key] += ' ' + line.strip()
            elif ':' in line:
                key, _, v = line.partition(':')
                ctl[key] = v.strip()
        arch = ctl.get('Architecture', '')
        for field in ('Depends', 'Pre-Depends'):
            value = ctl.get(field, '')
            for alt in re.split(r'[,|]', value):
                m = re.match(r'\s*([^\s(:\[]+)(?::\S+)?\s*(?:\(\s*(>=|>>|=|<=|<<)\s*([^)]*)\))?', alt)
                if m and m.group(1):
                    take(field, m.group(1), m.group(2), m.group(3))
    elif pkg.endswith('.rpm'):
        arch = run('rpm', '-qp', '--qf', '%{ARCH}', pkg).strip()
        for line in run('rpm', '-qp', '--requires', pkg).splitlines():
            p = line.split()
            if p:
                take('Requires', p[0], p[1] if len(p) > 2 else None, p[2] if len(p) > 2 else None)
    else:
        info = run('tar', '-xzOf', pkg, '.PKGINFO')
        for line in info.splitlines():
            k, _, v = line.partition('=')
            k, v = k.strip(), v.strip()
            if k == 'arch':
                arch = v
            elif k == 'depend':
                m = re.match(r'([^<>=~ ]+)\s*([<>=~]*)\s*(.*)', v)
                take('depend', m.group(1), m.group(2), m.group(3))
    return fam, mn, fields, arch


ARCH_MACHINE = {'amd64': 'X86-64', 'x86_64': 'X86-64', 'arm64': 'AArch64', 'aarch64': 'AArch64'}


def elf_facts(path):
    out = run('readelf', '-W', '-h', '-l', '-d', '-V', path)
    m = re.search(r'Machine:\s*(.*)', out)
    machine = m.group(1).strip() if m else ''
    m = re.search(r'Requesting program interpreter: ([^\]]*)\]', out)
    interp = m.group(1) if m else ''
    needed = re.findall(r'\(NEEDED\)\s+Shared library: \[([^\]]*)\]', out)
    needs = out.split('Version needs section', 1)[1] if 'Version needs section' in out else ''
    needs = re.split(r'\nVersion (?:definition|symbols) section', needs)[0]
    vers = re.findall(r'Name: GLIBC_([0-9][0-9.]*)\b', needs)
    floor = max(vers, key=vkey) if vers else ''
    if 'ld-musl' in interp:
        fam = 'musl'
    elif 'ld-linux' in interp:
        fam = 'glibc'
    elif 'libc.so.6' in needed or vers:
        fam = 'glibc'
    elif any(n == 'libc.so' or n.startswith('libc.musl-') for n in needed):
        fam = 'musl'
    else:
        fam = None
    return machine, fam, floor


def rule(decl, facts):
    dfam, dmin, _, arch = decl
    machine, fam, floor = facts
    want = ARCH_MACHINE.get(arch)
    if want and want not in machine:
        return 'package-arch'
    if not fam:
        return None
    if not dfam:
        return 'package-libc-undeclared'
    if dfam != fam:
        return 'package-libc'
    if fam == 'glibc' and floor and (not dmin or vkey(dmin) < vkey(floor)):
        return 'package-libc'
    return None


def elfs(root):
    out = []
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            with open(p, 'rb') as fh:
                if fh.read(4) == b'\x7fELF':
                    out.append(p)
    return out


def main():
    outdir = sys.argv[1]
    for arg in sys.argv[2:]:
        pkg, root = arg.split('=', 1)
        decl = declaration(pkg)
        files = elfs(root)
        found = []
        for p in files:
            r = rule(decl, elf_facts(p))
            if r:
                found.append('/' + os.path.relpath(p, root) + ' ' + r)
        with open(os.path.join(outdir, os.path.basename(pkg) + '.oracle'), 'w') as o:
            o.write('\n'.join(sorted('/' + os.path.relpath(p, root) for p in files)) + '\n|\n' +
                    '\n'.join(sorted(found)) + '\n')


main()
