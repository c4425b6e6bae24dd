#!/bin/bash
# goabi audit rules for Mach-O and PE (issue 23): --max-macos,
# --max-windows, --require-signature, --forbid-dll (and their policy-file
# keys), on Go 1.19 and Go 1.26.8 cross builds (darwin/amd64, darwin/arm64,
# windows/amd64, windows/386, linux/amd64), a universal file (llvm-lipo-14),
# an osslsigncode-signed PE and the pinned npm binaries of
# testdata/npm-macho-pe-binaries.tsv (Go and Rust). Oracles, none of them
# goabi (tests/cli/macho_pe_oracle.py):
#  - the floor: llvm-objdump-14 minos / llvm-readobj-14 subsystem version
#    and the Go release notes' minimum for the `go version -m` version:
#    broken exactly when it is above the policy's;
#  - the signature: llvm-objdump's LC_CODE_SIGNATURE, llvm-readobj's
#    CertificateTableSize (osslsigncode verify for the signed PE);
#  - the DLLs: llvm-readobj-14 --coff-imports, compared case-insensitively;
#  - a file of another platform gets no finding of a rule (ELF for all four,
#    PE for max-macos, Mach-O for max-windows and forbid-dll);
#  - exit 1 when a rule is broken, 0 otherwise; the SARIF of a PE and a
#    Mach-O audit validates against testdata/sarif-2.1.0-schema.json.
. "$(dirname "$0")/../lib.sh"
GOV=${GO126:-}
G119=/usr/lib/go-1.19/bin/go
if [ -z "$GOV" ] || [ ! -x "$G119" ] || ! command -v llvm-objdump-14 >/dev/null || ! command -v llvm-readobj-14 >/dev/null; then
	plan 1
	skip "audit on Mach-O/PE" "needs Go 1.19, Go 1.26.8 and llvm-14's llvm-objdump/llvm-readobj"
	exit 0
fi
W=$TMPD/rel
mkdir -p "$TMPD/src" "$W"
cat > "$TMPD/src/main.go" <<'GO'
package main

import (
	"fmt"
	"os"
)

func main() { fmt.Println("hello", len(os.Args)) }
GO
printf 'module example.com/hello\n\ngo 1.19\n' > "$TMPD/src/go.mod"
for t in darwin/amd64 darwin/arm64 windows/amd64 windows/386 linux/amd64; do
	for g in g119 g126; do
		tc=$G119; [ $g = g126 ] && tc=$GOV
		(cd "$TMPD/src" && GOOS=${t%/*} GOARCH=${t#*/} CGO_ENABLED=0 "$tc" build -o "$W/$g-${t%/*}-${t#*/}" .) \
			2>"$TMPD/build.err" || echo "build $g $t failed: $(head -3 "$TMPD/build.err")" >&2
	done
done
[ -f "$W/g126-darwin-amd64" ] && [ -f "$W/g119-darwin-arm64" ] && command -v llvm-lipo-14 >/dev/null &&
	llvm-lipo-14 -create "$W/g126-darwin-amd64" "$W/g119-darwin-arm64" -output "$W/universal"
if command -v osslsigncode >/dev/null && command -v openssl >/dev/null && [ -f "$W/g126-windows-amd64" ] &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMPD/k.pem" -out "$TMPD/c.pem" -days 2 -subj /CN=goabi-test >/dev/null 2>&1; then
	osslsigncode sign -certs "$TMPD/c.pem" -key "$TMPD/k.pem" -in "$W/g126-windows-amd64" -out "$W/signed-windows-amd64" >/dev/null 2>&1
fi
FILES=("$W"/*)
while IFS=$'\t' read -r spec file sum gov mach; do
	case $spec in '#'*|'') continue ;; esac
	f="$NPM/${spec//\//_}/${file##*/}"
	[ -f "$f" ] && FILES+=("$f")
