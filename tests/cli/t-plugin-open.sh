#!/bin/bash
# goabi plugin against the Go runtime itself: for each case the fixture host
# (testdata/plugin/host) calls plugin.Open on each argument in order and
# prints "load PATH" or "fail ERROR"; a runtime throw ends the process with
# "fatal error: ..." on stderr and exit status 2. goabi's verdict and
# message for every plugin must equal what the host printed.
. "$(dirname "$0")/../lib.sh"
P=$FIX/plugin
if [ ! -d "$P/go126" ]; then
	notok "plugin fixtures missing (tests/fixtures/build-plugin.sh)"
	exit 0
fi
cd "$TMPD"
# compare DESC HOST PLUGIN...: run the host (oracle) and goabi, compare per plugin
compare() {
	local desc=$1; shift
	local host=$1; shift
	"$host" "$@" > oracle.out 2> oracle.err
	local orc=$?
	"$GOABI" plugin --json "$host" "$@" > goabi.json 2> goabi.err
	local grc=$?
	python3 - "$desc" "$orc" "$grc" "$@" <<'PY'
import json, sys
desc, orc, grc, plugins = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
lines = open("oracle.out").read().splitlines()
err = open("oracle.err").read().splitlines()
fatal = next((l for l in err if l.startswith("fatal error:")), None)
try:
    j = json.load(open("goabi.json"))
except Exception as e:
    print(f"not ok - {desc}: goabi printed no JSON ({e}): {open('goabi.err').read().strip()}")
    sys.exit(0)
# schema 2: one judged item per plugin in load order; one finding per
# plugin that does not load, its tool_says = what plugin.Open returned
# (or the runtime printed)
got = [dict(jd["properties"], path=jd["path"], verdict_class=jd["verdict_class"]) for jd in j["judged"]]
finds = [f for f in j["findings"] if f["check"] == "plugin"]
bad = []
want_finds = []
for i, p in enumerate(plugins):
    if i < len(lines):
        l = lines[i]
        want = ("loads", None) if l.startswith("load ") else ("error", l[5:])
    elif i == len(lines) and fatal:
        want = ("fatal", fatal)
    else:
        want = ("not-reached", None)
    g = got[i] if i < len(got) else {}
    have = (g.get("outcome"), g.get("error"))
    if have != want:
        bad.append(f"{p}: runtime {want}, goabi {have}")
    if g.get("path") != p:
        bad.append(f"judged item {i} is {g.get('path')}, not {p}")
    if want[0] != "loads":
        want_finds.append((p, want[1], "plugin/" + str(g.get("rule"))))
have_finds = [(f["subject"]["path"], f["tool_says"], f["rule"]) for f in finds]
if have_finds != want_finds:
    bad.append(f"findings (path, tool_says, rule) {have_finds}, runtime {want_finds}")
if any(f["severity"] != ("note" if f["rule"] == "plugin/not-reached" else "error") for f in finds):
    bad.append("a finding of a plugin that fails is not an error: " + ", ".join(f["rule"] + " " + f["severity"] for f in finds))
exp_rc = 0 if all(g.get("verdict_class") == "pass" for g in got) else 1
if grc != exp_rc or j["exit"] != exp_rc:
    bad.append(f"goabi exit {grc} (JSON {j['exit']}), expected {exp_rc}")
if bad:
    print(f"not ok - {desc}: " + "; ".join(bad))
else:
    print(f"ok - {desc}: " + ", ".join((g['error'] or 'loads') for g in got))
PY
}
have() { [ -f "$P/$1/host" ]; }
for v in go119 go126 go127; do
	if ! have $v; then
		skip "plugin cases built with $v" "$v fixtures not built (toolchain not present)"
		continue
	fi
	d=$P/$v
	compare "$v: identical build loads" "$d/host" "$d/p1.so"
	compare "$v: the same path twice (cached)" "$d/host" "$d/p1.so" "$d/p1.so"
	compare "$v: shared dependency with a changed exported API" "$d/host" "$d/p1-shared2.so"
	compare "$v: -tags netgo" "$d/host" "$d/p2-netgo.so"
	compare "$v: net without netgo loads" "$d/host" "$d/p2.so"
	compare "$v: -trimpath" "$d/host" "$d/p1-trimpath.so"
	compare "$v: GOAMD64=v3 plugin" "$d/host" "$d/p1-v3.so"
	cp "$d/p1.so" "$TMPD/p1-renamed.so"
	compare "$v: renamed copy (same plugin path)" "$d/host" "$d/p1.so" "$TMPD/p1-renamed.so"
	ln -f "$d/p1.so" "$TMPD/p1-hardlink.so" 2>/dev/null || cp "$d/p1.so" "$TMPD/p1-hardlink.so"
	compare "$v: hard link of a loaded plugin" "$d/host" "$d/p1.so" "$d/p3.so" "$TMPD/p1-hardlink.so"
	compare "$v: CGO_ENABLED=0 host" "$d/host-nocgo" "$d/p1.so"
	compare "$v: stripped host" "$d/host-strip" "$d/p1-shared2.so" "$d/p1.so"
	compare "$v: stripped plugin" "$d/host" "$d/p1-strip.so"
	compare "$v: first plugin decides the second (p3 then p4)" "$d/host" "$d/p3.so" "$d/p4.so"
	compare "$v: first plugin decides the second (p4 then p3)" "$d/host" "$d/p4.so" "$d/p3.so"
	compare "$v: a failed plugin still binds its hashes" "$d/host" "$d/p1-shared2.so" "$d/p1.so"
	compare "$v: a failed plugin twice (previous failure)" "$d/host" "$d/p1-shared2.so" "$d/p1-shared2.so"
