#!/bin/bash
# Release packages as inputs: .rpm and Alpine .apk (and a .deb) built with
# nfpm (the goreleaser packager, a Go module built once into
# ~/.cache/goabi/nfpm) around the Go and C fixtures. Oracles: the nfpm
# configuration each package was built from (its files, name, version,
# architecture and declared libc dependency), `rpm -qp --requires` and
# `rpm2cpio | cpio -t` when Debian's rpm/rpm2cpio/cpio are installed,
# `tar -tzf` for the .apk, `go version` of each packaged file, `readelf -V`
# (glibc floor) and `readelf -h` (machine). The package's declared libc
# against the binaries' real needs: a declaration lower than readelf -V's
# floor, a musl package holding a glibc program, an amd64 package holding an
# arm64 program are audit findings. Hostile packages (cut short, a lying
# header count, a lying tar size) give a diagnostic naming the file, exit 2.
# A real Alpine .apk is not reachable here (no network beyond the Debian
# mirrors and the Go/npm proxies): counted as a skip.
. "$(dirname "$0")/../lib.sh"
GOV=${GO126:-/usr/lib/go-1.19/bin/go}
NF=${GOABI_CACHE:-$HOME/.cache/goabi}/nfpm
NFPM=$NF/bin/nfpm
NFPM_VERSION=v2.45.2
if [ ! -x "$NFPM" ] && [ -x /usr/local/go/bin/go ]; then
	GOBIN=$NF/bin GOPATH=$NF/gopath GOFLAGS=-modcacherw timeout 900 /usr/local/go/bin/go install \
		"github.com/goreleaser/nfpm/v2/cmd/nfpm@$NFPM_VERSION" > "$TMPD/nfpm-install.log" 2>&1
fi
skip "a real Alpine .apk" "not reachable: no network beyond the Debian mirrors and the Go/npm module proxies"
if [ ! -x "$NFPM" ]; then
	for i in $(seq 1 40); do skip "rpm/apk check $i" "nfpm $NFPM_VERSION could not be built from the module proxy"; done
	exit 0
fi
I=$FIX/inspect
for f in go119-cgo-exe go119-static musl-dyn go119-arm64; do
	[ -f "$I/$f" ] || { skip "rpm/apk" "fixture $f missing"; exit 0; }
done
floor() { readelf -V -W "$1" 2>/dev/null | sed -n 's/.*Name: GLIBC_\([0-9][0-9.]*\) .*/\1/p' | sort -V | tail -1; }
CGOFLOOR=$(floor "$I/go119-cgo-exe")
# mkpkg NAME ARCH FORMAT DEPEND "SRC:DST ..." -> $TMPD/NAME.FORMAT
mkpkg() {
	local name=$1 arch=$2 fmt=$3 dep=$4 files=$5 y=$TMPD/$1-$3.yaml
	{
		echo "name: $name"; echo "arch: $arch"; echo "platform: linux"; echo "version: 1.2.3"; echo "release: 4"
		echo "maintainer: goabi tests <tests@example.org>"; echo "description: goabi test package"
		[ -n "$dep" ] && { echo "depends:"; echo "  - \"$dep\""; }
		echo "contents:"
		for sd in $files; do
			echo "  - src: ${sd%%:*}"; echo "    dst: ${sd#*:}"; echo "    file_info:"; echo "      mode: 0755"
		done
	} > "$y"
	"$NFPM" package -f "$y" -p "$fmt" -t "$TMPD/$name.$fmt" > "$TMPD/$name.$fmt.log" 2>&1
}
# ok: glibc >= the cgo program's floor; static Go and a C program beside it
mkpkg tool-ok amd64 rpm "glibc >= $CGOFLOOR" "$I/go119-cgo-exe:/usr/bin/cgo-exe $I/go119-static:/usr/bin/static-go $I/c-dyn:/usr/libexec/tool/c-dyn"
# low: rpm's automatic form naming GLIBC_2.2.5, lower than the floor
mkpkg tool-low amd64 rpm "libc.so.6(GLIBC_2.2.5)(64bit)" "$I/go119-cgo-exe:/usr/bin/cgo-exe $I/go119-static:/usr/bin/static-go"
# arch: an x86_64 package holding an arm64 program
mkpkg tool-arch amd64 rpm "" "$I/go119-arm64:/usr/bin/arm-go"
# apk: musl declared; one musl program, one glibc program
mkpkg tool-musl amd64 apk "so:libc.musl-x86_64.so.1" "$I/musl-dyn:/usr/bin/musl-dyn $I/go119-cgo-exe:/usr/bin/cgo-exe $I/go119-static:/usr/bin/static-go"
# deb by the same packager, a low libc6 declaration
mkpkg tool-deb amd64 deb "libc6 (>= 2.17)" "$I/go119-cgo-exe:/usr/bin/cgo-exe"
for p in tool-ok.rpm tool-low.rpm tool-arch.rpm tool-musl.apk tool-deb.deb; do
	if [ -s "$TMPD/$p" ]; then ok "nfpm built $p"; else notok "nfpm built $p: $(tail -2 "$TMPD/$p.log")"; fi
