#!/bin/bash
# The Debian package (debian/, docs/packaging.md): `dpkg-buildpackage -b`
# on a copy of the source tree builds goabi_V_ARCH.deb and
# libgoabi-dev_V_ARCH.deb; lintian finds nothing beyond the findings
# docs/packaging.md justifies; the packages hold what `make install` puts
# where Debian wants it; and, installed with apt into a fresh Debian bookworm
# minbase chroot (the debootstrap tarball tests/fixtures/build-nss.sh caches),
# the program runs, loads the libraries it dlopens, its man page and bash
# completion work, and a library client builds with pkg-config alone.
# Oracles: GOABI_VERSION and debian/changelog (the version), lintian,
# dpkg-deb -c and the source tree (contents), dpkg -S (which package ships
# each soname goabi dlopens), apt/dpkg in the chroot (Depends resolve),
# tar -t (entries of a tarball), readelf -h and go version -m (the example's
# output), man and the man page source (.TH, NAME).
# Caches (~/.cache/goabi/debpkg): the .debs apt downloads and apt's lists,
# so a warm run needs no network.
. "$(dirname "$0")/../lib.sh"
PLAN=18
plan $PLAN
n=0
ok() { n=$((n + 1)); echo "ok - $*"; }
notok() { n=$((n + 1)); echo "not ok - $*"; }
skip() { n=$((n + 1)); echo "skip - $1: $2"; }
skip_rest() { while [ "$n" -lt "$PLAN" ]; do skip "debpkg: remaining check $((n + 1))" "$1"; done; exit 0; }

[ "$(id -u)" = 0 ] || skip_rest "needs root (chroot, dpkg-buildpackage's clean build)"
for t in dpkg-buildpackage dh lintian fakeroot dpkg-deb; do
	command -v "$t" > /dev/null || skip_rest "$t is not installed (scripts/install-deps.sh test)"
done
CACHE=${GOABI_CACHE:-$HOME/.cache/goabi}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
V=$(sed -n 's/^#define GOABI_VERSION "\(.*\)"/\1/p' "$TOP/include/goabi/goabi.h")
ARCH=$(dpkg --print-architecture)
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2> /dev/null || gcc -print-multiarch)

