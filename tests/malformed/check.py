#!/usr/bin/env python3
"""Judge batched runs of goabi over generated hostile cases (t-hostile-*.sh).

  check.py RESULTS LABEL

RESULTS lines (tab-separated): mode ("json" or "text"), exit code of the
batch, stdout file, stderr file, then for each case of the batch in argv
order a line "case", name, file, allowed exit codes, diagnostic regex,
oracle tag. A case's exit code is what `goabi inspect` returns for that file
alone: 2 when it carries an error diagnostic (the --json "diagnostics",
any member), else 0. Prints one "not ok" line per failing case and one
summary "ok" line per property."""
import json, os, re, subprocess, sys

label = sys.argv[2]
bad = {'exit': [], 'json': [], 'stderr': [], 'diag': [], 'oracle': []}
ncases = nwant = noracle = 0
nrc = {}


def diags(a):
    for d in a.get('diagnostics', []):
        yield d['severity'], d['message']
    for m in a.get('members', []):
        yield from diags(m)


def readelf_sections(path):
    out = subprocess.run(['readelf', '-h', path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         env=dict(os.environ, LC_ALL='C')).stdout.decode('latin-1')
    m = re.search(r'Number of section headers:\s+(\d+)(?: \((\d+)\))?', out)
    return int(m.group(2) or m.group(1)) if m else None


batches = []
for line in open(sys.argv[1]):
    f = (line.rstrip('\n').split('\t') + [''] * 7)[:7]
    if f[0] == 'case':
        batches[-1]['cases'].append(f[1:])
    elif f[0]:
        batches.append({'mode': f[0], 'rc': int(f[1]), 'out': f[2], 'err': f[3], 'cases': []})

for b in batches:
    errlines = open(b['err'], 'rb').read().decode('utf-8', 'replace').splitlines()
    arts = None
    if b['mode'] == 'json':
        try:
            j = json.loads(open(b['out'], 'rb').read().decode('utf-8', 'strict'))
            arts = j['artifacts']
            assert len(arts) == len(b['cases'])
        except Exception as e:
            bad['json'].append('batch of %d cases from %s: %s %s' % (len(b['cases']), b['cases'][0][0],
                                                                    type(e).__name__, str(e)[:100]))
            continue
    any2 = False
    for i, (name, path, exits, want, oracle, _) in enumerate(b['cases']):
        ncases += 1
        mine = [l for l in errlines if l.startswith("goabi inspect: '" + path + "'") or l.startswith("goabi inspect: '" + path + "(")]
        if arts is None:
            rc = 2 if mine else 0
        else:
            a = arts[i]
            rc = 2 if any(s == 'error' for s, _ in diags(a)) else 0
            if want:
                nwant += 1
                text = '\n'.join(mine) + '\n' + '\n'.join(m for _, m in diags(a))
                if not re.search(want, text):
                    bad['diag'].append("%s: no diagnostic matches '%s' (got: %s)" %
                                       (name, want, ' | '.join(m for _, m in diags(a))[:150]))
            if 'nodiag' in oracle.split(',') and a.get('diagnostics'):
                bad['oracle'].append('%s: a valid file, but diagnostics: %s' % (name, a['diagnostics'][0]['message'][:120]))
            if 'readelf-class' in oracle.split(','):
                out = subprocess.run(['readelf', '-h', path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env=dict(os.environ, LC_ALL='C')).stdout.decode('latin-1')
                m = re.search(r'Class:\s+(ELF32|ELF64)', out)
                if m and a.get('kind') == 'elf':
                    noracle += 1
                    got = 'ELF%d' % a['elf']['class'] if a.get('elf') else 'none'
                    if got != m.group(1):
                        bad['oracle'].append('%s: readelf -h says %s, goabi %s' % (name, m.group(1), got))
            if 'readelf-sections' in oracle.split(','):
                noracle += 1
                want_n = readelf_sections(path)
                got = (a.get('elf') or {}).get('sections')
                if want_n is None or got != want_n:
                    bad['oracle'].append('%s: readelf -h says %s sections, goabi %s' % (name, want_n, got))
        any2 |= rc == 2
        if b['mode'] == 'json':
            nrc[rc] = nrc.get(rc, 0) + 1
        if str(rc) not in exits.split(','):
            bad['exit'].append('%s (%s): exit %d, allowed %s: %s' % (name, b['mode'], rc, exits, ' | '.join(mine)[:150]))
        if len(mine) != (1 if rc == 2 else 0):
            bad['stderr'].append('%s (%s): %d stderr lines name the file, want %d' % (name, b['mode'], len(mine), 1 if rc == 2 else 0))
    stray = [l for l in errlines if not any(l.startswith("goabi inspect: '" + c[1]) for c in b['cases'])]
    if stray:
        bad['stderr'].append('batch from %s (%s): stderr lines naming no case: %s' % (b['cases'][0][0], b['mode'], stray[0][:150]))
    if b['rc'] != (2 if any2 else 0):
        bad['exit'].append('batch from %s (%s): exit %d, but its cases say %d' % (b['cases'][0][0], b['mode'], b['rc'], 2 if any2 else 0))

for k, v in bad.items():
    for line in v[:10]:
        print('not ok - %s: %s' % (label, line))
    if len(v) > 10:
        print('not ok - %s: ... and %d more %s failures' % (label, len(v) - 10, k))
if not bad['exit']:
    print('ok - %s: all %d case runs end with an allowed exit code (%d files exit 0, %d exit 2)' %
          (label, ncases, nrc.get(0, 0), nrc.get(2, 0)))
if not bad['stderr']:
    print('ok - %s: exactly one stderr line naming the file for each case with exit 2, none otherwise' % label)
if not bad['json']:
    print('ok - %s: --json output of every case is valid UTF-8 JSON' % label)
if nwant and not bad['diag']:
    print('ok - %s: %d cases name the expected problem in a diagnostic' % (label, nwant))
if noracle and not bad['oracle']:
    print('ok - %s: %d oracle checks against readelf -h (ELF class; section count incl. e_shnum=0 extended numbering)' % (label, noracle))
