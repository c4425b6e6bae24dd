#!/bin/bash
# Errors of goabi diff and goabi audit in --json mode are JSON on stdout
# (STYLE.md: "in JSON mode errors are JSON too"), nothing on stderr; in
# text mode they stay one line on stderr; in SARIF they are
# toolExecutionNotifications. Oracles: python's json parser, the exit codes
# documented in docs/diff.md and docs/audit.md, the file names given.
. "$(dirname "$0")/../lib.sh"
plan 14
D=$FIX/diff
if [ ! -f "$D/prog-v1" ]; then
	notok "diff fixtures missing in $D"
	exit 0
fi
# run NAME EXPECTED-RC ARGS...: stdout must parse as JSON, stderr must be empty
run() {
	local name=$1 want=$2; shift 2
	"$GOABI" "$@" > "$TMPD/out" 2> "$TMPD/err"
	local rc=$?
	local parsed
	parsed=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["exit"], len(j["errors"]), "|".join(str(e["file"]) for e in j["errors"]))' "$TMPD/out" 2>&1)
	check "$name: exit $want, stdout is JSON with exit and errors, stderr empty" "$want $want|$(wc -c < /dev/null)" \
		"$rc $(echo "$parsed" | cut -d' ' -f1)|$(wc -c < "$TMPD/err")"
	echo "$parsed" > "$TMPD/parsed"
}
run "diff --json, unreadable NEW" 1 diff --json "$D/prog-v1" "$TMPD/missing"
check "diff --json: the error names the missing file" "$TMPD/missing" "$(cut -d' ' -f3 "$TMPD/parsed")"
run "diff --json, unknown option" 2 diff --json --bogus "$D/prog-v1" "$D/prog-v3"
run "diff --format json, one operand" 2 diff --format json "$D/prog-v1"
run "diff, --json after a usage error (--header once)" 2 diff --header x.h --json "$D/prog-v1" "$D/prog-v3"
run "audit --json, unreadable file beside a readable one" 2 audit --json --cgo off "$TMPD/missing" "$D/prog-v1"
check "audit --json: the audited file is still reported" "$D/prog-v1" "$(jget "$TMPD/out" "' '.join(x['path'] for x in j['judged'])")"
run "audit --json, invalid forbid-module range" 2 audit --json --forbid-module 'golang.org/x/net@latest' "$D/prog-v1"
echo '{"max-glibc": 2.28}' > "$TMPD/bad.json"
run "audit --json, policy value of the wrong JSON type" 2 audit --json --policy "$TMPD/bad.json" "$D/prog-v1"
run "audit --format=json, no rule" 2 audit --format=json "$D/prog-v1"
# text mode: one line on stderr naming the file, nothing on stdout but the summary
"$GOABI" diff "$D/prog-v1" "$TMPD/missing" > "$TMPD/out" 2> "$TMPD/err"
check "diff text mode: one stderr line naming the file" "1 1" \
	"$(wc -l < "$TMPD/err") $(grep -c "'$TMPD/missing'" "$TMPD/err")"
# -q with --json: nothing at all
"$GOABI" diff -q --json --bogus a b > "$TMPD/out" 2> "$TMPD/err"
check "diff -q --json with a usage error: exit 2, no output" "2 0 0" "$? $(wc -c < "$TMPD/out") $(wc -c < "$TMPD/err")"
# SARIF: the unreadable input is a toolExecutionNotification (level error), executionSuccessful false
"$GOABI" audit --format sarif --cgo off "$TMPD/missing" "$D/prog-v1" > "$TMPD/s.sarif" 2> /dev/null
check "audit sarif: unreadable file -> toolExecutionNotifications, executionSuccessful false" "error $TMPD/missing False" \
	"$(jget "$TMPD/s.sarif" "(lambda i: '%s %s %s' % (i['toolExecutionNotifications'][0]['level'], __import__('urllib.parse').parse.unquote(i['toolExecutionNotifications'][0]['locations'][0]['physicalLocation']['artifactLocation']['uri'])[len('file://'):], i['executionSuccessful']))(j['runs'][0]['invocations'][0])")"
if python3 -c 'import jsonschema' 2> /dev/null; then
	check "audit sarif with a notification: valid against the SARIF 2.1.0 schema" valid "$(python3 - "$TOP/testdata/sarif-2.1.0-schema.json" "$TMPD/s.sarif" << 'PY'
import json, sys, jsonschema
s = json.load(open(sys.argv[1])); log = json.load(open(sys.argv[2]))
errs = list(jsonschema.validators.validator_for(s)(s).iter_errors(log))
print('valid' if not errs else 'invalid: ' + errs[0].message[:200])
PY
)"
fi
