#!/bin/bash
# goabi link against the real linker: for each link set (built by
# tests/fixtures/build-link.sh), run the real link (gcc / musl-gcc, i.e. GNU
# ld) and compare: goabi's verdict with ld's exit status, goabi's set of
# multiply defined symbols with ld's "multiple definition of `X'" messages,
# its set of undefined symbols with ld's "undefined reference to `X'"
# messages, and its hazards with ld's "warning:" lines. Diagnoses are
# checked by running the fix they propose (e.g. adding -lm) through ld too.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/link-lib.sh"
D=$FIX/link
if [ ! -f "$D/goa.a" ]; then
	notok "link fixtures missing in $D (tests/fixtures/build-link.sh)"
	exit 0
fi
cd "$D"

# compare NAME [KIND:TEXT]... -- CMD...
#   KIND:TEXT  goabi must also report a finding of KIND whose message,
#              diagnosis or linker message contains TEXT
compare() {
	local name=$1; shift
	local expects=()
	while [ "$1" != "--" ]; do expects+=("$1"); shift; done
	shift
	local out=$TMPD/out.$name
	rm -f "$TMPD/map.$name"
	"$@" -o "$out" -Wl,-Map="$TMPD/map.$name" >"$TMPD/ld.$name" 2>&1
	local rc=$?
	"$GOABI" link --json -- "$@" -o "$out" >"$TMPD/g.$name.json" 2>"$TMPD/g.$name.err"
	local grc=$?
	: > "$TMPD/needed.$name"
	[ $rc -eq 0 ] && [ -f "$out" ] && readelf -d "$out" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' > "$TMPD/needed.$name"
	python3 - "$name" "$rc" "$TMPD/ld.$name" "$TMPD/g.$name.json" "$grc" "$TMPD/map.$name" "$TMPD/needed.$name" "${expects[@]}" <<'PY'
import json, os, re, sys
from link_view import view
name, rc, ldf, gf, grc, mapf, needf = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6], sys.argv[7]
expects = sys.argv[8:]
ld = open(ldf, errors="replace").read()
try:
    g = view(json.load(open(gf)))
except Exception as e:
    print("not ok - %s: goabi link produced no JSON (%s)" % (name, e)); sys.exit(0)
dup = set(re.findall(r"multiple definition of `([^']+)'", ld))
und = set(re.findall(r"undefined reference to `([^']+)'", ld))
warns = [l for l in ld.splitlines() if "warning:" in l and ".note.GNU-stack" not in l and "entry symbol" not in l]
ldv = "fails" if rc != 0 else ("links with hazards" if warns else "links")
gv = g["verdict"]
def rep(ok, what):
    print(("ok - " if ok else "not ok - ") + "%s: %s" % (name, what))
oracle = "ld exit %d%s" % (rc, ", %d warning lines" % len(warns) if warns else "")
# ld links a program with two Go runtimes: "links but cannot work" (goabi's own finding)
broken = ("links but cannot work",) if any(f["kind"] == "two-go-runtimes" for f in g["findings"]) else ()
if ldv == "links with hazards":
    rep(gv in (ldv,) + broken, "verdict '%s', ld: links with warnings (%s; oracle: ld's own messages)" % (gv, oracle))
elif ldv == "links":
    rep(gv in ("links", "links with hazards") + broken, "verdict '%s', ld: links (%s; oracle: ld's own messages)" % (gv, oracle))
else:
    rep(gv == "fails", "verdict '%s', ld: fails (%s; oracle: ld's own messages)" % (gv, oracle))
gd, gu = set(g["duplicates"]), set(g["undefined"])
rep(gd == dup, "multiply defined %s = ld's \"multiple definition of\" set %s" % (sorted(gd), sorted(dup)))
rep(gu == und, "undefined %s = ld's \"undefined reference to\" set %s" % (sorted(gu), sorted(und)))
bad = gv == "fails" or any(f["severity"] in ("link-error", "error") for f in g["findings"])
rep((grc == 1) == bad, "exit code %d matches the findings" % grc)
# ld's link map: "Archive member included to satisfy reference by file (symbol)"
if rc == 0 and os.path.exists(mapf):
    lines = open(mapf, errors="replace").read().split("\n")
    want = set()
    if lines and lines[0].startswith("Archive member included"):
        i = 2
        while i < len(lines) and lines[i].strip():
            l = lines[i]
            if not l.startswith(" "):
                m = re.match(r"(\S+)\((\S+)\)", l)
                if m:
                    want.add("%s(%s)" % (os.path.basename(m.group(1)), m.group(2)))
            i += 1
    got = set()
    for inp in g["inputs"]:
        for p in inp.get("pulled") or []:
            got.add("%s(%s)" % (os.path.basename(inp["path"]), p["member"]))
    rep(got == want, "%d archive members pulled = ld's link map (-Map: 'Archive member included'; differ: %s)" % (len(got), sorted(got ^ want)[:6]))