done < "$TOP/testdata/npm-macho-pe-binaries.tsv"
SCHEMA=$TOP/testdata/sarif-2.1.0-schema.json
# per file: 4 rule checks + 1 exit code; policy file: 1; not applicable: 1; universal slices: 1; SARIF: 2; bad values: 1
plan $(( ${#FILES[@]} * 5 + 1 + 1 + 1 + 2 + 1 ))
PYTHONPATH=$TOP/tests/cli python3 - "$GOABI" "$GOV" "$TMPD" "$SCHEMA" "${FILES[@]}" <<'PY'
import json, os, subprocess, sys
import macho_pe_oracle as O
goabi, gov, tmp, schema = sys.argv[1:5]
files = sys.argv[5:]

def out(ok, d, why=""):
    print(("ok - %s" % d) if ok else ("not ok - %s: %s" % (d, why)))

def audit(args, path, fmt='json'):
    p = subprocess.run([goabi, 'audit', '--format', fmt] + args + [path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        return p.returncode, json.loads(p.stdout)
    except Exception:
        return p.returncode, {'findings': [], 'err': p.stderr.decode()[:300]}

def kind_of(path):
    b = open(path, 'rb').read(4)
    if b[:2] == b'MZ':
        return 'pe'
    if b == b'\x7fELF':
        return 'elf'
    if b in (b'\xca\xfe\xba\xbe',):
        return 'universal'
    return 'macho'

def slices(path):
    """The thin files of a universal one, extracted by llvm-lipo-14."""
    rc, o, e = O.run('llvm-lipo-14', '-archs', path)
    res = []
    for arch in o.split():
        dst = os.path.join(tmp, 'slice-' + arch)
        O.run('llvm-lipo-14', path, '-thin', arch, '-output', dst)
        res.append((arch, dst))
    return res

MAXMAC, MAXWIN = (11, 0), (6, 1)   # --max-macos 11.0 --max-windows 7
FORBID = 'vcruntime140.dll'  # Biome (Rust, MSVC) imports VCRUNTIME140.dll: the case differs

def expect(path, kind):
    """rule -> broken (bool) per the oracles, for one thin file"""
    e = {}
    if kind == 'macho':
        f = O.floor(gov, path, 'macho')
        e['audit/max-macos'] = bool(f and f[1] > MAXMAC)
        e['audit/require-signature'] = not O.macho(path)['sign']
        e['audit/max-windows'] = False
        e['audit/forbid-dll'] = False
    elif kind == 'pe':
        f = O.floor(gov, path, 'pe')
        po = O.pe(path)
        e['audit/max-windows'] = bool(f and f[1] > MAXWIN)
        e['audit/require-signature'] = po['CertificateTableSize'] == 0
        e['audit/forbid-dll'] = FORBID.lower() in {d.lower() for d in po['dlls']}
        e['audit/max-macos'] = False
    else:
        e = {r: False for r in ('audit/max-macos', 'audit/max-windows', 'audit/require-signature', 'audit/forbid-dll')}
    return e

ARGS = ['--max-macos', '11.0', '--max-windows', '7', '--require-signature', '--forbid-dll', FORBID]
for path in files:
    label = path.replace(tmp + '/', '').replace(os.environ.get('NPM', '\0'), 'npm')
    kind = kind_of(path)
    if kind == 'universal':
        exp = {}
        for arch, sp in slices(path):
            for r, v in expect(sp, 'macho').items():
                exp[r] = exp.get(r, False) or v
    else:
        exp = expect(path, kind)
    rc, d = audit(ARGS, path)
    got = {}
    for f in d.get('findings', []):
        got.setdefault(f['rule'], []).append(f)
    for r in ('audit/max-macos', 'audit/max-windows', 'audit/require-signature', 'audit/forbid-dll'):
        fs = got.get(r, [])
        broken = any(f['severity'] == 'error' for f in fs)
        notes = [f for f in fs if f['severity'] != 'error']
        out(broken == exp[r] and not notes, "%s (%s): %s %s (oracle)" % (label, kind, r, "broken" if exp[r] else "not broken"),
            [f['message'] for f in fs] or d.get('err'))
    anyb = any(exp.values())
    out(rc == (1 if anyb else 0), "%s: exit %d" % (label, rc), "want %d" % (1 if anyb else 0))

# the policy-file keys do what the flags do
pol = os.path.join(tmp, 'policy.json')
json.dump({"max-macos": "11.0", "max-windows": "7", "require-signature": True, "forbid-dll": [FORBID]}, open(pol, 'w'))
agree = True
for path in files:
    a = audit(ARGS, path)[1]
    b = audit(['--policy', pol], path)[1]
    agree &= sorted((f['rule'], f['message']) for f in a.get('findings', [])) == sorted((f['rule'], f['message']) for f in b.get('findings', []))
out(agree, "policy file keys max-macos, max-windows, require-signature, forbid-dll give the findings of the flags")

# not applicable: the Linux builds pass every one of these rules with no finding
lin = [p for p in files if kind_of(p) == 'elf']
ok = bool(lin)
for p in lin:
    rc, d = audit(ARGS, p)
    ok &= rc == 0 and not d.get('findings') and d.get('verdict') == 'pass'
out(ok, "ELF files: no finding of the Mach-O/PE rules, verdict pass, exit 0 (%d files)" % len(lin))

# universal: one finding per slice above the floor, named FILE(arch)
uni = [p for p in files if kind_of(p) == 'universal']
if uni:
    want = sorted('%s(%s)' % (uni[0], a) for a, sp in slices(uni[0]) if (O.floor(gov, sp, 'macho') or ('', (0, 0)))[1] > MAXMAC)
    rc, d = audit(['--max-macos', '11.0'], uni[0])
    got = sorted(f['subject']['path'] for f in d['findings'] if f['rule'] == 'audit/max-macos')
    out(want and got == want, "universal: audit/max-macos on the slices above 11.0 per llvm-lipo + llvm-objdump: %s" % want, got)
else:
    out(False, "universal file", "llvm-lipo-14 could not build it")

# SARIF: a PE and a Mach-O audit finding validate against the SARIF 2.1.0 schema
try:
    import jsonschema
    sch = json.load(open(schema))
    for path, rule in ((next((p for p in files if kind_of(p) == 'pe' and expect(p, 'pe')['audit/require-signature']), None), 'audit/require-signature'),
                       (next((p for p in files if kind_of(p) == 'macho' and expect(p, 'macho')['audit/max-macos']), None), 'audit/max-macos')):
        if not path:
            out(False, "SARIF for %s" % rule, "no input breaks it")
            continue
        rc, s = audit(ARGS, path, 'sarif')
        errs = list(jsonschema.validators.validator_for(sch)(sch).iter_errors(s))
        rules = [r['ruleId'] for run in s.get('runs', []) for r in run.get('results', [])]
        out(not errs and rule in rules and rc == 1, "SARIF of %s validates, carries %s" % (os.path.basename(path), rule),
            (errs[:1], rules))
except ImportError:
    print("skip - SARIF PE: python3-jsonschema not installed")
    print("skip - SARIF Mach-O: python3-jsonschema not installed")

# bad values are usage errors
bad = [subprocess.run([goabi, 'audit'] + a + [files[0]], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
       for a in (['--max-macos', 'eleven'], ['--max-windows', '95'], ['--forbid-dll', 'a/b.dll'])]
out(all(p.returncode == 2 and p.stderr for p in bad), "bad --max-macos/--max-windows/--forbid-dll values: exit 2 with a message",
    [(p.returncode, p.stderr[:80]) for p in bad])
PY
