#!/bin/bash
# The one result model's shared paths (issue 21): the shared options before
# the command name (goabi --json inspect ...), JSON errors in JSON mode (a
# schema-2 envelope with "errors", exit 2, nothing but JSON on stdout), the
# shared renderers' SARIF valid against the published SARIF 2.1.0 JSON
# schema (testdata/sarif-2.1.0-schema.json, python jsonschema) and their
# JSON envelope keys as include/goabi/result.h's header comment lists them.
# Oracles: the file system (the missing file does not exist), readelf -h
# (the machine of the file inspected), the schema files and the header.
. "$(dirname "$0")/../lib.sh"
plan $((18 + 2 * 6))
I=$FIX/inspect
UNIT=$TOP/$BUILD/tests/unit/test_result
cd "$TMPD"
missing=$TMPD/no-such-file
[ -e "$missing" ] && rm -f "$missing"

# envelope FILE: "schema command verdict_class exit nerrors first-error-file"
envelope() {
	python3 - "$1" <<'PY'
import json, sys
try:
    j = json.load(open(sys.argv[1]))
except Exception as e:
    print("not JSON: %s" % e); sys.exit(0)
e = j.get("errors") or [{}]
print(j.get("tool"), j.get("schema"), j.get("command"), j.get("verdict_class"), j.get("exit"), len(j.get("errors", [])),
      e[0].get("file"))
PY
}

"$GOABI" --json inspect "$missing" > out.json 2> err.txt
rc=$?
check "goabi --json inspect MISSING: schema-2 envelope with the error, exit 2" \
	"goabi 2 inspect error 2 1 $missing|2" "$(envelope out.json)|$rc"
"$GOABI" inspect --json "$missing" > out2.json 2> /dev/null
check "the same after the command name (inspect --json MISSING)" "$(envelope out.json)" "$(envelope out2.json)"
"$GOABI" --json inspect --no-such-option > out.json 2> err.txt
rc=$?
check "JSON mode: a usage error is a schema-2 envelope with errors (exit 2), stderr has no usage text" \
	"goabi 2 inspect error 2 1 None|2|0" "$(envelope out.json)|$rc|$(grep -c usage: err.txt)"
"$GOABI" --json inspect > out.json 2> /dev/null
rc=$?
check "JSON mode: no FILE given is a JSON error too" "goabi 2 inspect error 2 1 None|2" "$(envelope out.json)|$rc"
"$GOABI" --json audit --no-such-option > out.json 2> /dev/null
rc=$?
check "the shared error path: audit's usage error in JSON mode given before the command" \
	"goabi 2 audit error 2 1 None|2" "$(envelope out.json)|$rc"
# every command: an unknown option and a missing input in JSON mode (before
# the command) are one schema-2 envelope on stdout naming the command, exit 2
for c in inspect diff audit link image plugin; do
	"$GOABI" --json $c --no-such-option x y > out.json 2> /dev/null
	rc=$?
	check "JSON mode, $c: an unknown option is a schema-2 error envelope, exit 2" "goabi 2 $c error 2 1 None|2" "$(envelope out.json)|$rc"
	case $c in
	diff) set -- "$missing" "$missing" ;;
	plugin) set -- "$missing" "$missing" ;;
	audit) set -- --max-glibc 2.28 "$missing" ;;
	link) set -- --no-driver -- ld "$missing" ;;
	*) set -- "$missing" ;;
	esac
	"$GOABI" --json $c "$@" > out.json 2> /dev/null
	rc=$?
	# ld itself fails on a missing input (exit 1, "cannot find"): link's
	# missing input is a finding, not an unreadable run
	python3 - out.json "$rc" "$c" > res.txt <<'PY'
import json, sys
try:
    j = json.load(open(sys.argv[1]))
except Exception as e:
    print("not JSON: %s" % e); sys.exit(0)
rc = int(sys.argv[2])
named = any(sys.argv[3] == j.get("command") and ("no-such-file" in json.dumps(e)) for e in j.get("errors", []) + j.get("findings", []))
print("ok" if j.get("schema") == 2 and j.get("exit") == rc and rc in (1, 2) and named else "bad: rc %d %s" % (rc, json.dumps(j)[:200]))
PY
	check "JSON mode, $c: a missing input named in the envelope (errors or findings), exit = envelope's exit" ok "$(cat res.txt)"
done
"$GOABI" -q --json inspect "$missing" > out.json 2> /dev/null
rc=$?
check "-q before the command: nothing on stdout, exit 2" "0|2" "$(wc -c < out.json)|$rc"

