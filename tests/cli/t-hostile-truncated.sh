#!/bin/bash
# Truncated real programs (Go, C, Rust, shared libraries, objects: fixtures
# and the pinned Debian corpus; big-endian s390x and 32-bit armhf builds when
# fetched) cut at 100 bytes, 1 KiB, inside the program
# headers, inside the section headers, half way, inside the last PT_LOAD's
# bytes, inside PT_DYNAMIC and one byte short. Oracles: the arithmetic of the
# file's own headers (tests/cli/elfhdr.py: the largest offset+size of the
# program and section header tables, of every segment with file bytes and
# of every non-NOBITS section, against the cut) and readelf -a -W (Error or
# Warning about sizes/truncation on the same file). Each truncated file must
# exit 2 with one stderr line naming it and an error diagnostic; the facts
# it still reports must agree with readelf on the whole file (machine, type,
# interpreter, DT_NEEDED) and with goabi on the whole file (linkage, Go
# toolchain and version, which the other t-inspect tests check against
# readelf and go version -m), never contradict each other ("linkage
# dynamic" with a "statically linked" libc). The whole file exits 0.
. "$(dirname "$0")/../lib.sh"
DEB=${GOABI_CACHE:-$HOME/.cache/goabi}/deb
I=$FIX/inspect
# label and path; a missing file skips its 9 checks
SRCS=(
	"go119-static	$I/go119-static"
	"go119-cgo-exe	$I/go119-cgo-exe"
	"go119-c-shared	$I/go119-c-shared.so"
	"c-dyn	$I/c-dyn"
	"c-static	$I/c-static"
	"hello.o	$I/hello.o"
	"deb-age	$(ls $DEB/age_*_amd64/usr/bin/age 2>/dev/null | head -1)"
	"deb-jq	$(ls $DEB/jq_*_amd64/usr/bin/jq 2>/dev/null | head -1)"
	"deb-rg	$(ls $DEB/ripgrep_*_amd64/usr/bin/rg 2>/dev/null | head -1)"
	"deb-age-s390x	$(ls $DEB/age_*_s390x/usr/bin/age 2>/dev/null | head -1)"
	"deb-jq-armhf	$(ls $DEB/jq_*_armhf/usr/bin/jq 2>/dev/null | head -1)"
	"deb-libstdc++	$(ls $DEB/libstdc++6_*_amd64/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.* 2>/dev/null | head -1)"
)
plan $(( ${#SRCS[@]} * 9 ))
printf '%s\n' "${SRCS[@]}" > "$TMPD/srcs.tsv"
python3 - "$GOABI" "$TMPD" "$TMPD/srcs.tsv" "$TOP/tests/cli" <<'PY'
import json, os, re, subprocess, sys
goabi, tmp, srcs, here = sys.argv[1:5]
sys.path.insert(0, here)
from elfhdr import parse, need_end

def out(ok, d, why=""):
    print(("ok - %s" % d) if ok else ("not ok - %s: %s" % (d, why)))

def run(*cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')

def inspect(path):
    rc, o, e = run(goabi, 'inspect', '--json', '--no-dwarf', path)
    try:
        a = json.loads(o)['artifacts'][0]
    except Exception as x:
        a = None
    return rc, a, e

def readelf_facts(path):
    """interpreter and DT_NEEDED of the whole file, per readelf"""
    _, l, _ = run('readelf', '-lW', path)
    m = re.search(r'Requesting program interpreter: ([^\]]+)\]', l)
    _, d, _ = run('readelf', '-dW', path)
    return (m.group(1) if m else None), re.findall(r'\(NEEDED\)\s+Shared library: \[([^\]]+)\]', d), 'INTERP' in l

V = lambda f: f.get('value') if f else None
KINDS = ['100', '1k', 'mid-phdrs', 'mid-shdrs', 'half', 'mid-last-load', 'mid-dynamic', 'last-byte']
for line in open(srcs):
    label, path = line.rstrip('\n').split('\t')
    if not path or not os.path.isfile(path):
        for k in ['whole'] + KINDS:
            print("skip - %s %s: source file missing (fixtures or tests/fetch-deb.sh)" % (label, k))
        continue
    data = open(path, 'rb').read()
    h = parse(data)
    n = len(data)
    rc, orig, err = inspect(path)
    odiag = [x['message'] for x in (orig or {}).get('diagnostics', []) if x['severity'] == 'error']
    out(rc == 0 and orig is not None and not odiag and need_end(h) <= n, "%s whole: exit 0, no error (headers end at %d of %d bytes)" % (label, need_end(h), n),
        "exit %d, errors %s" % (rc, odiag[:2]))
    interp, needed, has_interp = readelf_facts(path)
    loads = [(o, s) for t, o, s in h['segs'] if t == 1 and s]
    dyn = [(o, s) for t, o, s in h['segs'] if t == 2 and s]
    cuts = {
        '100': 100, '1k': 1024,
        'mid-phdrs': h['phoff'] + h['phnum'] * h['phent'] // 2 if h['phnum'] else None,
        'mid-shdrs': h['shoff'] + h['shnum'] * h['shent'] // 2 if h['shoff'] and h['shnum'] else None,
        'half': n // 2,
        'mid-last-load': max(loads)[0] + max(loads)[1] // 2 if loads else None,
        'mid-dynamic': dyn[0][0] + dyn[0][1] // 2 if dyn else None,
        'last-byte': n - 1,
    }
    for k in KINDS:
        c = cuts[k]
        d = "%s cut %s" % (label, k)
        if c is None or c >= n or c < 64:
            print("skip - %s: not applicable to this file (no such table or segment)" % d)
            continue
        t = os.path.join(tmp, '%s-%s' % (label, k))
        with open(t, 'wb') as f:
            f.write(data[:c])
        truncated = need_end(h) > c  # the headers' own arithmetic
        _, _, rerr = run('readelf', '-a', '-W', t)
        readelf_says = bool(re.search(r'Error|Warning', rerr))
        rc, a, err = inspect(t)
        why = []
        if rc != (2 if truncated else 0):
            why.append("exit %d, headers promise %d bytes of %d (readelf %s)" % (rc, need_end(h), c,
                       "complains" if readelf_says else "silent"))
        lines = [l for l in err.splitlines() if l.strip()]
        if truncated and (len(lines) != 1 or t not in lines[0]):
            why.append("stderr is not one line naming the file: %r" % lines[:2])
        if a is None:
            why.append("no JSON")
        else:
            errs = [x['message'] for x in a['diagnostics'] if x['severity'] == 'error']
            if truncated and not errs:
                why.append("no error diagnostic")
            el, lc, go = a.get('elf') or {}, a.get('libc') or {}, a.get('go') or {}
            if el and el.get('machine') != int.from_bytes(data[18:20], 'little' if data[5] == 1 else 'big'):
                why.append("machine %s" % el.get('machine'))
            lk = V(lc.get('linkage'))
            if lk not in (None, V(orig['libc']['linkage'])) if orig.get('libc') else False:
                why.append("linkage %s, whole file %s" % (lk, V(orig['libc']['linkage'])))
            fam_ev = (lc.get('family') or {}).get('evidence') or ''
            if (lk == 'dynamic' or has_interp) and 'statically linked' in fam_ev:
                why.append("linkage %s but libc family says %r" % (lk, fam_ev))
            if lc.get('interp') not in (None, interp):
                why.append("interp %s, readelf %s" % (lc.get('interp'), interp))
            if not set(lc.get('needed') or []) <= set(needed):
                why.append("needed %s not in readelf's %s" % (lc.get('needed'), needed))
            for f in ('toolchain', 'version'):
                if V(go.get(f)) not in (None, V(orig['go'][f])):
                    why.append("go %s %s, whole file %s" % (f, V(go.get(f)), V(orig['go'][f])))
        out(not why, "%s at %d of %d bytes: %s, exit %d%s" % (d, c, n, "truncated" if truncated else "complete", rc,
            "" if readelf_says == truncated else " (readelf %s)" % ("complains" if readelf_says else "silent")), "; ".join(why))
        os.unlink(t)
PY