done
# the file list: the configuration's destinations, and the packaging tools' own listing
list_of() { sed -n 's/^    dst: \/\(.*\)/\1/p' "$1" | sort; }
for p in tool-ok.rpm tool-low.rpm tool-arch.rpm tool-musl.apk tool-deb.deb; do
	f=$TMPD/$p; n=${p%.*}; ext=${p##*.}
	"$GOABI" inspect --brief "$f" > "$TMPD/$p.brief" 2> "$TMPD/$p.err"
	check "$p: inspect exit 0" 0 $?
	want=$(list_of "$TMPD/$n-$ext.yaml")
	check "$p: every binary inside as PKG!/path (oracle: the nfpm configuration)" "$want" "$(sed "s|^$f!/||; s|: .*||" "$TMPD/$p.brief" | sort)"
	check "$p: no finding about the package on stderr" "" "$(grep 'package-' "$TMPD/$p.err" | grep -v "$p!/usr/bin/cgo-exe\|$p!/usr/bin/arm-go" | head -1)"
	case $ext in
	rpm) if command -v rpm2cpio > /dev/null && command -v cpio > /dev/null; then
		check "$p: the files = rpm2cpio | cpio -t" "$(rpm2cpio "$f" | cpio -t --quiet 2>/dev/null | sed 's|^\.\?/||' | sort)" "$want"
	     else skip "$p: rpm2cpio | cpio -t" "rpm2cpio/cpio not installed (scripts/install-deps.sh test)"; fi ;;
	apk) check "$p: the files = tar -tzf (the data part, .PKGINFO and directories left out)" \
		"$(tar -tzf "$f" 2>/dev/null | grep -v '^\.' | grep -v '/$' | sort)" "$want" ;;
	deb) check "$p: the files = dpkg-deb -c" "$(dpkg-deb -c "$f" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./||' | sort)" "$want" ;;
	esac
	# each file: Go version (go version) and glibc floor (readelf -V)
	bad=""
	while IFS= read -r sd; do
		src=${sd%%:*}; dst=${sd#*:}
		line=$(grep -F -- "$f!$dst: " "$TMPD/$p.brief" | head -1); facts=${line#*: }; first=${facts%%,*}
		if gv=$(GOTOOLCHAIN=local "$GOV" version "$src" 2>/dev/null) && [ -n "$gv" ]; then
			[ "$first" = "$(awk '{print $2}' <<< "$gv")" ] || bad="$bad $dst:'$first'"
		fi
		got=$(grep -oE ', glibc [0-9][0-9.]*' <<< "$facts" | sed 's/, glibc //')
		[ "$got" = "$(floor "$src")" ] || bad="$bad $dst:glibc'$got'!='$(floor "$src")'"
	done < <(sed -n 's/^  - src: \(.*\)/\1/p; s/^    dst: \(.*\)/\1/p' "$TMPD/$n-$ext.yaml" | paste -d: - -)
	check "$p: Go version (go version) and glibc floor (readelf -V) of each file" "" "$bad"
	# the package's own metadata (JSON "package")
	"$GOABI" inspect --json "$f" > "$TMPD/$p.json" 2>/dev/null
	wa=amd64; [ "$ext" = deb ] || wa=x86_64
	check "$p: package name, version, architecture (oracle: the nfpm configuration; nfpm writes x86_64 for rpm/apk)" \
		"$n 1.2.3$([ "$ext" = deb ] && echo -n -4 || echo -n -4) $wa" \
		"$(jget "$TMPD/$p.json" "' '.join(str(j['artifacts'][0]['package'][k]) for k in ('name','version','architecture'))" | sed 's/-r4/-4/')"
done
if command -v rpm > /dev/null; then
	check "tool-low.rpm: its requirement (oracle: rpm -qp --requires)" "yes" \
		"$(rpm -qp --requires "$TMPD/tool-low.rpm" 2>/dev/null | grep -qxF 'libc.so.6(GLIBC_2.2.5)(64bit)' && echo yes)"
else
	skip "tool-low.rpm: rpm -qp --requires" "rpm not installed (scripts/install-deps.sh test)"
fi
# audit: the declaration against the binaries (a rule every file meets, so
# only the package findings decide)
A="--libc glibc,musl,none"
"$GOABI" audit $A "$TMPD/tool-ok.rpm" > "$TMPD/a-ok" 2>&1
rc=$?
check "audit tool-ok.rpm (declares glibc >= $CGOFLOOR = readelf -V floor): exit 0, no package finding" "0 0" "$rc $(grep -c 'audit/package' "$TMPD/a-ok")"
"$GOABI" audit $A "$TMPD/tool-low.rpm" > "$TMPD/a-low" 2>&1
check "audit tool-low.rpm (declares GLIBC_2.2.5 < readelf -V floor $CGOFLOOR): exit 1" 1 $?
check "audit tool-low.rpm: audit/package-libc on the cgo program only (readelf -V: the static one needs no libc)" \
	"$TMPD/tool-low.rpm!/usr/bin/cgo-exe" "$(grep -o "'[^']*': the package declares [^[]*\[audit/package-libc\]" "$TMPD/a-low" | cut -d"'" -f2 | sort -u)"
"$GOABI" audit $A "$TMPD/tool-musl.apk" > "$TMPD/a-musl" 2>&1
check "audit tool-musl.apk: exit 1 (a glibc program in a musl package)" 1 $?
check "audit tool-musl.apk: the musl program passes (readelf -l: $(readelf -l "$I/musl-dyn" | grep -o 'ld-musl[^]]*'))" yes \
	"$(grep -q 'tool-musl.apk!/usr/bin/musl-dyn: pass' "$TMPD/a-musl" && echo yes)"
check "audit tool-musl.apk: audit/package-libc on the glibc program only (readelf -l: interpreter)" \
	"$TMPD/tool-musl.apk!/usr/bin/cgo-exe $(readelf -l "$I/go119-cgo-exe" | grep -o 'ld-linux[^]]*')" \
	"$(grep -o "'[^']*': the package declares musl[^[]*\[audit/package-libc\]" "$TMPD/a-musl" | cut -d"'" -f2 | sort -u) $(readelf -l "$I/go119-cgo-exe" | grep -o 'ld-linux[^]]*')"
