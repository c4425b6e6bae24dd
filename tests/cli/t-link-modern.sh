#!/bin/bash
# goabi link on cross-toolchain link sets, against the real link (gcc, GNU
# ld): c-archives of Go 1.19, 1.26 and 1.27 in one C program, a gc c-archive
# with a gccgo object, Go package archives (Go's object format) on a C
# command line. Compared: the verdict with ld's exit status, the multiply
# defined and undefined sets with ld's messages, and each Go runtime named
# with the version it was built with (the fixture's toolchain, go version),
# its symbol scheme and type-hash era (the Go 1.20 naming change and the
# verified type-hash table).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/link-lib.sh"
L=$FIX/link M=$FIX/modern
[ -f "$L/goa.a" ] || { notok "link fixtures missing in $L"; exit 0; }
gcc -c "$TOP/tests/fixtures/src/link/main_ab.c" -o "$TMPD/mab.o"
printf 'int main(void) { return 0; }\n' > "$TMPD/m.c" && gcc -c "$TMPD/m.c" -o "$TMPD/m.o"
printf 'extern int Add(int, int);\nint main(void) { return Add(1, 2) == 3 ? 0 : 1; }\n' > "$TMPD/madd.c" && gcc -c "$TMPD/madd.c" -o "$TMPD/madd.o"
tv() { awk -v t="$1" '$1 == t {print $2}' "$M/TOOLCHAINS" 2>/dev/null; }
v119=$(/usr/lib/go-1.19/bin/go version 2>/dev/null | awk '{print $3}')
era() { local m; m=$(echo "$1" | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
	if [ "$m" -le 18 ]; then echo md5; elif [ "$m" -le 23 ]; then echo notsha256
	elif [ "$m" -le 24 ]; then echo 'sha256[8:12]'; else echo 'sha256^0xff'; fi; }
scheme() { local m; m=$(echo "$1" | sed -n 's/^go1\.\([0-9]*\).*/\1/p'); [ "$m" -ge 20 ] && echo colon || echo dot; }

# diff_link NAME [RUNTIME-FILE:VERSION]... -- CC ARGS...: the real link and goabi's prediction
diff_link() {
	local name=$1; shift
	local rts=()
	while [ "$1" != "--" ]; do rts+=("$1"); shift; done
	shift
	"$@" -o "$TMPD/a.out" > "$TMPD/ld.txt" 2>&1; local rc=$?
	"$GOABI" link --json -- "$@" -o "$TMPD/a.out" > "$TMPD/g.json" 2>/dev/null; local grc=$?
	python3 - "$name" "$rc" "$grc" "$TMPD/ld.txt" "$TMPD/g.json" "${rts[@]}" <<'PY'
import json, re, sys
from link_view import view
name, rc, grc, ldf, gf = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
rts = [x.rsplit(":", 3) for x in sys.argv[6:]]
ld = open(ldf, errors="replace").read()
g = view(json.load(open(gf)))
def rep(ok, what): print(("ok - " if ok else "not ok - ") + "%s: %s" % (name, what))
want = "fails" if rc else "links"
rep(g["verdict"] == want or (want == "links" and g["verdict"] in ("links with hazards", "links but cannot work")),
    "verdict %r, real link exit %d" % (g["verdict"], rc))
dup = set(re.findall(r"multiple definition of `([^']+)'", ld))
und = set(re.findall(r"undefined reference to `([^']+)'", ld))
rep(set(g["duplicates"]) == dup, "multiply defined = ld's set (%d)" % len(dup))
rep(set(g["undefined"]) == und, "undefined = ld's set (%d)" % len(und))
msgs = " ".join(" ".join(str(f.get(k) or "") for k in ("message", "diagnosis", "linker_message")) for f in g["findings"])
for path, ver, sch, era in rts:
    want = "%s (gc %s, c-archive, symbols %s, type hash %s)" % (path, ver, sch, era)
    rep(want in msgs, "names the runtime of %s: %s %s %s" % (path.split("/")[-1], ver, sch, era))
if len(rts) >= 2:
    rep(any(f["kind"] == "two-go-runtimes" for f in g["findings"]), "two Go runtimes reported")
bad = any(f["severity"] in ("link-error", "error") for f in g["findings"])
rep((g["verdict"] in ("fails", "links but cannot work")) == bad, "verdict %r matches the findings" % g["verdict"])
rep((grc == 1) == bad, "exit code %d matches the findings" % grc)
PY
}
rt() { echo "$1:$2:$(scheme "$2"):$(era "$2")"; }
for tc in go126 go127; do
	v=$(tv $tc)
	if [ -z "$v" ]; then skip "$tc link sets" "toolchain $tc not on this machine"; continue; fi
	diff_link "go1.19 goa.a + $tc gob.a" "$(rt "$L/goa.a" "$v119")" "$(rt "$M/$tc-gob.a" "$v")" -- \
		gcc "$TMPD/mab.o" "$L/goa.a" "$M/$tc-gob.a" -lpthread
	diff_link "go1.19 goa.a + $tc gob.a, --allow-multiple-definition" "$(rt "$L/goa.a" "$v119")" "$(rt "$M/$tc-gob.a" "$v")" -- \
		gcc "$TMPD/mab.o" "$L/goa.a" "$M/$tc-gob.a" -lpthread -Wl,--allow-multiple-definition
	diff_link "$tc c-archive + gccgo object" -- gcc "$TMPD/madd.o" "$M/$tc-c-archive.a" "$FIX/inspect/gccgo-obj.o" -lpthread
	# a Go package archive (Go's object format) on a C command line
	diff_link "$tc package archive" -- gcc "$TMPD/m.o" "$M/$tc-pkg.a"
	"$GOABI" link --json -- gcc "$TMPD/m.o" "$M/$tc-pkg.a" > "$TMPD/p.json" 2>/dev/null
	check "$tc package archive: explained as Go's object format, version $v, fix -buildmode=c-archive" yes \
		"$(ljget "$TMPD/p.json" "'yes' if any(f['kind']=='go-object-format' and '$v' in f['diagnosis'] and '-buildmode=c-archive' in f['diagnosis'] for f in j['findings']) else 'no'")"
done
v126=$(tv go126) v127=$(tv go127)
if [ -n "$v126" ] && [ -n "$v127" ]; then
	diff_link "go126 goa.a + go127 gob.a" "$(rt "$M/go126-goa.a" "$v126")" "$(rt "$M/go127-gob.a" "$v127")" -- \
		gcc "$TMPD/mab.o" "$M/go126-goa.a" "$M/go127-gob.a" -lpthread
else
	skip "go126 + go127 link set" "a toolchain is missing"
fi
if [ -f "$M/go119-pkg.a" ]; then
	ar p "$M/go119-pkg.a" _go_.o > "$TMPD/_go_.o"
	diff_link "go1.19 _go_.o on a C command line" -- gcc "$TMPD/m.o" "$TMPD/_go_.o"
fi
