#!/bin/bash
# goabi audit: every policy rule, as a flag and in a policy file, on fixtures
# whose facts come from independent oracles: go version -m (version,
# CGO_ENABLED, GOAMD64, -trimpath, vcs.modified, deps), readelf -l/-d
# (interpreter, DT_NEEDED), objdump -T (GLIBC versions), the build flags.
. "$(dirname "$0")/../lib.sh"
D=$FIX/diff
if [ ! -f "$D/prog-trim" ]; then
	notok "diff/audit fixtures missing in $D"
	exit 0
fi
old=$NPM/esbuild-linux-64@0.13.15/esbuild new=$NPM/@esbuild_linux-x64@0.18.5/esbuild
# 37 checks, and 5 on the npm esbuild binaries or one skip line
plan $((37 + $([ -f "$old" ] && [ -f "$new" ] && echo 5 || echo 1)))
setting() { go version -m "$1" | awk -v k="$2" '$1 == "build" { split($2, kv, "="); if (kv[1] == k) print substr($2, length(k) + 2) }'; }
# verdict FILE FLAGS...: "broken" or "ok" from the exit code (1 / 0), "error RC" otherwise
verdict() {
	local f=$1; shift
	"$GOABI" audit -q "$@" "$f" > /dev/null 2>&1
	case $? in 0) echo ok ;; 1) echo broken ;; *) echo "error $?" ;; esac
}

# max-glibc: the highest GLIBC_ version objdump -T shows
hi=$(objdump -T "$D/prog-cgo" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)
check "max-glibc ${hi#GLIBC_} (= objdump -T highest): met" ok "$(verdict "$D/prog-cgo" --max-glibc "${hi#GLIBC_}")"
check "max-glibc 2.17 (< ${hi#GLIBC_}): broken" broken "$(verdict "$D/prog-cgo" --max-glibc 2.17)"
"$GOABI" audit --json --max-glibc 2.17 "$D/prog-cgo" > "$TMPD/g.json"
want=$(objdump -T "$D/prog-cgo" | awk '/UND/ { for (i = 1; i <= NF; i++) if ($i ~ /^\(GLIBC_/) print $NF "@" substr($i, 2, length($i) - 2) }' |
	while read -r s; do v=${s##*@GLIBC_}; [ "$(printf '2.17\n%s\n' "$v" | sort -V | tail -1)" = "$v" ] && [ "$v" != 2.17 ] && echo "$s"; done | sort | head -8 | tr '\n' ' ')
got=$(jget "$TMPD/g.json" "' '.join(sorted(j['findings'][0]['message'].split('(symbols: ')[1].rstrip(')').split(' and ')[0].split(', ')))+' '")
check "max-glibc: the symbols named are objdump -T's above 2.17" "$want" "$got"

# libc family: readelf -l interpreter (glibc's ld-linux) / none
interp=$(readelf -l -W "$D/prog-cgo" | sed -n 's/.*interpreter: \(.*\)]/\1/p')
case $interp in *ld-linux*) fam=glibc ;; *ld-musl*) fam=musl ;; *) fam=unknown ;; esac
check "libc $fam (readelf -l: $interp): met" ok "$(verdict "$D/prog-cgo" --libc "$fam")"
check "libc musl on a $fam binary: broken" broken "$(verdict "$D/prog-cgo" --libc musl)"
check "libc none: cgo-less Go binary without interpreter or DT_NEEDED (readelf)" "0 ok" \
	"$(readelf -l -d -W "$D/prog-nocgo" | grep -cE 'interpreter|NEEDED') $(verdict "$D/prog-nocgo" --libc none)"
check "libc glibc,musl list: met by $fam" ok "$(verdict "$D/prog-cgo" --libc glibc,musl)"

# require-static: readelf shows no interpreter and no DT_NEEDED
check "require-static: static exe met, dynamic broken" "ok broken" \
	"$(verdict "$D/prog-nocgo" --require-static) $(verdict "$D/prog-cgo" --require-static)"

# a shared library (readelf -h: DYN, no interpreter) is not an executable: unverified, not broken
check "require-static on a shared library (readelf -l: no interpreter): not broken" "0 ok" \
	"$(readelf -l -W "$D/libfoo-v1.so" | grep -c 'program interpreter') $(verdict "$D/libfoo-v1.so" --require-static)"

# cgo: go version -m CGO_ENABLED
for f in prog-cgo prog-nocgo; do
	ce=$(setting "$D/$f" CGO_ENABLED)
	on=$([ "$ce" = 1 ] && echo on || echo off)
	off=$([ "$ce" = 1 ] && echo off || echo on)
	check "cgo $on ($f: CGO_ENABLED=$ce): met; cgo $off: broken" "ok broken" \
		"$(verdict "$D/$f" --cgo "$on") $(verdict "$D/$f" --cgo "$off")"
done

