#!/bin/bash
# goabi image on hostile and broken images: names with "..", absolute names,
# symlinks that try to leave the image root, symlink loops, limits, a
# corrupt layer. The oracles: the host files the image tries to reach exist
# (so a leak would change the verdict), the file system after the run
# (nothing created outside $TMPDIR, nothing left in it), tar -tvf of the
# hostile layer, and the exit codes documented in docs/image.md.
. "$(dirname "$0")/../lib.sh"
plan 30
# the schema-2 JSON read per binary (tests/cli/image_v2.py)
ijget() { python3 "$TOP/tests/cli/image_v2.py" "$1" "$2"; }
F=$FIX/image
if [ ! -d "$F/musl" ]; then
	notok "image fixtures missing (tests/fixtures/build-image.sh)"
	exit 0
fi
W=$TMPD/work
mkdir -p "$W/tmp" "$W/cwd"
cd "$W/cwd" || exit 0
python3 - "$F/bin" "$W" <<'PY'
import io, sys, tarfile
B, W = sys.argv[1], sys.argv[2]
def ti(name, t=tarfile.REGTYPE, size=0, link=""):
    x = tarfile.TarInfo(name); x.type, x.size, x.linkname, x.mode = t, size, link, 0o755
    return x
hello = open(B + "/hello-c", "rb").read()
with tarfile.open(W + "/evil.tar", "w", format=tarfile.GNU_FORMAT) as tf:
    tf.addfile(ti("../../escape-file", size=len(hello)), io.BytesIO(hello))
    tf.addfile(ti("/abs/evil", size=len(hello)), io.BytesIO(hello))
    tf.addfile(ti("bin/hello-c", size=len(hello)), io.BytesIO(hello))
    # the host has /lib64/ld-linux-x86-64.so.2: resolving it there would be a leak
    tf.addfile(ti("lib64/", tarfile.DIRTYPE))
    tf.addfile(ti("lib64/ld-linux-x86-64.so.2", tarfile.SYMTYPE, link="../../../../../../lib64/ld-linux-x86-64.so.2"))
    tf.addfile(ti("etc/", tarfile.DIRTYPE))
    tf.addfile(ti("etc/ld.so.conf", tarfile.SYMTYPE, link="/etc/ld.so.conf"))
    tf.addfile(ti("loop/", tarfile.DIRTYPE))
    tf.addfile(ti("loop/a", tarfile.SYMTYPE, link="b"))
    tf.addfile(ti("loop/b", tarfile.SYMTYPE, link="a"))
    tf.addfile(ti("bin/via-loop", tarfile.SYMTYPE, link="/loop/a"))
    tf.addfile(ti("bin/passwd-link", tarfile.LNKTYPE, link="../../../etc/passwd"))
# a chain of 3 symlinks to the musl loader, for --max-symlinks
musl = open(B + "/hello-musl", "rb").read()
ld = open("/lib/ld-musl-x86_64.so.1", "rb").read()
with tarfile.open(W + "/chain.tar", "w") as tf:
    tf.addfile(ti("lib/", tarfile.DIRTYPE))
    tf.addfile(ti("lib/real-ld", size=len(ld)), io.BytesIO(ld))
    tf.addfile(ti("lib/l3", tarfile.SYMTYPE, link="real-ld"))
    tf.addfile(ti("lib/l2", tarfile.SYMTYPE, link="l3"))
    tf.addfile(ti("lib/ld-musl-x86_64.so.1", tarfile.SYMTYPE, link="l2"))
    tf.addfile(ti("bin/", tarfile.DIRTYPE))
    tf.addfile(ti("bin/hello", size=len(musl)), io.BytesIO(musl))
PY