# --- build from a copy of the source tree (no build directories)
S=$TMPD/pkg/goabi-$V
mkdir -p "$S"
if git -C "$TOP" rev-parse --git-dir > /dev/null 2>&1; then
	(cd "$TOP" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -C "$S" -xf -
else
	tar -C "$TOP" --exclude='./build' --exclude='./build-*' -cf - . | tar -C "$S" -xf -
fi
t0=$SECONDS
# nocheck: the unit tests run in make check; parallel: the shared 2 cores
if (cd "$S" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -b -us -uc) > "$TMPD/build.log" 2>&1; then
	ok "dpkg-buildpackage -b -us -uc builds ($((SECONDS - t0)) s)"
else
	notok "dpkg-buildpackage failed: $(tail -5 "$TMPD/build.log" | tr '\n' ' ')"
fi
check "debian/changelog's version is GOABI_VERSION" "$V" "$(cd "$S" && dpkg-parsechangelog -SVersion)"
P=$TMPD/pkg
D1=$P/goabi_${V}_$ARCH.deb
D2=$P/libgoabi-dev_${V}_$ARCH.deb
if [ -f "$D1" ] && [ -f "$D2" ] && [ -f "$P/goabi_${V}_$ARCH.changes" ]; then
	ok "goabi_${V}_$ARCH.deb, libgoabi-dev_${V}_$ARCH.deb and the .changes are built"
else
	notok "missing package files: $(cd "$P" && ls -- *.deb *.changes 2> /dev/null | tr '\n' ' ')"
	skip_rest "no package to check"
fi

# --- lintian: every E:/W: finding must be one docs/packaging.md justifies
# ("lintian-accepted: X: package: tag" lines); anything else fails
lintian --no-cfg "$P/goabi_${V}_$ARCH.changes" > "$TMPD/lintian.txt" 2> "$TMPD/lintian.err"
lrc=$?
sed -nE 's/^([EW]): ([^:]+): ([^ ]+).*/\1: \2: \3/p' "$TMPD/lintian.txt" | sort -u > "$TMPD/found"
sed -nE 's/^ *lintian-accepted: ([EW]: [^:]+: [^ ]+).*/\1/p' "$TOP/docs/packaging.md" | sort -u > "$TMPD/accepted"
new=$(comm -23 "$TMPD/found" "$TMPD/accepted" | tr '\n' ';')
# (lintian exits 2 when it reports an error: "did not run" is no output and a complaint)
if [ "$lrc" != 0 ] && [ ! -s "$TMPD/found" ] && grep -qv 'running with root privileges' "$TMPD/lintian.err"; then
	notok "lintian did not run (rc $lrc): $(head -3 "$TMPD/lintian.err" | tr '\n' ' ')"
elif [ -z "$new" ]; then
	ok "lintian: $(wc -l < "$TMPD/found") E/W findings, none beyond docs/packaging.md's justified list ($(wc -l < "$TMPD/accepted"))"
else
	notok "lintian findings not justified in docs/packaging.md: $new"
fi

# --- contents against dpkg-deb -c; the headers are those of the source tree
contents() { dpkg-deb -c "$1" | awk '{ print $6 }' | sed 's|^\./|/|'; }
missing() { # missing DEB PATH...: the paths DEB lacks
	local deb=$1 f out=""; shift
	contents "$deb" > "$TMPD/c"
	for f in "$@"; do grep -qxF "$f" "$TMPD/c" || out="$out $f"; done
	echo "$out"
}
m=$(missing "$D1" /usr/bin/goabi /usr/share/man/man1/goabi.1.gz /usr/share/bash-completion/completions/goabi \
	/usr/share/zsh/vendor-completions/_goabi /usr/share/doc/goabi/copyright)
check "goabi.deb holds the binary, man page, bash and zsh completion, copyright (dpkg-deb -c)" "" "$m"
hdrs=()
for h in "$TOP"/include/goabi/*.h; do hdrs+=("/usr/include/goabi/${h##*/}"); done
m=$(missing "$D2" "${hdrs[@]}" "/usr/lib/$MA/libgoabi.a" "/usr/lib/$MA/pkgconfig/goabi.pc" /usr/share/doc/libgoabi-dev/copyright)
check "libgoabi-dev.deb holds the ${#hdrs[@]} headers of include/goabi, libgoabi.a and goabi.pc under /usr/lib/$MA" "" "$m"

# --- the libraries goabi dlopens must come with the package: the dynamic
# loader's own trace (LD_DEBUG=files: "dynamically loaded by") of the built
# binary on an ISA scan (capstone), a tarball (libarchive) and a registry
# reference to a closed port (libcurl); Depends or Recommends must name the
# package that ships each soname on this machine (dpkg -S)
x=$TMPD/x
dpkg-deb -x "$D1" "$x"
tar -C "$x" -cf "$TMPD/r.tar" usr/bin/goabi
# the sonames goabi dlopens and the loader maps: "dynamically loaded by" is
# printed before the search, "generating link map" only when it was found
dlopened() {
	awk 'match($0, /file=[^ ]+/) { f = substr($0, RSTART + 5, RLENGTH - 5) }
		/dynamically loaded by .*goabi / { d[f] = 1 }
		/generating link map/ { g[f] = 1 }
		END { for (s in d) if (s in g) print s }' | sort -u
}
for c in "inspect --isa $x/usr/bin/goabi" "image $TMPD/r.tar"; do
	# shellcheck disable=SC2086
	LD_DEBUG=files timeout 60 "$x/usr/bin/goabi" $c 2>&1 > /dev/null
done | dlopened > "$TMPD/dlopened.local"
LD_DEBUG=files timeout 60 "$x/usr/bin/goabi" image docker://127.0.0.1:9/a/b:c 2>&1 > /dev/null | dlopened |
	sort -u - "$TMPD/dlopened.local" > "$TMPD/dlopened"
