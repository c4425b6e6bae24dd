#!/bin/bash
# goabi inspect: Go build info (version, path, main module, every dependency
# with its replacement, every build setting) against `go version -m` (Go
# 1.19, which also reads the build info of newer releases), on the Go 1.19
# fixtures and on the pinned npm binaries (go1.16 ... go1.23).
. "$(dirname "$0")/../lib.sh"
I=$FIX/inspect
ORACLE="python3 $TOP/tests/cli/inspect_oracle.py"
gover() { # NAME FILE
	local name=$1 f=$2
	if [ ! -f "$f" ]; then notok "$name: fixture missing ($f)"; return; fi
	"$GOABI" inspect --json "$f" > "$TMPD/j.json" 2> "$TMPD/err" || { notok "$name: goabi inspect failed: $(head -1 "$TMPD/err")"; return; }
	# go version -m skips files without an execute bit (c-shared .so): use a copy
	cp "$f" "$TMPD/x" && chmod +x "$TMPD/x"
	go version -m "$TMPD/x" > "$TMPD/gv.txt" 2>&1 || { notok "$name: go version -m cannot read it"; return; }
	$ORACLE gover "$name" "$TMPD/j.json" "$TMPD/gv.txt"
}
for f in go119-cgo-exe go119-cgo-pie go119-cgo-sw go119-c-shared.so go119-static go119-static-sw \
	go119-pure-pie go119-amd64v3 go119-trimpath-tags go119-arm64 go119-386 go119-s390x; do
	gover "$f" "$I/$f"
done
# Go 1.26.8 and 1.27.3 (tests/fixtures/build-modern.sh), with the newest
# toolchain's go version -m as the oracle
M=$FIX/modern
if grep -q '^go127' "$M/TOOLCHAINS" 2>/dev/null && [ -n "$GO127" ]; then newest="env GOTOOLCHAIN=local $GO127"
elif grep -q '^go126' "$M/TOOLCHAINS" 2>/dev/null && [ -n "$GO126" ]; then newest="env GOTOOLCHAIN=local $GO126"
else newest=; fi
for tc in go126 go127; do
	if ! grep -q "^$tc" "$M/TOOLCHAINS" 2>/dev/null; then skip "$tc build info" "toolchain $tc not on this machine"; continue; fi
	for f in cgo-exe cgo-pie cgo-sw c-shared.so static static-sw amd64v3 arm64; do
		p=$M/$tc-$f
		if [ ! -f "$p" ]; then notok "$tc-$f: fixture missing"; continue; fi
		"$GOABI" inspect --json "$p" > "$TMPD/j.json" 2> "$TMPD/err" || { notok "$tc-$f: goabi inspect failed: $(head -1 "$TMPD/err")"; continue; }
		cp "$p" "$TMPD/x" && chmod +x "$TMPD/x"
		$newest version -m "$TMPD/x" > "$TMPD/gv.txt" 2>&1 || { notok "$tc-$f: go version -m cannot read it"; continue; }
		$ORACLE gover "$tc-$f" "$TMPD/j.json" "$TMPD/gv.txt"
	done
done

# Go 1.19's own tools (Debian strips them; CGO_ENABLED=1 recorded, no cgo used)
for f in /usr/lib/go-1.19/bin/go /usr/lib/go-1.19/pkg/tool/linux_amd64/compile; do
	[ -f "$f" ] && gover "$f" "$f"
done
# npm binaries: every pinned one that is cached
while IFS=$'\t' read -r spec file sha gover mach; do
	case $spec in ''|'#'*) continue ;; esac
	f="$NPM/$(echo "$spec" | tr '/' '_')/$(basename "$file")"
	if [ ! -f "$f" ]; then skip "$spec build info" "not fetched (tests/fetch-npm.sh)"; continue; fi
	if readelf -SW "$f" 2>/dev/null | grep -q '\.go\.buildinfo'; then gover "$spec" "$f"; continue; fi
	# no build info (esbuild >= 0.27): go version -m cannot read it; the
	# version is the runtime.buildVersion string, which strings(1) finds
	want=$(strings -a "$f" | grep -xE 'go1\.[0-9]+(\.[0-9]+)?' | sort -u)
	check "$spec: strings finds one release string (oracle sanity)" 1 "$(echo "$want" | grep -c .)"
	check "$spec: tsv version is the strings oracle's" "$gover" "$want"
	"$GOABI" inspect --json "$f" > "$TMPD/j.json" 2>/dev/null
	check "$spec: version without build info (oracle: strings)" "$want inferred" \
		"$(jget "$TMPD/j.json" "j['artifacts'][0]['go']['version']['value'] + ' ' + j['artifacts'][0]['go']['version']['confidence']")"
done < "$TOP/testdata/npm-go-binaries.tsv"

# c-archive: go version -m cannot read archives or ET_REL objects. Oracle: the
# c-shared library built from the same package by the same toolchain (Go 1.19
# does not record -buildmode, so the build info is identical), read by go
# version -m, compared with what goabi reports for the archive.
if [ -f "$I/go119-c-archive.a" ] && [ -f "$I/go119-c-shared.so" ]; then
	"$GOABI" inspect --json "$I/go119-c-archive.a" > "$TMPD/j.json" 2>/dev/null
	cp "$I/go119-c-shared.so" "$TMPD/x" && chmod +x "$TMPD/x"
	go version -m "$TMPD/x" > "$TMPD/gv.txt"
	$ORACLE gover "go119-c-archive.a (oracle: c-shared of the same package)" "$TMPD/j.json" "$TMPD/gv.txt"
	check "go119-c-archive.a: rolled up from member go.o" "go.o" \
		"$(jget "$TMPD/j.json" "j['artifacts'][0]['go']['version']['evidence'].split(':')[0].split()[-1]")"
else
	notok "go119-c-archive.a: fixture missing"
fi