done
d=$P/go126
if [ -f "$d/host-race" ] && [ -f "$d/p1-race.so" ]; then
	compare "go126: -race plugin in a plain host" "$d/host" "$d/p1-race.so"
	compare "go126: plain plugin in a -race host" "$d/host-race" "$d/p1.so"
	compare "go126: -race plugin in a -race host" "$d/host-race" "$d/p1-race.so"
else
	skip "go126: -race cases" "-race fixtures could not be built here"
fi
compare "go126: a C library first aborts the process" "$d/host" "$d/libc-only.so" "$d/p1.so"
compare "go126: a C library after a plugin" "$d/host" "$d/p3.so" "$d/libc-only.so"
compare "go126: a Go c-shared library" "$d/host" "$d/libcs.so"
compare "go126: a C library after a failed plugin" "$d/host" "$d/p1-shared2.so" "$d/libc-only.so" "$d/p1.so"
compare "go126: a plugin whose DT_NEEDED is missing" "$d/host" "$d/p5-needs-lib.so" "$d/p1.so"
# dlopen rejects: another class, another machine, an executable
cp "$d/p3.so" p-32.so && printf '\001' | dd of=p-32.so bs=1 seek=4 conv=notrunc 2>/dev/null
cp "$d/p3.so" p-arm64.so && printf '\267\000' | dd of=p-arm64.so bs=1 seek=18 conv=notrunc 2>/dev/null
compare "go126: a 32-bit file" "$d/host" ./p-32.so "$d/p1.so"
compare "go126: a file for another machine" "$d/host" ./p-arm64.so "$d/p1.so"
compare "go126: an executable" "$d/host" "$d/host-nocgo" "$d/p1.so"
# plugins linked with -ldflags=-s (-s -w): no .symtab, no go:link.thispluginpath,
# and Go 1.19 plugins have no build info either; built here from the same
# sources as the fixtures (the p1 package), the host is the fixture's
cp -r "$TOP/testdata/plugin" "$TMPD/src"
for v in go119 go126; do
	g=/usr/lib/go-1.19/bin/go
	[ $v = go126 ] && g=/usr/local/go/bin/go
	d=$P/$v
	if (cd "$TMPD/src/p1" && GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local "$g" build -buildmode=plugin -ldflags=-s -o "$TMPD/$v-p1-s.so" . &&
		GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local "$g" build -buildmode=plugin -ldflags="-s -w" -o "$TMPD/$v-p1-sw.so" .) > build.log 2>&1 &&
		! readelf -SW "$TMPD/$v-p1-s.so" | grep -q ' \.symtab '; then
		compare "$v: -ldflags=-s plugin after the GOAMD64=v3 build" "$d/host" "$d/p1-v3.so" "$TMPD/$v-p1-s.so"
		compare "$v: -ldflags='-s -w' plugin after the plain build" "$d/host" "$d/p1.so" "$TMPD/$v-p1-sw.so"
		compare "$v: stripped plugin after the -ldflags=-s build" "$d/host" "$TMPD/$v-p1-s.so" "$d/p1-strip.so"
	else
		for i in 1 2 3; do notok "$v: -ldflags=-s plugin build failed or kept .symtab: $(tail -1 build.log)"; done
	fi