deps=$(dpkg-deb -f "$D1" Depends Recommends | tr ',|' '\n\n' | sed 's/^.*: //; s/^ *//; s/[ (].*//' | sort -u)
lack=""
while read -r so; do
	f=$(ldconfig -p | awk -v s="$so" '$1 == s { print $NF; exit }')
	pkg=$( [ -n "$f" ] && dpkg -S "$(readlink -f "$f")" 2> /dev/null | head -1 | cut -d: -f1)
	[ -n "$pkg" ] || pkg=$( [ -n "$f" ] && dpkg -S "$f" 2> /dev/null | head -1 | cut -d: -f1)
	if [ -z "$pkg" ]; then lack="$lack $so(no package on this machine)"; elif ! grep -qxF "$pkg" <<< "$deps"; then lack="$lack $so($pkg)"; fi
done < "$TMPD/dlopened"
nso=$(wc -l < "$TMPD/dlopened")
if [ "$nso" -ge 3 ] && [ -z "$lack" ]; then
	ok "the $nso libraries goabi dlopens ($(tr '\n' ' ' < "$TMPD/dlopened" | sed 's/ $//')) come from packages its Depends/Recommends name"
else
	notok "dlopened sonames (LD_DEBUG) without a Depends/Recommends, or fewer than 3 seen ($nso):$lack"
fi

# --- a fresh Debian bookworm minbase chroot (build-nss.sh's debootstrap tarball)
tarball=$CACHE/nss/bookworm-minbase.tar.gz
if [ ! -s "$tarball" ]; then
	command -v debootstrap > /dev/null || skip_rest "no $tarball and no debootstrap"
	mkdir -p "$CACHE/nss"
	rm -rf "$CACHE/nss/root.tmp"
	debootstrap --variant=minbase bookworm "$CACHE/nss/root.tmp" "$MIRROR" > "$TMPD/debootstrap.log" 2>&1 ||
		{ rm -rf "$CACHE/nss/root.tmp"; skip_rest "debootstrap could not reach $MIRROR"; }
	tar --numeric-owner -C "$CACHE/nss/root.tmp" -czf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
	rm -rf "$CACHE/nss/root.tmp"