if rc == 0:
    need = set(open(needf).read().split())
    rep(set(g["needed"]) == need, "DT_NEEDED %s = readelf -d of ld's output %s (--as-needed)" % (sorted(g["needed"]), sorted(need)))
for e in expects:
    kind, text = e.split(":", 1)
    hit = [f for f in g["findings"] if f["kind"] == kind and any(text in (f[k] or "") for k in ("message", "diagnosis", "linker_message"))]
    rep(bool(hit), "finding %s mentioning '%s'" % (kind, text))
PY
}
# fixok NAME CMD...: the fix goabi proposed really links (oracle: ld)
fixok() {
	local name=$1; shift
	if "$@" -o "$TMPD/fix.$name" >"$TMPD/fix.$name.log" 2>&1; then
		ok "$name: the fix goabi proposes links with ld: $*"
	else
		notok "$name: the proposed fix does not link: $* ($(head -c 300 "$TMPD/fix.$name.log"))"
	fi
}

gover=$(go version | awk '{print $3}')
compare two-c-archives "two-go-runtimes:$gover" -- gcc main_ab.o goa.a gob.a
compare four-c-archives "two-go-runtimes:4 Go runtimes" -- gcc main_abcd.o goa.a gob.a goc.a god.a
compare c-archive-with-lpthread -- gcc main_a_pthread.o goa.a -lpthread
compare c-archive-without-lpthread -- gcc main_a_pthread.o goa.a
compare c-archive-static -- gcc -static main_a_pthread.o goa.a
compare c-archive-musl-gcc -- musl-gcc main_a_pthread.o goa.a
compare c-archive-musl-gcc-static -- musl-gcc -static main_a_pthread.o goa.a
compare c-archive-static-pie -- gcc -static-pie main_a_pthread.o goa.a
compare two-c-archives-static "two-go-runtimes:$gover" -- gcc -static main_ab.o goa.a gob.a
compare two-c-archives-musl-static "two-go-runtimes:$gover" -- musl-gcc -static main_ab.o goa.a gob.a
compare c-archive-static-with-shared "static-link-of-shared:libgob.so" -- gcc -static main_ab.o goa.a libgob.so
compare c-archive-bstatic-shared "static-link-of-shared:libgob.so" -- gcc main_ab.o goa.a -Wl,-Bstatic libgob.so -Wl,-Bdynamic
compare gc-vs-gccgo "two-go-runtimes:gccgo" "undefined:gccgo" -- gcc main_gg.o gg.o goa.a
compare glibc-object-musl-gcc "undefined:exists only in glibc" -- musl-gcc fort.o
compare glibc-object-musl-gcc-static "undefined:exists only in glibc" -- musl-gcc -static fort.o
compare glibc-object-gcc -- gcc fort.o
em=$(python3 -c 'import sys; d=open(sys.argv[1],"rb").read(20); print(int.from_bytes(d[18:20],"little"))' arm64.o)
compare arm64-with-x86-64 "wrong-format:EM: $em" -- gcc main_arm.o arm64.o
if readelf -h arm64.o | grep -q 'Machine:.*AArch64' && [ "$em" = 183 ]; then ok "arm64.o is AArch64 (EM 183) per readelf"; else notok "arm64.o is not AArch64 per readelf"; fi
compare weak-then-strong -- gcc main_pick.o weak1.o strong1.o
compare strong-then-weak -- gcc main_pick.o strong1.o weak1.o
compare common-common -- gcc cm1-common.o cm2-common.o
compare nocommon-nocommon -- gcc cm1-nocommon.o cm2-nocommon.o
compare common-and-definition -- gcc cm1-common.o cm_init-nocommon.o cm2-common.o
compare comdat-comdat -- gcc main_comdat.o comdat1.o comdat2.o
compare comdat-and-plain -- gcc main_comdat.o comdat1.o plain_shared_fn.o
compare archive-order-wrong -- gcc main_ord.o -L. -lb -la
compare archive-order-right -- gcc main_ord.o -L. -la -lb
compare circular-no-group -- gcc main_ord.o liba2.a libb2.a
compare circular-group -- gcc main_ord.o -Wl,--start-group liba2.a libb2.a -Wl,--end-group
compare circular-group-parens -- gcc main_ord.o -Wl,-\( liba2.a libb2.a -Wl,-\)
compare archive-member-unused -- gcc main_w.o libw.a
compare whole-archive -- gcc main_w.o -Wl,--whole-archive libw.a -Wl,--no-whole-archive
compare missing-lm "undefined:add -lm" -- gcc mathx.o
fixok missing-lm gcc mathx.o -lm
compare missing-lresolv "undefined:add -lresolv" -- gcc resolv.o
fixok missing-lresolv gcc resolv.o -lresolv
compare static-nss "static-nss:getaddrinfo" -- gcc -static nss.o
compare naming-scheme-split "undefined:naming scheme" -- gcc main_sch.o sch_colon.o
compare two-runtimes-archive-and-shared "two-go-runtimes:libgob.so" -- gcc main_ab.o goa.a -L. -lgob
compare versioned-symbol-old-only "undefined:non-default version only_old@V1" -- gcc main_ver.o -L. -lverlib
compare hidden-ref-shared-def -- gcc main_hidden.o -L. -lhdef
compare cet-objects "x86-cet-dropped:Scrt1.o" -- gcc main_cet-cet.o cet_fn-cet.o
compare as-needed-library-before-user -- gcc -L. -lgob main_ab.o goa.a
compare no-as-needed-library-before-user "two-go-runtimes:libgob.so" -- gcc -Wl,--no-as-needed -L. -lgob main_ab.o goa.a
compare missing-library -- gcc main_ord.o -L. -lnosuchlib
compare archive-no-index "archive-no-index:ranlib" -- gcc main_ord.o libnoidx.a libb.a
compare archive-no-index-whole -- gcc main_ord.o -Wl,--whole-archive libnoidx.a -Wl,--no-whole-archive libb.a
# a shared library's own references: they pull archive members, make an
# --as-needed library needed, fail when nothing defines them, and cannot
# bind to a hidden definition
compare shlib-refs-satisfied -- gcc main_dsohelp.o -L. -ldsohelp libhelp.a -lm
compare shlib-ref-undefined "undefined:libdsohelp.so" -- gcc main_dsohelp.o -L. -ldsohelp -lm
compare shlib-ref-needs-lm "undefined:libdsohelp.so" "undefined:add -lm" -- gcc main_dsohelp.o -L. -ldsohelp libhelp.a
fixok shlib-ref-needs-lm gcc main_dsohelp.o -L. -ldsohelp libhelp.a -lm
compare shlib-ref-hidden-def "hidden-referenced-by-dso:helper_from_archive" -- gcc main_dsohelp.o hidhelp.o -L. -ldsohelp -lm
printf '%s\n' main_ord.o -L. '-la' "-lb" > "$TMPD/rsp"
compare response-file -- gcc "@$TMPD/rsp"
compare as-needed-no-pie -- gcc -no-pie -Wl,--as-needed main_ord.o liba.a libb.a -Wl,--no-as-needed -lm

