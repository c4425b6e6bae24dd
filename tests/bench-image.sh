#!/bin/bash
# goabi image vs pax-utils on the same real root filesystem: a copy (hard
# links, no data copied) of this machine's /usr/bin and
# /usr/lib/x86_64-linux-gnu with its ld.so.conf, and the same tree as a
# docker-save-style single-layer tar. Compared: `scanelf -R -a` (reads ELF
# headers only, no resolution, no versions) and an `lddtree` loop over the
# same ELF files (resolves the tree like goabi, no symbol versions). lddtree
# is a Python program started once per file: it is timed on a sample and
# extrapolated. Peak memory from /usr/bin/time -v. Prints a Markdown section.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/benchlib.sh"
: "${BUILD:=build}"
: "${GOABI:=$TOP/$BUILD/goabi}"
N=${BENCH_RUNS:-5}
SAMPLE=${LDDTREE_SAMPLE:-100}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
R=$W/root
mkdir -p "$R/usr/lib" "$R/etc" "$R/lib64"
cp -al /usr/bin "$R/usr/bin" 2>/dev/null || cp -a /usr/bin "$R/usr/bin"
cp -al /usr/lib/x86_64-linux-gnu "$R/usr/lib/" 2>/dev/null || cp -a /usr/lib/x86_64-linux-gnu "$R/usr/lib/"
ln -s usr/lib "$R/lib"
ln -s usr/bin "$R/bin"
ln -s /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$R/lib64/"
cp -r /etc/ld.so.conf /etc/ld.so.conf.d "$R/etc/" 2>/dev/null
files=$(find "$R" -type f | wc -l)
find "$R" -type f -print0 | xargs -0 scanelf -B -F '%F' 2>/dev/null | sort > "$W/elf.txt"
nelf=$(wc -l < "$W/elf.txt")
tar -C "$R" -cf "$W/root.tar" .
mb=$(( $(du -sm "$W/root.tar" | cut -f1) ))

g=$(median_ms "$N" "$GOABI" image -q --no-progress "$R")
g1=$(median_ms "$N" "$GOABI" image -q --no-progress -j 1 "$R")
gt=$(median_ms "$N" "$GOABI" image -q --no-progress "$W/root.tar")
s=$(median_ms "$N" scanelf -R -a "$R")
# lddtree (pax-utils, Python + pyelftools) once per file, on a sample
head -n "$SAMPLE" "$W/elf.txt" | shuf --random-source=<(yes) > "$W/sample.txt"
nsample=$(wc -l < "$W/sample.txt")
t0=$(date +%s%N)
while IFS= read -r f; do
	/usr/bin/python3 /usr/bin/lddtree --root "$R" -l "${f#"$R"}" >/dev/null 2>&1
done < "$W/sample.txt"
t1=$(date +%s%N)
l=$(python3 -c "print('%.0f' % (($t1 - $t0) / 1e6 / $nsample * $nelf))")
peak() { /usr/bin/time -v "$@" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p'; }
pg=$(peak "$GOABI" image -q --no-progress "$R")
pt=$(peak "$GOABI" image -q --no-progress "$W/root.tar")
ps=$(peak scanelf -R -a "$R")
rate() { python3 -c "import sys; print('%.0f' % ($1 / ($2 / 1000.0)) if float($2) else 0)"; }

echo "## goabi image vs scanelf and lddtree"
echo
echo "Root filesystem: this machine's /usr/bin + /usr/lib/x86_64-linux-gnu (+ ld.so.conf), $files files,"
echo "$nelf ELF files, ${mb} MB as a tar. Medians of $N runs; ratio = peer time / goabi time (higher = goabi faster)."
echo "goabi does the full check (interpreter, recursive DT_NEEDED resolution, symbol versions, libc, Go"
echo "inventory); scanelf -R -a only prints header facts; lddtree resolves the tree but checks no versions."
echo
echo "| run | wall ms | files/s | peak RSS MB | ratio |"
echo "|---|---:|---:|---:|---:|"
echo "| goabi image DIR ($(nproc) threads) | $g | $(rate "$files" "$g") | $((pg / 1024)) | 1.00 |"
echo "| goabi image DIR (-j 1) | $g1 | $(rate "$files" "$g1") | | $(ratio "$g1" "$g") |"
echo "| goabi image TAR (same tree, one layer) | $gt | $(rate "$files" "$gt") | $((pt / 1024)) | $(ratio "$gt" "$g") |"
echo "| scanelf -R -a DIR | $s | $(rate "$files" "$s") | $((ps / 1024)) | $(ratio "$s" "$g") |"
echo "| lddtree per ELF file (extrapolated from $nsample) | $l | $(rate "$nelf" "$l") | | $(ratio "$l" "$g") |"
echo
if [ "$((pg / 1024))" -lt 100 ] && [ "$((pt / 1024))" -lt 100 ]; then
	echo "Peak memory under the 100 MB target on both inputs."
else
	echo "Peak memory ABOVE the 100 MB target."
fi