fi
R=$TMPD/root
mkdir -p "$R"
tar --numeric-owner -C "$R" -xzf "$tarball" || skip_rest "cannot unpack $tarball"
[ -x "$R/usr/bin/goabi" ] && skip_rest "the minbase tree already has a goabi"
AC=$CACHE/debpkg
mkdir -p "$AC/archives" "$AC/lists" "$R/var/cache/apt/archives/partial" "$R/var/lib/apt/lists/partial" "$R/pkgs"
cp /etc/resolv.conf "$R/etc/resolv.conf" 2> /dev/null || true
cp -l "$AC"/archives/*.deb "$R/var/cache/apt/archives/" 2> /dev/null || cp "$AC"/archives/*.deb "$R/var/cache/apt/archives/" 2> /dev/null || true
cp -a "$AC/lists/." "$R/var/lib/apt/lists/" 2> /dev/null || true
cp "$D1" "$D2" "$R/pkgs/"
mount -t proc proc "$R/proc" || skip_rest "cannot mount /proc in the chroot"
# the chroot (~500 MB once gcc is in) goes when the script ends, killed or not;
# never removed while /proc is still mounted in it
cleanup() {
	umount "$R/proc" 2> /dev/null || umount -l "$R/proc" 2> /dev/null
	mountpoint -q "$R/proc" || rm -rf "$R"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
# man-db's trigger would rebuild the index database on every install: not needed for `man goabi`
echo 'man-db man-db/auto-update boolean false' | chroot "$R" debconf-set-selections 2> /dev/null
APT=(chroot "$R" env DEBIAN_FRONTEND=noninteractive LC_ALL=C apt-get -q -y --no-install-recommends -o DPkg::Options::=--force-unsafe-io)
lists_fresh=0
ls "$R"/var/lib/apt/lists/*_Packages* > /dev/null 2>&1 && lists_fresh=1
update() { "${APT[@]}" update > "$TMPD/update.log" 2>&1 && lists_fresh=2; }
[ "$lists_fresh" = 1 ] || update || skip_rest "apt-get update in the chroot failed (no mirror?): $(tail -2 "$TMPD/update.log" | tr '\n' ' ')"
# install: retried after an update when the cached lists name versions the mirror no longer has
install() {
	"${APT[@]}" install "$@" > "$TMPD/apt.log" 2>&1 && return 0
	[ "$lists_fresh" = 2 ] && return 1
	update && "${APT[@]}" install "$@" > "$TMPD/apt.log" 2>&1
}
save_cache() {
	cp -n "$R"/var/cache/apt/archives/*.deb "$AC/archives/" 2> /dev/null
	[ "$lists_fresh" = 2 ] && rm -rf "$AC/lists" && mkdir -p "$AC/lists" && cp -a "$R/var/lib/apt/lists/." "$AC/lists/"
	return 0
}

# the program alone: apt resolves goabi's own Depends from the mirror
if install "/pkgs/goabi_${V}_$ARCH.deb"; then
	ok "apt-get installs goabi_${V}_$ARCH.deb into a fresh minbase chroot (its Depends resolve)"
else
	notok "apt-get install of the goabi package failed: $(grep '^E:' "$TMPD/apt.log" | head -3 | tr '\n' ' ')"
	save_cache
	skip_rest "goabi is not installed in the chroot"
fi
save_cache
check "goabi --version in the chroot names the source's version" "goabi $V" \
	"$(chroot "$R" goabi --version 2>&1 | awk '{ print $1, $2; exit }')"
# capstone and libarchive are loaded on first use: the same ISA scan and
# tarball read as above load in the chroot every library they load here
# (LD_DEBUG: a failed dlopen generates no link map; Depends must bring them)
chroot "$R" sh -c 'cd / && tar -cf /tmp/r.tar usr/bin/goabi etc/os-release'
for c in "inspect --isa /usr/bin/goabi" "image /tmp/r.tar"; do
	# shellcheck disable=SC2086
	chroot "$R" env LD_DEBUG=files goabi $c 2>&1 > /dev/null
done | dlopened > "$TMPD/dlopened.chroot"
m=$(comm -23 "$TMPD/dlopened.local" "$TMPD/dlopened.chroot" | tr '\n' ' ')
if [ -s "$TMPD/dlopened.local" ] && [ -z "$m" ]; then
	ok "inspect --isa and image in the chroot load what they load here: $(tr '\n' ' ' < "$TMPD/dlopened.local" | sed 's/ $//')"
else
	notok "in the chroot goabi cannot load: ${m:-nothing was dlopened here}"
fi
want=$(chroot "$R" tar -tf /tmp/r.tar | wc -l)
got=$(chroot "$R" goabi image /tmp/r.tar 2>&1 | awk '$1 == "entries" { print $2 }')
check "goabi image reads a tarball in the chroot: entries as tar -t counts" "$want" "$got"
check "bash completion: sourcing the installed file registers _goabi for goabi" "complete -F _goabi goabi" \
	"$(chroot "$R" bash -c '. /usr/share/bash-completion/completions/goabi && complete -p goabi' 2>&1)"

# the library: libgoabi-dev with a compiler, pkg-config and man
if install "/pkgs/libgoabi-dev_${V}_$ARCH.deb" gcc libc6-dev pkg-config man-db; then
	ok "apt-get installs libgoabi-dev_${V}_$ARCH.deb, gcc, pkg-config and man-db"
	inst=1
else
	notok "apt-get install of libgoabi-dev (+ gcc pkg-config man-db) failed: $(grep '^E:' "$TMPD/apt.log" | head -3 | tr '\n' ' ')"
	inst=0
fi
save_cache
[ "$inst" = 1 ] || skip_rest "libgoabi-dev is not installed in the chroot"
# man goabi: the title from .TH and the NAME line of docs/goabi.1
th=$(sed -n 's/^\.TH \([^ ]*\) \([0-9]\).*/\1(\2)/p' "$TOP/docs/goabi.1")
name=$(sed -n '/^\.SH NAME/{n;p;q}' "$TOP/docs/goabi.1" | sed 's/\\-/-/g; s/\\//g')
chroot "$R" env MANPAGER=cat MANWIDTH=200 LC_ALL=C.UTF-8 man goabi > "$TMPD/man.txt" 2> "$TMPD/man.err"
first=$(grep -m1 . "$TMPD/man.txt" | awk '{ print $1 }')
if [ "$first" = "$th" ] && tr -s ' \n' ' ' < "$TMPD/man.txt" | sed 's/‐/-/g; s/−/-/g' | grep -qF "$name"; then
	ok "man goabi in the chroot renders $th with its NAME line"
