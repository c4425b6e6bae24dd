#!/bin/bash
# goabi audit on a Go binary without build info (esbuild 0.27.3): the rules
# that read build settings or modules are "unverified", never passed; min-go
# uses the version recovered from runtime.buildVersion. Oracles: readelf (no
# .go.buildinfo), strings(1) for the version.
. "$(dirname "$0")/../lib.sh"
f="$NPM/@esbuild_linux-x64@0.27.3/esbuild"
[ -f "$f" ] || { skip "audit without build info" "esbuild 0.27.3 not fetched"; exit 0; }
check "oracle: no .go.buildinfo section" 0 "$(readelf -SW "$f" | grep -c '\.go\.buildinfo')"
v=$(strings -a "$f" | grep -xE 'go1\.[0-9]+(\.[0-9]+)?' | sort -u)
minor=$(echo "$v" | cut -d. -f2) patch=$(echo "$v" | cut -d. -f3)
printf '{"forbid-module": ["golang.org/x/sys"], "forbid-vcs-modified": true, "require-trimpath": true}\n' > "$TMPD/p.json"
"$GOABI" audit --json --policy "$TMPD/p.json" "$f" > "$TMPD/a.json"; rc=$?
check "settings rules: exit 0 (nothing broken)" 0 "$rc"
for r in forbid-module forbid-vcs-modified require-trimpath; do
	check "$r: unverified without build info" unverified \
		"$(jget "$TMPD/a.json" "','.join({'error': 'broken', 'note': 'unverified'}[x['severity']] for x in j['findings'] if x['rule']=='audit/$r') or 'passed'")"
done
# min-go: one patch above the recovered version breaks, the version itself passes
printf '{"min-go": ["go1.%s.%s"]}\n' "$minor" "$((patch + 1))" > "$TMPD/p1.json"
"$GOABI" audit --policy "$TMPD/p1.json" "$f" > /dev/null; check "min-go go1.$minor.$((patch + 1)) breaks ($v from strings)" 1 "$?"
printf '{"min-go": ["%s"]}\n' "$v" > "$TMPD/p2.json"
"$GOABI" audit --policy "$TMPD/p2.json" "$f" > /dev/null; check "min-go $v passes" 0 "$?"
