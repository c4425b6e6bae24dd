#!/usr/bin/env python3
"""Malformed-input generator: derive hostile files from real fixtures.

  gen.py OUT                 write cases and OUT/cases.tsv
  gen.py OUT --limits        write the limit cases (bigger files) instead

Sources, all built or found at run time: small C programs compiled here with
gcc (PIE executable, shared library with symbol versions, relocatable
object, archive), a Go 1.19 program built here (skipped without Go), and
Go's debug/elf testdata (ELF32, big-endian MIPS objects).

cases.tsv columns: case name, file (relative to OUT), allowed exit codes
("0,2" / "2" / "0"), a regular expression that the diagnostics (stderr or
--json "diagnostics", any member) must match ("" = any), and an oracle tag
("readelf-sections": the section count must equal readelf -h's)."""
import os, shutil, struct, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from elfmini import Elf, uvarint, ar_member, ar_archive

OUT = SRC = None
LIMITS = False
manifest = []


def emit(name, data, exits='0,2', want='', oracle=''):
    fn = name + ('.a' if data[:8] in (b'!<arch>\n', b'!<thin>\n') else '.bin')
    with open(os.path.join(OUT, fn), 'wb') as f:
        f.write(data)
    manifest.append((name, fn, exits, want, oracle))


def sh(*cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


# ---------------------------------------------------------------- sources
def build_c():
    c = os.path.join(SRC, 'hello.c')
    with open(c, 'w') as f:
        f.write('#include <stdio.h>\n#include <pthread.h>\nint shared_fn(int x) { return x + 1; }\n'
                'static void *run(void *a) { return a; }\n'
                'int main(void) { pthread_t t; pthread_create(&t, 0, run, 0); pthread_join(t, 0);\n'
                ' printf("%d\\n", shared_fn(1)); return 0; }\n')
    vs = os.path.join(SRC, 'lib.map')
    with open(vs, 'w') as f:
        f.write('LIB_1.0 { global: shared_fn; local: *; };\n')
    out = {}
    out['c-pie'] = os.path.join(SRC, 'hello-pie')
    sh('gcc', '-O1', '-g0', '-pie', '-fPIE', '-o', out['c-pie'], c, '-lpthread')
    out['c-so'] = os.path.join(SRC, 'libhello.so')
    sh('gcc', '-O1', '-g0', '-shared', '-fPIC', '-Wl,--version-script=' + vs, '-Wl,-soname,libhello.so.1',
       '-o', out['c-so'], c, '-lpthread')
    out['c-obj'] = os.path.join(SRC, 'hello.o')
    sh('gcc', '-O1', '-g', '-c', '-o', out['c-obj'], c)
    return out


def build_go():
    go = shutil.which('go') or '/usr/lib/go-1.19/bin/go'
    if not os.path.exists(go):
        return {}
    d = os.path.join(SRC, 'gohello')
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'go.mod'), 'w') as f:
        f.write('module example.com/hello\n\ngo 1.19\n')
    with open(os.path.join(d, 'main.go'), 'w') as f:
        f.write('package main\n\ntype T struct{ A, B int; S string }\n\nvar m = map[T]int{}\n\n'
                'func main() { m[T{1, 2, "x"}]++; println(len(m)) }\n')
    env = dict(os.environ, CGO_ENABLED='0', GOFLAGS='-mod=mod', GOPROXY='off', GO111MODULE='on',
               GOTOOLCHAIN='local', GOCACHE=os.environ.get('GOCACHE', os.path.expanduser('~/.cache/go-build')))
    exe = os.path.join(SRC, 'go-hello')
    try:
        sh(go, 'build', '-trimpath', '-ldflags=-w', '-o', exe, '.', cwd=d, env=env)
    except (subprocess.CalledProcessError, OSError) as e:
        sys.stderr.write('gen: go build failed, Go cases skipped: %s\n' % getattr(e, 'stderr', e))
        return {}
    return {'go': exe}


def read(p):
    with open(p, 'rb') as f:
        return f.read()


# ---------------------------------------------------------------- ELF cases
def ones(e):
    return (1 << 64) - 1 if e.is64 else (1 << 32) - 1


