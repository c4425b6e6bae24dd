#!/bin/bash
# goabi inspect reports a conflict when the naming scheme, the pclntab magic
# or the type-hash digest contradicts the stated Go version. Real binaries
# have none (t-inspect-scheme.sh); here copies get their build-info version
# bytes patched (same length), so the oracle is the patch itself plus the
# Go release facts: colon names and pclntab magic 0xfffffff1 from Go 1.20,
# magic 0xfffffff0 for 1.18-1.19, 0xfffffffa for 1.16-1.17; notsha256 type
# hashes from 1.19, md5 before.
. "$(dirname "$0")/../lib.sh"
I=$FIX/inspect
patch_version() { # IN OUT OLD NEW: replace OLD by NEW after the build-info magic
	python3 - "$@" <<'PY'
import sys
src, dst, old, new = sys.argv[1], sys.argv[2], sys.argv[3].encode(), sys.argv[4].encode()
assert len(old) == len(new)
b = bytearray(open(src, "rb").read())
m = b.find(b"\xff Go buildinf:")
assert m >= 0, "no build info"
if b[m + 15] & 2:  # inline layout: the version follows the header
    i = b.find(old, m)
    assert i >= 0 and i - m < 64, "version not found"
    b[i:i + len(old)] = new
else:  # pre-1.18 pointer layout: the string is elsewhere (shared with runtime.buildVersion)
    assert old in b, "version not found"
    b = b.replace(old, new)
open(dst, "wb").write(b)
PY
}
conflicts() { "$GOABI" inspect --json "$1" 2>/dev/null > "$TMPD/j.json"; jget "$TMPD/j.json" "' | '.join(j['artifacts'][0]['go']['conflicts'])"; }
has() { # DESC HAYSTACK NEEDLE
	case $2 in *"$3"*) ok "$1" ;; *) notok "$1: '$3' not in '$2'" ;; esac
}
hasnot() {
	case $2 in *"$3"*) notok "$1: unexpected '$3' in '$2'" ;; *) ok "$1" ;; esac
}
# 1. go1.19.8 (dot, 0xfffffff0, notsha256) claiming go1.21.8
if [ -f "$I/go119-static" ]; then
	patch_version "$I/go119-static" "$TMPD/g121" go1.19.8 go1.21.8
	c=$(conflicts "$TMPD/g121")
	check "go1.19 binary patched to claim go1.21.8: version read" go1.21.8 "$(jget "$TMPD/j.json" "j['artifacts'][0]['go']['version']['value']")"
	has "go1.19 binary claiming go1.21: dot scheme conflict" "$c" "dot naming scheme contradicts version go1.21.8"
	has "go1.19 binary claiming go1.21: pclntab magic conflict" "$c" "pclntab magic 0xfffffff0"
	hasnot "go1.19 binary claiming go1.21: no type-hash conflict (notsha256 is right for 1.21)" "$c" "type hashes"
	patch_version "$I/go119-static" "$TMPD/g118" go1.19.8 go1.18.8
	c=$(conflicts "$TMPD/g118")
	has "go1.19 binary claiming go1.18: notsha256 type-hash conflict" "$c" "type hashes use notsha256, but go1.18.8 uses md5"
	hasnot "go1.19 binary claiming go1.18: no pclntab conflict (same magic)" "$c" "pclntab magic"
	hasnot "go1.19 binary claiming go1.18: no scheme conflict" "$c" "naming scheme"
else
	notok "go119-static: fixture missing"
fi
# 2. npm binaries: go1.20.5 (colon) claiming go1.18.5; go1.16.3 (md5, pointer layout) claiming go1.19.3
f="$NPM/@esbuild_linux-x64@0.18.5/esbuild"
if [ -f "$f" ]; then
	patch_version "$f" "$TMPD/e118" go1.20.5 go1.18.5
	c=$(conflicts "$TMPD/e118")
	has "go1.20 esbuild claiming go1.18: colon scheme conflict" "$c" "colon naming scheme contradicts version go1.18.5"
	has "go1.20 esbuild claiming go1.18: pclntab magic conflict" "$c" "pclntab magic 0xfffffff1"
	has "go1.20 esbuild claiming go1.18: type-hash conflict" "$c" "type hashes use notsha256"
else
	skip "esbuild 0.18.5 conflicts" "not fetched"
