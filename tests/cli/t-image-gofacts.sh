#!/bin/bash
# goabi image reads files with goabi_opts.loader_only, and facts_go skips its
# pclntab scan of read-only data when a file with section headers shows no Go
# evidence. Neither may lose a Go fact or a version definition:
#  1. every Go fixture and npm Go binary (stripped -s -w c-shared and PIE
#     included): `goabi inspect` and `goabi image` report the Go version
#     `go version FILE` reads, and `goabi inspect` the pclntab magic that
#     version writes (src/debug/gosym/pclntab.go);
#  2. C programs and libraries `go version` rejects are not Go for goabi;
#  3. libc.verdef of each shared library equals readelf -V's version
#     definitions (the BASE entry left out).
. "$(dirname "$0")/../lib.sh"
F=$FIX/image
if [ ! -d "$F/bin" ]; then
	notok "image fixtures missing (tests/fixtures/build-image.sh)"
	exit 0
fi
R=$TMPD/root
mkdir -p "$R/app" "$R/lib"
: > "$TMPD/go.list"
: > "$TMPD/c.list"
i=0
# the npm binaries pinned in testdata/npm-go-binaries.tsv (the cache may hold
# others, fetched by other lists), with the Go version the list records
# (what `go version` printed when the list was made)
npmfiles=() npmver=()
while IFS=$'\t' read -r spec file sha gover mach; do
	case $spec in ''|'#'*) continue ;; esac
	case $file in */esbuild|*/lefthook) ;; *) continue ;; esac
	npmfiles+=("$NPM/$(echo "$spec" | tr '/' '_')/$(basename "$file")")
	npmver+=("$gover")
