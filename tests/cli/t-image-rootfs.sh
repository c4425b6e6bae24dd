#!/bin/bash
# goabi image on root filesystem directories (tests/fixtures/build-image.sh).
# Oracles: the image's own loader asked in list mode inside a chroot
# (glibc's ld.so --list, musl's ld-musl --list: they map the dependencies
# and check symbol versions, they do not run the program), readelf, the
# Debian package versions of libc6 and musl (dpkg-query), and how each
# fixture was built (expect.tsv).
. "$(dirname "$0")/../lib.sh"
F=$FIX/image
if [ ! -d "$F/glibc" ]; then
	notok "image fixtures missing (tests/fixtures/build-image.sh)"
	exit 0
fi

# the schema-2 JSON read per binary (tests/cli/image_v2.py)
ijget() { python3 "$TOP/tests/cli/image_v2.py" "$1" "$2"; }
# the verdict words of expect.tsv (schema 1) in schema 2
word() { case $1 in ok) echo "will start" ;; "may fail at run time") echo "may fail" ;; *) echo "$1" ;; esac; }
# verdict JSON PATH
verdict() {
	python3 - "$1" "$2" <<'PY'
import sys, os
sys.path.insert(0, os.path.join(os.environ["TOP"], "tests/cli"))
import image_v2
j = image_v2.load(sys.argv[1])
for b in j["binaries"]:
    if b["path"] == sys.argv[2]:
        print(b["verdict"]); break
else:
    print("absent")
PY
}

for r in glibc oldglibc musl scratch; do
	"$GOABI" image --json -v "$F/$r" > "$TMPD/$r.json" 2> "$TMPD/$r.err"
	echo $? > "$TMPD/$r.rc"
done

# 1. expected verdicts from how the fixtures were built
while IFS=$'\t' read -r root path want why; do
	case $root in '#'*|'') continue ;; esac
	check "$root $path: $why" "$(word "$want")" "$(verdict "$TMPD/$root.json" "$path")"
done < "$F/expect.tsv"

# 2. the loader's own answer for every dynamic executable goabi found
# loader_says ROOT PATH -> ok / will not start
loader_says() {
	local root=$1 p=$2 interp out rc
	interp=$(readelf -lW "$root$p" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	if [ -z "$interp" ]; then
		echo static
		return
	fi
	if ! python3 -c 'import os,sys; os.chroot(sys.argv[1]); sys.exit(0 if os.path.exists(sys.argv[2]) else 1)' "$root" "$interp"; then
		echo "will not start"
		return
	fi
	out=$(chroot "$root" "$interp" --list "$p" 2>&1); rc=$?
	if [ $rc -ne 0 ] || grep -Eq "not found|Error loading|cannot open" <<<"$out"; then
		echo "will not start"
	else
		echo "will start"
	fi
}
[ "$(id -u)" = 0 ] || { skip "loader --list oracle" "chroot needs root"; }
for r in glibc oldglibc musl; do
	[ "$(id -u)" = 0 ] || break
	n=0 agree=0 disagree=""
	while IFS= read -r p; do
		want=$(loader_says "$F/$r" "$p")
		[ "$want" = static ] && continue
		got=$(verdict "$TMPD/$r.json" "$p")
		[ "$got" = "may fail" ] && got="will start"
		n=$((n + 1))
		if [ "$got" = "$want" ]; then agree=$((agree + 1)); else disagree="$disagree $p(loader:$want goabi:$got)"; fi
	done < <(ijget "$TMPD/$r.json" '"\n".join(b["path"] for b in j["binaries"] if b["executable"] and b["path"].split("/")[-1].split(".")[0] not in ("libc","ld-linux-x86-64","ld-musl-x86_64"))')
	if [ "$n" -gt 0 ] && [ -z "$disagree" ]; then
		ok "$r: goabi agrees with the image's loader (--list in a chroot) on all $n dynamic executables"
	else
		notok "$r: goabi and the loader disagree on$disagree ($agree/$n agree)"
	fi
done

# 3. the C library and its version
glibc_ver=$(dpkg-query -W -f '${Version}' libc6 | sed 's/-.*//')
musl_ver=$(dpkg-query -W -f '${Version}' musl | sed 's/-.*//')
check "glibc rootfs: libc is glibc $glibc_ver (dpkg-query libc6)" "glibc $glibc_ver" \
	"$(ijget "$TMPD/glibc.json" '" ".join([j["libc"][0]["family"], j["libc"][0]["version"]])')"
old=$(sed -n 's/^GLIBC_\([0-9.]*\) .*/\1/p' "$TOP/tests/fixtures/src/image/fakelibc.map" | sort -V | tail -1)
check "old glibc rootfs: libc is glibc $old (newest node of fakelibc.map)" "glibc $old" \
	"$(ijget "$TMPD/oldglibc.json" '" ".join([j["libc"][0]["family"], j["libc"][0]["version"]])')"
check "musl rootfs: libc is musl $musl_ver (dpkg-query musl)" "musl $musl_ver" \
	"$(ijget "$TMPD/musl.json" '" ".join([j["libc"][0]["family"], j["libc"][0]["version"]])')"
check "scratch: no libc" "0" "$(ijget "$TMPD/scratch.json" 'len(j["libc"])')"

# 4. missing versions are named as readelf -V shows them
need=$(readelf -VW "$F/oldglibc/usr/local/bin/hello-c" | grep -o 'GLIBC_2\.3[0-9]*' | sort -V | tail -1)
reason=$(ijget "$TMPD/oldglibc.json" '[b["reason"] for b in j["binaries"] if b["path"]=="/usr/local/bin/hello-c"][0]')
case $reason in *"$need"*) ok "old glibc: reason names $need (readelf -V): $reason" ;;
*) notok "old glibc: reason '$reason' does not name $need" ;; esac