# min-go: go version -m's version
v=$(go version -m "$D/prog-v1" | head -1 | awk '{print $2}')
minor=$(echo "$v" | sed 's/go1\.\([0-9]*\).*/\1/') patch=$(echo "$v" | sed -n 's/go1\.[0-9]*\.\([0-9]*\)$/\1/p')
check "min-go $v (itself): met" ok "$(verdict "$D/prog-v1" --min-go "$v")"
check "min-go go1.$minor.$((patch + 1)): broken" broken "$(verdict "$D/prog-v1" --min-go "go1.$minor.$((patch + 1))")"
check "min-go go1.$((minor + 1)).0 only: older minor, broken" broken "$(verdict "$D/prog-v1" --min-go "go1.$((minor + 1)).0")"
check "min-go go1.$((minor - 1)).99,go1.$((minor + 1)).0: newer than the lowest minor and no entry for go1.$minor: met" ok \
	"$(verdict "$D/prog-v1" --min-go "go1.$((minor - 1)).99,go1.$((minor + 1)).0")"

# max-isa: GOAMD64
a3=$(setting "$D/prog-v3" GOAMD64)
check "max-isa x86-64-$a3 (GOAMD64=$a3): met; x86-64-v2: broken" "ok broken" \
	"$(verdict "$D/prog-v3" --max-isa "x86-64-$a3") $(verdict "$D/prog-v3" --max-isa x86-64-v2)"

# max-isa from the code: a C program built with -march=x86-64-v3 whose note
# declares only the baseline (readelf -n) but whose code uses AVX (objdump:
# %ymm registers); the level required by the code decides
V3=$FIX/isa/c-vec-x86-64-v3
if [ -f "$V3" ]; then
	decl=$(readelf -nW "$V3" | grep -c 'ISA needed: .*x86-64-v[234]')
	ymm=$(objdump -d --no-show-raw-insn "$V3" | grep -c '%ymm')
	check "max-isa on c-vec (-march=x86-64-v3; readelf -n declares no v2+: $decl; objdump: $ymm %ymm instructions): v2 broken, v3 met" \
		"0 yes broken ok" "$decl $([ "$ymm" -gt 0 ] && echo yes) $(verdict "$V3" --max-isa x86-64-v2) $(verdict "$V3" --max-isa x86-64-v3)"
else
	notok "max-isa from the code: fixture $V3 missing (tests/fixtures/build-isa.sh)"
fi

# require-trimpath: go version -m -trimpath
check "require-trimpath: prog-trim (-trimpath=$(setting "$D/prog-trim" -trimpath)) met; prog-v1 (-trimpath='$(setting "$D/prog-v1" -trimpath)') broken" \
	"ok broken" "$(verdict "$D/prog-trim" --require-trimpath) $(verdict "$D/prog-v1" --require-trimpath)"

# forbid-vcs-modified: go version -m vcs.modified. The diff fixtures are built
# inside this checkout (clean: false) or with -buildvcs=false (none); the
# audit fixtures come from a git tree of their own, committed (vcs-clean)
# and with an uncommitted change (vcs-dirty), so both verdicts are exercised
A=$FIX/audit
for f in "$D/prog-v1" "$D/prog-trim" "$A/vcs-clean" "$A/vcs-dirty"; do
	if [ ! -f "$f" ]; then notok "forbid-vcs-modified: fixture $f missing (tests/fixtures/build-audit.sh)"; continue; fi
	m=$(setting "$f" vcs.modified)
	check "forbid-vcs-modified on ${f##*/} (go version -m: vcs.modified='$m')" "$([ "$m" = true ] && echo broken || echo ok)" \
		"$(verdict "$f" --forbid-vcs-modified)"
done
# the oracle must have seen both states, or the loop above proves nothing
check "forbid-vcs-modified fixtures: go version -m shows vcs.modified false and true" "false true" \
	"$(setting "$A/vcs-clean" vcs.modified 2>/dev/null) $(setting "$A/vcs-dirty" vcs.modified 2>/dev/null)"
echo '{"forbid-vcs-modified": true}' > "$TMPD/vcs.json"
"$GOABI" audit --json --policy "$TMPD/vcs.json" "$A/vcs-dirty" "$A/vcs-clean" > "$TMPD/vcs.out"
rc=$?
check "policy file forbid-vcs-modified: exit 1, one finding naming vcs-dirty" "1 vcs-dirty" \
	"$rc $(jget "$TMPD/vcs.out" "' '.join(sorted(f['subject']['path'].rsplit('/', 1)[-1] for f in j['findings'] if f['severity'] == 'error'))")"
check "policy file forbid-vcs-modified: judged vcs-dirty broken, vcs-clean pass (go version -m vcs.modified true/false)" \
	"vcs-dirty:broken:fail vcs-clean:pass:pass" \
	"$(jget "$TMPD/vcs.out" "' '.join('%s:%s:%s' % (x['path'].rsplit('/', 1)[-1], x['verdict'], x['verdict_class']) for x in j['judged'])")"
echo '{"forbid-vcs-modified": false}' > "$TMPD/vcs-off.json"
check "policy file forbid-vcs-modified false: vcs-dirty met" ok "$(verdict "$A/vcs-dirty" --policy "$TMPD/vcs-off.json" --cgo off)"

