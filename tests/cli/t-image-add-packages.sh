#!/bin/bash
# goabi image ROOT --add PKG (issue 24: release packages as inputs to image
# --add): a .deb, .rpm or .apk given to --add puts the package's files at
# their paths in the image, as its package manager installs them (symlinks
# kept, files through the image's /lib -> usr/lib symlink), in a fresh layer.
# Root: a Debian bookworm minbase root filesystem (debootstrap
# --variant=minbase, the tarball tests/fixtures/build-nss.sh caches).
# Packages: Debian's jq (C, needs libjq1 and libonig5, absent from minbase),
# runc (Go with cgo, needs libseccomp2, absent), then the same with those
# three library packages added (pinned in tests/realworld/pkgsyft.tsv); an
# rpm built with nfpm (tests/cli/t-packages-rpm-apk.sh builds nfpm) holding a
# cgo Go program, a musl program, and a program with the library it needs at
# /lib/x86_64-linux-gnu (under the root's /lib symlink).
# Oracles: the packages' own file lists (dpkg-deb -c, rpm2cpio | cpio -t) and
# the real loader: the root with the packages installed (dpkg-deb -x,
# rpm2cpio | cpio -idm --no-absolute-filenames) asked `ld.so --list` for each program in a chroot
# (it maps the dependencies and checks symbol versions; it runs nothing).
. "$(dirname "$0")/../lib.sh"
DEB="${GOABI_CACHE:-$HOME/.cache/goabi}/deb"
MB="${GOABI_CACHE:-$HOME/.cache/goabi}/nss/bookworm-minbase.tar.gz"
NFPM=${GOABI_CACHE:-$HOME/.cache/goabi}/nfpm/bin/nfpm
plan 21
deb() { ls "$DEB"/"$1"_*_amd64.deb 2> /dev/null | head -1; }
JQ=$(deb jq) RUNC=$(deb runc) LIBJQ=$(deb libjq1) ONIG=$(deb libonig5) SECCOMP=$(deb libseccomp2)
if [ ! -f "$MB" ] || [ "$(id -u)" != 0 ] || [ -z "$JQ" ] || [ -z "$RUNC" ] || [ -z "$LIBJQ" ] || [ -z "$ONIG" ] || [ -z "$SECCOMP" ]; then
	for i in $(seq 1 21); do
		skip "image --add packages $i" "needs root (chroot), the minbase tarball $MB (tests/fixtures/build-nss.sh) and jq, runc, libjq1, libonig5, libseccomp2 (tests/fetch-deb.sh, tests/realworld/pkgsyft.tsv)"
	done
	exit 0
