#!/bin/bash
# goabi inspect --brief: one line per file, like `go version`. Oracles, over
# real programs (Debian packages of the real-world corpus, npm binaries):
# the Go version = `go version FILE` (Go 1.26.8, else 1.19), "not Go" where
# go version rejects the file and readelf shows no Go section, the glibc
# floor = readelf -V's highest GLIBC_ version, one line per ELF file and
# archive that find + the magic bytes see under a -r tree. Go package
# archives (read sparsely under --brief: headers and each member's first
# 4 KiB): the member count = ar t, the Go version = the members' own
# "go object" header line (ar p), the bytes read = strace's count; -r opens
# every file once (strace).
. "$(dirname "$0")/../lib.sh"
plan 9
DEB="${GOABI_CACHE:-$HOME/.cache/goabi}/deb"
GOV=${GO126:-/usr/lib/go-1.19/bin/go}
roots=()
for p in age restic runc jq ripgrep bash coreutils hyperfine; do
	d=$(ls -d "$DEB/${p}"_*_amd64 2>/dev/null | head -1)
	[ -n "$d" ] && roots+=("$d/usr")
done
for d in "$NPM"/lefthook-linux-x64@2.1.17 "$NPM"/@esbuild_linux-x64@0.25.5 "$NPM"/esbuild-linux-64@0.14.54; do
	[ -d "$d" ] && roots+=("$d")