# global options before the command on a real file; oracle: readelf -h
f=$I/c-dyn
if [ -f "$f" ]; then
	m=$(LC_ALL=C readelf -h "$f" | sed -n 's/^ *Machine: *//p')
	"$GOABI" --format=json -v inspect "$f" > out.json 2> /dev/null
	rc=$?
	got=$(jget out.json "'%s %s %d %s' % (j['command'], j['verdict_class'], j['exit'], j['artifacts'][0]['elf']['machine_name'])")
	want="inspect pass 0 $(case $m in *X86-64*) echo x86_64 ;; *AArch64*) echo aarch64 ;; *) echo "$m" ;; esac)"
	check "goabi --format=json -v inspect FILE: JSON, verdict pass, exit 0, machine as readelf -h says" "$want|0" "$got|$rc"
	"$GOABI" --format json inspect "$f" > a.json 2> /dev/null
	"$GOABI" inspect --format json "$f" > b.json 2> /dev/null
	check "--format json before and after the command give the same document" same \
		"$(cmp -s a.json b.json && echo same || echo differ)"
	"$GOABI" --color=never inspect "$f" > t1.txt 2> /dev/null
	"$GOABI" inspect "$f" > t2.txt 2> /dev/null
	check "--color=never before the command: text output as without it, no escape bytes" "same|0" \
		"$(cmp -s t1.txt t2.txt && echo same || echo differ)|$(grep -c $'\033' t1.txt)"
else
	for d in "JSON of a real file" "--format before/after" "--color=never"; do notok "$d: fixture $f missing"; done
fi

"$GOABI" --format bogus inspect "$missing" > out.json 2> err.txt
rc=$?
check "a bad --format value before the command: exit 2, named on stderr" "2|1" "$rc|$(grep -c "'bogus'" err.txt)"
"$GOABI" --no-such-global inspect "$missing" > /dev/null 2> err.txt
rc=$?
check "an unknown option before the command: exit 2, named on stderr" "2|1" "$rc|$(grep -c -- "--no-such-global" err.txt)"
"$GOABI" --color=sometimes inspect "$missing" > /dev/null 2> err.txt
check "--color=sometimes: exit 2" 2 "$?"

# the shared renderers on a sample result (tests/unit/test_result.c DIR)
PY=$(sarif_python) # tests/lib.sh
validate() { sarif_validate "$1"; } # tests/lib.sh: testdata/sarif-2.1.0-schema.json
"$GOABI" --format sarif inspect "$missing" > err.sarif 2> /dev/null
if [ -x "$UNIT" ] && "$UNIT" "$TMPD" && [ -n "$PY" ]; then
	check "shared SARIF renderer: a result with findings, members, symbols and an unreadable input is valid SARIF 2.1.0" \
		valid "$(validate sample.sarif | tail -1)"
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); j["runs"][0]["results"][0]["level"]="fatal"; json.dump(j, open(sys.argv[2],"w"))' sample.sarif bad.sarif
	check "the validator rejects a broken log (an invalid level)" invalid "$(validate bad.sarif | tail -1)"
	check "SARIF mode: inspect's usage error is a valid SARIF log with the error as a notification, exit 2" \
		"valid|1" "$(validate err.sarif | tail -1)|$(jget err.sarif "len(j['runs'][0]['invocations'][0]['toolExecutionNotifications'])")"
else
	for d in "sample SARIF valid" "validator rejects" "SARIF usage error"; do notok "$d: no $UNIT or no python3 jsonschema"; done
fi
# the JSON envelope's keys are those include/goabi/result.h's comment lists, in order
want=$(python3 - "$TOP/include/goabi/result.h" <<'PY'
import re, sys
h = open(sys.argv[1]).read()
c = h[h.index("JSON schema 2"):]
c = c[:c.index("*/")]
keys = []
for line in c.splitlines():
    m = re.match(r' \*   \{ (.*)', line)          # the first line: { "tool": ..., "version": ..., "schema": 2,
    if m:
        keys += re.findall(r'"(\w+)":', m.group(1)); continue
    m = re.match(r' \*     "(\w+)":', line)        # top-level keys, five spaces in
    if m:
        keys.append(m.group(1))
print(" ".join(keys), end=" ")
PY
)
check "the envelope's top-level keys are the header comment's, in order" "$want" \
	"$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))), end=" ")' sample.json 2>/dev/null)"

# the text renderer: more than 20 judged items list only those that do not
# pass (with a count of the rest) unless -v. Oracles: the files copied
# (25 C programs, nothing to break) and the GOAMD64=v3 the Go fixture was
# built with (above --max-isa x86-64-v1: the one broken file)
mkdir -p many
for i in $(seq 25); do cp "$I/c-dyn" "many/c$i"; done
cp "$I/go119-amd64v3" many/
v3=$(awk -F'\t' '$1 == "go119-amd64v3"' "$I/FLAGS" | grep -c 'GOAMD64=v3')
"$GOABI" audit -r --max-isa x86-64-v1 many > many.txt 2>/dev/null
"$GOABI" audit -v -r --max-isa x86-64-v1 many > many-v.txt 2>/dev/null
check "text, 26 judged files: only the broken one listed, the 25 that pass counted (find: $(find many -type f | wc -l) files)" \
	"$([ "$v3" = 1 ] && echo broken)|many/go119-amd64v3: broken|... and 25 more that pass (-v lists every one)" \
	"broken|$(grep -E '^  (many/[^ ]*: (pass|broken)$|\.\.\.)' many.txt | sed 's/^  //' | paste -sd'|')"
check "text -v: every judged file listed ($(find many -type f | wc -l), as find counts)" \
	"$(find many -type f | wc -l)" "$(grep -cE '^  many/[^:]*: (pass|broken)$' many-v.txt)"