def elf_cases(tag, data, full=True):
    """Header-level hostility common to every ELF. full: exhaustive
    truncation (small files only)."""
    e = Elf(data)
    n = len(data)
    shnum, shoff, shent = e.shnum(), e.eh('e_shoff'), e.eh('e_shentsize')
    phnum, phoff, phent = e.eh('e_phnum'), e.eh('e_phoff'), e.eh('e_phentsize')
    secs = e.sections()
    # the unmodified file reads cleanly (the baseline for everything below)
    emit('%s-orig' % tag, data, '0', '', 'readelf-sections')

    # truncation at every header boundary
    cuts = {1, 4, 5, 16, 17, e.eh('e_ehsize') - 1, e.eh('e_ehsize')}
    for k in range(phnum + 1):
        cuts |= {phoff + k * phent, phoff + k * phent + 4}
    for k in range(shnum + 1):
        cuts.add(shoff + k * shent)
    cuts |= {shoff + 4, shoff + shent + 4}
    if full:
        for s in secs:
            cuts |= {s[3] + 1, s[3] + s[4] - 1}
    cuts.add(n - 1)
    for c in sorted(x for x in cuts if 0 < x < n):
        emit('%s-trunc-%d' % (tag, c), data[:c], '0,2')

    def patched(name, fn, exits='0,2', want='', oracle=''):
        x = Elf(data)
        fn(x)
        emit('%s-%s' % (tag, name), x.bytes(), exits, want, oracle)

    big = 1 << 63 if e.is64 else 1 << 31
    for v, nm in ((n, 'eof'), (n + 1, 'eof1'), (big, 'huge'), (ones(e), 'ones'), (n - 8, 'tail')):
        patched('shoff-%s' % nm, lambda x, v=v: x.set_eh('e_shoff', v))
        patched('phoff-%s' % nm, lambda x, v=v: x.set_eh('e_phoff', v))
    patched('shnum-ffff', lambda x: x.set_eh('e_shnum', 0xfeff))
    patched('phnum-ffff', lambda x: x.set_eh('e_phnum', 0xffff))
    patched('phnum-xnum-huge', lambda x: (x.set_eh('e_phnum', 0xffff), x.set_sh(0, 'sh_info', 0xffffffff)))
    for v in (0, 1, 0xffff):
        patched('shentsize-%d' % v, lambda x, v=v: x.set_eh('e_shentsize', v))
        patched('phentsize-%d' % v, lambda x, v=v: x.set_eh('e_phentsize', v))
    patched('shstrndx-out', lambda x: x.set_eh('e_shstrndx', shnum + 5))
    patched('shstrndx-xindex-nolink', lambda x: x.set_eh('e_shstrndx', 0xffff))
    patched('shstrndx-self0', lambda x: x.set_eh('e_shstrndx', 0))
    # extended numbering: e_shnum 0, count in section 0's sh_size, shstrndx
    # through section 0's sh_link -- valid ELF, must read like the original
    def xnum(x):
        x.set_sh(0, 'sh_size', shnum)
        x.set_sh(0, 'sh_link', e.shstrndx())
        x.set_eh('e_shnum', 0)
        x.set_eh('e_shstrndx', 0xffff)
    patched('xnum-valid', xnum, '0', '', 'readelf-sections,nodiag')
    patched('xnum-count-huge', lambda x: (xnum(x), x.set_sh(0, 'sh_size', ones(e))))
    patched('xnum-count-2e32', lambda x: (xnum(x), x.set_sh(0, 'sh_size', (1 << 32) if e.is64 else 0xffffffff)))
    patched('xnum-link-huge', lambda x: (xnum(x), x.set_sh(0, 'sh_link', 0xfffffff0)))

    # per-section hostility
    wanted = ('.symtab', '.dynsym', '.strtab', '.dynstr', '.shstrtab', '.dynamic', '.gnu.version',
              '.gnu.version_r', '.note.gnu.build-id', '.note.gnu.property', '.note.ABI-tag', '.interp',
              '.go.buildinfo', '.gopclntab', '.rodata', '.text', '.data', '.comment', '.debug_info')
    byname = {s[1]: s for s in secs}
    strtabs = [s for s in secs if s[2] == 3]
    for nm in wanted:
        s = byname.get(nm)
        if not s:
            continue
        i = s[0]
        t = nm.strip('.').replace('.', '-')
        patched('%s-offset-eof' % t, lambda x, i=i: x.set_sh(i, 'sh_offset', n + 16))
        patched('%s-offset-huge' % t, lambda x, i=i: x.set_sh(i, 'sh_offset', big))
        patched('%s-size-eof' % t, lambda x, i=i, s=s: x.set_sh(i, 'sh_size', n - s[3] + 1))
        patched('%s-size-huge' % t, lambda x, i=i: x.set_sh(i, 'sh_size', ones(e)))
        patched('%s-offset-wrap' % t, lambda x, i=i: (x.set_sh(i, 'sh_offset', ones(e) - 15), x.set_sh(i, 'sh_size', 32)))
        patched('%s-overlap-ehdr' % t, lambda x, i=i: x.set_sh(i, 'sh_offset', 0))
        if s[2] in (2, 11):  # SHT_SYMTAB, SHT_DYNSYM
            ent = e.sh(i, 'sh_entsize')
            patched('%s-entsize-0' % t, lambda x, i=i: x.set_sh(i, 'sh_entsize', 0))
            patched('%s-entsize-1' % t, lambda x, i=i: x.set_sh(i, 'sh_entsize', 1))
            patched('%s-entsize-huge' % t, lambda x, i=i: x.set_sh(i, 'sh_entsize', ones(e)))
            patched('%s-count-2e32' % t, lambda x, i=i, ent=ent: x.set_sh(i, 'sh_size', ((1 << 32) * ent) & ones(e)))
            patched('%s-link-out' % t, lambda x, i=i: x.set_sh(i, 'sh_link', 0xffffffff))
            patched('%s-link-self' % t, lambda x, i=i: x.set_sh(i, 'sh_link', i))
            link = e.sh(i, 'sh_link')
            if strtabs and link:
                ls = secs[link]
                patched('%s-overlap-strtab' % t, lambda x, i=i, ls=ls: x.set_sh(i, 'sh_offset', ls[3]))
        if s[2] == 3 and s[4] > 0:  # SHT_STRTAB without any NUL, or no final NUL
            def nonul(x, s=s):
                x.d[s[3]:s[3] + s[4]] = b'A' * s[4]
            patched('%s-no-nul' % t, nonul)
            def lastnul(x, s=s):
                x.d[s[3] + s[4] - 1] = 0x41
            patched('%s-last-not-nul' % t, lastnul)
        if s[2] == 7 and s[4] >= 12:  # SHT_NOTE: namesz/descsz past the end
            def notesz(x, s=s, which=0):
                struct.pack_into(x.end + 'I', x.d, s[3] + 4 * which, 0xffffffff)
            patched('%s-namesz-huge' % t, lambda x, s=s: notesz(x, s, 0))
            patched('%s-descsz-huge' % t, lambda x, s=s: notesz(x, s, 1))
            patched('%s-descsz-odd' % t, lambda x, s=s: struct.pack_into(x.end + 'I', x.d, s[3] + 4, s[4]))
    # all sections on top of each other
    def stack(x):
        for s in secs[1:]:
            x.set_sh(s[0], 'sh_offset', secs[1][3])
    patched('all-sections-overlap', stack)
    # program headers: PT_INTERP and PT_DYNAMIC lies
    for k in range(phnum):
        pt = e.ph(k, 'p_type')
        if pt == 3:  # PT_INTERP
            patched('interp-size-0', lambda x, k=k: x.set_ph(k, 'p_filesz', 0))
            patched('interp-size-huge', lambda x, k=k: x.set_ph(k, 'p_filesz', ones(e)))
            patched('interp-no-nul', lambda x, k=k: x.d.__setitem__(slice(e.ph(k, 'p_offset'), e.ph(k, 'p_offset') + e.ph(k, 'p_filesz')), b'/' * e.ph(k, 'p_filesz')))
        if pt == 2:  # PT_DYNAMIC
            patched('dynamic-seg-eof', lambda x, k=k: x.set_ph(k, 'p_offset', n + 1))
            patched('dynamic-seg-size-huge', lambda x, k=k: x.set_ph(k, 'p_filesz', ones(e)))
            dyn_cases(tag, data, e, k)
        if pt == 1:  # PT_LOAD
            patched('load%d-filesz-huge' % k, lambda x, k=k: x.set_ph(k, 'p_filesz', ones(e)))
            patched('load%d-vaddr-wrap' % k, lambda x, k=k: x.set_ph(k, 'p_vaddr', ones(e) - 8))
    verneed_cases(tag, data, e)
    # sections stripped: segment-only paths
    def nosec(x):
        x.set_eh('e_shoff', 0)
        x.set_eh('e_shnum', 0)
        x.set_eh('e_shstrndx', 0)
    patched('no-sections', nosec, '0,2')


