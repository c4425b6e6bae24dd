#!/bin/bash
# goabi diff: a fact one side cannot state is "not comparable", never a
# removal, downgrade or change. esbuild 0.26.0 (go1.23.12, build info) ->
# 0.27.3 (go1.25.7, no .go.buildinfo at all). Oracles: go version -m for the
# old file, strings(1) for the new one's runtime.buildVersion, readelf for
# the missing section, tests/cli/typehash-oracle.py for the digests.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/diff-lib.sh"
o="$NPM/@esbuild_linux-x64@0.26.0/esbuild" n="$NPM/@esbuild_linux-x64@0.27.3/esbuild"
if [ ! -f "$o" ] || [ ! -f "$n" ]; then skip "esbuild 0.26.0 -> 0.27.3 diff" "not fetched"; exit 0; fi
cp "$o" "$TMPD/old" && chmod +x "$TMPD/old"
vo=$(go version "$TMPD/old" | awk '{print $2}')
vn=$(strings -a "$n" | grep -xE 'go1\.[0-9]+(\.[0-9]+)?' | sort -u)
check "oracle: NEW has no .go.buildinfo section" 0 "$(readelf -SW "$n" | grep -c '\.go\.buildinfo')"
ho=$(python3 "$TOP/tests/cli/typehash-oracle.py" elf "$o"); hn=$(python3 "$TOP/tests/cli/typehash-oracle.py" elf "$n")
diffjson "$TMPD/d.json" "$o" "$n"; rc=$?
q() { jget "$TMPD/d.json" "$1"; }
check "no module reported removed (NEW's modules are unknown)" 0 "$(q "len([c for c in j['changes'] if c['area']=='module'])")"
check "no build setting reported changed" 0 "$(q "len([c for c in j['changes'] if c['kind']=='setting changed'])")"
check "no Go downgrade" 0 "$(q "len([c for c in j['changes'] if c['kind']=='downgraded'])")"
check "build settings and modules: not comparable, naming NEW" "not-comparable NEW" \
	"$(q "' '.join(c['class'] + ' ' + c['detail'].split()[0] for c in j['changes'] if c['subject']=='build settings and modules')")"
check "Go version upgraded $vo -> $vn (go version -m, strings)" "upgraded $vo $vn informational" \
	"$(q "' '.join(' '.join([c['kind'], c['old'], c['new'], c['class']]) for c in j['changes'] if c['subject']=='Go version')")"
check "type-hash scheme $ho -> $hn (oracle)" "$ho $hn" \
	"$(q "' '.join(c['old'] + ' ' + c['new'] for c in j['changes'] if c['subject']=='type-hash scheme')")"
check "summary counts one not comparable" 1 "$(q "j['summary']['not_comparable']")"
# exit bits: 4 (a change); the type-hash scheme change of two executables
# (readelf -h) is informational (nothing links against them): no 16; not
# comparable adds none
t=$(readelf -h "$o" | awk '/Type:/ {print $2}')$(readelf -h "$n" | awk '/Type:/ {print $2}')
check "exit code 4 (readelf -h: $t; 4|16 for libraries)" "$([ "$t" = EXECEXEC ] && echo 4 || echo 20)" "$rc"
# the same file against itself: nothing, exit 0
"$GOABI" diff "$n" "$n" > /dev/null; check "NEW against itself: exit 0 (unknowns on both sides are no change)" 0 "$?"
