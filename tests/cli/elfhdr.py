"""ELF header arithmetic for the tests, independent of goabi: parse(data)
gives the header tables, segments (type, offset, file size) and sections
(type, offset, size) straight from the bytes (either class and byte order,
e_shnum 0 with the count in section 0); need_end(h) the largest end offset
they promise."""
import struct, sys
def parse(d):
    is64 = d[4] == 2; e = '<' if d[5] == 1 else '>'
    if is64:
        (typ, mach, ver, entry, phoff, shoff, flags, ehsize, phent, phnum, shent, shnum, shstrndx) = struct.unpack_from(e+'HHIQQQIHHHHHH', d, 16)
    else:
        (typ, mach, ver, entry, phoff, shoff, flags, ehsize, phent, phnum, shent, shnum, shstrndx) = struct.unpack_from(e+'HHIIIIIHHHHHH', d, 16)
    segs = []
    for i in range(phnum):
        o = phoff + i*phent
        if is64: pt, pf, off, va, pa, fsz, msz, al = struct.unpack_from(e+'IIQQQQQQ', d, o)
        else: pt, off, va, pa, fsz, msz, pf, al = struct.unpack_from(e+'IIIIIIII', d, o)
        segs.append((pt, off, fsz))
    secs = []
    if shoff and shnum == 0:
        o = shoff
        shnum = struct.unpack_from(e+('Q' if is64 else 'I'), d, o + (32 if is64 else 20))[0]
    for i in range(shnum):
        o = shoff + i*shent
        if is64: nm, st, fl, ad, off, sz = struct.unpack_from(e+'IIQQQQ', d, o)
        else: nm, st, fl, ad, off, sz = struct.unpack_from(e+'IIIIII', d, o)
        secs.append((st, off, sz))
    return dict(type=typ, phoff=phoff, phent=phent, phnum=phnum, shoff=shoff, shent=shent, shnum=shnum, segs=segs, secs=secs)
def need_end(h, segments=True):
    """the largest end offset the headers promise (segments=False: the
    header tables and sections only, what a debug file must still hold)"""
    ends = [64]
    if h['phnum']: ends.append(h['phoff'] + h['phnum']*h['phent'])
    if h['shoff']: ends.append(h['shoff'] + h['shnum']*h['shent'])
    ends += [o+s for t,o,s in h['segs'] if t != 0 and s and segments]
    ends += [o+s for t,o,s in h['secs'] if t not in (0, 8) and s]
    return max(ends)
if __name__ == '__main__':
    d = open(sys.argv[1],'rb').read(); h = parse(d)
    print(len(d), need_end(h), h['phoff'], h['shoff'])
