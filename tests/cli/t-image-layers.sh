#!/bin/bash
# goabi image on docker-save tarballs and OCI layouts (dir and tar), with
# multi-layer overrides, whiteouts, an opaque directory, a hard link, zstd
# and plain layers and a multi-platform index. Images are assembled by
# tests/fixtures/src/image/mkimage.py and checked by independent tools:
# skopeo reads them back (verifying every digest), umoci unpacks them
# (applying whiteouts itself); goabi's file table must hold exactly the ELF
# files of umoci's root filesystem, and its verdicts must match the musl
# loader's own --list answer inside that root filesystem.
. "$(dirname "$0")/../lib.sh"
F=$FIX/image
if [ ! -d "$F/musl" ]; then
	notok "image fixtures missing (tests/fixtures/build-image.sh)"
	exit 0
fi
for t in skopeo umoci; do
	command -v $t >/dev/null || { notok "$t is not installed (scripts/install-deps.sh test)"; exit 0; }
done
I=$TMPD/img
mkdir -p "$I"
ARM=$NPM/@esbuild_linux-arm64@0.24.2/esbuild
ARM64_BIN=$ARM python3 "$TOP/tests/fixtures/src/image/mkimage.py" "$F" "$I" >/dev/null || notok "mkimage.py failed"
cd "$I" || exit 0

# 1. the images are valid for skopeo (it verifies sizes and digests on copy)
check_cmd "skopeo copies the OCI layout (gzip layers)" skopeo copy -q oci:layout:app dir:"$I/s-app"
check_cmd "skopeo copies the OCI layout (zstd + plain layers), recompressing to gzip" \
	skopeo copy -q --dest-compress --dest-compress-format gzip oci:layout:zstd oci:conv:zstd
check_cmd "skopeo copies the OCI archive" skopeo copy -q oci-archive:oci.tar:app dir:"$I/s-tar"
check_cmd "skopeo copies the docker-save tarball" skopeo copy -q docker-archive:docker.tar oci:conv:docker
check_cmd "skopeo selects linux/arm64 from the index" skopeo copy -q --override-arch arm64 oci:layout:multi dir:"$I/s-arm"

# 2. umoci applies the layers; its root filesystems are the reference
for r in app; do umoci unpack --rootless --image layout:$r "u-$r" >/dev/null 2>&1; done
umoci unpack --rootless --image conv:zstd u-zstd >/dev/null 2>&1
umoci unpack --rootless --image conv:docker u-docker >/dev/null 2>&1
elf_files() { # ROOTFS -> sorted image paths of regular ELF files
	python3 - "$1" <<'PY'
import os, sys
root = sys.argv[1]
out = []
for d, dirs, files in os.walk(root):
    for f in files:
        p = os.path.join(d, f)
        if os.path.islink(p) or not os.path.isfile(p):
            continue
        with open(p, "rb") as fh:
            if fh.read(4) == b"\x7fELF":
                out.append("/" + os.path.relpath(p, root))
print("\n".join(sorted(out)))
PY
}
# the schema-2 JSON read per binary (tests/cli/image_v2.py)
ijget() { python3 "$TOP/tests/cli/image_v2.py" "$1" "$2"; }
goabi_files() { ijget "$1" '"\n".join(sorted(b["path"] for b in j["binaries"]))'; }
verdict() { ijget "$1" '([b["verdict"] for b in j["binaries"] if b["path"]=="'"$2"'"] or ["absent"])[0]'; }

