#!/usr/bin/env python3
"""Oracle for goabi audit on real-world Go binaries, from `go version -m`
output alone (independent of goabi).

gomod FILE                 -> JSON {version, settings{}, deps{path: [version, repl_path, repl_version]}}
mingo GOVERSION POLICY     -> broken | ok: POLICY "go1.22.7,go1.23.1" lists the
                              oldest accepted patch of each Go minor; a minor
                              older than every listed one is broken, a newer
                              minor without an entry is accepted
ranges GOMOD SEMVER-ORACLE -> writes a forbid-module policy (JSON list of
                              entries) and the expected broken entries, using
                              Go's own semver.Compare (x/mod/semver, run as
                              SEMVER-ORACLE: reads "A B" lines, prints -1/0/1)
"""
import json
import re
import subprocess
import sys


def gomod(path):
    out = {'version': None, 'settings': {}, 'deps': {}}
    last = None
    for i, line in enumerate(open(path)):
        if i == 0:
            out['version'] = line.split(': ', 1)[1].strip().split()[0]
            continue
        p = line.strip().split('\t')
        if p[0] == 'dep' and len(p) >= 3:
            out['deps'][p[1]] = [p[2], None, None]
            last = p[1]
        elif p[0] == '=>' and last and len(p) >= 2:
            out['deps'][last][1] = p[1]
            out['deps'][last][2] = p[2] if len(p) >= 3 and p[2].startswith('v') else None
        elif p[0] == 'build' and len(p) >= 2 and '=' in p[1]:
            k, v = p[1].split('=', 1)
            out['settings'][k] = v
    return out


def gover(v):
    """go1.22.5 -> (22, 5); go1.19 -> (19, 0); go1.21rc2 -> (21, -1)."""
    m = re.match(r'go1\.(\d+)(?:\.(\d+))?(rc\d+|beta\d+)?', v)
    minor, patch = int(m.group(1)), int(m.group(2) or 0)
    if m.group(3):
        patch = -1
    return minor, patch


def mingo(version, policy):
    minor, patch = gover(version)
    entries = [gover(e) for e in policy.split(',')]
    same = [p for (m, p) in entries if m == minor]
    if same:
        return 'broken' if patch < same[0] else 'ok'
    return 'broken' if minor < min(m for (m, _) in entries) else 'ok'


def bump(v):
    """A version just above v's release: patch + 1 (pre-release dropped)."""
    m = re.match(r'v(\d+)\.(\d+)\.(\d+)', v)
    return 'v%s.%s.%d' % (m.group(1), m.group(2), int(m.group(3)) + 1)


def ranges(gomod_json, oracle, policy_out, expect_out, limit=250):
    mod = json.load(open(gomod_json))
    low = 'v0.0.0-20000101000000-000000000000'
    single, double = [], []
    for path, (ver, rpath, rver) in sorted(mod['deps'].items()):
        eff = rver if rpath == path and rver else ver
        for pr in sorted({eff, bump(eff), low, 'v2.0.0+incompatible', 'v1.0.0-rc.1', 'v0.0.1'}):
            single.append((path, eff, pr))
        double.append((path, eff, low, bump(eff)))
    pairs = [(eff, pr) for (_, eff, pr) in single]
    for (_, eff, lo, hi) in double:
        pairs += [(eff, lo), (eff, hi)]
    out = subprocess.run([oracle], input=''.join('%s %s\n' % p for p in pairs), capture_output=True, text=True,
                         check=True).stdout.split()
    cmp = iter(int(c) for c in out)
    ops = {'<': lambda c: c < 0, '<=': lambda c: c <= 0, '>': lambda c: c > 0, '>=': lambda c: c >= 0,
           '': lambda c: c == 0}
    entries, expect = [], []
    for (path, eff, pr) in single:
        c = next(cmp)
        for op, f in ops.items():
            e = '%s@%s%s' % (path, op, pr)
            entries.append(e)
            if f(c):
                expect.append(e)
    for (path, eff, lo, hi) in double:
        c1, c2 = next(cmp), next(cmp)
        e = '%s@>=%s,<%s' % (path, lo, hi)
        entries.append(e)
        if c1 >= 0 and c2 < 0:
            expect.append(e)
    chunks = [entries[i:i + limit] for i in range(0, len(entries), limit)]
    json.dump(chunks, open(policy_out, 'w'))
    open(expect_out, 'w').write(''.join(x + '\n' for x in sorted(expect)))


if __name__ == '__main__':
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'gomod':
        print(json.dumps(gomod(args[0])))
    elif cmd == 'mingo':
        print(mingo(*args))
    elif cmd == 'ranges':
        ranges(*args)