DT = {'NULL': 0, 'NEEDED': 1, 'STRTAB': 5, 'STRSZ': 10, 'SONAME': 14, 'RUNPATH': 29, 'VERNEED': 0x6ffffffe,
      'VERNEEDNUM': 0x6fffffff}


def dyn_cases(tag, data, e, k):
    off, size = e.ph(k, 'p_offset'), e.ph(k, 'p_filesz')
    w = 8 if e.is64 else 4
    fmt = e.end + ('QQ' if e.is64 else 'II')
    ents = []
    for p in range(off, off + size - 2 * w + 1, 2 * w):
        tg, v = struct.unpack_from(fmt, data, p)
        ents.append((p, tg, v))
        if tg == 0:
            break

    def set_tag(tagname, value, name, exits='0,2', want=''):
        x = Elf(data)
        hit = False
        for p, tg, v in ents:
            if tg == DT[tagname]:
                struct.pack_into(fmt, x.d, p, tg, value & ones(e))
                hit = True
        if hit:
            emit('%s-%s' % (tag, name), x.bytes(), exits, want)
    big = ones(e)
    set_tag('STRTAB', big - 4, 'dt-strtab-huge')
    set_tag('STRTAB', 0, 'dt-strtab-0')
    set_tag('STRSZ', big, 'dt-strsz-huge')
    set_tag('STRSZ', 0, 'dt-strsz-0')
    set_tag('NEEDED', big, 'dt-needed-huge', '2', 'DT_NEEDED')
    set_tag('NEEDED', 0xfffffff, 'dt-needed-past-strsz', '2', 'DT_NEEDED')
    set_tag('SONAME', big, 'dt-soname-huge')
    set_tag('VERNEED', big - 8, 'dt-verneed-huge', '0,2', '')
    set_tag('VERNEEDNUM', big, 'dt-verneednum-huge', '0,2', '')
    set_tag('VERNEEDNUM', 0x10000, 'dt-verneednum-65536', '0,2', '')
    # no DT_NULL: the table runs to the end of the segment
    x = Elf(data)
    for p, tg, v in ents:
        if tg == 0:
            struct.pack_into(fmt, x.d, p, DT['NEEDED'], 1)
    emit('%s-dt-no-null' % tag, x.bytes())
    # 1000 DT_NEEDED: more than goabi keeps (256)
    x = Elf(data)
    for p, tg, v in ents[:-1]:
        if tg not in (DT['STRTAB'], DT['STRSZ'], DT['VERNEED'], DT['VERNEEDNUM']):
            struct.pack_into(fmt, x.d, p, DT['NEEDED'], 1)
    emit('%s-dt-many-needed' % tag, x.bytes())


