# Helpers for tests/cli/t-isa-*.sh (sourced after tests/lib.sh).
# isa_json FILE OUT: goabi inspect --json --isa-detail FILE > OUT
isa_json() { "$GOABI" inspect --json --isa-detail "$1" > "$2" 2>/dev/null; }
# isa_get JSONFILE FIELD: isa.FIELD.value (declared, required, used)
isa_get() { jget "$1" "j['artifacts'][0]['isa']['$2']['value']"; }
# isa_funcs JSONFILE 'EXT1 EXT2' all|guarded|unguarded|unproven: sorted function names, one a line
# (unguarded: proven to run without a CPU-feature test; unproven: no test found, not proven)
isa_funcs() {
	python3 - "$1" "$2" "$3" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))['artifacts'][0]['isa']
exts, kind = sys.argv[2].split(), sys.argv[3]
out = set()
for e in j.get('extension_use', []):
    if e['name'] in exts:
        if kind in ('all', 'unguarded'):
            out.update(e['unguarded_functions'])
        if kind in ('all', 'guarded'):
            out.update(e['guarded_functions'])
        if kind in ('all', 'unproven'):
            out.update(e.get('unproven_functions', []))
print('\n'.join(sorted(out)))
PY
}
# objdump_funcs FILE AWK-REGEX: sorted names of functions (objdump -d) with
# an instruction line matching the regex (raw bytes shown, tab-separated)
objdump_funcs() {
	objdump -d "$1" | awk -v re="$2" '
		/^[0-9a-f]+ <.*>:$/ { fn = substr($2, 2, length($2) - 3); next }
		/^ +[0-9a-f]+:\t/ && $0 ~ re { print fn }' | sort -u
}
# set_eq DESC A B: compare two newline-separated sets
set_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else notok "$1: oracle {$(echo $2)} vs goabi {$(echo $3)}"; fi
}
