#!/bin/bash
# Hostile files derived from real fixtures by tests/malformed/gen.py
# (truncations at every header boundary, offsets and sizes past the end,
# overlapping sections, sh_entsize 0, strings without NUL, 2^32 symbol
# counts, e_shnum=0 extended numbering, build-info varints claiming
# gigabytes, absurd pclntab headers, lying archive members, nested and
# recursive archives, thin archives pointing at missing files, themselves,
# FIFOs and symlink loops). Every case must end with exit 0 or 2 (as the
# case allows), within a time limit and a memory limit, with no sanitizer
# report, one stderr line naming the file for exit 2, the diagnostic the
# case expects, and valid --json. Oracle for extended section numbering:
# readelf -h.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/malformed/lib.sh"
. "$TOP/tests/malformed/run-cases.sh"

CASES=$TMPD/cases
if ! python3 "$TOP/tests/malformed/gen.py" "$CASES" > "$TMPD/gen.log" 2>&1; then
	notok "malformed: generator failed: $(tail -3 "$TMPD/gen.log" | tr '\n' '|')"
	exit 0
fi
echo "# $(tail -1 "$TMPD/gen.log")"
grep -q '^go-orig' "$CASES/cases.tsv" || echo "# no Go toolchain: Go build-info/pclntab cases skipped"
run_cases "$CASES" malformed
echo "# malformed cases run: $(wc -l < "$CASES/cases.tsv") (x2 reporters)"
rm -rf "$CASES"