def verneed_cases(tag, data, e):
    s = e.find('.gnu.version_r')
    if not s or s[4] < 16:
        return
    o = s[3]
    def pv(name, field, fmt, value):
        x = Elf(data)
        struct.pack_into(x.end + fmt, x.d, o + field, value)
        emit('%s-%s' % (tag, name), x.bytes())
    pv('vn-cnt-huge', 2, 'H', 0xffff)
    pv('vn-aux-huge', 8, 'I', 0xfffffff0)
    pv('vn-aux-0', 8, 'I', 0)           # aux entry overlaps the verneed entry
    pv('vn-next-self', 12, 'I', 0)
    pv('vn-next-huge', 12, 'I', 0xfffffff0)
    aux = o + struct.unpack_from(e.end + 'I', data, o + 8)[0]
    if aux + 16 <= len(data):
        x = Elf(data)
        struct.pack_into(x.end + 'I', x.d, aux + 12, 0xfffffff0)
        emit('%s-vna-next-huge' % tag, x.bytes())
        x = Elf(data)
        struct.pack_into(x.end + 'I', x.d, aux + 8, 0xffffffff)
        emit('%s-vna-name-huge' % tag, x.bytes())
    vs = e.find('.gnu.version')
    if vs:
        x = Elf(data)
        x.d[vs[3]:vs[3] + vs[4]] = b'\xff' * vs[4]
        emit('%s-versym-ffff' % tag, x.bytes())


# ---------------------------------------------------------------- Go cases
MAGIC = b'\xff Go buildinf:'


