#!/bin/bash
# `goabi inspect -r` and `goabi audit -r` over a mixed release folder
# (issue 23): one program cross-built with Go 1.26.8 for linux, darwin and
# windows (several GOARCH), a universal Mach-O (llvm-lipo-14), a README; then
# the same folder with a truncated Mach-O added. Oracles, none of them goabi:
#  - which files are binaries and their format: llvm-readobj-14
#    --file-headers "Format:" (ELF / Mach-O / COFF), llvm-lipo-14 -archs;
#  - the Go version of each: `go version -m` (Go 1.26.8);
#  - the macOS / Windows floor of each: llvm-objdump-14 minos /
#    llvm-readobj-14 subsystem version and the Go release notes' minimum
#    (tests/cli/macho_pe_oracle.py);
#  - exit codes (docs/goabi.1): inspect 0, or 2 with an unreadable file;
#    audit 0 all rules met, 1 a rule broken, 2 an unreadable input.
. "$(dirname "$0")/../lib.sh"
GOV=${GO126:-}
if [ -z "$GOV" ] || ! command -v llvm-readobj-14 >/dev/null || ! command -v llvm-objdump-14 >/dev/null; then
	plan 1
	skip "mixed release folder" "needs Go 1.26.8 and llvm-14's llvm-readobj/llvm-objdump"
	exit 0
fi
D=$TMPD/dist
mkdir -p "$TMPD/src" "$D"
cat > "$TMPD/src/main.go" <<'GO'
package main

import "fmt"

func main() { fmt.Println("hello") }
GO
printf 'module example.com/hello\n\ngo 1.19\n' > "$TMPD/src/go.mod"
for t in linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/386 windows/arm64; do
	ext=; [ "${t%/*}" = windows ] && ext=.exe
	(cd "$TMPD/src" && GOOS=${t%/*} GOARCH=${t#*/} CGO_ENABLED=0 "$GOV" build -trimpath -o "$D/hello_${t%/*}_${t#*/}$ext" .) 2>"$TMPD/b.err" ||
		echo "build $t failed: $(head -2 "$TMPD/b.err")" >&2
done
command -v llvm-lipo-14 >/dev/null && llvm-lipo-14 -create "$D/hello_darwin_amd64" "$D/hello_darwin_arm64" -output "$D/hello_darwin_all"
printf '# hello\nrelease notes\n' > "$D/README.md"
plan 9
PYTHONPATH=$TOP/tests/cli python3 - "$GOABI" "$GOV" "$D" "$TMPD" <<'PY'
import json, os, shutil, subprocess, sys
import macho_pe_oracle as O
goabi, gov, d, tmp = sys.argv[1:5]

def out(ok, desc, why=""):
    print(("ok - %s" % desc) if ok else ("not ok - %s: %s" % (desc, why)))

