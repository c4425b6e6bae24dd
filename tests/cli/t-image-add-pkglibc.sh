#!/bin/bash
# goabi image ROOT --add PKG (issue 24): the package's declared libc and
# architecture against each of its ELF files' real needs, as goabi audit
# compares them (docs/packages.md: package-libc, package-arch,
# package-libc-undeclared), reported as image findings image/package-* with
# audit's severities; the binaries' start verdicts are the loader's.
# Root: a Debian bookworm minbase root filesystem (the tarball
# tests/fixtures/build-nss.sh caches). Packages: real Debian .debs pinned by
# version and sha256 in tests/realworld/debian.tsv and pkgsyft.tsv (jq,
# libjq1, libonig5, libseccomp2, micro: a CGO_ENABLED=0 PIE with glibc's
# PT_INTERP and no libc dependency, catatonit: static, libc6-dev: "libc6 (=
# 2.36-9+deb12u14)"); .debs built here with dpkg-deb --build around the
# fixtures (a libc6 declaration lower than, equal to the binaries' floor,
# none, in Pre-Depends, for another architecture, musl); an .apk declaring
# musl and .rpms declaring glibc >= 2.17 and glibc < 2.40 built with nfpm
# (t-packages-rpm-apk.sh builds it). All added to the root in one image run.
# Oracles (tests/cli/pkglibc_oracle.py): the declaration from dpkg-deb -f,
# rpm -qp --requires, the .apk's .PKGINFO (tar -xzOf); each file of the
# package as dpkg-deb -x / rpm2cpio | cpio -idm / tar -xzf extract it, read
# with readelf -h (Machine), -l (PT_INTERP), -d (NEEDED), -V (the GLIBC_
# versions it needs); the start verdicts: ld.so --list in a chroot of the root
# with the package extracted.
. "$(dirname "$0")/../lib.sh"
DEB="${GOABI_CACHE:-$HOME/.cache/goabi}/deb"
MB="${GOABI_CACHE:-$HOME/.cache/goabi}/nss/bookworm-minbase.tar.gz"
NFPM=${GOABI_CACHE:-$HOME/.cache/goabi}/nfpm/bin/nfpm
N=30
plan $N
ORA="$TOP/tests/cli/pkglibc_oracle.py"
# the system's python3 when there is one (a pyenv shim costs half a second a start)
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
# field PKG.deb KEY: a control field as dpkg-deb -f prints it (one dpkg-deb run per package)
field() {
	local f=$TMPD/$(basename "$1").control
	[ -s "$f" ] || dpkg-deb -f "$1" > "$f"
	awk -v k="$2" 'index($0, k ":") == 1 {v = substr($0, length(k) + 2); sub(/^[ \t]+/, "", v); on = 1; next}
		on && /^[ \t]/ {sub(/^[ \t]+/, ""); v = v " " $0; next} {on = 0} END {print v}' "$f"
}
I=$FIX/inspect
# the amd64 .deb of PKG pinned in tests/realworld (version and sha256), else nothing
pinned() {
	local row v sha f
	row=$(awk -F'\t' -v p="$1" '$1 == p && $3 == "amd64"' "$TOP/tests/realworld/debian.tsv" "$TOP/tests/realworld/pkgsyft.tsv" | head -1)
	[ -n "$row" ] || return
	v=$(cut -f2 <<< "$row"); sha=$(cut -f4 <<< "$row")
	f=$DEB/${1}_${v}_amd64.deb
	[ -f "$f" ] && [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$sha" ] && echo "$f"
}
REAL="jq libjq1 libonig5 libseccomp2 micro catatonit libc6-dev"
missing=""
declare -A P
for p in $REAL; do P[$p]=$(pinned "$p"); [ -n "${P[$p]}" ] || missing="$missing $p"; done
for f in go119-cgo-exe go119-static libc-so.so musl-dyn; do [ -f "$I/$f" ] || missing="$missing fixture:$f"; done
if [ ! -f "$MB" ] || [ "$(id -u)" != 0 ] || [ -n "$missing" ] || ! command -v dpkg-deb > /dev/null; then
	for i in $(seq 1 $N); do
		skip "image --add package libc $i" "needs root (chroot), the minbase tarball $MB (tests/fixtures/build-nss.sh), dpkg-deb and the pinned .debs and fixtures (missing:${missing:- none}; tests/fetch-deb.sh)"
	done
	exit 0
fi
R=$TMPD/root
# (without /usr/share: no loader or image check reads it, and it is 60 % of the files)
mkdir -p "$R" && tar -xzf "$MB" -C "$R" --exclude=./usr/share 2> /dev/null
# loader ROOT PATH: what the root's own loader says of PATH (ld.so --list in a chroot; it runs nothing)
loader() {
	local interp out rc
	interp=$(readelf -lW "$1$2" 2> /dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	[ -z "$interp" ] && { echo "will start"; return; } # static
	[ -e "$1$interp" ] || [ -L "$1$interp" ] || { echo "will not start"; return; }
	out=$(chroot "$1" "$interp" --list "$2" 2>&1); rc=$?
	if [ $rc -ne 0 ] || grep -Eq "not found|Error loading|cannot open|version .* not found" <<< "$out"; then echo "will not start"; else echo "will start"; fi
}
# tab JSON: goabi's report as lines (one python start per report):
# J member verdict package / F member rule severity package declared.field
# evidence... binary_verdict message / S key value
tab() {
	"$PY" - "$1" > "$1.tsv" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
for b in j.get('judged', []):
    print('J', b['member'], b['verdict'], b['properties'].get('package', ''), sep='\t')
for f in j.get('findings', []):
    p, s = f.get('properties', {}), f['subject']
    print('F', s.get('member') or s['path'].split('!', 1)[-1], f['rule'].split('/', 1)[1], f['severity'],
          p.get('package', s['path'].split('!', 1)[0]), p.get('declared.field', ''), ' || '.join(f.get('evidence', [])),
          p.get('binary_verdict', ''), f['message'], sep='\t')
for k, v in j.get('summary', {}).items():
    print('S', k, v, sep='\t')
PY
}
# goabi's view of package PKG in report J (tab'd): its ELF files (judged with
# property package = PKG), "|", its package-* findings "PATH RULE"
gview() {
	awk -F'\t' -v p="$2" '$1 == "J" && $4 == p {print $2}' "$1.tsv" | sort
	echo "|"
	awk -F'\t' -v p="$2" '$1 == "F" && $3 ~ /^package-/ && $5 == p {print $2 " " $3}' "$1.tsv" | sort
}
# field K (awk column: 4 severity, 6 declared.field, 7 evidence, 8 binary_verdict, 9 message) of the finding RULE about MEMBER
fld() { awk -F'\t' -v m="$2" -v r="$3" -v k="$4" '$1 == "F" && $2 == m && $3 == r {print $k; exit}' "$1.tsv"; }
verdict() { awk -F'\t' -v m="$2" '$1 == "J" && $2 == m {print $3; exit}' "$1.tsv"; }
oracle() { cat "$TMPD/$(basename "$1").oracle"; }

# ---- the packages: pinned real ones, .debs built here around the fixtures
# (the same files under declarations of every kind), an nfpm .apk and .rpm
FLOOR=$(readelf -VW "$I/go119-cgo-exe" | sed -n '/Version needs section/,$p' | grep -o 'Name: GLIBC_[0-9.]*' | sed 's/Name: GLIBC_//' | sort -V | tail -1)
# mkdeb NAME ARCH "FIELD: VALUE" "SRC:DST ..." -> $TMPD/NAME.deb (its files also in $TMPD/pkg-NAME)
mkdeb() {
	local d=$TMPD/pkg-$1 sd
	mkdir -p "$d/DEBIAN"
	{
		echo "Package: $1"; echo "Version: 1.2.3-4"; echo "Architecture: $2"
		echo "Maintainer: goabi tests <tests@example.org>"
		[ -n "$3" ] && echo "$3"
		echo "Description: goabi test package"
	} > "$d/DEBIAN/control"
	for sd in $4; do install -D -m 0755 "${sd%%:*}" "$d${sd#*:}"; done
	dpkg-deb -Zgzip -z1 --root-owner-group --build "$d" "$TMPD/$1.deb" > /dev/null 2>&1
	rm -rf "$d/DEBIAN" # the rest is what dpkg-deb -x gives
}
files() { echo "$I/go119-cgo-exe:/opt/$1/bin/cgo-exe $I/go119-static:/opt/$1/bin/static-go $I/libc-so.so:/opt/$1/lib/libc-so.so"; }
mkdeb low amd64 "Depends: libc6 (>= 2.17)" "$(files low)"
mkdeb eq amd64 "Depends: libc6 (>= $FLOOR)" "$(files eq)"
mkdeb none amd64 "" "$(files none)"
mkdeb pre amd64 "Pre-Depends: libc6 (>= 2.17)" "$(files pre)"
mkdeb arch arm64 "Depends: libc6 (>= $FLOOR)" "$I/go119-cgo-exe:/opt/arch/bin/cgo-exe"
mkdeb musldeb amd64 "Depends: musl (>= 1.2.3)" "$I/musl-dyn:/opt/musldeb/bin/musl-dyn $I/go119-cgo-exe:/opt/musldeb/bin/cgo-exe"
BUILT="low eq none pre arch musldeb"
args=() ora=()
for p in $REAL; do
	mkdir -p "$TMPD/x-$p" && dpkg-deb -x "${P[$p]}" "$TMPD/x-$p"
	args+=(--add "${P[$p]}"); ora+=("${P[$p]}=$TMPD/x-$p")
done
for p in $BUILT; do args+=(--add "$TMPD/$p.deb"); ora+=("$TMPD/$p.deb=$TMPD/pkg-$p"); done
NF=no
if [ -x "$NFPM" ] && command -v rpm > /dev/null && command -v rpm2cpio > /dev/null && command -v cpio > /dev/null; then
	NF=yes
	mk() { # NAME FORMAT DEPEND "SRC:DST ..."
		local y=$TMPD/$1.yaml sd
		{
			echo "name: $1"; echo "arch: amd64"; echo "platform: linux"; echo "version: 1.2.3"; echo "release: 4"
			echo "maintainer: goabi tests <tests@example.org>"; echo "description: goabi test package"
			echo "depends:"; echo "  - \"$3\""; echo "contents:"
			for sd in $4; do echo "  - src: ${sd%%:*}"; echo "    dst: ${sd#*:}"; echo "    file_info:"; echo "      mode: 0755"; done
		} > "$y"
		"$NFPM" package -f "$y" -p "$2" -t "$TMPD/$1.$2" > "$TMPD/$1.log" 2>&1
	}
	mk tmusl apk "so:libc.musl-x86_64.so.1" "$I/musl-dyn:/usr/bin/musl-dyn $I/go119-cgo-exe:/usr/bin/cgo-exe"
	mk tlow rpm "glibc >= 2.17" "$I/go119-cgo-exe:/opt/tlow/cgo-exe $I/go119-static:/opt/tlow/static-go"
	# an upper bound only (REQUIREFLAGS: LESS): no lowest glibc
	mk tcap rpm "glibc < 2.40" "$I/go119-cgo-exe:/opt/tcap/cgo-exe"
	mkdir -p "$TMPD/x-apk" "$TMPD/x-rpm" "$TMPD/x-cap"
	tar -xzf "$TMPD/tmusl.apk" -C "$TMPD/x-apk" 2> /dev/null && rm -f "$TMPD"/x-apk/.[A-Z]*
	(cd "$TMPD/x-rpm" && rpm2cpio "$TMPD/tlow.rpm" | cpio -idm --no-absolute-filenames --quiet 2> /dev/null)
	(cd "$TMPD/x-cap" && rpm2cpio "$TMPD/tcap.rpm" | cpio -idm --no-absolute-filenames --quiet 2> /dev/null)
	args+=(--add "$TMPD/tmusl.apk" --add "$TMPD/tlow.rpm" --add "$TMPD/tcap.rpm")
	ora+=("$TMPD/tmusl.apk=$TMPD/x-apk" "$TMPD/tlow.rpm=$TMPD/x-rpm" "$TMPD/tcap.rpm=$TMPD/x-cap")
fi
# the oracle's view of every package (one python start), goabi's of all of
# them added to the root at once (their paths do not meet)
"$PY" "$ORA" "$TMPD" "${ora[@]}"
A=$TMPD/all.json
"$GOABI" image --json "$R" "${args[@]}" > "$A" 2> "$TMPD/all.err"
tab "$A"
# (the root then gets the packages the loader is asked about: micro, low.deb, tmusl.apk)

# ---- 1. the real Debian packages
for p in $REAL; do
	check "$p: its ELF files judged with their package, its package-* findings (oracle: dpkg-deb -f, -x; readelf -h -l -d -V)" \
		"$(oracle "${P[$p]}")" "$(gview "$A" "${P[$p]}")"
done
# the summary: each package's own declaration, as dpkg-deb -f prints it
want="" got=""
for p in $REAL; do
	d=$({ field "${P[$p]}" Pre-Depends; field "${P[$p]}" Depends; } | tr ',' '\n' | sed 's/^ *//' | grep -E '^(libc6|musl)( |$)' | paste -sd, | sed 's/,/, /g')
	want="$want|$p ${d:-none declared}"
	got="$got|$p $(awk -F'\t' -v k="package[${P[$p]}]" '$1 == "S" && $2 == k {print $3}' "$A.tsv" | sed 's/.*; libc: //')"
done
check "the summary's package[PATH] libc declaration of each package (oracle: dpkg-deb -f: Pre-Depends, Depends)" "$want" "$got"
m=/usr/bin/micro
cp -a "$TMPD/x-micro/." "$R/"
check "micro: package-libc-undeclared is a warning whose evidence names the control fields and readelf -l's interpreter; the binary's verdict is ld.so --list's" \
	"warning|${P[micro]}: control Depends, Pre-Depends: no C library || libc glibc: PT_INTERP $(readelf -lW "$TMPD/x-micro$m" | sed -n 's/.*interpreter: \(.*\)]/\1/p')|$(loader "$R" $m)" \
	"$(fld "$A" $m package-libc-undeclared 4)|$(fld "$A" $m package-libc-undeclared 7)|$(fld "$A" $m package-libc-undeclared 8)"
# audit on the same packages: libc6-dev's "libc6 (= V)" is a lower bound
# there too; the built ones' findings and severities are image's
"$GOABI" audit --json --libc glibc,musl,none "${P[libc6-dev]}" "$TMPD/low.deb" "$TMPD/none.deb" "$TMPD/arch.deb" "$TMPD/musldeb.deb" > "$TMPD/aud.json" 2> /dev/null
tab "$TMPD/aud.json"
s=/usr/lib/x86_64-linux-gnu/audit/sotruss-lib.so
fl=$(readelf -VW "$TMPD/x-libc6-dev$s" | sed -n '/Version needs section/,$p' | grep -o 'Name: GLIBC_[0-9.]*' | sed 's/Name: GLIBC_//' | sort -V | tail -1)
eqv=$(field "${P[libc6-dev]}" Depends | grep -o 'libc6 (= [^)]*)' | sed 's/libc6 (= \([0-9.]*\).*/\1/')
check "libc6-dev: audit has no audit/package-libc on sotruss-lib.so: its GLIBC_$fl (readelf -V) <= the $eqv of 'libc6 (= ...)' (dpkg-deb -f)" \
	"$(printf '%s\n%s\n' "$fl" "$eqv" | sort -V | tail -1) read" \
	"$eqv $(awk -F'\t' -v p="${P[libc6-dev]}" '$1 == "S" && $2 == "package[" p "]" {print "read"}' "$TMPD/aud.json.tsv")$(awk -F'\t' -v s=$s '$1 == "F" && $2 == s && $3 ~ /^package-/ {print " " $3}' "$TMPD/aud.json.tsv")"

# ---- 2. the .debs built here
for p in $BUILT; do
	check "$p.deb (Architecture: $(field "$TMPD/$p.deb" Architecture) Depends: $(field "$TMPD/$p.deb" Depends) Pre-Depends: $(field "$TMPD/$p.deb" Pre-Depends)): ELF files with their package, package-* findings (oracle: dpkg-deb -f; readelf)" \
		"$(oracle "$TMPD/$p.deb")" "$(gview "$A" "$TMPD/$p.deb")"
done
c=/opt/low/bin/cgo-exe
check "low.deb: cgo-exe's package-libc is an error, declared in Depends, evidence the control line (dpkg-deb -f) and the GLIBC_$FLOOR floor (readelf -V)" \
	"error|Depends|$TMPD/low.deb: control Depends: $(field "$TMPD/low.deb" Depends) || glibc floor GLIBC_$FLOOR" \
	"$(fld "$A" $c package-libc 4)|$(fld "$A" $c package-libc 6)|$(fld "$A" $c package-libc 7 | sed 's/\(GLIBC_[0-9.]*\):.*/\1/')"
check "pre.deb: the declaration's field is Pre-Depends (dpkg-deb -f Pre-Depends: '$(field "$TMPD/pre.deb" Pre-Depends)', Depends: '$(field "$TMPD/pre.deb" Depends)')" \
	"Pre-Depends" "$(fld "$A" /opt/pre/bin/cgo-exe package-libc 6)"
check "arch.deb: package-arch (error) names the control's Architecture and readelf -h's machine" \
	"error|$TMPD/arch.deb: control Architecture: $(field "$TMPD/arch.deb" Architecture) || e_machine $(readelf -hW "$I/go119-cgo-exe" | grep -q 'Machine: *Advanced Micro Devices X86-64' && echo x86_64)" \
	"$(fld "$A" /opt/arch/bin/cgo-exe package-arch 4)|$(fld "$A" /opt/arch/bin/cgo-exe package-arch 7)"
# the start verdict is the loader's, the exit code the image's (a package
# finding changes neither); text, SARIF and CycloneDX carry the finding
"$GOABI" image "$R" --add "$TMPD/low.deb" > "$TMPD/low.txt" 2> /dev/null
rc=$?
cp -a "$TMPD/pkg-low/." "$R/"
check "low.deb: cgo-exe $(loader "$R" $c) (ld.so --list in the root with the package's files), goabi image ROOT --add low.deb exits 0, with its package-libc finding" \
	"$(loader "$R" $c)|0|error" "$(verdict "$A" $c)|$rc|$(fld "$A" $c package-libc 4)"
check "low.deb text: the finding under errors, with readelf -V's floor and dpkg-deb -f's declaration" yes \
	"$(sed -n '/^errors/,/^$/p' "$TMPD/low.txt" | grep -qF "$c): the package declares $(field "$TMPD/low.deb" Depends), lower than the GLIBC_$FLOOR the binary needs [image/package-libc]" && echo yes || echo no)"
# (the finding does not depend on the image: SARIF and CycloneDX over an empty root)
mkdir -p "$TMPD/empty"
"$GOABI" image --format sarif "$TMPD/empty" --add "$TMPD/low.deb" > "$TMPD/low.sarif" 2> /dev/null
"$GOABI" image --format cyclonedx "$TMPD/empty" --add "$TMPD/low.deb" > "$TMPD/low.cdx" 2> /dev/null
"$PY" - "$TMPD/low.sarif" "$TMPD/low.cdx" "$c" > "$TMPD/fmt.out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
print("yes" if any(r["ruleId"] == "image/package-libc" and r["level"] == "error" and sys.argv[3] in json.dumps(r.get("locations"))
                   for r in j["runs"][0]["results"]) else "no")
def walk(cs):
    for c in cs:
        yield c
        yield from walk(c.get("components", []))
for c in walk(json.load(open(sys.argv[2])).get("components", [])):
    ps = [p for p in c.get("properties", []) if p["name"] == "goabi:path" and p["value"] == sys.argv[3]]
    fs = [p["value"] for p in c.get("properties", []) if p["name"].startswith("goabi:finding")]
    hit = [i for i, f in enumerate(fs) if f.startswith("image/package-libc ")]
    if ps and hit:
        print(fs[hit[0]].split(":")[0] + "|" + fs[hit[0] + 1])
PY
check "low.deb --format sarif: an image/package-libc result of level error about cgo-exe" yes "$(sed -n 1p "$TMPD/fmt.out")"
check "low.deb --format cyclonedx: cgo-exe's component carries the finding (goabi:finding) with its evidence" \
	"image/package-libc (error)|$TMPD/low.deb: control Depends: $(field "$TMPD/low.deb" Depends)" "$(sed -n 2p "$TMPD/fmt.out")"
aud="" img=""
for p in low none arch musldeb; do
	aud="$aud$(awk -F'\t' -v p="$TMPD/$p.deb" '$1 == "F" && $3 ~ /^package-/ && $5 == p {print $2 ":" $3 ":" $4}' "$TMPD/aud.json.tsv" | sort | paste -sd' ') "
	img="$img$(awk -F'\t' -v p="$TMPD/$p.deb" '$1 == "F" && $3 ~ /^package-/ && $5 == p {print $2 ":" $3 ":" $4}' "$A.tsv" | sort | paste -sd' ') "
done
check "low, none, arch, musldeb: image's package findings and severities = audit's of the same packages" "$aud" "$img"

# ---- 3. nfpm: a musl .apk on the glibc root, .rpms declaring glibc >= 2.17 and < 2.40
if [ $NF = yes ]; then
	check "tmusl.apk (.PKGINFO: $(tar -xzOf "$TMPD/tmusl.apk" .PKGINFO 2> /dev/null | grep '^depend' | paste -sd' ')): ELF files with their package, findings (oracle: tar -xzf, readelf)" \
		"$(oracle "$TMPD/tmusl.apk")" "$(gview "$A" "$TMPD/tmusl.apk")"
	check "tlow.rpm (rpm -qp --requires: $(rpm -qp --requires "$TMPD/tlow.rpm" 2> /dev/null | grep -i glibc | paste -sd' ')): ELF files with their package, findings (oracle: rpm2cpio | cpio -idm, readelf)" \
		"$(oracle "$TMPD/tlow.rpm")" "$(gview "$A" "$TMPD/tlow.rpm")"
	check "tlow.rpm: the declaration's field and evidence are the header's Requires (rpm -qp --requires)" \
		"Requires|$TMPD/tlow.rpm: header Requires: $(rpm -qp --requires "$TMPD/tlow.rpm" 2> /dev/null | grep '^glibc ')" \
		"$(fld "$A" /opt/tlow/cgo-exe package-libc 6)|$(fld "$A" /opt/tlow/cgo-exe package-libc 7 | sed 's/ || .*//')"
	check "tcap.rpm (rpm -qp --requires: $(rpm -qp --requires "$TMPD/tcap.rpm" 2> /dev/null | grep -i glibc | paste -sd' ')): an upper bound is no lowest version: ELF files with their package, findings (oracle: rpm2cpio | cpio -idm, readelf)" \
		"$(oracle "$TMPD/tcap.rpm")" "$(gview "$A" "$TMPD/tcap.rpm")"
	check "tcap.rpm: the summary's declaration as rpm -qp --requires writes it" \
		"$(rpm -qp --requires "$TMPD/tcap.rpm" 2> /dev/null | grep '^glibc ')" \
		"$(awk -F'\t' -v k="package[$TMPD/tcap.rpm]" '$1 == "S" && $2 == k {print $3}' "$A.tsv" | sed 's/.*; libc: //')"
	cp -a "$TMPD/x-apk/." "$R/"
	check "tmusl.apk on the glibc root: musl-dyn $(loader "$R" /usr/bin/musl-dyn) (its interpreter is not in the root) with no package finding; cgo-exe $(loader "$R" /usr/bin/cgo-exe) (ld.so --list) with package-libc (declares musl)" \
		"$(loader "$R" /usr/bin/musl-dyn) |$(loader "$R" /usr/bin/cgo-exe) error musl" \
		"$(verdict "$A" /usr/bin/musl-dyn) $(fld "$A" /usr/bin/musl-dyn package-libc 4)|$(verdict "$A" /usr/bin/cgo-exe) $(fld "$A" /usr/bin/cgo-exe package-libc 4) $(fld "$A" /usr/bin/cgo-exe package-libc 9 | awk '{print $4}')"
else
	for i in 1 2 3 4 5 6; do skip "image --add nfpm package libc $i" "needs nfpm ($NFPM: t-packages-rpm-apk.sh builds it), rpm, rpm2cpio and cpio"; done
fi
