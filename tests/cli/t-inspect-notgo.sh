#!/bin/bash
# goabi inspect never takes a C, C++ or Rust program for Go. C++ and Rust
# programs can carry STT_FILE symbols such as runtime.cc / runtime.c (Node.js,
# turborepo's Rust binary) and functions whose names start with "runtime".
# Oracles: what each program is built from, by its own project (npm packages
# pinned in testdata/npm-other-binaries.tsv; Debian's C and C++ packages, by
# dpkg -S), and go version -m for the Go program shipped beside a Rust one.
. "$(dirname "$0")/../lib.sh"
toolchain() { "$GOABI" inspect --json "$1" 2>/dev/null > "$TMPD/j.json"; jget "$TMPD/j.json" "j['artifacts'][0]['go']['toolchain']['value']"; }
while IFS=$'\t' read -r spec file sha gover mach; do
	case $spec in ''|'#'*) continue ;; esac
	f="$NPM/$(echo "$spec" | tr '/' '_')/$(basename "$file")"
	if [ ! -f "$f" ]; then skip "$spec $(basename "$file")" "not fetched (tests/fetch-npm.sh)"; continue; fi
	if [ "$gover" = none ]; then
		check "$spec $(basename "$file") ($mach): not Go" none "$(toolchain "$f")"
		# the file really holds what fooled goabi before: runtime.* names
		n=$(nm -a "$f" 2>/dev/null | grep -c ' runtime\.' || true)
		[ "$n" -gt 0 ] && echo "# $spec $(basename "$file"): $n runtime.* symbols in nm -a"
	else
		cp "$f" "$TMPD/x" && chmod +x "$TMPD/x"
		want=$(go version "$TMPD/x" 2>/dev/null | awk '{print $2}')
		check "$spec $(basename "$file"): go version -m says $gover (oracle sanity)" "$gover" "$want"
		check "$spec $(basename "$file") ($mach): Go" gc "$(toolchain "$f")"
		check "$spec $(basename "$file"): version" "$want" "$(jget "$TMPD/j.json" "j['artifacts'][0]['go']['version']['value']")"
	fi
done < "$TOP/testdata/npm-other-binaries.tsv"
# Debian's own C and C++ programs and libraries
for f in /usr/bin/ld.bfd /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/bin/perl /usr/bin/readelf \
	/usr/lib/gcc/x86_64-linux-gnu/12/cc1plus /usr/lib/x86_64-linux-gnu/libc.so.6; do
	[ -f "$f" ] || { skip "$f not Go" "not installed"; continue; }
	pkg=$(dpkg -S "$(readlink -f "$f")" 2>/dev/null | head -1 | cut -d: -f1)
	check "$f (Debian package ${pkg:-?}, C/C++): not Go" none "$(toolchain "$f")"
done
