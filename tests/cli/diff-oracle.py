#!/usr/bin/env python3
"""Oracle helpers for the goabi diff tests.

abidiff OUT OLD.h NEW.h  -> "removed|added|changed NAME" lines from abidiff's
                            report, restricted to the //export functions named
                            in the two cgo headers (abidiff also lists cgo's
                            per-build _cgoexp_<hash>_ helpers)
headers OLD.h NEW.h      -> the same computed from the two cgo headers alone
goabi JSON [AREA]        -> the same from `goabi diff --json` (area exports)
changes JSON             -> `goabi diff --json` (schema 2: one finding per
                            change) as {"changes": [{class, where, area, kind,
                            subject, old, new, detail}], "summary", "exit",
                            "errors"}; class from the finding's severity and
                            confidence (error breaking, warning possibly-
                            breaking, note informational, note with confidence
                            unknown not-comparable); fails (AssertionError)
                            when a rule id is not diff/AREA-KIND or the
                            class property disagrees with the severity
gomods OLD NEW           -> "added|removed|upgraded|downgraded PATH" from two
                            `go version -m` outputs (dep lines)
"""
import importlib.util
import json
import os
import re
import sys

spec = importlib.util.spec_from_file_location(
    'cabi_oracle', os.path.join(os.path.dirname(__file__), 'cabi-oracle.py'))
cabi = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cabi)


def abidiff(out, h1, h2):
    names = set(cabi.header(h1)) | set(cabi.header(h2))
    res = set()
    for line in open(out):
        m = re.match(r"^\s+\[([DAC])\] '(?:function|method) (.*?)'", line)
        if not m:
            continue
        sig = m.group(2)
        fm = re.search(r'([A-Za-z_]\w*)\(', sig)
        if not fm:
            continue
        name = fm.group(1)
        if name in names:
            res.add({'D': 'removed', 'A': 'added', 'C': 'changed'}[m.group(1)] + ' ' + name)
    return res


def headers(h1, h2):
    a, b = cabi.header(h1), cabi.header(h2)
    res = set()
    for n in a:
        if n not in b:
            res.add('removed ' + n)
        elif a[n] != b[n]:
            res.add('changed ' + n)
    for n in b:
        if n not in a:
            res.add('added ' + n)
    return res


def changes(path):
    j = json.load(open(path))
    assert j['schema'] == 2 and j['command'] == 'diff', (j.get('schema'), j.get('command'))
    out = []
    for f in j['findings']:
        p = f['properties']
        cls = {'error': 'breaking', 'warning': 'possibly-breaking'}.get(
            f['severity'], 'not-comparable' if f['confidence'] == 'unknown' else 'informational')
        slug = lambda s: s.replace(' ', '-').replace('_', '-')
        assert f['check'] == 'diff' and f['rule'] == 'diff/%s-%s' % (slug(p['area']), slug(p['kind'])), f['rule']
        assert p['class'] == cls, (f['rule'], p['class'], f['severity'], f['confidence'])
        out.append({'class': cls, 'where': p['where'], 'area': p['area'], 'kind': p['kind'],
                    'subject': f['subject']['symbol'], 'old': p['old'], 'new': p['new'],
                    'detail': p['detail'], 'path': f['subject']['path'], 'member': f['subject']['member']})
    summary = {k: int(v) for k, v in j['summary'].items()
               if k in ('breaking', 'possibly_breaking', 'informational', 'not_comparable')}
    return {'changes': out, 'summary': summary, 'exit': j['exit'], 'errors': j['errors'],
            'verdict': j['verdict'], 'verdict_class': j['verdict_class']}


def goabi(path, area='exports'):
    j = json.load(open(path))
    if 'findings' in j:  # schema 2 as goabi printed it (else diffjson's OUT)
        j = changes(path)
    return set('%s %s' % (c['kind'], c['subject']) for c in j['changes'] if c['area'] == area)


def vkey(v):
    return [int(x) for x in re.findall(r'\d+', v.split('-')[0])]


def gomods(f1, f2):
    def deps(f):
        d = {}
        for line in open(f):
            p = line.split()
            if len(p) >= 3 and p[0] == 'dep':
                d[p[1]] = p[2]
            if len(p) >= 3 and p[0] == '=>' and d:
                last = list(d)[-1]
                d[last] = p[2] if p[2].startswith('v') else p[1]
        return d
    a, b = deps(f1), deps(f2)
    res = set()
    for m in a:
        if m not in b:
            res.add('removed ' + m)
        elif a[m] != b[m]:
            ka, kb = vkey(a[m]), vkey(b[m])
            if ka == kb:  # pseudo-versions of one base: compare the timestamp part
                ka, kb = a[m], b[m]
            res.add(('upgraded ' if ka < kb else 'downgraded ') + m)
    for m in b:
        if m not in a:
            res.add('added ' + m)
    return res


if __name__ == '__main__':
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'changes':
        json.dump(changes(*args), sys.stdout, indent=1)
        sys.exit(0)
    out = {'abidiff': abidiff, 'headers': headers, 'goabi': goabi, 'gomods': gomods}[cmd](*args)
    for line in sorted(out):
        print(line)