def go_cases(tag, data):
    e = Elf(data)
    bi = e.find('.go.buildinfo')
    if bi:
        o = bi[3]
        assert data[o:o + 14] == MAGIC

        def b(name, fn, exits='0,2', want=''):
            x = bytearray(data)
            fn(x)
            emit('%s-%s' % (tag, name), bytes(x), exits, want)
        # version varint claiming gigabytes / 2^62 / an overlong varint
        b('bi-version-1g', lambda x: x.__setitem__(slice(o + 32, o + 37), uvarint(1 << 30).ljust(5, b'\0')), '2', 'build info.*version')
        b('bi-version-2e62', lambda x: x.__setitem__(slice(o + 32, o + 41), uvarint(1 << 62)), '2', 'build info.*version')
        b('bi-version-overlong', lambda x: x.__setitem__(slice(o + 32, o + 43), b'\xff' * 11), '2', 'build info.*version')
        # module info varint claiming gigabytes: find it after the version
        vlen = data[o + 32]
        mo = o + 33 + vlen
        b('bi-modinfo-1g', lambda x: x.__setitem__(slice(mo, mo + 5), uvarint(1 << 30).ljust(5, b'\0')), '2', 'build info.*module info')
        b('bi-modinfo-2e63', lambda x: x.__setitem__(slice(mo, mo + 10), uvarint(1 << 63)), '2', 'build info.*module info')
        b('bi-ptrsize-3', lambda x: x.__setitem__(o + 14, 3), '2', 'pointer size')
        b('bi-ptrsize-16', lambda x: x.__setitem__(o + 14, 16), '2', 'pointer size')
        b('bi-bigendian-flag', lambda x: x.__setitem__(o + 15, 3))
        # pre-1.18 pointer layout with pointers into nowhere
        def ptrs(x, v):
            x[o + 15] = 0
            struct.pack_into('<QQ', x, o + 16, v, v)
        b('bi-pointers-huge', lambda x: ptrs(x, (1 << 64) - 16), '2', 'version pointer')
        b('bi-pointers-self', lambda x: ptrs(x, e.sh(bi[0], 'sh_addr')))
        # module info without its end sentinel / newline
        def nosent(x):
            x[mo + 1:o + bi[4]] = b'\t' * (o + bi[4] - mo - 1)
        b('bi-modinfo-tabs', nosent)
        # header at the very end of the section: the strings run past it
        b('bi-magic-at-end', lambda x: x.__setitem__(slice(o + bi[4] - 16, o + bi[4]), MAGIC + b'\x08\x02'))
    pc = e.find('.gopclntab')
    if pc:
        o = pc[3]
        magic = struct.unpack_from('<I', data, o)[0]
        assert magic in (0xfffffff0, 0xfffffff1, 0xfffffffa, 0xfffffffb), hex(magic)

        def p(name, fn, exits='0,2', want=''):
            x = bytearray(data)
            fn(x)
            emit('%s-%s' % (tag, name), bytes(x), exits, want)
        for v, nm in ((1 << 63, '2e63'), (0xffffffff, '2e32'), ((1 << 24) + 1, 'limit'), (0, '0')):
            p('pcln-nfunc-%s' % nm, lambda x, v=v: struct.pack_into('<Q', x, o + 8, v))
        for k in range(5):  # funcname, cu, filetab, pctab, pcln offsets (Go 1.18 layout)
            for v, nm in ((1 << 63, 'huge'), (pc[4], 'end'), (pc[4] + 1, 'past'), (8, 'inhdr')):
                p('pcln-off%d-%s' % (k, nm), lambda x, k=k, v=v: struct.pack_into('<Q', x, o + 32 + 8 * k, v))
        p('pcln-names-reversed', lambda x: (struct.pack_into('<Q', x, o + 32, pc[4] - 1), struct.pack_into('<Q', x, o + 40, 72)))
        p('pcln-minlc-3', lambda x: x.__setitem__(o + 6, 3))
        p('pcln-ptrsize-5', lambda x: x.__setitem__(o + 7, 5))
        p('pcln-magic-go12-huge-nfunc', lambda x: (struct.pack_into('<I', x, o, 0xfffffffb), struct.pack_into('<Q', x, o + 8, 1 << 40)))
        p('pcln-magic-go12', lambda x: struct.pack_into('<I', x, o, 0xfffffffb))
        p('pcln-magic-go116', lambda x: struct.pack_into('<I', x, o, 0xfffffffa))
        def nonul(x):
            fo = struct.unpack_from('<Q', data, o + 32)[0]
            co = struct.unpack_from('<Q', data, o + 40)[0]
            x[o + fo:o + co] = b'A' * (co - fo)
        p('pcln-names-no-nul', nonul)
        # stripped sections: the scan must find (or reject) the header alone
        def nosec(x, fn=None):
            ex = Elf(bytes(x))
            ex.set_eh('e_shoff', 0)
            ex.set_eh('e_shnum', 0)
            ex.set_eh('e_shstrndx', 0)
            x[:] = ex.d
            if fn:
                fn(x)
        p('nosec', nosec, '0,2')
        p('nosec-pcln-nfunc-2e63', lambda x: nosec(x, lambda y: struct.pack_into('<Q', y, o + 8, 1 << 63)))
        p('nosec-pcln-off-huge', lambda x: nosec(x, lambda y: struct.pack_into('<Q', y, o + 32, 1 << 63)))
        p('nosec-bi-version-1g', lambda x: nosec(x, lambda y: y.__setitem__(slice(bi[3] + 32, bi[3] + 37), uvarint(1 << 30).ljust(5, b'\0'))) if bi else None)
    # runtime type descriptors: symbol type.int pointing nowhere
    st = e.find('.symtab')
    strt = e.find('.strtab')
    if st and strt:
        ent = 24
        for i in range(st[4] // ent):
            so = st[3] + i * ent
            nameoff = struct.unpack_from('<I', data, so)[0]
            end = data.index(b'\0', strt[3] + nameoff)
            nm = data[strt[3] + nameoff:end]
            if nm in (b'type.int', b'runtime.buildVersion'):
                x = bytearray(data)
                struct.pack_into('<Q', x, so + 8, (1 << 64) - 4)
                emit('%s-sym-%s-value-huge' % (tag, nm.decode()), bytes(x))


# ---------------------------------------------------------------- archives
def ar_cases(objs):
    o = objs[0]
    good = ar_archive([ar_member('a.o', o), ar_member('b.o', objs[-1])])
    emit('ar-orig', good, '0')
    hdr_at = 8
    # lying sizes on the first member
    for v, nm in (('9999999999', 'huge'), (str(len(good)), 'past-eof'), ('-1', 'negative'), ('12', 'short'),
                  ('0', 'zero'), ('1x', 'garbage'), ('', 'empty'), (' 7', 'space')):
        x = bytearray(good)
        x[hdr_at + 48:hdr_at + 58] = ('%-10s' % v).encode()
        emit('ar-size-%s' % nm, bytes(x))
    x = bytearray(good)
    x[hdr_at + 58:hdr_at + 60] = b'XX'
    emit('ar-bad-fmag', bytes(x))
    for c in (8, 9, 60, 67, 68, 69, len(good) - 1):
        emit('ar-trunc-%d' % c, good[:c])
    # long names: huge offsets, no table, table without terminators, table past EOF
    for off in ('99999999', '18446744073709551615', '-1', ' ', '4294967296'):
        m = b'/' + off.encode().ljust(15) + ar_member('x', o)[16:]
        emit('ar-longname-%s' % (off.strip() or 'blank').replace('-', 'neg'), ar_archive([m]))
    tbl = b'a_long_member_name_longer_than_16.o/\n'
    lt = b'//' + b' ' * 46 + b'%-10d`\n' % len(tbl) + tbl + (b'\n' if len(tbl) & 1 else b'')
    emit('ar-longname-ok', b'!<arch>\n' + lt + ar_member('', o, longname_off=0), '0')
    emit('ar-longname-off-past', b'!<arch>\n' + lt + ar_member('', o, longname_off=len(tbl) + 100))
    tbl2 = b'x' * 200
    lt2 = b'//' + b' ' * 46 + b'%-10d`\n' % len(tbl2) + tbl2
    emit('ar-longname-no-term', b'!<arch>\n' + lt2 + ar_member('', o, longname_off=150))
    lt3 = b'//' + b' ' * 46 + b'%-10d`\n' % 999999 + tbl
    emit('ar-longname-table-past-eof', b'!<arch>\n' + lt3)
    # symbol index: counts and offsets that lie
    for cnt, nm in ((0xffffffff, 'count-2e32'), (1000, 'count-past'), (1, 'ok')):
        body = struct.pack('>I', cnt) + struct.pack('>I', 8 + 60 + 16) + b'sym\0' + b'\0' * 4
        si = b'/' + b' ' * 47 + b'%-10d`\n' % len(body) + body
        emit('ar-symidx-%s' % nm, b'!<arch>\n' + si + ar_member('a.o', o), '0,2' if nm != 'ok' else '0')
    body = struct.pack('>I', 1) + struct.pack('>I', 0xfffffff0) + b'sym'
    si = b'/' + b' ' * 47 + b'%-10d`\n' % len(body) + body + b'\n'
    emit('ar-symidx-offset-huge', b'!<arch>\n' + si + ar_member('a.o', o))
    body = struct.pack('>Q', 1 << 62) + struct.pack('>Q', 84) + b'sym\0'
    si = b'/SYM64/' + b' ' * 41 + b'%-10d`\n' % len(body) + body
    emit('ar-sym64-count-huge', b'!<arch>\n' + si + ar_member('a.o', o))
    emit('ar-bsd-longname', b'!<arch>\n' + b'#1/20'.ljust(16) + ar_member('x', b'a' * 20 + o)[16:])
    # nesting: depth 1..6 (limit GOABI_MAX_NESTING = 4)
    inner = good
    for d in range(1, 7):
        inner = ar_archive([ar_member('n%d.a' % d, inner)])
        emit('ar-nested-%d' % d, inner, '0' if d < 4 else '2', '' if d < 4 else 'nested deeper than the limit')
    # a member claiming to be bigger than its parent archive
    innerlie = ar_archive([ar_member('a.o', o, size_field=len(o) + 4096)])
    emit('ar-nested-member-past-parent', ar_archive([ar_member('in.a', innerlie), ar_member('b.o', o)]))
    # an archive that contains itself as far as bytes allow (member = its own prefix)
    selfish = ar_archive([ar_member('self.a', good)])
    emit('ar-member-is-archive-prefix', ar_archive([ar_member('self.a', selfish[:len(selfish) // 2])]))
    # non-ELF members, empty members, odd padding
    emit('ar-member-text', ar_archive([ar_member('readme', b'hello\n'), ar_member('a.o', o)]), '2', 'not an ELF')
    emit('ar-member-empty', ar_archive([ar_member('e.o', b'')]), '0,2')
    emit('ar-empty', b'!<arch>\n', '0,2')


def thin_cases(objs):
    d = os.path.join(OUT, 'thin')
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'a.o'), 'wb') as f:
        f.write(objs[0])
    def thin(name, members, exits='0,2', want=''):
        # names in the // table, as GNU ar writes thin archives
        tbl, offs = b'', []
        for m in members:
            offs.append(len(tbl))
            tbl += m.encode() + b'/\n'
        lt = b'//' + b' ' * 46 + b'%-10d`\n' % len(tbl) + tbl + (b'\n' if len(tbl) & 1 else b'')
        data = b'!<thin>\n' + lt + b''.join(ar_member('', b'', size_field=100, longname_off=o) for o in offs)
        fn = os.path.join('thin', name + '.a')
        with open(os.path.join(OUT, fn), 'wb') as f:
            f.write(data)
        manifest.append(('thin-' + name, fn, exits, want, ''))
    thin('ok', ['a.o'], '0')
    thin('missing', ['missing.o'], '2', 'cannot open')
    thin('self', ['self.a'],  '2', 'itself a thin archive')
    thin('self50', ['self50.a'] * 50, '2', 'itself a thin archive')
    thin('ping', ['pong.a'], '2', 'itself a thin archive')
    thin('pong', ['ping.a'], '2', 'itself a thin archive')
    thin('dotdot', ['../../../../../../../../etc'], '2', 'directory|not a regular')
    thin('devzero', ['/dev/zero'], '2', 'not a regular file')
    thin('dir', ['.'], '2', 'directory')
    os.symlink('loop2', os.path.join(d, 'loop1'))
    os.symlink('loop1', os.path.join(d, 'loop2'))
    thin('symlink-loop', ['loop1'], '2', 'symbolic links|cannot open')
    os.mkfifo(os.path.join(d, 'fifo'))
    thin('fifo', ['fifo'], '2', 'not a regular file')
    # a thin archive inside a normal archive is just bytes: no file access
    emit('ar-contains-thin', ar_archive([ar_member('t.a', ar_archive([ar_member('/etc/passwd', b'', size_field=9)], thin=True))]), '2')


# ---------------------------------------------------------------- odd files
def file_cases():
    emit('empty', b'', '2', 'empty file')
    emit('elf-magic-only', b'\x7fELF', '2', 'truncated|ELF')
    emit('elf-class-bad', b'\x7fELF\x07\x01\x01' + bytes(57), '2')
    emit('elf-data-bad', b'\x7fELF\x02\x07\x01' + bytes(57), '2')
    emit('text', b'hello, world\n', '2', 'not an ELF file or ar archive')
    emit('ar-magic-only', b'!<arch>', '2')


def main():
    srcs = build_c()
    srcs.update(build_go())
    objs = [read(srcs['c-obj'])]
    if LIMITS:
        limit_cases(srcs)
    else:
        for tag in ('c-pie', 'c-so', 'c-obj'):
            elf_cases(tag, read(srcs[tag]), full=tag == 'c-obj')
        gotd = '/usr/lib/go-1.19/src/debug/elf/testdata'
        for fn, tag in (('gcc-386-freebsd-exec', 'elf32'), ('go-relocation-test-gcc492-mips64.obj', 'mips64be'),
                        ('go-relocation-test-gcc540-mips.obj', 'mips32be')):
            p = os.path.join(gotd, fn)
            if os.path.exists(p):
                elf_cases(tag, read(p), full=tag == 'elf32')
        if 'go' in srcs:
            g = read(srcs['go'])
            elf_cases('go', g, full=False)
            go_cases('go', g)
        ar_cases(objs + [read(srcs['c-so'])])
        thin_cases(objs)
        file_cases()
    with open(os.path.join(OUT, 'cases.tsv'), 'w') as f:
        for row in manifest:
            f.write('\t'.join(row) + '\n')
    print('%d cases in %s' % (len(manifest), OUT))


# ---------------------------------------------------------------- limits
def limit_cases(srcs):
    """One case per documented limit (docs/limits.md), exceeding it for real."""
    o = read(srcs['c-obj'])
    # GOABI_MAX_MEMBERS = 100000
    m = ar_member('m.o', b'xy')
    emit('limit-members-100001', ar_archive([m] * 100001), '2', 'more than the limit of 100000 members')
    # GOABI_MAX_NESTING = 4
    inner = ar_archive([ar_member('a.o', o)])
    for d in range(5):
        inner = ar_archive([ar_member('n.a', inner)])
    emit('limit-nesting-5', inner, '2', 'nested deeper than the limit of 4')
    # GOABI_MAX_SYMBOLS = 2^24: a sparse .symtab of 2^24+1 entries
    emit_sparse_symtab('limit-symbols-2e24p1', (1 << 24) + 1)
    # GOABI_MAX_STRING = 1 MiB: a build-info version string of 1 MiB + 1
    ver = b'go1.19' + b'x' * ((1 << 20) + 1 - 6)
    bi = MAGIC + bytes([8, 2]) + bytes(16) + uvarint(len(ver)) + ver + uvarint(0)
    emit('limit-string-1m1', synth_elf([('.go.buildinfo', 1, 3, bi)]), '2', 'exceeds the limit of 1048576')
    # GOABI_MAX_MODULES = 100000 dep lines
    mod = bytes.fromhex('3077af0c9274080241e1c107e6d618e6') + b'path\tx\nmod\tx\t(devel)\t\n' + \
        b''.join(b'dep\tm%d\tv1.0.0\th1:x=\n' % i for i in range(100001)) + \
        bytes.fromhex('f932433186182072008242104116d8f2')
    bi = MAGIC + bytes([8, 2]) + bytes(16) + uvarint(8) + b'go1.19.8' + uvarint(len(mod)) + mod
    emit('limit-modules-100001', synth_elf([('.go.buildinfo', 1, 3, bi)]), '0', 'more than the limit of 100000 modules')
    # GOABI_MAX_LIST = 100000: 100001 distinct type..eq.* symbols
    emit('limit-list-100001', synth_symbols([b'type..eq.main.T%d' % i for i in range(100001)]), '0', '')
    # GOABI_MAX_FUNCS = 2^24: a pclntab header claiming 2^24+1 functions
    names = b'main.main\0'
    h = 8 + 8 * 8
    pcl = struct.pack('<IBBBBQQQ', 0xfffffff0, 0, 0, 1, 8, (1 << 24) + 1, 1, 0) + \
        b''.join(struct.pack('<Q', x) for x in (h, h + len(names), h + len(names), h + len(names), h + len(names))) + names
    emit('limit-funcs-2e24p1', synth_elf([('.gopclntab', 1, 2, pcl)]), '0', 'at most 16777216 functions')
    pcl_ok = pcl[:8] + struct.pack('<Q', 1 << 24) + pcl[16:]
    emit('limit-funcs-2e24', synth_elf([('.gopclntab', 1, 2, pcl_ok)]), '0', '')
    # GOABI_MAX_THIN_BYTES: covered by thin-self-x50 (fan-out refused) -- a
    # real 4 GiB of members is not cheap to make


def synth_elf(secs, syms=None):
    """ELF64 LE ET_EXEC: one PT_LOAD over the file at vaddr == offset;
    secs: [(name, sh_type, sh_flags, bytes)]; syms: optional list of names
    for a .symtab (all defined, in section 1)."""
    extra = []
    if syms is not None:
        strtab = bytearray(b'\0')
        st = bytearray(bytes(24))
        for s in syms:
            st += struct.pack('<IBBHQQ', len(strtab), 0x12, 0, 1, 0x1000, 1)
            strtab += s + b'\0'
        extra = [('.symtab', 2, 0, bytes(st)), ('.strtab', 3, 0, bytes(strtab))]
    allsec = secs + extra
    data = bytearray(64 + 56)
    offs = []
    for nm, t, fl, b in allsec:
        while len(data) % 8:
            data.append(0)
        offs.append(len(data))
        data += b
    shstr = bytearray(b'\0')
    noff = []
    for nm, t, fl, b in allsec + [('.shstrtab', 3, 0, b'')]:
        noff.append(len(shstr))
        shstr += nm.encode() + b'\0'
    shstr_off = len(data)
    data += shstr
    while len(data) % 8:
        data.append(0)
    shoff = len(data)
    data += bytes(64)
    symtab_idx = len(secs) + 1
    for i, (nm, t, fl, b) in enumerate(allsec):
        link, info, ent = 0, 0, 0
        if nm == '.symtab':
            link, info, ent = symtab_idx + 1, 1, 24
        data += struct.pack('<IIQQQQIIQQ', noff[i], t, fl, offs[i] if fl & 2 else 0, offs[i], len(b), link, info, 8, ent)
    data += struct.pack('<IIQQQQIIQQ', noff[-1], 3, 0, 0, shstr_off, len(shstr), 0, 0, 1, 0)
    shnum = len(allsec) + 2
    data[0:64] = b'\x7fELF\x02\x01\x01' + bytes(9) + struct.pack('<HHIQQQIHHHHHH', 2, 62, 1, 0x1000, 64, shoff, 0, 64,
                                                                 56, 1, 64, shnum, shnum - 1)
    data[64:120] = struct.pack('<IIQQQQQQ', 1, 6, 0, 0, 0, len(data), len(data), 0x1000)
    return bytes(data)


def synth_symbols(names):
    return synth_elf([('.text', 1, 6, b'\xc3' * 16)], names)


def emit_sparse_symtab(name, count):
    """ELF64 with a .symtab of count zeroed entries (a sparse file)."""
    size = count * 24
    data = bytearray(64 + 56)
    symoff = 4096
    stroff = symoff + size
    shstr = b'\0.symtab\0.strtab\0.shstrtab\0'
    shstroff = stroff + 8
    shoff = (shstroff + len(shstr) + 7) // 8 * 8
    data[0:64] = b'\x7fELF\x02\x01\x01' + bytes(9) + struct.pack('<HHIQQQIHHHHHH', 2, 62, 1, 0x1000, 64, shoff, 0, 64,
                                                                 56, 1, 64, 4, 3)
    fn = os.path.join(OUT, name + '.bin')
    with open(fn, 'wb') as f:
        f.write(data)
        f.seek(stroff)
        f.write(b'\0' * 8)
        f.write(shstr)
        f.seek(shoff)
        f.write(bytes(64))
        f.write(struct.pack('<IIQQQQIIQQ', 1, 2, 0, 0, symoff, size, 2, 1, 8, 24))
        f.write(struct.pack('<IIQQQQIIQQ', 9, 3, 0, 0, stroff, 8, 0, 0, 1, 0))
        f.write(struct.pack('<IIQQQQIIQQ', 17, 3, 0, 0, shstroff, len(shstr), 0, 0, 1, 0))
        end = f.tell()
        f.seek(64)
        f.write(struct.pack('<IIQQQQQQ', 1, 4, 0, 0, 0, end, end, 0x1000))
    manifest.append((name, name + '.bin', '2', 'more than the limit of 16777216', ''))


if __name__ == '__main__':
    OUT = os.path.abspath(sys.argv[1])
    LIMITS = '--limits' in sys.argv
    SRC = os.path.join(OUT, 'src')
    os.makedirs(SRC, exist_ok=True)
    main()