fi
f="$NPM/esbuild-linux-64@0.11.23/esbuild"
if [ -f "$f" ]; then
	patch_version "$f" "$TMPD/e119" go1.16.3 go1.19.3
	c=$(conflicts "$TMPD/e119")
	check "go1.16 esbuild patched (pointer layout): version read" go1.19.3 "$(jget "$TMPD/j.json" "j['artifacts'][0]['go']['version']['value']")"
	has "go1.16 esbuild claiming go1.19: md5 type-hash conflict" "$c" "type hashes use md5, but go1.19.3 uses notsha256"
	has "go1.16 esbuild claiming go1.19: pclntab magic conflict" "$c" "pclntab magic 0xfffffffa"
	hasnot "go1.16 esbuild claiming go1.19: no scheme conflict (both dot)" "$c" "naming scheme"
else
	skip "esbuild 0.11.23 conflicts" "not fetched"
fi
# the two SHA-256 eras after notsha256: go1.24 (sha256[8:12]) and go1.25+
# (sha256^0xff), each claiming the other's release
f="$NPM/lefthook-linux-x64@1.12.4/lefthook"
if [ -f "$f" ]; then
	patch_version "$f" "$TMPD/l125" go1.24.6 go1.25.6
	c=$(conflicts "$TMPD/l125")
	has "go1.24 lefthook claiming go1.25: type-hash conflict" "$c" "type hashes use sha256[8:12], but go1.25.6 uses sha256^0xff"
	patch_version "$f" "$TMPD/l123" go1.24.6 go1.23.6
	has "go1.24 lefthook claiming go1.23: type-hash conflict" "$(conflicts "$TMPD/l123")" "type hashes use sha256[8:12], but go1.23.6 uses notsha256"
else
	skip "lefthook 1.12.4 conflicts" "not fetched"
fi
f="$NPM/lefthook-linux-x64@2.1.17/lefthook"
if [ -f "$f" ]; then
	patch_version "$f" "$TMPD/l124" go1.26.6 go1.24.6
	has "go1.26 lefthook claiming go1.24: type-hash conflict" "$(conflicts "$TMPD/l124")" "type hashes use sha256^0xff, but go1.24.6 uses sha256[8:12]"
	check "go1.26 lefthook unpatched: no conflicts" "" "$(conflicts "$f")"
else
	skip "lefthook 2.1.17 conflicts" "not fetched"
fi
# 3. the unpatched originals have no conflicts
for f in "$I/go119-static" "$NPM/@esbuild_linux-x64@0.18.5/esbuild" "$NPM/esbuild-linux-64@0.11.23/esbuild"; do
	[ -f "$f" ] && check "$(basename "$(dirname "$f")")/$(basename "$f") unpatched: no conflicts" "" "$(conflicts "$f")"
done
# 4. -buildmode in build info vs the ELF type (readelf -h): Go 1.26 exe
# (ET_EXEC) with "build -buildmode=exe" patched to "pie" (same length);
# the real PIE (ET_DYN) and the unpatched exe have no such conflict
M=$FIX/modern
if [ -f "$M/go126-static" ] && [ -f "$M/go126-cgo-pie" ]; then
	python3 - "$M/go126-static" "$TMPD/pie-exec" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
m = b.find(b"\xff Go buildinf:")
i = b.find(b"build\t-buildmode=exe", m)
assert m >= 0 and i > m, "no -buildmode=exe in build info"
b[i:i + 20] = b"build\t-buildmode=pie"
open(sys.argv[2], "wb").write(b)
PY
	check "oracle: readelf -h type of the patched exe / go126-cgo-pie" "EXEC DYN" \
		"$(readelf -h "$TMPD/pie-exec" | awk '/Type:/ {print $2}') $(readelf -h "$M/go126-cgo-pie" | awk '/Type:/ {print $2}')"
	has "-buildmode=pie on an ET_EXEC: conflict" "$(conflicts "$TMPD/pie-exec")" "build setting -buildmode=pie but the file is ET_EXEC"
	hasnot "go126-cgo-pie (-buildmode=pie, ET_DYN): no build-mode conflict" "$(conflicts "$M/go126-cgo-pie")" "-buildmode"
	hasnot "go126-static (-buildmode=exe, ET_EXEC): no build-mode conflict" "$(conflicts "$M/go126-static")" "-buildmode"
else
	for i in 1 2 3 4; do skip "-buildmode vs ELF type" "modern fixtures missing"; done
fi
