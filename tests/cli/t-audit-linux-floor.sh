#!/bin/bash
# audit --max-linux: the Linux kernel floor of ELF programs and libraries
# (issue 23, "Linux too"), judged like max-macos / max-windows.
# Oracles, none of them goabi:
#  - readelf -n: the .note.ABI-tag's kernel version (glibc's crt1.o);
#  - go version -m (Go 1.26.8): the Go release of each Go fixture, and Go's
#    release notes: Linux 2.6.32 before Go 1.24, 3.2 from Go 1.24 on;
#  - readelf -h: relocatable objects (ET_REL) carry no floor, not judged.
# The expected verdict per file and limit is the higher of the two, compared
# as version numbers, against the limit.
. "$(dirname "$0")/../lib.sh"
I=$FIX/inspect
M=$FIX/modern
files=("$I/c-dyn" "$I/c-static" "$I/go119-static" "$I/go119-cgo-exe" "$I/go119-c-shared.so" "$I/badname.o")
for f in "$M/go126-static" "$M/go127-static" "$M/go126-cgo-exe"; do [ -f "$f" ] && files+=("$f"); done
limits=(2.6.32 3.1 3.2)
plan $(( ${#files[@]} * ${#limits[@]} + 3 ))
GOV=${GO126:-}
cd "$TMPD"
# the oracle's floor of each file: "none" for ET_REL, else max(ABI tag, Go's)
oracle_floor() {
	local f=$1 tag go gv
	if LC_ALL=C readelf -h "$f" 2>/dev/null | grep -q 'Type:.*REL'; then echo none; return; fi
	tag=$(LC_ALL=C readelf -n "$f" 2>/dev/null | sed -n 's/.*OS: Linux, ABI: \([0-9.]*\).*/\1/p' | head -1)
	go=
	if [ -n "$GOV" ]; then
		gv=$("$GOV" version "$f" 2>/dev/null | sed -n 's/.*: go1\.\([0-9]*\).*/\1/p')
		if [ -n "$gv" ]; then
			if [ "$gv" -ge 24 ]; then go=3.2; else go=2.6.32; fi
		fi
	fi
	printf '%s\n%s\n' "${tag:-0}" "${go:-0}" | sort -V | tail -1
}
# $1 <= $2 as versions (3.2.0 = 3.2: trailing zero parts dropped)
vle() {
	local a b
	a=$(sed -E 's/(\.0)+$//' <<< "$1"); b=$(sed -E 's/(\.0)+$//' <<< "$2")
	[ "$(printf '%s\n%s\n' "$a" "$b" | sort -V | head -1)" = "$a" ]
}
if [ -z "$GOV" ]; then
	skip "go version -m of the Go fixtures" "Go 1.26.8 not available: the Go floors are taken as unknown"
else
	ok "go version -m available for the Go fixtures' releases"
fi
for f in "${files[@]}"; do
	fl=$(oracle_floor "$f")
	for lim in "${limits[@]}"; do
		"$GOABI" audit --json --max-linux "$lim" "$f" > out.json 2> err.txt
		rc=$?
		got=$(jget out.json "j['judged'][0]['verdict_class'] if j.get('judged') else 'none'")
		if [ "$fl" = none ]; then
			want="pass|0" # not judged: no finding, the file passes
		elif [ "$fl" = 0 ]; then
			want="unknown|0"
		elif vle "$fl" "$lim"; then
			want="pass|0"
		else
			want="fail|1"
		fi
		# an unverified rule is a warning-level result: exit 0 unless another rule broke
		check "$(basename "$f"): floor ${fl/#0/unknown} (readelf -n, go version -m), --max-linux $lim" "$want" "$got|$rc"
	done
done
"$GOABI" audit --max-linux banana "$I/c-dyn" > /dev/null 2> err.txt
check "--max-linux banana: usage error, exit 2, naming the rule" "2 yes" "$? $(grep -q 'max-linux' err.txt && echo yes)"
printf '{"max-linux": "3.1"}\n' > pol.json
"$GOABI" audit --json --policy pol.json "$I/c-dyn" > p.json 2> /dev/null
check "policy file \"max-linux\": the same rule (audit/max-linux finding on c-dyn, ABI tag $(oracle_floor "$I/c-dyn"))" \
	"audit/max-linux" "$(jget p.json "' '.join(sorted(set(f['rule'] for f in j['findings'])))")"