done < "$TOP/testdata/npm-go-binaries.tsv"
for f in "$FIX"/inspect/go119-* "$F"/bin/go-* "$F"/bin/libgo-sw.so "${npmfiles[@]}"; do
	[ -f "$f" ] || continue
	case $f in *.a) continue ;; esac
	v=$(go version "$f" 2>/dev/null | sed -n 's/^.*: \(go[0-9.]*\)$/\1/p')
	# go version refuses shared objects ("not executable file"): our
	# fixtures were built by this go, so its version is the oracle there
	case $f in "$FIX"/*) [ -n "$v" ] || v=$(go env GOVERSION) ;; esac
	# no build info at all (esbuild >= 0.27): the runtime.buildVersion string
	# that strings(1) finds, else the pinned list's version
	if [ -z "$v" ] && ! readelf -SW "$f" 2>/dev/null | grep -q '\.go\.buildinfo'; then
		v=$(strings -a "$f" | grep -xE 'go1\.[0-9]+(\.[0-9]+)?' | sort -u)
		[ "$(echo "$v" | grep -c .)" = 1 ] || v=
	fi
	if [ -z "$v" ]; then
		for j in "${!npmfiles[@]}"; do [ "${npmfiles[$j]}" = "$f" ] && v=${npmver[$j]}; done
	fi
	[ -n "$v" ] || { notok "go version cannot read $f"; continue; }
	i=$((i + 1))
	cp "$f" "$R/app/go$i"
	printf '%s\t%s\t%s\n' "$f" "/app/go$i" "$v" >> "$TMPD/go.list"
done
for f in "$FIX"/inspect/c-dyn "$FIX"/inspect/c-static "$FIX"/inspect/cxx-dyn "$FIX"/inspect/musl-dyn \
	"$F"/bin/hello-c "$F"/bin/libfoo.so.1 "$F"/glibc/lib/x86_64-linux-gnu/libc.so.6; do
	[ -f "$f" ] || continue
	if go version "$f" 2>/dev/null | grep -q ': go[0-9]'; then
		notok "go version reads build info from the C file $f"
		continue
	fi
	i=$((i + 1))
	cp "$f" "$R/app/c$i"
	printf '%s\t%s\n' "$f" "/app/c$i" >> "$TMPD/c.list"
done
ngo=$(wc -l < "$TMPD/go.list")
if [ "$ngo" -lt 5 ]; then
	notok "fewer than 5 Go binaries to check ($ngo): fixtures or npm cache missing"
fi
"$GOABI" image --json --no-progress "$R" > "$TMPD/image.json" 2>/dev/null
[ -s "$TMPD/image.json" ] || notok "goabi image --json wrote nothing"

# goabi inspect and readelf outputs, then one python3 run judges them all
k=0
while IFS=$'\t' read -r f p v; do
	k=$((k + 1))
	"$GOABI" inspect --json "$f" > "$TMPD/go$k.json" 2>/dev/null
	printf '%s\t%s\t%s\t%s\n' "$f" "$p" "$v" "$TMPD/go$k.json" >> "$TMPD/go.jobs"
done < "$TMPD/go.list"
while IFS=$'\t' read -r f p; do
	k=$((k + 1))
	"$GOABI" inspect --json "$f" > "$TMPD/c$k.json" 2>/dev/null
	printf '%s\t%s\t%s\n' "$f" "$p" "$TMPD/c$k.json" >> "$TMPD/c.jobs"
done < "$TMPD/c.list"
for f in "$F"/glibc/lib/x86_64-linux-gnu/*.so* "$F"/oldglibc/lib/x86_64-linux-gnu/libc.so.6 "$F"/bin/libfoo.so.1 \
	"$F"/bin/libbar-musl.so; do
	[ -f "$f" ] && [ ! -L "$f" ] || continue
	k=$((k + 1))
	readelf -VW "$f" > "$TMPD/v$k.txt" 2>/dev/null
	"$GOABI" inspect --json "$f" > "$TMPD/v$k.json" 2>/dev/null
	printf '%s\t%s\t%s\n' "$f" "$TMPD/v$k.txt" "$TMPD/v$k.json" >> "$TMPD/v.jobs"
done
touch "$TMPD/go.jobs" "$TMPD/c.jobs" "$TMPD/v.jobs"
python3 - "$TMPD" <<'EOF'
import json, os, re, sys
d = sys.argv[1]
def jobs(name):
    return [l.rstrip("\n").split("\t") for l in open(os.path.join(d, name)) if l.strip()]
def load(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None
def check(desc, want, got):
    if want == got:
        print("ok - %s" % desc)
    else:
        print("not ok - %s: expected %r, got %r" % (desc, want, got))
def short(f):
    return "/".join(f.split("/")[-2:])
sys.path.insert(0, os.path.join(os.environ["TOP"], "tests/cli"))
import image_v2  # the schema-2 image JSON read per binary
try:
    img = image_v2.load(os.path.join(d, "image.json"))
except (OSError, ValueError, AssertionError):
    img = {"binaries": []}
img = {b["path"]: b for b in img["binaries"]}

# 1. Go facts: version from go version, the pclntab magic that version writes
for f, p, v, js in jobs("go.jobs"):
    j = load(js)
    a = j["artifacts"][0]["go"] if j else {}
    minor = int(v.split(".")[1])
    want = 0xfffffff1 if minor >= 20 else 0xfffffff0 if minor >= 18 else 0xfffffffa if minor >= 16 else 0xfffffffb
    got = ((a.get("toolchain") or {}).get("value"), (a.get("version") or {}).get("value"),
           a.get("pclntab_magic"), ((img.get(p) or {}).get("go") or {}).get("version"))
    check("Go facts of %s (%s): inspect toolchain, version, pclntab magic; image go.version" % (short(f), v),
          ("gc", v, want, v), got)

# 2. C files stay non-Go
for f, p, js in jobs("c.jobs"):
    j = load(js)
    t = (j["artifacts"][0]["go"].get("toolchain") or {}).get("value") if j else None
    check("%s, not Go for go version, is not Go for goabi inspect and image" % short(f), ("none", None),
          (t, (img.get(p) or {}).get("go")))

# 3. version definitions against readelf -V (BASE entry left out)
n = 0
for f, txt, js in jobs("v.jobs"):
    want, on = [], False
    for l in open(txt):
        if l.startswith("Version definition section"):
            on = True
        elif on and l.startswith("Version "):
            break
        m = re.search(r"Flags: (\S+).*Name: (\S+)", l) if on else None
        if m and "BASE" not in m.group(1):
            want.append(m.group(2))
    j = load(js)
    got = j["artifacts"][0]["libc"].get("verdef") if j else None
    check("libc.verdef of %s equals readelf -V (%d versions)" % (short(f), len(want)), want, got)
    n += 1
if n < 5:
    print("not ok - fewer than 5 shared libraries checked for version definitions (%d)" % n)
EOF