# 1. names with ".." are refused, absolute names stay inside, nothing leaks out
TMPDIR=$W/tmp "$GOABI" image --json -v "$W/evil.tar" > evil.json 2> evil.err; rc=$?
check "'..' entry: exit 2 (image not read completely)" 2 "$rc"
if grep -q "'\.\.' component" evil.err; then ok "'..' entry named in the error"; else notok "no '..' error: $(cat evil.err)"; fi
if tar -tvf "$W/evil.tar" 2>/dev/null | grep -q '\.\./\.\./escape-file'; then ok "tar -tvf shows the '..' entry the layer really has"; else notok "fixture lacks the '..' entry"; fi
left=$(find "$TMPD" -name escape-file | wc -l)
check "no file created outside the image by the '..' entry" 0 "$left"
check "nothing left in \$TMPDIR after the run" "" "$(ls -A "$W/tmp")"
check "nothing created in the working directory" "evil.err evil.json" "$(ls | tr '\n' ' ' | sed 's/ $//')"
paths=$(ijget evil.json '" ".join(sorted(b["path"] for b in j["binaries"]))')
check "absolute entry name /abs/evil lands inside the image" "/abs/evil /bin/hello-c" "$paths"
[ -e /lib64/ld-linux-x86-64.so.2 ] && ok "the host has /lib64/ld-linux-x86-64.so.2 (a leak would find it)" || notok "host lacks the loader"
reason=$(ijget evil.json '[b["reason"] for b in j["binaries"] if b["path"]=="/bin/hello-c"][0]')
case $reason in
*"ld-linux-x86-64.so.2"*symlink*) ok "escaping symlink stays inside: interpreter unresolvable ($reason)" ;;
*) notok "escaping symlink: unexpected reason '$reason'" ;;
esac
check "hello-c in the hostile image will not start" "will not start" \
	"$(ijget evil.json '[b["verdict"] for b in j["binaries"] if b["path"]=="/bin/hello-c"][0]')"
if grep -q "passwd" evil.err; then ok "hard link to ../../../etc/passwd refused"; else notok "hard link not reported: $(cat evil.err)"; fi

# 2. symlink depth limit
"$GOABI" image --json "$W/chain.tar" > chain.json 2>/dev/null
check "3 chained symlinks to the loader resolve with the default limit" "will start" \
	"$(ijget chain.json '[b["verdict"] for b in j["binaries"] if b["path"]=="/bin/hello"][0]')"
"$GOABI" image --json --max-symlinks 2 "$W/chain.tar" > chain2.json 2>/dev/null
r=$(ijget chain2.json '[b["reason"] for b in j["binaries"] if b["path"]=="/bin/hello"][0]')
case $r in *"too many symlinks"*) ok "--max-symlinks 2: the chain of 3 is refused ($r)" ;; *) notok "--max-symlinks 2: '$r'" ;; esac

# 3. limits stop reading with a clear error and exit 2
"$GOABI" image --max-entries 5 "$F/glibc" > /dev/null 2> lim.err; rc=$?
check "--max-entries 5 on a 300-entry rootfs: exit 2" 2 "$rc"
grep -q -- "--max-entries" lim.err && ok "limit error names --max-entries" || notok "limit error: $(cat lim.err)"
python3 "$TOP/tests/fixtures/src/image/mkimage.py" "$F" "$W/img" > /dev/null
"$GOABI" image --max-size 1M "$W/img/docker.tar" > /dev/null 2> size.err; rc=$?
check "--max-size 1M on a 5 MB image: exit 2" 2 "$rc"
grep -q -- "--max-size" size.err && ok "limit error names --max-size" || notok "size error: $(cat size.err)"
"$GOABI" image --max-path 8 "$F/musl" > /dev/null 2> path.err; rc=$?
check "--max-path 8: exit 2" 2 "$rc"

# 4. a corrupt layer: a diagnostic, the other layers still checked
cp -r "$W/img/layout" "$W/corrupt"
l2=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][1]["digest"].split(":")[1])' \
	"$W/corrupt/blobs/sha256/$(python3 -c 'import json,sys; print([m for m in json.load(open(sys.argv[1]))["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"]=="app"][0]["digest"].split(":")[1])' "$W/corrupt/index.json")")