done
# host and plugin from different toolchains
for pair in "go119 go126" "go126 go119" "go126 go127" "go127 go126" "go119 go127" "go127 go119"; do
	set -- $pair
	if ! have "$1" || ! have "$2"; then
		skip "host $1, plugin $2" "toolchain fixtures missing"
		continue
	fi
	compare "host $1, plugin $2 (first plugin)" "$P/$1/host" "$P/$2/p1.so"
	compare "host $1, plugin $2 after one of $1" "$P/$1/host" "$P/$1/p3.so" "$P/$2/p1.so" "$P/$1/p1.so"
done
# text output: the host, one verdict line per plugin in load order, the
# failing plugin's finding with both package hashes and plugin.Open's words
# (the oracle: what the host printed for the same two plugins)
"$d/host" "$d/p3.so" "$d/p4.so" > oracle.out 2> /dev/null
"$GOABI" plugin "$d/host" "$d/p3.so" "$d/p4.so" > text.out
check "text: the host and one verdict line per plugin, in order" "1 $d/p3.so: loads|$d/p4.so: fails|" \
	"$(grep -c "^  host  *$d/host\$" text.out) $(grep -E '^  [^ ].*: (loads|fails|aborts|not reached)$' text.out | sed 's/^  //' | tr '\n' '|')"
check "text: the failing plugin's finding carries the package hashes and plugin.Open's message" \
	"1 $(sed -n 2p oracle.out | sed 's/^fail //')" \
	"$(grep -c "^  $d/p4.so 'example.com/extra': .*example.com/extra.* ([0-9a-f]* in the plugin, [0-9a-f]* in $d/p3.so, bound first) \[plugin/pkghash\]$" text.out) $(grep -A1 '\[plugin/pkghash\]$' text.out | tail -1 | sed 's/^ *//')"
# SARIF 2.1.0: valid against the published schema, one result per plugin
# the runtime did not load (error level), located at the plugin
SCHEMA=$TOP/testdata/sarif-2.1.0-schema.json
"$GOABI" plugin --format sarif "$d/host" "$d/p3.so" "$d/p4.so" > p.sarif
src=$?
if python3 -c 'import jsonschema' 2> /dev/null; then
	check "sarif: valid against the SARIF 2.1.0 schema" valid "$(python3 - "$SCHEMA" p.sarif << 'PY'
import json, sys, jsonschema
s = json.load(open(sys.argv[1])); log = json.load(open(sys.argv[2]))
errs = list(jsonschema.validators.validator_for(s)(s).iter_errors(log))
print('valid' if not errs else 'invalid: ' + errs[0].message[:200])
PY
)"
else
	notok "sarif: no python3 with jsonschema (Debian python3-jsonschema)"
fi
check "sarif: results (rule, level, uri, toolSays) = the plugins the host failed to load, exit 1" \
	"$(grep '^fail ' oracle.out | sed 's/^fail //' | while read -r m; do echo "plugin/pkghash error file://$d/p4.so $m"; done) 1" \
	"$(jget p.sarif "'\n'.join(' '.join([r['ruleId'], r['level'], r['locations'][0]['physicalLocation']['artifactLocation']['uri'], r['properties']['toolSays']]) for r in j['runs'][0]['results'])") $src"
# usage and unreadable input
"$GOABI" plugin "$d/host" > /dev/null 2>&1
check "usage: no plugin -> exit 2" 2 $?
"$GOABI" plugin "$d/host" "$TMPD/absent.so" > /dev/null 2>&1
check "unreadable plugin -> exit 2" 2 $?
"$GOABI" plugin "$d/libc-only.so" "$d/p1.so" > /dev/null 2>&1
check "a host that is not Go -> exit 2" 2 $?
"$GOABI" plugin --json "$d/host" "$TMPD/absent.so" > absent.json 2> absent.err
check "unreadable plugin, --json: exit 2, verdict error, the file named in errors, stderr empty" \
	"2 error $TMPD/absent.so 0" "$? $(jget absent.json "j['verdict_class'] + ' ' + ' '.join(e['file'] for e in j['errors'])") $(wc -c < absent.err)"