def g(*args):
    p = subprocess.run([goabi] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        return p.returncode, json.loads(p.stdout)
    except Exception:
        return p.returncode, {}

def oracle_format(p):
    rc, o, e = O.run('llvm-readobj-14', '--file-headers', p)
    f = next((l.split(': ', 1)[1] for l in o.splitlines() if l.startswith('Format: ')), '')
    if O.run('llvm-lipo-14', '-archs', p)[1].split().__len__() > 1:
        return 'macho'
    return 'elf' if f.startswith('elf') else 'macho' if f.startswith('Mach-O') else 'pe' if f.startswith('COFF') else None

files = sorted(os.path.join(d, f) for f in os.listdir(d))
want = {p: oracle_format(p) for p in files}
want = {p: k for p, k in want.items() if k}

rc, j = g('inspect', '-r', '--json', d)
arts = {a['path']: a for a in j.get('artifacts', [])}
out(rc == 0 and {p: a['format'] for p, a in arts.items()} == want,
    "inspect -r: every binary reported with its format (llvm-readobj/llvm-lipo), the README not, exit %d" % rc,
    ({os.path.basename(p): a['format'] for p, a in arts.items()}, {os.path.basename(p): k for p, k in want.items()}))
ok, bad = True, []
for p, k in want.items():
    a = arts.get(p) or {}
    gv = O.go_version(gov, p)
    got = (a.get('go') or {}).get('version', {}).get('value')
    if k == 'macho' and a.get('members'):
        got = {(m.get('go') or {}).get('version', {}).get('value') for m in a['members']}
        got = got.pop() if len(got) == 1 else got
    if got != gv:
        ok = False; bad.append((os.path.basename(p), got, gv))
out(ok, "inspect -r: the Go version of every binary = go version -m", bad)
floors = {}
ok, bad = True, []
for p, k in want.items():
    if k == 'elf':
        continue
    if k == 'macho' and (arts.get(p) or {}).get('members'):
        continue  # a universal file: its slices are the thin builds beside it
    f = O.floor_str(O.floor(gov, p, k))
    floors[p] = O.floor(gov, p, k)
    got = ((arts.get(p) or {}).get('os') or {}).get('floor', {}).get('value')
    if got != f:
        ok = False; bad.append((os.path.basename(p), got, f))
out(ok and floors, "inspect -r: the OS floor of every Mach-O/PE binary = llvm-objdump/llvm-readobj + Go release notes", bad)

# audit: a policy every file meets (the highest floors the oracle reads)
mac = max(v for (os_, v) in floors.values() if os_ == 'macos')
win = max(v for (os_, v) in floors.values() if os_ == 'windows')
winname = O.WINNAME[win]
rc, j = g('audit', '-r', '--json', '--max-macos', '%d.%d' % mac, '--max-windows', winname, '--require-trimpath', d)
judged = {x['path']: x['verdict'] for x in j.get('judged', [])}
out(rc == 0 and set(judged) == set(want) and set(judged.values()) == {'pass'},
    "audit -r --max-macos %d.%d --max-windows %s --require-trimpath: every binary judged, all pass, exit %d" % (mac[0], mac[1], winname, rc),
    (rc, judged))
# a policy some break: exactly the files whose oracle floor is above it
rc, j = g('audit', '-r', '--json', '--max-macos', '11.0', '--max-windows', '7', d)
broken = sorted({f['subject']['path'].split('(')[0] for f in j.get('findings', []) if f['severity'] == 'error'})
exp = sorted(p for p, (os_, v) in floors.items() if v > ((11, 0) if os_ == 'macos' else (6, 1)))
uni = [p for p in want if (arts.get(p) or {}).get('members')]
for u in uni:  # the universal file holds the same slices
    if any(p in exp for p in files if 'darwin' in p and p != u):
        exp = sorted(set(exp) | {u})
out(rc == 1 and broken == exp and set(x['path'] for x in j.get('judged', [])) == set(want),
    "audit -r --max-macos 11.0 --max-windows 7: broken exactly where the oracle floor is above (%d files), exit %d" % (len(exp), rc),
    (broken, exp))
# quiet mode: the exit code alone
p = subprocess.run([goabi, 'audit', '-r', '-q', '--max-macos', '11.0', d], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
out(p.returncode == 1 and not p.stdout, "audit -r -q: exit 1, nothing printed", (p.returncode, p.stdout[:100]))

# a truncated Mach-O in the folder: named, the others still reported, exit 2
src = os.path.join(d, 'hello_darwin_arm64')
with open(src, 'rb') as f, open(os.path.join(d, 'broken_darwin'), 'wb') as o:
    o.write(f.read(3000))
rc, j = g('inspect', '-r', '--json', d)
errs = j.get('errors', [])
arts2 = {a['path'] for a in j.get('artifacts', [])}
out(rc == 2 and any('broken_darwin' in (e.get('file') or '') for e in errs) and set(want) <= arts2,
    "inspect -r with a truncated Mach-O: exit %d, the file named in errors, every other binary still reported" % rc, (rc, errs[:2]))
rc, j = g('audit', '-r', '--json', '--max-macos', '11.0', d)
judged = {x['path'] for x in j.get('judged', [])}
out(rc == 2 and set(want) <= judged and any('broken_darwin' in (e.get('file') or '') for e in j.get('errors', [])),
    "audit -r with a truncated Mach-O: exit %d (unreadable input), every other binary judged" % rc, (rc, j.get('errors')))
rc, j = g('audit', '-r', '--json', '--max-windows', '10', os.path.join(d, 'hello_windows_amd64.exe'), os.path.join(d, 'hello_linux_amd64'))
out(rc == 0 and len(j.get('judged', [])) == 2, "audit of a PE and an ELF file named on the command line: exit %d" % rc, j.get('judged'))
PY
