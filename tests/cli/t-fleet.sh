#!/bin/bash
# goabi image over a fleet of images (docs/fleet.md), against Debian's
# docker-registry on 127.0.0.1 (started as t-image-registry.sh does), filled
# by tests/fleet/mkfleet.py with FLEET_IMAGES (default 200, the issue's; docs/fleet.md "Measured") images from
# the four fixture root trees as shared base layers, extra tags on the same
# digests, a two-platform index and one image whose layer is corrupted in the
# registry's storage; tests/registry/regfront.py gives a Bearer front, a
# rate-limiting server (429, Retry-After) and a silent one.
# Oracles: the registry's own API (catalog, tags, manifests and their
# Docker-Content-Digest, tests/fleet/fleet_oracle.py truth); sha256 of the
# bytes mkfleet.py pushed (the base layer digests) and of the corrupted blob
# as served; the fixtures' expected verdicts (FIX/image/expect.tsv, from how
# each fixture was built); the shard formula recomputed in Python; the
# single-process report as the oracle of the sharded and merged ones; the
# cache entries (layers and facts) re-hashed (sha256) after writers were
# killed; the ELF files of each image counted from the registry's blobs
# (fleet_oracle.py elf-pairs) for the binaries inspected and reused across
# processes; the listing a Bearer front gives curl with a token per scope.
. "$(dirname "$0")/../lib.sh"
plan 45
F=$FIX/image
NIMG=${FLEET_IMAGES:-200}
ORA=$TOP/tests/fleet/fleet_oracle.py
FRONT=$TOP/tests/registry/regfront.py
if [ ! -d "$F/musl" ] || [ ! -f "$F/expect.tsv" ]; then
	for i in $(seq 44); do skip "fleet $i" "image fixtures missing (tests/fixtures/build-image.sh)"; done
	exit 0
fi
for t in docker-registry python3 curl sha256sum; do
	command -v $t >/dev/null || { for i in $(seq 44); do skip "fleet $i" "$t is not installed"; done; exit 0; }
done
cd "$TMPD" || exit 0
. "$TOP/tests/registry/lib.sh"
trap cleanup EXIT
export TMPDIR=$TMPD/goabi-tmp
mkdir -p "$TMPDIR"
G() { "$GOABI" image --no-progress "$@"; }
T0=$(date +%s.%N)
lap() { echo "# $(python3 -c "print(round($(date +%s.%N)-$T0,1))") s: $*" >&2; }

P=$(start_registry fleet) || exit 0
R=127.0.0.1:$P
t=$(date +%s.%N)
python3 "$TOP/tests/fleet/mkfleet.py" "$R" "$F" "$NIMG" pushed.json || notok "mkfleet.py failed"
echo "# pushed $NIMG images in $(python3 -c "print(round($(date +%s.%N)-$t,1))") s" >&2
# the broken image: its own layer's bytes changed in the registry's storage (same length)
bblob=$(jget pushed.json 'j["broken"]["blob"]')
bf=$TMPD/fleet/data/docker/registry/v2/blobs/sha256/${bblob:7:2}/${bblob:7}/data
python3 - "$bf" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[-600] ^= 0xff
open(p, "wb").write(bytes(b))
PY
served=$(curl -s "http://$R/v2/fleet/broken/blobs/$bblob" | sha256sum | cut -d' ' -f1)
[ "sha256:$served" != "$bblob" ] && ok "corrupted blob: the registry serves bytes whose sha256 is not its digest" ||
	notok "the blob corruption did not take"
python3 "$ORA" truth "$R" truth.json || notok "registry oracle failed"
check "registry API agrees with the digests mkfleet.py computed for every tag" 0 "$(python3 - <<'PY'
import json
t = json.load(open("truth.json")); p = json.load(open("pushed.json"))
bad = 0
for im in p["images"]:
    for tag in im["tags"]:
        bad += "%s" % im["digest"] not in t or not any(r.endswith("/%s:%s" % (im["repo"], tag)) for r in t[im["digest"]]["refs"])
print(bad)
PY
)"

lap pushed
# ---- one process over the whole registry ----
C1=$TMPD/cache1
t=$(date +%s.%N)
GOABI_DEBUG_STATS=1 G --json --cache "$C1" "docker://$R/*" > single.jsonl 2> single.err
rc=$?
el1=$(python3 -c "print(round($(date +%s.%N)-$t,1))")
check "whole registry: exit 2 (one image unread), the others checked" 2 "$rc"
lap "whole-registry goabi run ($el1 s)"
# facts shared across images: a base layer's binaries are inspected once for the whole run
read -r npairs nperimg < <(python3 "$ORA" elf-pairs "$R" single.jsonl elfpaths.json)
check "binaries inspected = distinct (layer digest, path) ELF files of the read images ($npairs; $nperimg image x binary)" \
	"$npairs" "$(sed -n 's/^goabi: stats: binaries inspected \([0-9]*\),.*/\1/p' single.err)"