"$GOABI" audit $A "$TMPD/tool-arch.rpm" > "$TMPD/a-arch" 2>&1
rc=$?
check "audit tool-arch.rpm: exit 1, audit/package-arch, the file broken (readelf -h: $(readelf -h "$I/go119-arm64" | sed -n 's/.*Machine: *//p'))" \
	"1 yes yes" "$rc $(grep -q '\[audit/package-arch\]' "$TMPD/a-arch" && echo yes) $(grep -q 'arm-go: broken' "$TMPD/a-arch" && echo yes)"
"$GOABI" audit $A "$TMPD/tool-deb.deb" > "$TMPD/a-deb" 2>&1
rc=$?
check "audit tool-deb.deb (libc6 (>= 2.17) < $CGOFLOOR): exit 1, audit/package-libc" "1 yes" "$rc $(grep -q '\[audit/package-libc\]' "$TMPD/a-deb" && echo yes)"
"$GOABI" inspect --format cyclonedx "$TMPD/tool-low.rpm" > "$TMPD/low-i.cdx" 2>/dev/null
check "inspect tool-low.rpm --format cyclonedx: each component's goabi:package.name/version/architecture (oracle: the nfpm configuration)" \
	"tool-low 1.2.3-4 x86_64|tool-low 1.2.3-4 x86_64" \
	"$(jget "$TMPD/low-i.cdx" "'|'.join(' '.join(v for k in ('name','version','architecture') for p in c['properties'] if p['name']=='goabi:package.'+k for v in [p['value']]) for c in j['components'])")"
