#!/bin/bash
# goabi inspect --json: valid JSON (strict UTF-8, python json.load) for every
# fixture and npm binary, including symbol names, a member name and a path
# that are not valid UTF-8 (replaced by U+FFFD); the schema number matches
# GOABI_JSON_SCHEMA; every key that appears is documented in
# docs/json-schema.md.
. "$(dirname "$0")/../lib.sh"
I=$FIX/inspect
files=()
for f in "$I"/*; do case ${f##*/} in FLAGS*) ;; *) files+=("$f") ;; esac; done
while IFS=$'\t' read -r spec file rest; do
	case $spec in ''|'#'*) continue ;; esac
	f="$NPM/$(echo "$spec" | tr '/' '_')/$(basename "$file")"
	[ -f "$f" ] && files+=("$f")
done < "$TOP/testdata/npm-go-binaries.tsv"
# hostile names: a member and a path with bytes 0xff 0xfe
bad=$(printf 'bad\xff\xfe')
cp "$I/badname.o" "$TMPD/$bad.o"
(cd "$TMPD" && ar rc "$TMPD/$bad.a" "$bad.o")
files+=("$TMPD/$bad.a" "$TMPD/$bad.o")
"$GOABI" inspect --json "${files[@]}" > "$TMPD/all.json" 2> "$TMPD/err"
python3 - "$TMPD/all.json" "$TOP/include/goabi/goabi.h" "$TOP/docs/json-schema.md" "${#files[@]}" <<'PY'
import json, re, sys
path, hdr, doc, nfiles = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def out(ok, d, why=""): print(("ok - %s" % d) if ok else ("not ok - %s: %s" % (d, why)))
try:
    raw = open(path, "rb").read()
    j = json.loads(raw.decode("utf-8"))  # strict: invalid UTF-8 raises
    out(True, "JSON of %d files parses (strict UTF-8)" % nfiles)
except Exception as e:
    out(False, "JSON parses", str(e)); sys.exit(0)
out(len(j["artifacts"]) == nfiles, "one artifact per file", "%d vs %d" % (len(j["artifacts"]), nfiles))
want = int(re.search(r"#define GOABI_JSON_SCHEMA (\d+)", open(hdr).read()).group(1))
out(j["schema"] == want, "schema number is GOABI_JSON_SCHEMA", "%r vs %r" % (j["schema"], want))
bad = [a for a in j["artifacts"] if a["path"].endswith(".o") and "bad\ufffd\ufffd" in a["path"]]
out(len(bad) == 1, "path with bytes 0xff 0xfe reported with U+FFFD")
arch = [a for a in j["artifacts"] if a["path"].endswith(".a") and "bad\ufffd\ufffd" in a["path"]]
out(len(arch) == 1 and arch[0]["members"][0]["member"] == "bad\ufffd\ufffd.o", "member name with bytes 0xff 0xfe reported with U+FFFD",
    repr(arch[0]["members"][0]["member"] if arch and arch[0]["members"] else None))
bo = bad[0] if bad else {}
eq = bo.get("go", {}).get("eq_funcs", [])
out("type..eq.main.T\ufffd\ufffd" in eq, "symbol name with bytes 0xff 0xfe in eq_funcs with U+FFFD", repr(eq))
# every key documented: collect dotted key paths (list items as [])
keys = set()
def walk(o, p):
    if isinstance(o, dict):
        for k, v in o.items():
            if p.endswith(".settings"):  # keys are build setting names
                continue
            q = p + "." + k if p else k
            keys.add(q); walk(v, q)
    elif isinstance(o, list):
        for v in o: walk(v, p + "[]")
walk(j, "")
# artifacts[].members[] repeat the artifact object: fold them
norm = set()
for k in keys:
    while "members[]." in k:
        k = re.sub(r"artifacts\[\]\.members\[\]\.(members\[\]\.)*", "artifacts[].", k)
    norm.add(k)
try:
    d = open(doc).read()
except OSError:
    d = ""
documented = set(re.findall(r"`([A-Za-z_][A-Za-z0-9_.\[\]]*)`", d))
# a fact object {value, confidence, evidence} is documented once, by its own key
def doc_ok(k):
    m = re.match(r"(.*)\.(value|confidence|evidence)$", k)
    return k in documented or (m is not None and m.group(1) in documented and "fact" in d)
missing = sorted(k for k in norm if not doc_ok(k))
out(not missing, "every JSON key (%d) documented in docs/json-schema.md" % len(norm), "undocumented: %s" % ", ".join(missing))
PY
# -r: every ELF file and ar archive under a directory tree, nothing else, no
# symlink followed. Oracle: find + the files' magic bytes (head -c).
mkdir -p "$TMPD/tree/sub/deeper"
cp "$I/c-dyn" "$I/hello.o" "$TMPD/tree/"
cp "$I/c-lib.a" "$I/c-lib-thin.a" "$TMPD/tree/sub/" 2>/dev/null
cp "$I/go119-static-sw" "$TMPD/tree/sub/deeper/"
echo "not a binary" > "$TMPD/tree/readme.txt"
ln -s "$I/go119-cgo-exe" "$TMPD/tree/link-to-exe"
want=0
while IFS= read -r -d '' f; do
	m=$(head -c 8 "$f" | od -An -c | tr -d ' \n')
	case $m in '177ELF'*|'!<arch>\n'|'!<thin>\n') want=$((want + 1)) ;; esac
done < <(find "$TMPD/tree" -type f -print0)
got=$(cd "$TMPD" && "$GOABI" inspect -r --json tree 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["artifacts"]))')
check "-r: one artifact per ELF/ar file under the tree (find + magic bytes), symlinks not followed" "$want" "$got"