# name  option  input  umoci-rootfs
while read -r name opt input ref; do
	"$GOABI" image --json -v $opt "$input" > "$name.json" 2> "$name.err"
	echo $? > "$name.rc"
	if [ ! -d "$ref/rootfs" ]; then
		notok "$name: umoci did not unpack $ref"
		continue
	fi
	want=$(elf_files "$ref/rootfs")
	got=$(goabi_files "$name.json")
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		ok "$name: goabi's ELF files equal umoci's unpacked rootfs ($(wc -l <<<"$want") files)"
	else
		notok "$name: file sets differ: $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')"
	fi
	# the musl loader's verdict on every dynamic executable of the unpacked rootfs
	dis="" n=0
	if [ "$(id -u)" != 0 ]; then
		skip "$name: loader --list oracle" "chroot needs root"
		want=""
	fi
	for p in $want; do
		interp=$(readelf -lW "$ref/rootfs$p" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
		[ -n "$interp" ] || continue
		case $p in /lib/*) continue ;; esac
		n=$((n + 1))
		if ! python3 -c 'import os,sys; os.chroot(sys.argv[1]); sys.exit(0 if os.path.exists(sys.argv[2]) else 1)' "$ref/rootfs" "$interp"; then
			w="will not start"
		elif out=$(chroot "$ref/rootfs" "$interp" --list "$p" 2>&1) && ! grep -Eq "not found|Error" <<<"$out"; then
			w="will start"
		else
			w="will not start"
		fi
		g=$(verdict "$name.json" "$p")
		[ "$g" = "$w" ] || dis="$dis $p(loader:$w goabi:$g)"
	done
	if [ "$(id -u)" != 0 ]; then :
	elif [ -z "$dis" ] && [ $n -gt 0 ]; then ok "$name: verdicts match the musl loader's --list on $n executables"
	else notok "$name: verdicts differ:$dis"; fi
	check "$name: exit 1 (binaries that will not start)" 1 "$(cat "$name.rc")"
done <<EOF
oci-dir --ref=app layout u-app
oci-zstd --ref=zstd layout u-zstd
oci-tar --ref=app oci.tar u-app
docker -- docker.tar u-docker
EOF

# 3. what the layers did, from how mkimage.py built them
check "layer 2 replaced /app/server with the glibc cgo binary" "will not start" "$(verdict oci-dir.json /app/server)"
check "layer 2 whiteout removed /usr/lib/libbar.so" absent "$(verdict oci-dir.json /usr/lib/libbar.so)"
check "so /usr/bin/uses-bar-musl will not start" "will not start" "$(verdict oci-dir.json /usr/bin/uses-bar-musl)"
check "layer 2 opaque /opt/stuff hid old-bin" absent "$(verdict docker.json /opt/stuff/old-bin)"
check "layer 2 opaque /opt/stuff kept its own new-bin" "will start" "$(verdict docker.json /opt/stuff/new-bin)"
check "layer 3 hard link /usr/bin/hello-link is checked" "will start" "$(verdict oci-zstd.json /usr/bin/hello-link)"
# schema 2: the judged binary names the layer that brings it (mkimage.py's layer list)
check "schema 2: /app/server comes from layer 2, hello-musl from layer 1, hello-link from layer 3" "2 1 3" \
	"$(ijget oci-dir.json '" ".join([b.get("layer") or "?" for p in ("/app/server", "/usr/bin/hello-musl", "/usr/bin/hello-link") for b in j["binaries"] if b["path"]==p])')"
check "layer 3 whiteout removed /app/cgo-glibc" absent "$(verdict oci-tar.json /app/cgo-glibc)"
check "docker-save: tag from manifest.json" "goabi-test/app:latest" "$(ijget docker.json 'j["image"]["ref"]')"
check "docker-save: platform from the config" "linux/amd64" "$(ijget docker.json 'j["image"]["os"]+"/"+j["image"]["architecture"]')"

# 4. multi-platform index
if [ -f "$ARM" ]; then
	"$GOABI" image --json --ref multi --platform linux/arm64 layout > arm.json
	m=$(readelf -h "$ARM" | sed -n 's/.*Machine: *//p' | tr A-Z a-z)
	check "--platform linux/arm64 selects the arm64 image (machine $m, readelf -h)" "$m" \
		"$(ijget arm.json '[b["machine"] for b in j["binaries"] if b["path"]=="/usr/bin/esbuild"][0].lower()')"
	gv=$(go version -m "$ARM" | head -1 | awk '{print $2}')
	check "arm64 image: Go inventory $gv (go version -m)" 1 "$(ijget arm.json 'j["summary"]["go"]["'"$gv"'"]["binaries"]')"
	"$GOABI" image --json --ref multi layout > amd.json
	check "default platform (host linux/amd64) selects the amd64 image" "amd64" "$(ijget amd.json 'j["image"]["architecture"]')"
else
	skip "multi-platform index with arm64" "npm esbuild arm64 not cached"
fi
"$GOABI" image --ref multi --platform linux/s390x layout > /dev/null 2> nopl.err; rc=$?
check "a platform absent from the index: exit 2" 2 "$rc"
if grep -q "linux/arm64" nopl.err; then ok "the error lists the platforms available"; else notok "error does not list platforms: $(cat nopl.err)"; fi