# CET: goabi's note agrees with the property notes readelf reads from the output and inputs
gcc main_cet-cet.o cet_fn-cet.o -o "$TMPD/cet" 2>/dev/null
in_cet=$(readelf -n main_cet-cet.o | grep -c 'x86 feature: IBT, SHSTK')
out_cet=$(readelf -n "$TMPD/cet" | grep -c 'x86 feature: IBT, SHSTK')
"$GOABI" link --json -- gcc main_cet-cet.o cet_fn-cet.o > "$TMPD/cet.json"
note=$(ljget "$TMPD/cet.json" 'sum(1 for f in j["findings"] if f["kind"]=="x86-cet-dropped")')
if [ "$in_cet" -ge 1 ] && [ "$out_cet" = 0 ] && [ "$note" = 1 ]; then
	ok "cet: inputs marked IBT+SHSTK, ld's output is not (readelf -n), goabi notes the loss"
elif [ "$out_cet" -ge 1 ] && [ "$note" = 0 ]; then
	ok "cet: ld's output keeps IBT+SHSTK (readelf -n) and goabi notes no loss"
else
	notok "cet: readelf input=$in_cet output=$out_cet, goabi notes=$note"
fi
"$GOABI" link --json -- gcc main_cet-cet.o cet_fn-nocet.o > "$TMPD/cet2.json"
check "cet: a user object without the property is named" 1 \
	"$(ljget "$TMPD/cet2.json" 'sum(1 for f in j["findings"] if f["kind"]=="x86-cet-dropped" and "cet_fn-nocet.o" in f["message"])')"

# RISC-V float ABI: no riscv linker here; the oracle is readelf's decoding of e_flags
fa=$(readelf -h rv-lp64d.o | sed -n 's/.*Flags:.*, \([a-z]*-float\) ABI.*/\1/p')
fb=$(readelf -h rv-lp64.o | sed -n 's/.*Flags:.*, \([a-z]*-float\) ABI.*/\1/p')
"$GOABI" link --json -- riscv64-linux-gnu-ld -o "$TMPD/rv" rv-lp64d.o rv-lp64.o > "$TMPD/rv.json"
msg=$(ljget "$TMPD/rv.json" '[f["message"] for f in j["findings"] if f["kind"]=="float-abi"]')
case "$msg" in
*"$fa"*"$fb"*) ok "riscv: float-ABI mismatch $fa vs $fb, as readelf decodes e_flags" ;;
*) notok "riscv: readelf says $fa / $fb, goabi: $msg" ;;
esac
check "riscv: same ABI twice is no finding" 0 \
	"$("$GOABI" link --json -- riscv64-linux-gnu-ld -o "$TMPD/rv" rv-lp64d.o rv-lp64d.o | python3 -c 'import json,sys; from link_view import view; print(sum(1 for f in view(json.load(sys.stdin))["findings"] if f["kind"]=="float-abi"))')"