f=$W/corrupt/blobs/sha256/$l2
head -c $(( $(stat -c %s "$f") / 2 )) "$f" > "$f.cut" && mv "$f.cut" "$f"
if gzip -t "$f" 2>/dev/null; then notok "truncated layer still passes gzip -t"; else ok "layer 2 is corrupt (gzip -t fails)"; fi
# stdin a regular file: a node left with fd 0 once mapped it (SIGBUS, the
# "known flake" of make mutate, whose stdin is a file)
"$GOABI" image --json --ref app "$W/corrupt" > corrupt.json 2> corrupt.err < "$TOP/README.md"; rc=$?
check "corrupt layer: exit 2" 2 "$rc"
grep -q "layer 2" corrupt.err && ok "the diagnostic names layer 2" || notok "corrupt: $(cat corrupt.err)"
check "layer 1 and 3 are still checked (/usr/bin/hello-musl from layer 1)" "will start" \
	"$(ijget corrupt.json '([b["verdict"] for b in j["binaries"] if b["path"]=="/usr/bin/hello-musl"] or ["absent"])[0]')"
check "layer 3 still applied (whiteout of /app/cgo-glibc)" 0 \
	"$(ijget corrupt.json 'len([b for b in j["binaries"] if b["path"]=="/app/cgo-glibc"])')"
# schema 2: the read was incomplete, so the verdict is "error" (exit 2) and
# the diagnostic is an error of the result, naming layer 2 as on stderr
check "corrupt layer: schema-2 verdict_class error, read incomplete" "error incomplete" \
	"$(ijget corrupt.json 'j["raw"]["verdict_class"] + " " + j["image"]["read"]')"
check "corrupt layer: the JSON errors name layer 2" True \
	"$(ijget corrupt.json 'any("layer 2" in e["message"] for e in j["errors"])')"

# 5. not an image at all
printf 'not a tar\n' > junk
"$GOABI" image junk > /dev/null 2> junk.err; rc=$?
check "a file that is no tar: exit 2" 2 "$rc"
grep -q "junk" junk.err && ok "the error names the file" || notok "junk: $(cat junk.err)"

# 6. an ld.so.conf that includes itself on every line (glibc's ldconfig
# reads such a file again at each level: lines^depth reads). A file read
# again adds no directory (ld.so.conf(5): each directory is searched at its
# first place), so the verdicts are those of the same root whose ld.so.conf
# only has its own lines; and it finishes (timeout 60 s).
if [ -f "$F/glibc/etc/ld.so.conf" ]; then
	cp -a "$F/glibc" "$W/loop"
	{ for i in $(seq 30); do echo "include /etc/ld.so.conf"; done; cat "$F/glibc/etc/ld.so.conf"; } > "$W/loop/etc/ld.so.conf"
	timeout 60 "$GOABI" image --json --no-progress "$W/loop" > loop.json 2> loop.err; rc=$?
	"$GOABI" image --json --no-progress "$F/glibc" > plain.json 2> /dev/null; prc=$?
	check "self-including ld.so.conf (30 lines): finishes with the plain root's exit code (not timed out)" "$prc" "$rc"
	# per verdict: how many binaries, and a digest of their (path, verdict) list
	q='[(v, n) for v, n in sorted(__import__("collections").Counter(b["verdict"] for b in j["binaries"]).items())] + [__import__("hashlib").sha256(repr(sorted((b["path"], b["verdict"]) for b in j["binaries"])).encode()).hexdigest()[:16]]'
	check "self-including ld.so.conf: every binary's verdict as with the plain ld.so.conf" \
		"$(ijget plain.json "$q")" "$(ijget loop.json "$q" 2>/dev/null)"
	check "the plain root has binaries to compare" True "$(ijget plain.json 'len(j["binaries"]) > 3')"
else
	for i in 1 2 3; do skip "self-including ld.so.conf $i" "glibc image fixture has no etc/ld.so.conf"; done
fi