# 5. Go inventory against go version -m
gv=$(go version -m "$F/bin/go-static" | head -1 | awk '{print $2}')
check "glibc rootfs: Go inventory has $gv (go version -m) x2, one cgo, one static" "2 1 1" \
	"$(ijget "$TMPD/glibc.json" '" ".join(str(j["summary"]["go"]["'"$gv"'"][k]) for k in ("binaries","cgo","static"))')"

# 6. interpreter and DT_NEEDED lists match readelf
p=/usr/local/bin/uses-foo-runpath
rn=$(readelf -dW "$F/glibc$p" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
check "needed of $p match readelf -d" "$rn" \
	"$(ijget "$TMPD/glibc.json" '" ".join([b["needed"] for b in j["binaries"] if b["path"]=="'"$p"'"][0]) + " "')"
if [ "$(id -u)" = 0 ]; then
	lddpath=$(chroot "$F/glibc" /lib64/ld-linux-x86-64.so.2 --list "$p" | sed -n 's/.*libfoo.so.1 => \([^ ]*\) .*/\1/p')
	got=$(ijget "$TMPD/glibc.json" '[d for b in j["binaries"] if b["path"]=="'"$p"'" for d in b["resolved"] if d.startswith("libfoo")][0]')
	lddreal=$(python3 -c 'import os,sys; os.chroot(sys.argv[1]); print(os.path.realpath(sys.argv[2]))' "$F/glibc" "$lddpath")
	check "\$ORIGIN runpath resolves libfoo.so.1 where ld.so --list does ($lddpath)" "libfoo.so.1 => $lddreal" "$got"
else
	skip "\$ORIGIN resolution vs ld.so --list" "chroot needs root"
fi

# 7. exit codes
check "exit 1 when a binary will not start (glibc rootfs)" 1 "$(cat "$TMPD/glibc.rc")"
check "exit 0 for the scratch image" 0 "$(cat "$TMPD/scratch.rc")"

# 8. --add: a glibc cgo binary about to be copied into the musl image
"$GOABI" image --json --add "$F/bin/go-cgo-glibc:/usr/local/bin/app" "$F/scratch" > "$TMPD/add.json"; rc=$?
check "--add cgo glibc binary into scratch: will not start" "will not start" "$(verdict "$TMPD/add.json" /usr/local/bin/app)"
check "--add into scratch: exit 1" 1 "$rc"
"$GOABI" image --json --add "$F/bin/hello-musl:/bin/" "$F/musl" > "$TMPD/add2.json"
check "--add musl binary into the musl image at /bin/: will start" "will start" "$(verdict "$TMPD/add2.json" /bin/hello-musl)"

# 9. --cpu against the ISA level a Go binary declares (GOAMD64, go version -m)
lvl=$(go version -m "$F/bin/go-static-v3" | sed -n 's/.*GOAMD64=\(v[0-9]\).*/\1/p')
"$GOABI" image --json --cpu x86-64-v2 --add "$F/bin/go-static-v3:/app/v3" "$F/scratch" > "$TMPD/cpu.json"; rc=$?
check "GOAMD64=$lvl Go binary on an x86-64-v2 CPU: will not start" "will not start" "$(verdict "$TMPD/cpu.json" /app/v3)"
check "--cpu x86-64-v2: exit 1" 1 "$rc"
"$GOABI" image --json --cpu x86-64-v3 --add "$F/bin/go-static-v3:/app/v3" "$F/scratch" > "$TMPD/cpu3.json"
check "GOAMD64=$lvl Go binary on an x86-64-v3 CPU: will start" "will start" "$(verdict "$TMPD/cpu3.json" /app/v3)"
"$GOABI" image --cpu x86-64-v9 "$F/scratch" > /dev/null 2>&1
check "--cpu x86-64-v9: usage error, exit 2" 2 "$?"

# 10. schema 2: each will-not-start binary of expect.tsv has a finding whose
#     rule names the cause the fixture was built with, and where goabi
#     quotes the loader its words are the loader's own (the program run in
#     its chroot: it fails before main, so nothing of it runs)
rule_of() { ijget "$1" "' '.join(sorted(set(f['rule'] for b in j['binaries'] if b['path']=='$2' for f in b['findings'] if f['properties']['fatal']=='true')))"; }
check "oldglibc hello-c (needs GLIBC_2.34, libc up to 2.17): rule image/glibc-too-old" image/glibc-too-old \
	"$(rule_of "$TMPD/oldglibc.json" /usr/local/bin/hello-c)"
check "glibc uses-foo-missing (libfoo.so.1 off the search path): rule image/missing-library" image/missing-library \
	"$(rule_of "$TMPD/glibc.json" /usr/local/bin/uses-foo-missing)"
check "glibc hello-musl (musl interpreter absent): rule image/missing-interpreter" image/missing-interpreter \
	"$(rule_of "$TMPD/glibc.json" /usr/local/bin/hello-musl)"
check "--cpu x86-64-v2, GOAMD64=$lvl: rule image/isa-above-cpu" image/isa-above-cpu "$(rule_of "$TMPD/cpu.json" /app/v3)"
says_of() { ijget "$1" "[f['tool_says'] for b in j['binaries'] if b['path']=='$2' for f in b['findings'] if f['tool_says']][0]"; }
if [ "$(id -u)" = 0 ]; then
	for c in "oldglibc /usr/local/bin/hello-c" "glibc /usr/local/bin/uses-foo-missing" "musl /app/cgo-glibc"; do
		set -- $c
		real=$(chroot "$F/$1" "$2" 2>&1 >/dev/null | head -1)
		says=$(says_of "$TMPD/$1.json" "$2")
		case $real in
		*"$says"*) ok "$1 $2: tool_says is what the loader prints ($real)" ;;
		*) notok "$1 $2: tool_says '$says' is not in the loader's message '$real'" ;;
		esac
	done
	says=$(says_of "$TMPD/cpu.json" /app/v3)
	# the Go runtime's own message, from the binary's bytes (it prints it on a CPU below the level)
	if [ -n "$says" ] && grep -aqF "$says" "$F/bin/go-static-v3"; then ok "GOAMD64=$lvl: tool_says is the Go runtime's message in the binary ($says)"
	else notok "GOAMD64=$lvl: '$says' is not in the binary's bytes"; fi
