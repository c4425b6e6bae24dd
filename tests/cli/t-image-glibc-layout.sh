#!/bin/bash
# goabi image's header (libc, loaders) on the glibc file layout before 2.34:
# bullseye (2.31), focal, EL8 ship the C library as libc-2.31.so and the
# loader as ld-2.31.so, with libc.so.6 and ld-linux-x86-64.so.2 as symlinks
# to them. No older glibc is reachable here (only bookworm's archive), so
# the layout is built from this system's own glibc: its libc.so.6 and
# ld-linux-x86-64.so.2 copied as libc-V.so and ld-V.so behind those
# symlinks (and /lib64's), plus /bin/true. Oracles: readelf -V of the real
# file behind the symlink (newest GLIBC_2.* version definition), readelf -d
# (SONAMEs), and the image's loader in list mode inside a chroot.
. "$(dirname "$0")/../lib.sh"
plan 7
libc=$(readlink -f /lib/x86_64-linux-gnu/libc.so.6) ld=$(readlink -f /lib64/ld-linux-x86-64.so.2)
if [ "$(uname -m)" != x86_64 ] || [ ! -f "$libc" ] || [ ! -f "$ld" ]; then
	for i in 1 2 3 4 5 6 7; do skip "pre-2.34 glibc layout" "needs x86_64 glibc at /lib/x86_64-linux-gnu"; done
	exit 0
fi
newest=$(readelf -VW "$libc" | sed -n '/Version definition section/,/Version needs section/p' | grep -o 'Name: GLIBC_2\.[0-9.]*' | sed 's/Name: GLIBC_//' | sort -V | tail -1)
V=$newest
R=$TMPD/root
L=$R/lib/x86_64-linux-gnu
mkdir -p "$L" "$R/lib64" "$R/bin"
cp "$libc" "$L/libc-$V.so" && ln -s "libc-$V.so" "$L/libc.so.6"
cp "$ld" "$L/ld-$V.so" && ln -s "ld-$V.so" "$L/ld-linux-x86-64.so.2"
ln -s "/lib/x86_64-linux-gnu/ld-$V.so" "$R/lib64/ld-linux-x86-64.so.2"
cp /bin/true "$R/bin/true"
# the schema-2 JSON read per binary (tests/cli/image_v2.py)
ijget() { python3 "$TOP/tests/cli/image_v2.py" "$1" "$2"; }
"$GOABI" image --json "$R" > "$TMPD/j.json"
"$GOABI" image "$R" > "$TMPD/t.txt"

check "readelf -d: the real files' SONAMEs are libc.so.6 and ld-linux-x86-64.so.2" "libc.so.6 ld-linux-x86-64.so.2" \
	"$(readelf -dW "$L/libc-$V.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p') $(readelf -dW "$L/ld-$V.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
check "JSON libc: glibc $V at the file behind libc.so.6 (readelf -V newest GLIBC_2.*)" "glibc $V /lib/x86_64-linux-gnu/libc-$V.so" \
	"$(ijget "$TMPD/j.json" "' '.join(str(x) for l in j['libc'] for x in (l['family'], l['version'], l['path']))")"
check "JSON loaders: the file behind ld-linux-x86-64.so.2" "/lib/x86_64-linux-gnu/ld-$V.so" "$(ijget "$TMPD/j.json" "' '.join(j['loaders'])")"
check "text summary: libc line" "glibc $V (/lib/x86_64-linux-gnu/libc-$V.so)" "$(sed -n 's/^ *libc  *//p' "$TMPD/t.txt" | head -1)"
check "text summary: loaders line" "/lib/x86_64-linux-gnu/ld-$V.so" "$(sed -n 's/^ *loaders  *//p' "$TMPD/t.txt")"
# the per-binary verdict agrees with the loader itself (list mode maps the
# libraries and checks versions without running the program)
if chroot "$R" /lib64/ld-linux-x86-64.so.2 --list /bin/true > /dev/null 2>&1; then want="will start"; else want="will not start"; fi
check "/bin/true: verdict = the image's loader --list in a chroot" "$want" \
	"$(ijget "$TMPD/j.json" "next(b['verdict'] for b in j['binaries'] if b['path']=='/bin/true')")"
# the same files in bookworm's layout (no symlinks) give the same header
B=$TMPD/bookworm
mkdir -p "$B/lib/x86_64-linux-gnu" "$B/lib64" "$B/bin"
cp "$libc" "$B/lib/x86_64-linux-gnu/libc.so.6" && cp "$ld" "$B/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
ln -s /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$B/lib64/ld-linux-x86-64.so.2" && cp /bin/true "$B/bin/true"
check "bookworm layout of the same files: same libc family and version" "glibc $V" \
	"$("$GOABI" image --json "$B" > "$TMPD/b.json"; ijget "$TMPD/b.json" '" ".join(l["family"]+" "+l["version"] for l in j["libc"])')"
