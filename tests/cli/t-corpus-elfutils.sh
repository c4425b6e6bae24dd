#!/bin/bash
# Real-world odd ELF files: every file of the elfutils test corpus (336,
# mostly .bz2, decompressed into a temp dir; skipped when the corpus is not
# there, e.g. in a clean CI clone) and Go's debug/elf and debug/gosym
# testdata (always installed with Go) must be read by `goabi inspect`
# (--json and -v text) with exit 0 or 2 (2: exactly one stderr line naming
# the file), within a time limit, under a memory limit, with no sanitizer
# report, and --json must be valid UTF-8 JSON. Oracle: readelf -h for the
# ELF class of each file.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/malformed/lib.sh"
. "$TOP/tests/malformed/run-cases.sh"

CORPUS=${GOABI_ELFUTILS_CORPUS:-$TOP/../shared/corpus/elfutils-tests}
GOTD=/usr/lib/go-1.19/src/debug

add() { # DIR FILE: copy (decompressing .bz2/.gz too) into DIR, one case line per file
	local dir=$1 f=$2 b
	b=$(basename "$f")
	cp "$f" "$dir/$b" && printf '%s\t%s\t0,2\t\treadelf-class\n' "$b" "$b" >> "$dir/cases.tsv"
	case $b in
	*.bz2) bzip2 -dc "$f" > "$dir/${b%.bz2}" 2>/dev/null && printf '%s\t%s\t0,2\t\treadelf-class\n' "${b%.bz2}" "${b%.bz2}" >> "$dir/cases.tsv" ;;
	*.gz) gzip -dc "$f" > "$dir/${b%.gz}" 2>/dev/null && printf '%s\t%s\t0,2\t\treadelf-class\n' "${b%.gz}" "${b%.gz}" >> "$dir/cases.tsv" ;;
	esac
}

mkdir -p "$TMPD/go"
: > "$TMPD/go/cases.tsv"
for f in "$GOTD"/elf/testdata/* "$GOTD"/gosym/testdata/*; do
	[ -f "$f" ] && add "$TMPD/go" "$f"
done
if [ -s "$TMPD/go/cases.tsv" ]; then
	echo "# go testdata: $(wc -l < "$TMPD/go/cases.tsv") files (compressed ones also as they are)"
	run_cases "$TMPD/go" go-testdata
else
	notok "go-testdata: no files under $GOTD/{elf,gosym}/testdata (golang-1.19-src missing)"
fi
rm -rf "$TMPD/go"

if [ ! -d "$CORPUS" ]; then
	skip "elfutils corpus: inspect on every file" "corpus directory $CORPUS absent"
	exit 0
fi
mkdir -p "$TMPD/eu"
: > "$TMPD/eu/cases.tsv"
n=0
for f in "$CORPUS"/*; do
	add "$TMPD/eu" "$f"
	n=$((n + 1))
done
check "elfutils corpus: 336 files present" 336 "$n"
echo "# elfutils corpus: $n files, $(wc -l < "$TMPD/eu/cases.tsv") inputs with the decompressed ones"
run_cases "$TMPD/eu" elfutils
rm -rf "$TMPD/eu"
