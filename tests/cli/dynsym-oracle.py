#!/usr/bin/env python3
"""Oracle for goabi diff's dynamic-symbol changes, from two
`readelf --dyn-syms -W` outputs (independent of goabi).

Prints "KIND NAME" lines: removed, retyped, resized (OBJECT size), version
changed, added. Version-definition symbols (ABS, named like their version)
and undefined symbols are ignored."""
import re
import sys


def syms(path):
    d = {}
    for line in open(path):
        p = line.split()
        if len(p) < 8 or not p[0].rstrip(':').isdigit():
            continue
        num, val, size, typ, bind, vis, ndx, name = p[:8]
        if ndx == 'UND' or bind not in ('GLOBAL', 'WEAK', 'UNIQUE'):
            continue
        m = re.match(r'^([^@]+)(@@?)(.*)$', name)
        base, ver = (m.group(1), m.group(3)) if m else (name, None)
        # version definitions: ABS, value 0, size 0 (readelf prints them bare)
        if ndx == 'ABS' and int(val, 16) == 0 and int(size, 0) == 0:
            continue
        d.setdefault(base, []).append((typ, int(size, 0), ver))
    return d


a, b = syms(sys.argv[1]), syms(sys.argv[2])
out = set()
for n, lst in a.items():
    for typ, size, ver in lst:
        if n not in b:
            out.add('removed ' + n)
            continue
        same = [x for x in b[n] if x[2] == ver]
        if not same:
            out.add('version changed ' + n)
            continue
        t2, s2, _ = same[0]
        if t2 != typ:
            out.add('retyped ' + n)
        elif typ == 'OBJECT' and s2 != size:
            out.add('resized ' + n)
for n in b:
    if n not in a:
        out.add('added ' + n)
for line in sorted(out):
    print(line)