fi
R=$TMPD/root
mkdir -p "$R" && tar -xzf "$MB" -C "$R" 2> /dev/null
check "minbase root: /lib is the usr-merge symlink (readlink)" usr/lib "$(readlink "$R/lib")"
# loader ROOT PATH: what the root's own loader says of PATH (ld.so --list in a chroot)
loader() {
	local interp out rc
	interp=$(readelf -lW "$1$2" 2> /dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	[ -z "$interp" ] && { echo "will start"; return; } # static
	python3 -c 'import os,sys; os.chroot(sys.argv[1]); sys.exit(0 if os.path.exists(sys.argv[2]) else 1)' "$1" "$interp" ||
		{ echo "will not start"; return; }
	out=$(chroot "$1" "$interp" --list "$2" 2>&1); rc=$?
	if [ $rc -ne 0 ] || grep -Eq "not found|Error loading|cannot open|version .* not found" <<< "$out"; then echo "will not start"; else echo "will start"; fi
}
# goabi's verdict on PATH in image JSON ("may fail" counts as starting: the loader maps it)
verdict() {
	jget "$1" "next((('will start' if b['verdict']=='may fail' else b['verdict']) for b in j['judged'] if b.get('member')=='$2'), 'absent')"
}
# the ELF files a package installs (its own listing + the ELF magic of the extracted copy)
elfs_in() { # LIST-FILE ROOT
	while IFS= read -r f; do
		[ -f "$2$f" ] && [ ! -L "$2$f" ] && [ "$(head -c4 "$2$f" | od -An -c | tr -d ' ')" = '177ELF' ] && echo "$f"
	done < "$1" | sort
}
debfiles() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./|/|'; }

# ---- 1. jq and runc alone: their libraries are not in minbase
"$GOABI" image --json "$R" --add "$JQ" --add "$RUNC" > "$TMPD/a.json" 2> "$TMPD/a.err"
rc=$?
check "jq + runc .debs: exit 1 (a binary will not start)" 1 "$rc"
{ debfiles "$JQ"; debfiles "$RUNC"; } > "$TMPD/a.list"
I1=$TMPD/i1
cp -al "$R" "$I1" && dpkg-deb -x "$JQ" "$I1" && dpkg-deb -x "$RUNC" "$I1"
want=$(elfs_in "$TMPD/a.list" "$I1")
check "jq + runc: their ELF files judged at their paths (oracle: dpkg-deb -c, -x)" "$want" \
	"$(jget "$TMPD/a.json" "'\n'.join(sorted(b['member'] for b in j['judged'] if b['member'] in '''$want'''.split()))")"
for p in /usr/bin/jq /usr/sbin/runc; do
	check "jq + runc: $p $(loader "$I1" "$p") (oracle: ld.so --list in the root with dpkg-deb -x)" "$(loader "$I1" "$p")" "$(verdict "$TMPD/a.json" "$p")"
done
check "jq + runc: jq's finding names libjq.so.1 missing (ld.so: not found)" yes \
	"$(jget "$TMPD/a.json" "'yes' if any('libjq.so.1' in f['message'] for f in j['findings'] if f.get('subject',{}).get('member')=='/usr/bin/jq') else 'no'")"
check "jq + runc: no --add diagnostic (the packages read)" "" "$(grep -i "add" "$TMPD/a.err" | head -1)"

# ---- 2. with the library packages: everything starts
"$GOABI" image --json "$R" --add "$JQ" --add "$RUNC" --add "$LIBJQ" --add "$ONIG" --add "$SECCOMP" > "$TMPD/b.json" 2> "$TMPD/b.err"
rc=$?
I2=$TMPD/i2
cp -al "$I1" "$I2" && for d in "$LIBJQ" "$ONIG" "$SECCOMP"; do dpkg-deb -x "$d" "$I2"; done
for p in /usr/bin/jq /usr/sbin/runc; do
	check "+ libjq1, libonig5, libseccomp2: $p $(loader "$I2" "$p") (oracle: ld.so --list)" "$(loader "$I2" "$p")" "$(verdict "$TMPD/b.json" "$p")"
done
check "+ libraries: exit 0 (ld.so --list: every binary of the root starts)" 0 "$rc"
# the resolved paths: through the packages' symlinks (libjq.so.1 -> libjq.so.1.0.4), as ld.so --list resolves
lw=$(chroot "$I2" /lib64/ld-linux-x86-64.so.2 --list /usr/bin/jq | sed -n 's/^\s*libjq.so.1 => \([^ ]*\) .*/\1/p')
lreal=$(python3 -c 'import os,sys; os.chroot(sys.argv[1]); print(os.path.realpath(sys.argv[2]))' "$I2" "$lw")
check "+ libraries: jq's libjq.so.1 resolved to the package's file behind its symlink (ld.so --list: $lw)" "libjq.so.1 => $lreal" \
	"$(jget "$TMPD/b.json" "next(x for b in j['judged'] if b['member']=='/usr/bin/jq' for x in b['properties']['resolved'].split('; ') if x.startswith('libjq.so.1'))")"
check "+ libraries: the package's symlink is in the image (dpkg-deb -c: libjq.so.1 -> libjq.so.1.0.4)" \
	"$(dpkg-deb -c "$LIBJQ" | sed -n 's|.*\./usr/lib/x86_64-linux-gnu/\(libjq.so.1\) -> \(.*\)|\1 -> \2|p')" \
	"libjq.so.1 -> $(readlink "$I2/usr/lib/x86_64-linux-gnu/libjq.so.1")"

# ---- 3. an rpm (nfpm) holding a cgo Go program, a musl program and a program with its library under /lib
I=$FIX/inspect
B=$FIX/image/bin
if [ -x "$NFPM" ] && [ -f "$I/go119-cgo-exe" ] && [ -f "$I/musl-dyn" ] && [ -f "$B/uses-foo-missing" ] && [ -f "$B/libfoo.so.1" ]; then
	cat > "$TMPD/tool.yaml" <<EOF
name: tool
arch: amd64
platform: linux
version: 1.2.3
release: 1
maintainer: goabi tests <tests@example.org>
description: goabi test package
contents:
  - src: $I/go119-cgo-exe
    dst: /usr/bin/cgo-exe
  - src: $I/musl-dyn
    dst: /usr/bin/musl-dyn
  - src: $B/uses-foo-missing
    dst: /usr/bin/uses-foo
  - src: $B/libfoo.so.1
    dst: /lib/x86_64-linux-gnu/libfoo.so.1
EOF
	"$NFPM" package -f "$TMPD/tool.yaml" -p rpm -t "$TMPD/tool.rpm" > "$TMPD/nfpm.log" 2>&1
	check "nfpm built tool.rpm" yes "$([ -s "$TMPD/tool.rpm" ] && echo yes || tail -1 "$TMPD/nfpm.log")"
	"$GOABI" image --json "$R" --add "$TMPD/tool.rpm" > "$TMPD/c.json" 2> "$TMPD/c.err"
	rc=$?
	I3=$TMPD/i3
	cp -al "$R" "$I3" && (cd "$I3" && rpm2cpio "$TMPD/tool.rpm" | cpio -idm --no-absolute-filenames --quiet 2> /dev/null)
	check "tool.rpm: exit 1 (the musl program will not start)" 1 "$rc"
	for p in /usr/bin/cgo-exe /usr/bin/musl-dyn /usr/bin/uses-foo; do
		check "tool.rpm: $p $(loader "$I3" "$p") (oracle: ld.so --list in the root with rpm2cpio | cpio -idm --no-absolute-filenames)" \
			"$(loader "$I3" "$p")" "$(verdict "$TMPD/c.json" "$p")"
	done
	# the library went through the root's /lib symlink (which stays one: cgo-exe's libc is still found)
	check "tool.rpm: uses-foo's libfoo.so.1 where ld.so --list finds it, through /lib -> usr/lib" \
		"$(chroot "$I3" /lib64/ld-linux-x86-64.so.2 --list /usr/bin/uses-foo | sed -n 's/^\s*libfoo.so.1 => \([^ ]*\) .*/\1/p' | xargs -r -I{} python3 -c 'import os,sys; os.chroot(sys.argv[1]); print(os.path.realpath(sys.argv[2]))' "$I3" {})" \
		"$(jget "$TMPD/c.json" "next((x.split(' => ')[1] for b in j['judged'] if b['member']=='/usr/bin/uses-foo' for x in b['properties'].get('resolved','').split('; ') if x.startswith('libfoo')), 'none')")"
	# an .apk (nfpm): the data stream's files, not its control files (.PKGINFO, .SIGN.*)
	sed 's/^name: tool/name: tool-apk/' "$TMPD/tool.yaml" > "$TMPD/tool-apk.yaml"
	"$NFPM" package -f "$TMPD/tool-apk.yaml" -p apk -t "$TMPD/tool.apk" > "$TMPD/nfpm-apk.log" 2>&1
	"$GOABI" image --json "$R" --add "$TMPD/tool.apk" > "$TMPD/d.json" 2> /dev/null
	I4=$TMPD/i4
	mkdir -p "$TMPD/apkx" && tar -xzf "$TMPD/tool.apk" -C "$TMPD/apkx" 2> /dev/null
	tar -tzf "$TMPD/tool.apk" 2> /dev/null | grep -v '^\.' | grep -v '/$' | sed 's|^|/|' > "$TMPD/apk.list"
	check "tool.apk: the data files judged at their paths, no control file (oracle: tar -tzf)" \
		"$(elfs_in "$TMPD/apk.list" "$TMPD/apkx" | sed 's|^/lib/|/usr/lib/|' | sort)" \
		"$(jget "$TMPD/d.json" "'\n'.join(sorted(b['member'] for b in j['judged'] if b['member'] in ('/usr/bin/cgo-exe','/usr/bin/musl-dyn','/usr/bin/uses-foo','/usr/lib/x86_64-linux-gnu/libfoo.so.1','/.PKGINFO')))")"
	check "tool.apk: cgo-exe $(loader "$I3" /usr/bin/cgo-exe), as from the rpm (ld.so --list)" "$(loader "$I3" /usr/bin/cgo-exe)" \
		"$(verdict "$TMPD/d.json" /usr/bin/cgo-exe)"
else
	for i in $(seq 1 8); do skip "image --add rpm/apk $i" "needs nfpm ($NFPM: t-packages-rpm-apk.sh builds it) and the inspect/image fixtures"; done
fi
# a broken package: a diagnostic naming it, exit 2
head -c 3000 "$RUNC" > "$TMPD/cut.deb"
"$GOABI" image "$R" --add "$TMPD/cut.deb" > /dev/null 2> "$TMPD/cut.err"
rc=$?
check "a .deb cut short: exit 2, named on stderr" "2 yes" "$rc $(grep -q "cut.deb" "$TMPD/cut.err" && echo yes || echo no)"