lap "elf-pairs oracle"
# compare: SAME A B: digest set, references and platforms equal
python3 - truth.json single.jsonl > cmp.txt <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
lines = [json.loads(l) for l in open(sys.argv[2])]
g = {o["digest"]: o for o in lines}
print("images", len(lines), len(g), len(t))
print("digests", sorted(g) == sorted(t))
print("refs", all(g[d]["references"] == t[d]["refs"] for d in t if d in g))
print("platforms", all(t[d]["platform"] is None or g[d]["platform"] == t[d]["platform"] for d in t if d in g))
PY
n=$(jget truth.json 'len(j)')
nref=$(jget truth.json 'sum(len(e["refs"]) for e in j.values())')
check "one JSON line per distinct image: $n images for $nref references (registry API)" "images $n $n $n" "$(sed -n 1p cmp.txt)"
check "the manifest digests are the registry's (Docker-Content-Digest; index expanded)" "digests True" "$(sed -n 2p cmp.txt)"
check "each image lists every tag pointing at it" "refs True" "$(sed -n 3p cmp.txt)"
check "index platforms as the index lists them" "platforms True" "$(sed -n 4p cmp.txt)"
echo "# whole registry, cold cache: $n images in $el1 s" >&2
check "the two-platform index gives two images, their digests the index's" \
	"$(jget pushed.json 'sorted(j["index"]["platforms"].values())')" \
	"$(python3 -c 'import json,sys; print(sorted(o["digest"] for o in map(json.loads, open("single.jsonl")) if any("/fleet/multi:1" in r for r in o["references"])))')"
check "the corrupted image is unread, its reason the digest mismatch; every other image read" \
	"1 1 $((n - 1))" "$(python3 - pushed.json single.jsonl <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
lines = [json.loads(l) for l in open(sys.argv[2])]
un = [o for o in lines if o["status"] == "unread"]
print(len(un), int(len(un) == 1 and un[0]["digest"] == p["broken"]["digest"] and "does not match its digest" in un[0]["reason"]
      and p["broken"]["blob"] in un[0]["reason"]), sum(o["status"] == "read" for o in lines))
PY
)"
# verdicts against the fixtures' expectations, layer against mkfleet's base digests
check "every fixture binary of every image: verdict as expect.tsv, brought by its base layer" "0 mismatches" "$(python3 - "$F/expect.tsv" pushed.json single.jsonl <<'PY'
import json, sys
exp = {}
for l in open(sys.argv[1]):
    if l.startswith("#") or not l.strip():
        continue
    root, path, verdict = l.rstrip("\n").split("\t")[:3]
    exp.setdefault(root, {})[path] = {"ok": "will start", "may fail at run time": "may fail"}.get(verdict, verdict)
p = json.load(open(sys.argv[2]))
base = {im["digest"]: im["base"] for im in p["images"]}
lines = {json.loads(l)["digest"]: json.loads(l) for l in open(sys.argv[3])}
bad, n = 0, 0
for d, b in base.items():
    bins = {x["path"]: x for x in lines[d]["binaries"]}
    for path, v in exp[b].items():
        n += 1
        x = bins.get(path)
        if not x or x["verdict"] != v or x["layer"] != p["bases"][b]:
            bad += 1
            if bad < 4:
                print(d, path, v, x and (x["verdict"], x["layer"]), file=sys.stderr)
print("%d mismatches" % bad)
print("# %d binary verdicts compared" % n, file=sys.stderr)
PY
)"
lap "registry and fixture oracles"
"$GOABI" fleet merge --json single.jsonl > ref.json; rc=$?
check "fleet merge of the single run: exit 2 (an image unread)" 2 "$rc"
check "fleet view: each (rule, layer) group is a base layer and holds every image of one platform built on it" "0 bad of $(jget ref.json 'len(j["fleet"])')" "$(python3 - pushed.json ref.json <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2]))
on = {}  # (base layer digest, architecture) -> images (what mkfleet.py pushed)
for im in p["images"]:
    on.setdefault((p["bases"][im["base"]], "amd64"), set()).add(im["digest"])
on.setdefault((p["bases"]["glibc"], "amd64"), set()).add(p["index"]["platforms"]["linux/amd64"])
on.setdefault((p["bases"]["scratch"], "arm64"), set()).add(p["index"]["platforms"]["linux/arm64"])
bad = 0
for g in r["fleet"]:
    imgs = {x["digest"] for x in g["images"]}
    if not any(imgs == v for (l, a), v in on.items() if l == g["layer"]):
        bad += 1