else
	notok "man goabi: first word '$first' (want $th), NAME '$name' $(grep -c "$name" "$TMPD/man.txt") times; $(head -2 "$TMPD/man.err" | tr '\n' ' ')"
fi
check "pkg-config --modversion goabi in the chroot" "$V" "$(chroot "$R" pkg-config --modversion goabi 2>&1)"
cp "$TOP/docs/example/goabi-example.c" "$R/tmp/"
if chroot "$R" sh -c 'cd /tmp && gcc -std=c11 -Wall -Wextra -Werror -o goabi-example goabi-example.c $(pkg-config --cflags --libs goabi)' > "$TMPD/cc.txt" 2>&1; then
	ok "docs/example/goabi-example.c builds in the chroot with pkg-config --cflags --libs goabi alone"
else
	notok "the example does not build in the chroot: $(head -3 "$TMPD/cc.txt" | tr '\n' ' ')"
	skip_rest "no example binary"
fi
# on the installed C program: readelf -h's machine and class, go version -m's "not a Go executable"
rm=$(LC_ALL=C readelf -h "$R/usr/bin/goabi" | sed -n 's/^ *Machine: *//p')
cls=$(LC_ALL=C readelf -h "$R/usr/bin/goabi" | sed -n 's/^ *Class: *ELF//p')
em=$(case $rm in *X86-64*) echo "x86_64 (e_machine 62" ;; *AArch64*) echo "aarch64 (e_machine 183" ;; *) echo "$rm" ;; esac)
ngo=$(go version -m "$R/usr/bin/goabi" 2>&1 | grep -c 'not a Go executable')
check "the example on /usr/bin/goabi: machine as readelf -h, not Go as go version -m" \
	"machine: $em, ELF$cls)|1|/usr/bin/goabi: not Go" \
	"$(chroot "$R" /tmp/goabi-example /usr/bin/goabi 2> /dev/null | grep '^machine:')|$ngo|$(chroot "$R" /tmp/goabi-example /usr/bin/goabi 2> /dev/null | grep '^/usr/bin/goabi: ' | sed 's/ (toolchain.*//')"
# on a Go program (make demo's pinned age): the build info exactly as go version -m prints it
DEB=$CACHE/deb
[ -d "$DEB/age_1.1.1-1+b3_amd64" ] || "$TOP/tests/fetch-deb.sh" "$DEB" "$TOP/testdata/demo/debian.tsv" > /dev/null 2>&1
age=$DEB/age_1.1.1-1+b3_amd64/usr/bin/age
if [ ! -f "$age" ] || ! command -v go > /dev/null; then
	skip "the example on a Go program" "no age from testdata/demo/debian.tsv or no go"
else
	cp "$age" "$R/tmp/age"
	norm() { sed -e 's/[[:space:]]*$//' | grep -v '^$'; }
	want=$(cd "$R" && go version -m tmp/age 2> /dev/null | sed 's|^tmp/age:|/tmp/age:|' | norm)
	got=$(chroot "$R" /tmp/goabi-example /tmp/age 2> /dev/null | grep -E "^(/tmp/age: |	(path|mod|dep|=>|build)	)" | norm)
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		ok "the example in the chroot prints age's build info exactly as go version -m does ($(wc -l <<< "$want") lines)"
	else
		notok "build info differs from go version -m: $(diff <(echo "$want") <(echo "$got") | head -5 | tr '\n' ' ')"
	fi
fi
echo "# t-debpkg: $SECONDS s" >&2
