"""Minimal ELF reader/writer helpers for the hostile-input generators (no
dependencies): parse the ELF header, program and section headers of a real
file and patch fields in place. Shared by tests/malformed/gen.py and
tests/fuzz/seeds.py."""
import struct

EHDR = {  # field: (offset32, offset64, size32, size64)
    'e_type': (16, 16, 2, 2), 'e_machine': (18, 18, 2, 2), 'e_entry': (24, 24, 4, 8),
    'e_phoff': (28, 32, 4, 8), 'e_shoff': (32, 40, 4, 8), 'e_flags': (36, 48, 4, 4),
    'e_ehsize': (40, 52, 2, 2), 'e_phentsize': (42, 54, 2, 2), 'e_phnum': (44, 56, 2, 2),
    'e_shentsize': (46, 58, 2, 2), 'e_shnum': (48, 60, 2, 2), 'e_shstrndx': (50, 62, 2, 2),
}
SHDR = {  # field: (offset32, offset64, size32, size64)
    'sh_name': (0, 0, 4, 4), 'sh_type': (4, 4, 4, 4), 'sh_flags': (8, 8, 4, 8),
    'sh_addr': (12, 16, 4, 8), 'sh_offset': (16, 24, 4, 8), 'sh_size': (20, 32, 4, 8),
    'sh_link': (24, 40, 4, 4), 'sh_info': (28, 44, 4, 4), 'sh_addralign': (32, 48, 4, 8),
    'sh_entsize': (36, 56, 4, 8),
}
PHDR = {
    'p_type': (0, 0, 4, 4), 'p_flags': (24, 4, 4, 4), 'p_offset': (4, 8, 4, 8),
    'p_vaddr': (8, 16, 4, 8), 'p_filesz': (16, 32, 4, 8), 'p_memsz': (20, 40, 4, 8),
}
SIZES = {1: 'B', 2: 'H', 4: 'I', 8: 'Q'}


class Elf:
    def __init__(self, data):
        self.d = bytearray(data)
        assert self.d[:4] == b'\x7fELF', 'not ELF'
        self.is64 = self.d[4] == 2
        self.end = '>' if self.d[5] == 2 else '<'

    def _get(self, base, spec):
        off = base + spec[1 if self.is64 else 0]
        sz = spec[3 if self.is64 else 2]
        return struct.unpack_from(self.end + SIZES[sz], self.d, off)[0], off, sz

    def _set(self, base, spec, v):
        off = base + spec[1 if self.is64 else 0]
        sz = spec[3 if self.is64 else 2]
        struct.pack_into(self.end + SIZES[sz], self.d, off, v & ((1 << (8 * sz)) - 1))

    def eh(self, f):
        return self._get(0, EHDR[f])[0]

    def set_eh(self, f, v):
        self._set(0, EHDR[f], v)

    def eh_field_end(self, f):
        v, off, sz = self._get(0, EHDR[f])
        return off + sz

    def shdr_off(self, i):
        return self.eh('e_shoff') + i * self.eh('e_shentsize')

    def sh(self, i, f):
        return self._get(self.shdr_off(i), SHDR[f])[0]

    def set_sh(self, i, f, v):
        self._set(self.shdr_off(i), SHDR[f], v)

    def phdr_off(self, i):
        return self.eh('e_phoff') + i * self.eh('e_phentsize')

    def ph(self, i, f):
        return self._get(self.phdr_off(i), PHDR[f])[0]

    def set_ph(self, i, f, v):
        self._set(self.phdr_off(i), PHDR[f], v)

    def shnum(self):
        n = self.eh('e_shnum')
        if n == 0 and self.eh('e_shoff'):
            n = self.sh(0, 'sh_size')
        return n

    def shstrndx(self):
        x = self.eh('e_shstrndx')
        return self.sh(0, 'sh_link') if x == 0xffff else x

    def name(self, i):
        s = self.shstrndx()
        off = self.sh(s, 'sh_offset') + self.sh(i, 'sh_name')
        e = self.d.index(b'\0', off)
        return self.d[off:e].decode('latin-1')

    def sections(self):
        """[(index, name, type, offset, size)]"""
        out = []
        for i in range(self.shnum()):
            try:
                nm = self.name(i)
            except Exception:
                nm = '?'
            out.append((i, nm, self.sh(i, 'sh_type'), self.sh(i, 'sh_offset'), self.sh(i, 'sh_size')))
        return out

    def find(self, name):
        for s in self.sections():
            if s[1] == name:
                return s
        return None

    def section_bytes(self, name):
        s = self.find(name)
        if not s or s[2] == 8:  # SHT_NOBITS
            return None
        return bytes(self.d[s[3]:s[3] + s[4]])

    def bytes(self):
        return bytes(self.d)


def uvarint(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def ar_member(name, data, size_field=None, longname_off=None):
    """One ar member: 60-byte header + data (+ pad). size_field overrides the
    header's size (a lie); longname_off makes the name '/N'."""
    nm = ('/%d' % longname_off) if longname_off is not None else (name + '/')
    size = len(data) if size_field is None else size_field
    hdr = '%-16s%-12d%-6d%-6d%-8s%-10s`\n' % (nm[:16], 0, 0, 0, '644', str(size)[:10])
    hdr = hdr.encode('latin-1')
    assert len(hdr) == 60, len(hdr)
    return hdr + data + (b'\n' if len(data) & 1 else b'')


def ar_archive(members, thin=False):
    return (b'!<thin>\n' if thin else b'!<arch>\n') + b''.join(members)
