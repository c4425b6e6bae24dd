#!/usr/bin/env python3
"""Independent oracle for the type-hash scheme of a Go binary or Go object.

usage: typehash-oracle.py elf FILE        -> scheme name(s) found, one line
       typehash-oracle.py goobj FILE NAME -> scheme of the hash in FILE for
                                            the type link string NAME

ELF: every non-executable PT_LOAD segment (from readelf -lW) is searched,
brute force, for a runtime type descriptor of int, string or uint8
{size, ptrdata, hash, tflag, align, fieldAlign, kind} carrying the hash
of each of the four digests (hashlib). Prints the schemes found, sorted,
space-separated ("" when none): a real binary yields exactly one.

goobj: the four digests of NAME are looked for as 4-byte little-endian
values in the file; prints the schemes whose hash occurs.

The four eras (Go 1.9-1.18 md5, 1.19-1.23 notsha256, 1.24 sha256[8:12],
1.25+ sha256^0xff) are the issue's verified table; nothing here shares code
with goabi."""
import hashlib
import struct
import subprocess
import sys


def digests(name):
    b = name.encode()
    m = hashlib.md5(b).digest()
    d = hashlib.sha256(b).digest()
    return {
        "md5": m[0:4],
        "notsha256": bytes((~x) & 0xFF for x in d[0:4]),
        "sha256[8:12]": d[8:12],
        "sha256^0xff": bytes([d[0] ^ 0xFF]) + d[1:4],
    }


def segments(path):
    out = subprocess.run(["readelf", "-hlW", path], capture_output=True, text=True, check=True).stdout
    cls64 = "ELF64" in out
    be = "big endian" in out
    segs = []
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == "LOAD":
            off, vaddr, filesz = int(f[1], 16), int(f[2], 16), int(f[4], 16)
            flags = "".join(f[6:-1])
            if "E" not in flags:
                segs.append((off, filesz))
    return cls64, be, segs


def elf(path):
    cls64, be, segs = segments(path)
    ps = 8 if cls64 else 4
    end = ">" if be else "<"
    word = end + ("Q" if ps == 8 else "I")
    data = open(path, "rb").read()
    types = {"int": (ps, 0, 2), "string": (2 * ps, ps, 24), "uint8": (1, 0, 8)}
    found = set()
    for tname, (size, ptrdata, kind) in types.items():
        for scheme, h in digests(tname).items():
            needle = h if not be else h[::-1]  # hash is read as a uint32 in the target's order
            for off, n in segs:
                seg = data[off:off + n]
                i = seg.find(needle)
                while i >= 0:
                    pos = i - 2 * ps
                    if pos >= 0 and pos % ps == 0 and pos + 2 * ps + 8 <= len(seg):
                        s, p = struct.unpack_from(word, seg, pos)[0], struct.unpack_from(word, seg, pos + ps)[0]
                        k = seg[pos + 2 * ps + 7] & 0x1F
                        if s == size and p == ptrdata and k == kind:
                            found.add(scheme)
                            break
                    i = seg.find(needle, i + 1)
    print(" ".join(sorted(found)))


def goobj(path, name):
    data = open(path, "rb").read()
    print(" ".join(sorted(s for s, h in digests(name).items() if h in data)))


if __name__ == "__main__":
    if sys.argv[1] == "elf":
        elf(sys.argv[2])
    else:
        goobj(sys.argv[2], sys.argv[3])