# buildmode: the flags the fixtures were built with
check "buildmode pie: prog-trim (built -buildmode=pie) met, exe broken" "ok broken" \
	"$(verdict "$D/prog-trim" --buildmode pie) $(verdict "$D/prog-trim" --buildmode exe)"
check "buildmode exe,pie: c-shared library (built -buildmode=c-shared) broken" broken \
	"$(verdict "$D/cshared-v1.so" --buildmode exe,pie)"

# forbid-module on real-world esbuild: golang.org/x/sys versions from go version -m
if [ -f "$old" ] && [ -f "$new" ]; then
	rng='golang.org/x/sys@<v0.0.0-20220101000000-000000000000'
	for f in "$old" "$new"; do
		dv=$(go version -m "$f" | awk '$1 == "dep" && $2 == "golang.org/x/sys" { print $3 }')
		# pseudo-versions v0.0.0-YYYYMMDDhhmmss-...: the timestamp orders them
		ts=$(echo "$dv" | cut -d- -f2)
		check "forbid-module $rng on x/sys $dv" "$([ "$ts" \< 20220101000000 ] && echo broken || echo ok)" \
			"$(verdict "$f" --forbid-module "$rng")"
	done
	check "forbid-module without a version: any x/sys version is forbidden" broken \
		"$(verdict "$new" --forbid-module golang.org/x/sys)"
	check "forbid-module exact other version: met" ok \
		"$(verdict "$new" --forbid-module golang.org/x/sys@v0.1.0)"
	m=$(setting "$new" vcs.modified)
	check "forbid-vcs-modified on esbuild 0.18.5 (vcs.modified=$m)" "$([ "$m" = true ] && echo broken || echo ok)" \
		"$(verdict "$new" --forbid-vcs-modified)"
else
	skip "forbid-module on esbuild" "npm cache missing (tests/fetch-npm.sh)"
fi

# the same rules from a policy file: the broken rule ids match the flags' oracle verdicts
cat > "$TMPD/policy.json" <<JSON
{
  "comment": "test policy",
  "max-glibc": "2.17",
  "libc": ["musl"],
  "require-static": true,
  "cgo": "off",
  "min-go": ["go1.$minor.$((patch + 1))"],
  "max-isa": "x86-64-v2",
  "require-trimpath": true,
  "forbid-vcs-modified": false,
  "forbid-module": [],
  "buildmode": ["exe"]
}
JSON
"$GOABI" audit --json --policy "$TMPD/policy.json" "$D/prog-cgo" > "$TMPD/p.json"
rc=$?
# prog-cgo: glibc above 2.17, glibc not musl, dynamic, cgo on, older patch,
# GOAMD64=v1 (not above v2), no -trimpath, buildmode exe (ok)
check "policy file: broken rules on prog-cgo" "audit/cgo audit/libc audit/max-glibc audit/min-go audit/require-static audit/require-trimpath" \
	"$(jget "$TMPD/p.json" "' '.join(sorted(set(f['rule'] for f in j['findings'] if f['severity']=='error')))")"
check "policy file: exit 1 when a rule is broken" 1 "$rc"
check "policy file: a flag overrides the file (--max-glibc ${hi#GLIBC_})" 0 \
	"$("$GOABI" audit --json --policy "$TMPD/policy.json" --max-glibc "${hi#GLIBC_}" "$D/prog-cgo" | python3 -c 'import json,sys; print(sum(1 for f in json.load(sys.stdin)["findings"] if f["rule"]=="audit/max-glibc"))')"
echo '{"max-glibc": "2.17", "no-such-rule": true}' > "$TMPD/bad.json"
"$GOABI" audit --policy "$TMPD/bad.json" "$D/prog-cgo" > /dev/null 2>&1
check "policy file with an unknown key: exit 2" 2 $?
echo '{"max-isa": "x86-64-v9"}' > "$TMPD/bad2.json"
"$GOABI" audit --policy "$TMPD/bad2.json" "$D/prog-cgo" > /dev/null 2>&1
check "policy file with an invalid value: exit 2" 2 $?
"$GOABI" audit "$D/prog-cgo" > /dev/null 2>&1
check "no rule at all: exit 2" 2 $?
"$GOABI" audit --cgo off "$TMPD/missing" > /dev/null 2>&1
check "unreadable file: exit 2" 2 $?
# a CGO_ENABLED=0 -buildmode=pie binary still asks for glibc's loader (readelf -l)
pi=$(readelf -l -W "$D/prog-trim" | grep -c 'interpreter: /lib64/ld-linux')
check "require-static on a cgo-less PIE with PT_INTERP (readelf -l: $pi): broken" "$([ "$pi" -gt 0 ] && echo broken || echo ok)" \
	"$(verdict "$D/prog-trim" --require-static)"
check "all rules met: exit 0" ok "$(verdict "$D/prog-trim" --cgo off --require-trimpath --buildmode pie --libc glibc --max-isa x86-64-v1 --forbid-vcs-modified)"
