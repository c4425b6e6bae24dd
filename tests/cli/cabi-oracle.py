#!/usr/bin/env python3
"""Oracle helpers for the exported C ABI tests (independent of goabi).

header NAME.h          -> one line per export: "Name<TAB>normalised prototype"
                          from cgo's `extern RET Name(PARAMS);` lines
goabi JSON [MEMBER]    -> the same from `goabi inspect --json` output
norm PROTOTYPE NAME    -> the normalised form of one prototype

Normalising: no `extern`/`;`, no whitespace, parameter names dropped,
`()` == `(void)`.
"""
import json
import re
import sys

IDENT = re.compile(r'[A-Za-z_]\w*$')


def split_top(s):
    out, depth, cur = [], 0, ''
    for ch in s:
        if ch in '([':
            depth += 1
        elif ch in ')]':
            depth -= 1
        if ch == ',' and depth == 0:
            out.append(cur)
            cur = ''
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    return out


def drop_name(p):
    p = p.strip()
    if p == '...':
        return p
    m = re.match(r'^(.*\(\s*\*)\s*[A-Za-z_]\w*\s*(\).*)$', p)  # function pointer
    if m:
        return m.group(1) + m.group(2)
    m = IDENT.search(p)
    head = p[:m.start()] if m else p
    if m and head.strip() and (head.rstrip().endswith('*') or head != head.rstrip()):
        return head
    return p


def norm(proto, name):
    s = proto.strip().rstrip(';').strip()
    s = re.sub(r'^extern\s+', '', s)
    i = s.find(name + '(')
    if i < 0:
        return None
    ret, rest = s[:i], s[i + len(name):]
    inner = rest[rest.index('(') + 1:rest.rindex(')')]
    params = [drop_name(p) for p in split_top(inner)]
    if params == ['void']:
        params = []
    out = ret + name + '(' + ','.join(params) + ')'
    return re.sub(r'\s+', '', out)


def header(path):
    res = {}
    for line in open(path):
        if line.startswith('extern "C"'):
            continue
        m = re.match(r'^extern\s+(.*?)\b([A-Za-z_]\w*)\((.*)\);\s*$', line)
        if m:
            res[m.group(2)] = norm(line, m.group(2))
    return res


def goabi(path, member=None):
    a = json.load(open(path))['artifacts'][0]
    if member:
        a = [m for m in a['members'] if m.get('member') == member][0]
    res = {}
    for e in a['exports']:
        res[e['name']] = norm(e['prototype'], e['name']) if e['prototype'] else None
    return res


if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'norm':
        print(norm(sys.argv[2], sys.argv[3]))
        sys.exit(0)
    d = header(sys.argv[2]) if cmd == 'header' else goabi(sys.argv[2], *sys.argv[3:])
    for k in sorted(d):
        print('%s\t%s' % (k, d[k]))