else
	skip "tool_says against the loader's own message" "chroot needs root"
fi

# 11. SARIF 2.1.0 for image: valid against the published schema; one
#     error-level result per binary that will not start (the set from the
#     schema-2 JSON, checked above against the loader), located at the image
#     with the path inside it
SCHEMA=$TOP/testdata/sarif-2.1.0-schema.json
"$GOABI" image --format sarif "$F/glibc" > "$TMPD/glibc.sarif"; rc=$?
check "SARIF: exit 1 as with JSON (a binary will not start)" 1 "$rc"
if python3 -c 'import jsonschema' 2>/dev/null; then
	check "SARIF: valid against the SARIF 2.1.0 JSON schema" valid "$(python3 - "$SCHEMA" "$TMPD/glibc.sarif" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
errs = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(log))
for e in errs[:5]:
    print('/'.join(map(str, e.path)), e.message[:200])
print('valid' if not errs else 'invalid')
PY
)"
else
	notok "SARIF: no python3 with jsonschema (Debian python3-jsonschema)"
fi
want=$(ijget "$TMPD/glibc.json" '" ".join(sorted(b["path"] for b in j["binaries"] if b["verdict"]=="will not start"))')
got=$(python3 - "$TMPD/glibc.sarif" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
paths = set()
for res in log["runs"][0]["results"]:
    if res["level"] != "error":
        continue
    for loc in res["locations"]:
        pl = loc.get("physicalLocation", {})
        uri = pl.get("artifactLocation", {}).get("uri", "")
        # the member: a logical location or the fragment after the image
        ll = [l.get("fullyQualifiedName") or l.get("name") for l in loc.get("logicalLocations", [])]
        paths.update(x for x in ll if x and x.startswith("/"))
        if "#" in uri or "!" in uri:
            paths.add("/" + uri.split("#", 1)[-1].split("!", 1)[-1].lstrip("/"))
print(" ".join(sorted(paths)))
PY
)
check "SARIF: error results exactly at the binaries that will not start" "$want" "$got"