done
if [ ${#roots[@]} -lt 3 ]; then
	for i in 1 2 3 4 5 6 7 8 9; do skip "--brief" "the real-world corpus is not cached (tests/fetch-deb.sh)"; done
	exit 0
fi
"$GOABI" inspect --brief -r "${roots[@]}" > "$TMPD/brief" 2> "$TMPD/err"
# the files: regular files with ELF or ar magic (symbolic links are not followed by -r)
find "${roots[@]}" -type f -print0 | xargs -0 python3 -c '
import sys
for p in sys.argv[1:]:
    with open(p, "rb") as f:
        m = f.read(8)
    if m[:4] == b"\x7fELF" or m == b"!<arch>\n":
        print(p)' | sort > "$TMPD/files"
check "one line per ELF file and archive ($(wc -l < "$TMPD/files") files)" "$(cat "$TMPD/files")" "$(sed 's/: .*//' "$TMPD/brief" | sort)"
gobad="" nbad="" fbad="" bmbad="" ngo=0 nnot=0 nfloor=0 nbm=0
while IFS= read -r f; do
	line=$(grep -F -- "$f: " "$TMPD/brief" | head -1)
	facts=${line#"$f: "}
	first=${facts%%,*}
	cp "$f" "$TMPD/x" && chmod +x "$TMPD/x"
	if gv=$(GOTOOLCHAIN=local "$GOV" version "$TMPD/x" 2>/dev/null) && [ -n "$gv" ]; then
		want=$(awk '{print $2}' <<< "$gv")
		ngo=$((ngo + 1))
		[ "$first" = "$want" ] || gobad="$gobad $(basename "$f"):'$first'!='$want'"
		# the build mode: go version -m's -buildmode setting, else the
		# ELF header and PT_INTERP (ET_EXEC: exe; ET_DYN with PT_INTERP: pie)
		bm=$(GOTOOLCHAIN=local "$GOV" version -m "$TMPD/x" 2>/dev/null | sed -n 's/^\tbuild\t-buildmode=//p')
		if [ -z "$bm" ]; then
			et=$(readelf -h "$f" | awk '/Type:/ {print $2}')
			it=$(readelf -lW "$f" | grep -c 'program interpreter')
			bm=$([ "$et" = EXEC ] && echo exe || { [ "$et" = DYN ] && [ "$it" -gt 0 ] && echo pie; })
		fi
		if [ -n "$bm" ]; then
			nbm=$((nbm + 1))
			[ "${facts##*, }" = "$bm" ] || bmbad="$bmbad $(basename "$f"):'${facts##*, }'!='$bm'"
		fi
	elif ! readelf -S -W "$f" 2>/dev/null | grep -qE 'gopclntab|go\.buildinfo|\.gosymtab|\.go\.'; then
		nnot=$((nnot + 1))
		[ "$first" = "not Go" ] || nbad="$nbad $(basename "$f"):'$first'"
	fi
	want=$(readelf -V -W "$f" 2>/dev/null | sed -n 's/.*Name: GLIBC_\([0-9][0-9.]*\) .*/\1/p' | sort -V | tail -1)
	got=$(grep -oE ', glibc [0-9][0-9.]*' <<< "$facts" | sed 's/, glibc //')
	nfloor=$((nfloor + 1))
	[ "$got" = "$want" ] || fbad="$fbad $(basename "$f"):'$got'!='$want'"
done < <(grep -v '\.a$' "$TMPD/files")
check "Go version = go version on $ngo Go programs" "" "$gobad"
check "build mode = go version -m's -buildmode, else readelf's ET_EXEC / ET_DYN with PT_INTERP ($nbm Go programs)" "" "$bmbad"
check "'not Go' where go version rejects the file and readelf shows no Go section ($nnot files)" "" "$nbad"
check "glibc floor = readelf -V's highest GLIBC_ ($nfloor files)" "" "$fbad"

# ---- Go package archives (go build -buildmode=archive, a Go installation's
# pkg/): the Debian golang-1.19-go pkg/ and the Go 1.19/1.26 fixtures
goars=()
gd=$(ls -d "$DEB"/golang-1.19-go_*_amd64 2>/dev/null | head -1)
[ -n "$gd" ] && while IFS= read -r f; do goars+=("$f"); done < <(find "$gd" -name '*.a' | sort | awk 'NR % 10 == 1')
for f in "$FIX"/modern/go1*-pkg*.a; do [ -f "$f" ] && goars+=("$f"); done
if [ ${#goars[@]} -lt 3 ] || ! command -v ar > /dev/null; then
	for i in 5 6 7; do skip "--brief Go archives" "no Go package archives (golang-1.19-go in tests/realworld, fixtures) or no ar"; done
else
	bad="" n=0
	for f in "${goars[@]}"; do
		line=$("$GOABI" inspect --brief "$f" 2>&1)
		nm=$(ar t "$f" | wc -l)
		want=$(ar p "$f" "$(ar t "$f" | grep -v '^__\.PKGDEF$' | head -1)" | head -1 | awk '$1 == "go" && $2 == "object" {print $5}')
		n=$((n + 1))
		[[ "$line" == "$f: $want, "*", archive of $nm member"* ]] && [[ "$line" != *"NOT FULLY READ"* ]] ||
			bad="$bad $(basename "$f"):'$line'!~'$want...$nm members'"
	done
	check "Go package archives: Go version = the members' go object header, member count = ar t ($n archives)" "" "$bad"
	# the biggest of them: only its headers and each member's first 4 KiB are read
	big=$(ls -S "${goars[@]}" | head -1)
	nm=$(ar t "$big" | wc -l)
	if command -v strace > /dev/null; then
		strace -y -e trace=read,pread64,mmap -o "$TMPD/st" "$GOABI" inspect --brief -r "$big" > /dev/null 2>&1
		got=$(grep -E '^(read|pread64)\(' "$TMPD/st" | grep -F "<$(readlink -f "$big")>" | sed 's/.*= //' |
		      awk '$1 > 0 {s += $1} END {print s + 0}')
		mapped=$(grep -E '^mmap\(' "$TMPD/st" | grep -cF "<$(readlink -f "$big")>")
		max=$((96 + 8 + nm * (60 + 4096 + 1)))
		size=$(stat -c %s "$big")
		check "--brief reads a Go archive's headers and each member's first 4 KiB: $got of $size bytes (bound $max, $nm members), maps none" \
			yes "$([ "$got" -gt 0 ] && [ "$got" -le "$max" ] && [ "$size" -gt "$max" ] && [ "$mapped" = 0 ] && echo yes || echo "no: $got read, $mapped maps")"
	else
		skip "--brief Go archive reads" "no strace"
	fi
	# an archive that mixes a Go object with an ELF object is read whole
	# (the ELF member's symbols are read): still every member, the Go version
	mkdir -p "$TMPD/mix" && (cd "$TMPD/mix" && ar x "${goars[0]}" && printf 'int add(int a, int b) { return a + b; }\n' > c.c &&
		gcc -c c.c -o c.o && ar rc mixed.a $(ar t "${goars[0]}") c.o) 2>/dev/null
	if [ -f "$TMPD/mix/mixed.a" ]; then
		line=$("$GOABI" inspect --brief "$TMPD/mix/mixed.a" 2>&1)
		nm=$(ar t "$TMPD/mix/mixed.a" | wc -l)
		want=$(ar p "${goars[0]}" "$(ar t "${goars[0]}" | grep -v '^__\.PKGDEF$' | head -1)" | head -1 | awk '{print $5}')
		check "a Go object beside an ELF object: every member ($nm, ar t), the Go object's version $want" yes \
			"$([[ "$line" == *": $want, "*"archive of $nm members" ]] && echo yes || echo "no: $line")"
	else
		skip "mixed archive" "ar x / gcc failed"
	fi
fi

# ---- -r opens each file once (the first bytes decide; a binary is read on
# from the same descriptor): strace's opens with inspect's flags = find's files
if command -v strace > /dev/null; then
	t=${roots[0]}
	strace -f -e trace=open,openat -o "$TMPD/opens" "$GOABI" inspect --brief -r "$t" > /dev/null 2>&1
	nopen=$(grep -c 'O_RDONLY|O_NOCTTY|O_NONBLOCK|O_CLOEXEC' "$TMPD/opens")
	nfiles=$(find "$t" -type f | wc -l)
	check "-r opens each regular file once ($nfiles files under $(basename "$(dirname "$t")"))" "$nfiles" "$nopen"
else
	skip "-r opens" "no strace"
fi