# Mach-O and PE programs inside a package (a release that ships every
# platform): each one an artifact, its Go version = go version
W=$NPM/@esbuild_win32-x64@0.25.5/esbuild.exe; M=$NPM/@esbuild_darwin-arm64@0.25.5/esbuild
if [ -f "$W" ] && [ -f "$M" ]; then
	mkpkg tool-multi amd64 rpm "" "$W:/usr/share/tool/windows/esbuild.exe $M:/usr/share/tool/darwin/esbuild $I/go119-static:/usr/bin/static-go"
	"$GOABI" inspect --brief "$TMPD/tool-multi.rpm" > "$TMPD/multi" 2>&1
	want="/usr/bin/static-go $(GOTOOLCHAIN=local "$GOV" version "$I/go119-static" | awk '{print $2}')
/usr/share/tool/darwin/esbuild $(GOTOOLCHAIN=local "$GOV" version "$M" | awk '{print $2}')
/usr/share/tool/windows/esbuild.exe $(GOTOOLCHAIN=local "$GOV" version "$W" | awk '{print $2}')"
	check "an .rpm holding ELF, Mach-O and PE programs: each one, with its Go version (go version)" "$want" \
		"$(sed "s|^$TMPD/tool-multi.rpm!||; s|: \([^,]*\),.*| \1|" "$TMPD/multi" | sort)"
else
	skip "Mach-O and PE inside a package" "npm esbuild darwin/win32 binaries not cached"
fi
# the same in SARIF and in the SBOM
"$GOABI" audit $A --format sarif "$TMPD/tool-low.rpm" > "$TMPD/low.sarif" 2>/dev/null
check "audit tool-low.rpm --format sarif: the rule audit/package-libc" 1 \
	"$(jget "$TMPD/low.sarif" "sum(r['ruleId']=='audit/package-libc' for r in j['runs'][0]['results'])")"
"$GOABI" audit $A --format cyclonedx "$TMPD/tool-low.rpm" > "$TMPD/low.cdx" 2>/dev/null
check "audit tool-low.rpm --format cyclonedx: the finding on the cgo program's component" yes \
	"$(python3 "$TOP/tests/cli/sbom_oracle.py" props "$TMPD/low.cdx" "$TMPD/tool-low.rpm!/usr/bin/cgo-exe" goabi:finding | grep -q '^audit/package-libc (error)' && echo yes)"