print("%d bad of %d" % (bad, len(r["fleet"])))
PY
)"
check "fleet view names the failing fixture binaries of each base (expect.tsv: will not start / may fail)" "0" "$(python3 - "$F/expect.tsv" pushed.json ref.json <<'PY'
import json, sys
p = json.load(open(sys.argv[2])); r = json.load(open(sys.argv[3]))
want = {}
for l in open(sys.argv[1]):
    if l.startswith("#") or not l.strip():
        continue
    root, path, verdict = l.rstrip("\n").split("\t")[:3]
    if verdict != "ok" and root in p["bases"]:
        want.setdefault(p["bases"][root], set()).add(path)
got = {}
for g in r["fleet"]:
    got.setdefault(g["layer"], set()).update(g["binaries"])
print(sum(not (w <= got.get(l, set())) for l, w in want.items()))
PY
)"
"$GOABI" fleet merge --format sarif single.jsonl > ref.sarif
check "SARIF of the merge: 2.1.0, one result per finding of every read image" \
	"2.1.0 $(jget ref.json 'sum(len(b["findings"]) for i in j["images"] for b in i["binaries"])')" \
	"$(jget ref.sarif 'j["version"] + " " + str(len(j["runs"][0]["results"]))')"
# CycloneDX: validated against the CycloneDX 1.6 schema as t-sbom-checks.sh does (npm @cyclonedx/cyclonedx-library)
"$GOABI" fleet merge --format cyclonedx single.jsonl > ref.cdx.json
# (the schema check on a few images, read and unread: its time grows with the components)
{ head -4 single.jsonl; grep '"status": *"unread"' single.jsonl; } > few.jsonl
"$GOABI" fleet merge --format cyclonedx few.jsonl > few.cdx.json
SCACHE="${GOABI_CACHE:-$HOME/.cache/goabi}/npm-data"
S=$SCACHE/cyclonedx/package/res/schema
read -r spec ssha _ < <(grep -v '^#' "$TOP/testdata/npm-test-data.tsv" | grep '^@cyclonedx/cyclonedx-library@')
tgz=$SCACHE/cyclonedx.tgz
if [ ! -f "$S/bom-1.6.SNAPSHOT.schema.json" ] && command -v npm > /dev/null; then
	mkdir -p "$SCACHE/cyclonedx" "$TMPD/np"
	{ [ -f "$tgz" ] && echo "$ssha  $tgz" | sha256sum -c --status; } ||
		{ (cd "$TMPD/np" && npm pack --silent "$spec" > /dev/null 2>&1) && mv "$TMPD"/np/*.tgz "$tgz" 2>/dev/null; }
	[ -f "$tgz" ] && echo "$ssha  $tgz" | sha256sum -c --status && tar -xzf "$tgz" -C "$SCACHE/cyclonedx" package/res/schema
fi
if [ -f "$S/bom-1.6.SNAPSHOT.schema.json" ]; then
	check "fleet merge --format cyclonedx ($(grep -c . few.jsonl) images, one unread): valid against the CycloneDX 1.6 JSON schema" valid \
		"$(python3 "$TOP/tests/cli/sbom_oracle.py" validate "$S" few.cdx.json | tail -1)"
else
	skip "fleet merge --format cyclonedx: CycloneDX schema validation" "schema $spec not fetched"
fi
check "CycloneDX: one container per image (version: the registry's digest, its tags), binaries nested = the ELF files of its layers (registry blobs via tarfile)" \
	"0 bad of $n" "$(python3 - truth.json elfpaths.json ref.cdx.json <<'PY'
import json, sys
t = json.load(open(sys.argv[1])); paths = json.load(open(sys.argv[2])); b = json.load(open(sys.argv[3]))
cs = {c.get("version"): c for c in b["components"] if c["type"] == "container"}
bad = int(sorted(cs) != sorted(t)) * len(t)
for d in t:
    c = cs.get(d)
    got = sorted(p["value"] for x in (c or {}).get("components", []) for p in x["properties"] if p["name"] == "goabi:path")
    refs = [p["value"] for p in (c or {}).get("properties", []) if p["name"] == "goabi:image.reference"]
    bad += not c or refs != t[d]["refs"] or (d in paths and got != paths[d])
print("%d bad of %d" % (bad, len(t)))
PY
)"
check "CycloneDX: every fixture binary's goabi:image.verdict as expect.tsv, goabi:image.layer its base layer" "0 mismatches" "$(python3 - "$F/expect.tsv" pushed.json ref.cdx.json <<'PY'
import json, sys
exp = {}
for l in open(sys.argv[1]):
    if l.startswith("#") or not l.strip():
        continue
    root, path, verdict = l.rstrip("\n").split("\t")[:3]
    exp.setdefault(root, {})[path] = {"ok": "will start", "may fail at run time": "may fail"}.get(verdict, verdict)
p = json.load(open(sys.argv[2])); b = json.load(open(sys.argv[3]))
cs = {c.get("version"): c for c in b["components"]}
bad = 0
for im in p["images"]:
    bins = {}
    for x in cs.get(im["digest"], {}).get("components", []):
        pr = {q["name"]: q["value"] for q in x["properties"]}
        bins[pr.get("goabi:path")] = pr
    for path, v in exp[im["base"]].items():
        x = bins.get(path)
        bad += not x or x.get("goabi:image.verdict") != v or x.get("goabi:image.layer") != p["bases"][im["base"]]
print("%d mismatches" % bad)
PY
)"
"$GOABI" fleet merge single.jsonl > ref.txt
check "text merge: header counts images, references and unread (registry API counts)" \
	"fleet: $n images ($nref references) from 1 file: $((n - 1)) read, 1 unread" "$(head -1 ref.txt | cut -d';' -f1)"

lap single run and merges
# ---- shards: a subset (repositories fleet/r00, r01, r02, the index, the broken one) ----
SUB=("docker://$R/fleet/r00:*" "docker://$R/fleet/r01:*" "docker://$R/fleet/r02:*" "docker://$R/fleet/multi:*" "docker://$R/fleet/broken:*")
G --json "${SUB[@]}" > sub1.jsonl
"$GOABI" fleet merge --json sub1.jsonl > subref.json
nsub=$(jget subref.json 'len(j["images"])')
# same MERGED.json: equal to the single-process report of the subset
same() { python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); print("same" if a==b else "differ")' "$1" subref.json; }
C2=$TMPD/cache2
for N in 1 2 4; do
	pids=()
	for I in $(seq $N); do
		if [ $N = 4 ]; then
			JOB_COMPLETION_INDEX=$((I - 1)) GOABI_DEBUG_STATS=1 G --json --cache "$C2" --shard-count $N "${SUB[@]}" > s$N-$I.jsonl 2> s$N-$I.err &
		else
			GOABI_DEBUG_STATS=1 G --json --cache "$C2" --shard $I/$N "${SUB[@]}" > s$N-$I.jsonl 2> s$N-$I.err &
		fi
		pids+=($!)
	done
	wait "${pids[@]}"
	"$GOABI" fleet merge --json s$N-*.jsonl > m$N.json
	check "N=$N concurrent shards sharing one cache, merged = the single-process report ($nsub images)" same "$(same m$N.json)"
	# facts shared across processes: N=1 left a fact entry per base layer in
	# the cache; every later shard reuses it for each ELF file of its images
	# (counted by fleet_oracle.py elf-pairs from the registry's blobs)
	[ $N = 1 ] || check "N=$N on the cache N=1 filled: each shard inspected 0 binaries, reused the facts of every ELF file of its images (registry blobs)" \
		"$N shards ok" "$(python3 - elfpaths.json s$N-*.jsonl <<'PY'
import json, re, sys
paths = json.load(open(sys.argv[1])); good = 0
for f in sys.argv[2:]:
    st = open(f[:-len(".jsonl")] + ".err").read()
    m = re.search(r"binaries inspected (\d+), facts reused (\d+)", st)
    want = sum(len(paths[o["digest"]]) for o in map(json.loads, open(f)) if o["status"] == "read")
    if m and int(m.group(1)) == 0 and int(m.group(2)) == want:
        good += 1
    else:
        print(f, m and m.groups(), "want 0", want, file=sys.stderr)
print("%d shards ok" % good)
PY
)"
	check "N=$N: each shard did the images docs/fleet.md assigns it (sha256 digits mod N, recomputed)" 0 "$(python3 - $N s$N-*.jsonl <<'PY'
import json, sys
n = int(sys.argv[1]); bad = 0
for f in sys.argv[2:]:
    i = int(f.rsplit("-", 1)[1].split(".")[0])
    for o in map(json.loads, open(f)):
        bad += int(o["digest"].split(":")[1][:16], 16) % n + 1 != i
print(bad)
PY
)"
done
# a damaged fact entry is a miss, never trusted: one with a byte changed, one
# cut short (a torn write), one layer's entry under another layer's name, and
# one whose checksum matches content that is not facts (rewritten here with
# its header's sha256 recomputed); their images' binaries are inspected again
# (as many as their ELF files), the lines are the single-process ones, and
# the entries are written anew
read -r dA dB dC dD lA lB lC lD < <(python3 - pushed.json <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
im = {}
for i in p["images"]:
    if i["repo"] in ("fleet/r00", "fleet/r01", "fleet/r02"):
        im.setdefault(i["base"], i)
b = [im[k] for k in ("glibc", "oldglibc", "musl")]
# the scratch base: the arm64 image of the index (fleet/multi)
print(" ".join(["fleet/r00@" + b[0]["digest"], "fleet/r01@" + b[1]["digest"], "fleet/r02@" + b[2]["digest"],
                "fleet/multi@" + p["index"]["platforms"]["linux/arm64"]] +
               [p["bases"][x["base"]][7:] for x in b] + [p["bases"]["scratch"][7:]]))
PY
)
FD=$C2/goabi-facts-v1/sha256
fA=$(ls "$FD/$lA".* 2>/dev/null | head -1) fB=$(ls "$FD/$lB".* 2>/dev/null | head -1)
fC=$(ls "$FD/$lC".* 2>/dev/null | head -1) fD=$(ls "$FD/$lD".* 2>/dev/null | head -1)
if [ -f "$fA" ] && [ -f "$fB" ] && [ -f "$fC" ] && [ -f "$fD" ]; then
	cp "$fA" "$fC.new" && mv "$fC.new" "$fC"
	printf 'X' | dd of="$fA" bs=1 seek=$(( $(stat -c %s "$fA") - 300 )) conv=notrunc 2>/dev/null
	truncate -s $(( (512 + $(stat -c %s "$fB")) / 2 )) "$fB"
	python3 - "$fD" <<'PY'
import hashlib, json, sys
raw = open(sys.argv[1], "rb").read()
j = json.loads(raw[512:])
j["files"][0]["facts"]["needed"] = "libc.so.6"  # a string where a list belongs
body = json.dumps(j).encode()
hdr = raw[:512].decode().split("\n")[:3] + ["content sha256:" + hashlib.sha256(body).hexdigest(), ""]
open(sys.argv[1], "wb").write("\n".join(hdr).encode().ljust(512, b"\n") + body)
PY
	GOABI_DEBUG_STATS=1 G --json --cache "$C2" "docker://$R/$dA" "docker://$R/$dB" "docker://$R/$dC" "docker://$R/$dD" > bad.jsonl 2> bad.err
	check "damaged fact entries (byte changed, cut short, another layer's, checksum right but not facts): each named in a warning, binaries inspected = the images' ELF files (registry blobs), lines = the single run's, entries rewritten and verifying" \
		"4 ok same 0" "$(python3 - elfpaths.json bad.jsonl single.jsonl bad.err "$FD" <<'PY'
import json, re, sys
paths = json.load(open(sys.argv[1]))
warned = set()
def norm(f):
    r = {}
    for o in map(json.loads, open(f)):
        s = o.get("summary", {})
        for k in [k for k in s if k in ("cached_layers", "bytes_read") or k.startswith("warning[")]:
            m = re.match(r"cache entry '(%s/[^']*)' (does not verify|verifies but holds no usable facts)" % re.escape(sys.argv[5]), str(s[k]))
            if m:
                warned.add(m.group(1))
            del s[k]
        del o["references"]  # asked by digest here, by tag in the single run
        r[o["digest"]] = o
    return r
bad, ref = norm(sys.argv[2]), norm(sys.argv[3])
print(len(warned), end=" ")
m = re.search(r"binaries inspected (\d+),", open(sys.argv[4]).read())
want = sum(len(paths[d]) for d in bad)
print("ok" if m and int(m.group(1)) == want and len(bad) == 4 else "inspected %s, want %d" % (m and m.group(1), want),
      "same" if all(bad[d] == ref[d] for d in bad) else "differ")
PY
) $(python3 "$ORA" cache-verify "$C2" | head -1 | cut -d' ' -f3)"
	# an entry whose checksum verifies but whose file list is longer than a
	# process keeps (262,145 entries, each {}): refused before anything is
	# sized from it, named in a warning, its files inspected again
	python3 - "$fA" "$fD" <<'PY'
import hashlib, json, sys
for f in sys.argv[1:]:
  raw = open(f, "rb").read()
  j = json.loads(raw[512:])
  j["files"] = [{}] * 262145
  body = json.dumps(j).encode()
  hdr = raw[:512].decode().split("\n")[:3] + ["content sha256:" + hashlib.sha256(body).hexdigest(), ""]
  open(f, "wb").write("\n".join(hdr).encode().ljust(512, b"\n") + body)
PY
	GOABI_DEBUG_STATS=1 G --json --cache "$C2" "docker://$R/$dA" "docker://$R/$dD" > long.jsonl 2> long.err
	check "verifying fact entries listing 262,145 files: each warned, not used (the images' ELF files inspected, registry blobs), lines = the single run's" \
		"2 ok same" "$(python3 - elfpaths.json long.jsonl single.jsonl long.err "$FD" <<'PY'
import json, re, sys
paths = json.load(open(sys.argv[1]))
warned = 0
def norm(f):
    r = {}
    for o in map(json.loads, open(f)):
        s = o.get("summary", {})
        for k in [k for k in s if k in ("cached_layers", "bytes_read") or k.startswith("warning[")]:
            if sys.argv[5] in str(s[k]) and "holds no usable facts" in str(s[k]):
                globals()["warned"] += 1
            del s[k]
        del o["references"]
        r[o["digest"]] = o
    return r
got, ref = norm(sys.argv[2]), norm(sys.argv[3])
m = re.search(r"binaries inspected (\d+),", open(sys.argv[4]).read())
want = sum(len(paths[d]) for d in got)
print(warned, "ok" if m and int(m.group(1)) == want and len(got) == 2 else "inspected %s, want %d" % (m and m.group(1), want),
      "same" if all(got[d] == ref[d] for d in got) else "differ")
PY
)"
else
	notok "fact entries of the four base layers missing from $FD: $(ls "$FD" 2>&1 | head -3)"
	notok "verifying fact entries listing 262,145 files: no entries to change"
fi
# a shard killed mid-run (kill -9), then run again
# (the binary itself in the background, not the G function: kill -9 must reach goabi, not a subshell)
"$GOABI" image --no-progress --json --cache "$TMPD/cache3" --shard 1/2 "${SUB[@]}" > k1.jsonl &
kp=$!
for i in $(seq 400); do [ "$(grep -c . k1.jsonl)" -ge 1 ] && break; sleep 0.02; done
kill -9 $kp 2>/dev/null
wait $kp 2>/dev/null
kn=$(grep -c . k1.jsonl)
[ "$kn" -lt "$(grep -c . s2-1.jsonl)" ] || echo "# the shard finished before the kill ($kn lines)" >&2
G --json --cache "$TMPD/cache3" --shard 1/2 "${SUB[@]}" > k1b.jsonl
"$GOABI" fleet merge --json k1.jsonl k1b.jsonl s2-2.jsonl > mk.json 2> mk.err
check "shard killed after $kn of $(grep -c . s2-1.jsonl) lines, rerun: merged = the single-process report" "same 1" \
	"$(same mk.json) $([ "$kn" -lt "$(grep -c . s2-1.jsonl)" ] && echo 1 || echo "0: the kill came after the end")"

lap shards
# the same with --resume FILE: the rerun appends only the images the killed run did not finish
"$GOABI" image --no-progress --json --cache "$TMPD/cache3" --shard 1/2 --resume r1.jsonl "${SUB[@]}" &
kp=$!
for i in $(seq 400); do rn=$(grep -c . r1.jsonl 2>/dev/null); [ "${rn:-0}" -ge 1 ] && break; sleep 0.02; done
kill -9 $kp 2>/dev/null
wait $kp 2>/dev/null
rn=$(grep -c . r1.jsonl)
G --json --cache "$TMPD/cache3" --shard 1/2 --resume r1.jsonl "${SUB[@]}"
"$GOABI" fleet merge --json r1.jsonl s2-2.jsonl > mr.json 2> mr.err
check "--resume: killed after $rn lines, rerun appends the rest once each; merged = the single-process report" \
	"same $(grep -c . s2-1.jsonl)" "$(same mr.json) $(python3 -c '
import json, sys
keys = []
for l in open("r1.jsonl"):
    try:
        keys.append(json.loads(l)["key"])
    except ValueError:
        pass
print(len(set(keys)) if len(keys) == len(set(keys)) else "duplicates")')"
lap killed shards
# ---- --from-list (stdin), dedup, --platform ----
d0=$(jget pushed.json 'j["images"][0]["digest"]')
printf '%s\n' "# a comment" "docker://$R/fleet/r00:v0" "" "docker://$R/fleet/r00:alias0" "docker://$R/fleet/r00@$d0" |
	G --json --from-list - > list.jsonl
check "--from-list -: three references to one digest are one image listing all three" \
	"1 $d0 3" "$(python3 -c 'import json; l=[json.loads(x) for x in open("list.jsonl")]; print(len(l), l[0]["digest"], len(l[0]["references"]))')"
G --json --platform linux/arm64 "docker://$R/fleet/multi:1" "docker://$R/fleet/r00:v0" > plat.jsonl
check "--platform linux/arm64: only that platform of the index (and the single-platform image)" \
	"$(jget pushed.json 'j["index"]["platforms"]["linux/arm64"]') linux/arm64" \
	"$(python3 -c 'import json; [print(o["digest"], o["platform"]) for o in map(json.loads, open("plat.jsonl")) if "multi" in o["references"][0]]')"

# ---- Bearer front; a rate-limiting and a silent server in the same run ----
python3 "$FRONT" front "$TMPD/front.port" "http://$R" "$TMPD/front.log" --anonymous --scoped & PIDS+=($!)
python3 "$FRONT" ratelimit "$TMPD/rl.port" "$TMPD/rl.log" & PIDS+=($!)
python3 "$FRONT" stall "$TMPD/stall.port" & PIDS+=($!)
wait_file "$TMPD/front.port" && wait_file "$TMPD/rl.port" && wait_file "$TMPD/stall.port" || notok "test servers did not start"
read -r FP BP < "$TMPD/front.port"
t=$(date +%s.%N)
# the front's catalog and tag lists need tokens of their own scope (registry:catalog:*, repository:REPO:pull)
G --json --timeout 2 "docker://127.0.0.1:$FP/fleet/r01*" "docker://127.0.0.1:$(cat "$TMPD/rl.port")/fleet/r00:v0" \
	"docker://127.0.0.1:$(cat "$TMPD/stall.port")/fleet/r00:v0" > fail.jsonl
rc=$?
el=$(python3 -c "print(round($(date +%s.%N)-$t,1))")
ncat=$(grep -c '^token anonymous registry:catalog:\*$' "$TMPD/front.log")
# oracle: the listing the front gives curl with a token per scope
ftok() { curl -s "http://127.0.0.1:$FP/token?service=goabi-test&scope=$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
curl -s -H "Authorization: Bearer $(ftok 'registry:catalog:*')" "http://127.0.0.1:$FP/v2/_catalog?n=1000" > fcat.json
: > frefs.txt
for repo in $(jget fcat.json '" ".join(r for r in j["repositories"] if r.startswith("fleet/r01"))'); do
	curl -s -H "Authorization: Bearer $(ftok "repository:$repo:pull")" "http://127.0.0.1:$FP/v2/$repo/tags/list" |
		python3 -c 'import json,sys; j=json.load(sys.stdin); [print("127.0.0.1:'"$FP"'/%s:%s" % (j["name"], t)) for t in j["tags"]]' >> frefs.txt
done
check "catalog behind Bearer tokens (scoped: a token opens only its scope): docker://FRONT/fleet/r01* lists the references curl lists with tokens ($(grep -c . frefs.txt)), a registry:catalog:* token asked" \
	"$(sort frefs.txt | tr '\n' ' ') 1" \
	"$(python3 -c 'import json; [print(r) for o in map(json.loads, open("fail.jsonl")) for r in o["references"] if "'":$FP/"'" in r]' | sort | tr '\n' ' ') $([ "$ncat" -ge 1 ] && echo 1 || echo 0)"
check "Bearer front (token, blobs on another origin): every tag of fleet/r01 read, digests the registry's" 0 "$(python3 - truth.json fail.jsonl "$FP" "$P" <<'PY'
import json, sys
t = json.load(open(sys.argv[1])); fp, p = sys.argv[3], sys.argv[4]
want = {d: [r.replace(":" + p + "/", ":" + fp + "/") for r in e["refs"] if "/fleet/r01:" in r] for d, e in t.items()}
want = {d: r for d, r in want.items() if r}
got = {o["digest"]: o["references"] for o in map(json.loads, open(sys.argv[2])) if o["status"] == "read"}
print(int(got != want))
PY
)"
check "rate-limited (429) and silent servers: two images unread with the reason, exit 2" "2 429 timed 2" "$(python3 -c '
import json
l=[o for o in map(json.loads, open("fail.jsonl")) if o["status"]=="unread"]
r=" ".join(o["reason"] for o in l)
print(len(l), "429" if "429" in r else r[:80], "timed" if "timed out" in r else r[:80], end="")
') $rc"
check "429 with Retry-After: 1 honoured a bounded number of times (1 + 4 retries, >= 1 s apart)" "5 1" "$(python3 -c '
t=[float(l.split()[1]) for l in open("'"$TMPD"'/rl.log")]
print(len(t), int(all(b-a>=0.95 for a,b in zip(t,t[1:]))))')"
echo "# failure run: $el s" >&2

lap failures
# ---- the cache under concurrent writers killed at random points ----
C4=$TMPD/cache4
kills=0
for round in 1 2 3; do
	pids=()
	for w in 1 2 3 4; do
		# half the writers without O_TMPFILE (named temp file + rename)
		GOABI_CACHE_NO_TMPFILE=$((w % 2)) "$GOABI" image --no-progress --json --cache "$C4" --shard $w/4 "${SUB[@]}" > /dev/null 2>&1 &
		pids+=($!)
	done
	sleep "0.$((RANDOM % 9 + 1))"
	for p in "${pids[@]}"; do [ $((RANDOM % 4)) != 0 ] && kill -9 "$p" 2>/dev/null && kills=$((kills + 1)); sleep 0.0$((RANDOM % 9)); done
	wait "${pids[@]}" 2>/dev/null
done
read -r vok vtmp vbad vfacts < <(python3 "$ORA" cache-verify "$C4" | head -1)
check "after 3 rounds of 4 writers, $kills killed (kill -9) at random points: every entry verifies (sha256 re-hashed; $vok entries of which $vfacts fact entries, $vtmp temp files)" 0 "$vbad"
G --json --cache "$C4" "${SUB[@]}" > c4.jsonl 2> c4.err
"$GOABI" fleet merge --json c4.jsonl > m4.json
check "a run on that cache gives the single-process report, no entry rejected" "same 0" "$(same m4.json) $(grep -c 'does not verify' c4.err)"
lap cache stress
# --cache-max: least recently used entries evicted
C5=$TMPD/cache5
big=$(python3 "$ORA" cache-verify "$C1" >/dev/null; find "$C1" -type f -printf '%s\n' | sort -n | tail -1)
max=$((big * 3 / 2))
# one run per image, in order: a run of several images need not read them
# in the order given, so "the last image" is the last run's
for ref in r00:v0 r01:v1 r02:v2; do
	G --json --cache "$C5" --cache-max $max "docker://$R/fleet/$ref" > /dev/null
done
# the last image's layers are the most recently used layer entries (only
# small fact entries are written after them), so LRU keeps the one used
# last whatever the sizes. Which one that is varies: a cached base layer is
# opened (and touched) by one worker while another publishes the top one
# (CI saw the top evicted, its base kept: 16.0 of 26.3 MB); older images'
# layers go first
kept=0 names=""
for l in $(jget pushed.json '" ".join([i for i in j["images"] if i["tags"][0]=="v2"][0]["layers"])'); do
	names="$names ${l:7:12}"
	[ -f "$C5/goabi-layers-v1/sha256/${l:7}" ] && kept=$((kept + 1))
done
older=0
for l in $(jget pushed.json '" ".join(sorted(set(x for i in j["images"] if i["tags"][0] in ("v0", "v1") for x in i["layers"]) - set([i for i in j["images"] if i["tags"][0]=="v2"][0]["layers"])))'); do
	[ -f "$C5/goabi-layers-v1/sha256/${l:7}" ] && older=$((older + 1))
done
total=$(find "$C5" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
[ "$total" -le "$max" ] && [ "$kept" -ge 1 ] && { [ "$older" -eq 0 ] || [ "$kept" -eq "$(wc -w <<< "$names")" ]; } &&
	ok "--cache-max $max: cache holds $total bytes; of the last image's layers ($names) $kept kept, of the older images' own $older" ||
	notok "--cache-max $max: $total bytes; of the last image's layers ($names) $kept kept, of the older images' own $older"
python3 "$ORA" cache-verify "$C5" | head -1 | grep -q ' 0 [0-9]*$' && ok "--cache-max: the entries left verify" || notok "--cache-max left a bad entry"

# ---- usage ----
G --shard 3/2 "docker://$R/fleet/r00:v0" > /dev/null 2>&1; rc1=$?
env -u JOB_COMPLETION_INDEX "$GOABI" image --shard-count 4 "docker://$R/fleet/r00:v0" > /dev/null 2>&1; rc2=$?
check "--shard 3/2 and --shard-count without \$JOB_COMPLETION_INDEX: usage errors (exit 2)" "2 2" "$rc1 $rc2"
head -c 1500 s2-1.jsonl > torn.jsonl
"$GOABI" fleet merge --json torn.jsonl > /dev/null 2> torn.err; rc=$?
grep -q "incomplete (a killed shard?)" torn.err && [ $rc != 2 -o -s torn.err ] && ok "fleet merge skips a torn last line, naming it" ||
	notok "torn line: rc=$rc $(head -2 torn.err)"
# ---- docs/fleet.md's Kubernetes manifest, decoded strictly with the Kubernetes API types ----
GO=/usr/local/go/bin/go
if [ -x "$GO" ] && (cd "$TOP/tests/fleet/k8scheck" && timeout 300 "$GO" build -o "$TMPD/k8scheck" .) > k8s.build 2>&1; then
	out=$("$TMPD/k8scheck" "$TOP/docs/fleet.md")
	check "docs/fleet.md Indexed Job: yaml.UnmarshalStrict into batch/v1 Job, completionMode Indexed, --shard-count = completions" \
		"ok completions=8 parallelism=8" "$out"
	sed 's/^  completionMode: Indexed$/  completionMode: Indexed\n  completionMod: Indexed/' "$TOP/docs/fleet.md" > bad.md
	"$TMPD/k8scheck" bad.md > bad.out 2>&1 && notok "k8scheck accepted a misspelt field" ||
		check "k8scheck is strict: a misspelt field is rejected" 1 "$(grep -c 'unknown field "completionMod"' bad.out)"
else
	skip "docs/fleet.md Indexed Job decoded with k8s.io/api" "Go 1.26 or the module proxy unavailable: $(tail -1 k8s.build 2>/dev/null)"
	skip "k8scheck is strict" "not built"
fi
echo "# t-fleet.sh: $(python3 -c "print(round($(date +%s.%N)-$T0,1))") s" >&2