# hostile packages: a diagnostic naming the file, exit 2, no crash
hostile() { # DESC FILE
	"$GOABI" inspect --brief "$2" > /dev/null 2> "$TMPD/h.err"
	local rc=$?
	case "$rc:$(cat "$TMPD/h.err")" in
	2:*"$2"*) ok "$1: exit 2, named: $(head -1 "$TMPD/h.err" | cut -c1-160)" ;;
	*) notok "$1: exit $rc: '$(head -2 "$TMPD/h.err")'" ;;
	esac
	"$GOABI" audit $A "$2" > /dev/null 2>&1
	check "$1: audit exit 2" 2 $?
}
r=$TMPD/tool-ok.rpm
head -c 200 "$r" > "$TMPD/cut-header.rpm"; hostile "an .rpm cut inside its signature header" "$TMPD/cut-header.rpm"
head -c $(( $(stat -c %s "$r") * 2 / 3 )) "$r" > "$TMPD/cut-payload.rpm"; hostile "an .rpm cut inside its payload" "$TMPD/cut-payload.rpm"
# signature header index count (offset 96+8) set to 0x7fffffff
python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[104:108]=b"\x7f\xff\xff\xff"; open(sys.argv[2],"wb").write(b)' "$r" "$TMPD/lying-count.rpm"
hostile "an .rpm whose header claims 2^31 entries" "$TMPD/lying-count.rpm"
# main header data size grown past the end of the file
python3 - "$r" "$TMPD/lying-size.rpm" <<'PY'
import sys, struct
b = bytearray(open(sys.argv[1], "rb").read())
n, ds = struct.unpack(">II", b[104:112])
off = 96 + 16 + n * 16 + ds
off = (off + 7) & ~7
n2, ds2 = struct.unpack(">II", b[off + 8:off + 16])
b[off + 12:off + 16] = struct.pack(">I", len(b) * 4)
open(sys.argv[2], "wb").write(b)
PY
hostile "an .rpm whose main header's data size runs past the file" "$TMPD/lying-size.rpm"
a=$TMPD/tool-musl.apk
head -c $(( $(stat -c %s "$a") / 2 )) "$a" > "$TMPD/cut.apk"; hostile "an .apk cut in half" "$TMPD/cut.apk"
# a tar entry that claims more bytes than follow, gzip'd as an .apk
python3 - "$I/musl-dyn" "$TMPD/lying.apk" <<'PY'
import sys, tarfile, io, gzip
data = open(sys.argv[1], "rb").read()
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w") as t:
    info = tarfile.TarInfo("usr/bin/musl-dyn"); info.size = len(data); info.mode = 0o755
    t.addfile(info, io.BytesIO(data))
raw = bytearray(buf.getvalue())
raw = raw[:512 + len(data) // 2]             # the file's bytes end half-way
open(sys.argv[2], "wb").write(gzip.compress(bytes(raw)))
PY
hostile "an .apk whose tar entry claims more bytes than it holds" "$TMPD/lying.apk"
# 40 seeded mutations of the rpm's lead and headers and of the .apk's first
# kilobytes: every run ends with exit 0, 1 or 2 (never a signal), within 20 s
python3 - "$r" "$a" "$TMPD/mut" <<'PY'
import os, random, sys
random.seed(24)
os.makedirs(sys.argv[3], exist_ok=True)
for k, src in enumerate(sys.argv[1:3]):
    b = open(src, "rb").read()
    span = 4096 if k == 0 else 1024
    for i in range(20):
        m = bytearray(b)
        for _ in range(random.randint(1, 8)):
            m[random.randrange(min(span, len(m)))] = random.randrange(256)
        open(os.path.join(sys.argv[3], "m%02d.%s" % (i, "rpm" if k == 0 else "apk")), "wb").write(m)
PY
bad=""
for m in "$TMPD"/mut/*; do
	timeout 20 "$GOABI" inspect --brief "$m" > /dev/null 2>&1
	rc=$?
	[ $rc -le 2 ] || bad="$bad $(basename "$m"):$rc"
done
check "40 mutated packages (seeded byte changes in the rpm headers, the apk's first KiB): exit 0-2, no crash or hang" "" "$bad"
