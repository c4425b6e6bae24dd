#!/bin/bash
# Mach-O and PE inputs to `goabi link` and inside `goabi image` (issue 23):
# Linux only, said in one clear finding instead of a read failure.
# Oracles, none of them goabi:
#  - the real link (gcc + GNU ld) of a C object with each file: ld rejects
#    the Mach-O ("file format not recognized": goabi's link/foreign-format
#    quotes that line, exit 1, verdict fails); for the PE, ld's own exit
#    code is recorded and goabi says the program cannot work either way
#    (Debian's x86-64 ld reads pei-x86-64 images: they carry Windows code);
#  - the format of every file: llvm-readobj-14 --file-headers "Format:"
#    (Mach-O / COFF) and llvm-lipo-14 -archs (universal);
#  - image: every Mach-O / PE file of a root file system (directory and
#    tar) is named once in an image/foreign-format note, the ELF files are
#    judged as before, and the verdict and exit code equal those of the
#    same tree without the foreign files (the Go program starts: it runs).
. "$(dirname "$0")/../lib.sh"
GOV=${GO126:-}
if [ -z "$GOV" ] || ! command -v llvm-readobj-14 >/dev/null || ! command -v gcc >/dev/null; then
	plan 1
	skip "Mach-O/PE in link and image" "needs Go 1.26.8, gcc and llvm-readobj-14"
	exit 0
fi
mkdir -p "$TMPD/src" "$TMPD/bin"
cat > "$TMPD/src/main.go" <<'GO'
package main

import "fmt"

func main() { fmt.Println("hello") }
GO
printf 'module example.com/hello\n\ngo 1.19\n' > "$TMPD/src/go.mod"
for t in darwin/amd64 darwin/arm64 windows/amd64 windows/386 linux/amd64; do
	(cd "$TMPD/src" && GOOS=${t%/*} GOARCH=${t#*/} CGO_ENABLED=0 "$GOV" build -o "$TMPD/bin/${t%/*}-${t#*/}" .) 2>"$TMPD/b.err" ||
		echo "build $t failed: $(head -2 "$TMPD/b.err")" >&2
done
command -v llvm-lipo-14 >/dev/null && llvm-lipo-14 -create "$TMPD/bin/darwin-amd64" "$TMPD/bin/darwin-arm64" -output "$TMPD/bin/universal"
echo 'int main(void) { return 0; }' > "$TMPD/m.c"
gcc -c -o "$TMPD/m.o" "$TMPD/m.c"
FOREIGN="darwin-amd64 darwin-arm64 windows-amd64 windows-386 universal"
# link: 3 per file; image: the oracle run, 3 (directory), 1 (tar)
plan $(( 5 * 3 + 1 + 3 + 1 ))
for f in $FOREIGN; do
	p=$TMPD/bin/$f
	if [ ! -f "$p" ]; then
		for i in 1 2 3; do notok "link $f: not built"; done
		continue
	fi
	fmt=$(llvm-readobj-14 --file-headers "$p" 2>/dev/null | sed -n 's/^Format: //p' | head -1)
	uni=$(llvm-lipo-14 -archs "$p" 2>/dev/null | wc -w)
	gcc "$TMPD/m.o" "$p" -o "$TMPD/a.out" 2>"$TMPD/ld.err"; ldrc=$?
	"$GOABI" link --json "$TMPD/m.o" "$p" > "$TMPD/l.json" 2>"$TMPD/l.err"; rc=$?
	case $fmt in
	Mach-O*) want=macho ;;
	COFF*) want=pe ;;
	*) want=other ;;
	esac
	check_cmd "link $f: llvm-readobj says '$fmt' ($uni architectures): a Mach-O or PE file" [ "$want" != other ]
	python3 - "$TMPD/l.json" "$p" "$want" "$ldrc" "$TMPD/ld.err" "$rc" "$f" <<'PY'
import json, sys
js, path, want, ldrc, lderr, rc, label = sys.argv[1:]
ldrc, rc = int(ldrc), int(rc)
d = json.load(open(js))
ff = [f for f in d['findings'] if f['rule'] == 'link/foreign-format']
other = [f['rule'] for f in d['findings'] if f['severity'] == 'error' and f['rule'] != 'link/foreign-format']
ok = len(ff) == 1 and ff[0]['severity'] == 'error' and path in ff[0]['message'] and not other
print(("ok" if ok else "not ok") + " - link %s: one link/foreign-format error naming the file, no other error" % label +
      ("" if ok else ": %s" % [(f['rule'], f['message'][:100]) for f in d['findings']]))
ld = open(lderr).read()
if want == 'macho':
    # ld's own words, quoted
    said = ff[0].get('tool_says') if ff else None
    ok = ldrc != 0 and 'file format not recognized' in ld and said and said in ld and rc == 1 and d['verdict_class'] == 'fail'
    print(("ok" if ok else "not ok") + " - link %s: ld fails (%d, 'file format not recognized'), goabi quotes it, exit %d" % (label, ldrc, rc) +
          ("" if ok else ": tool_says=%r ld=%r" % (said, ld[:200])))
else:
    ok = rc == 1 and d['verdict_class'] == 'fail'
    print(("ok" if ok else "not ok") + " - link %s: ld exit %d (%s); goabi: cannot work, exit %d" % (label, ldrc, "reads PE" if ldrc == 0 else ld.strip().splitlines()[-1:] , rc))
PY
done
# image: a root file system with the ELF build, the foreign files and a copy without them
R=$TMPD/root; R0=$TMPD/root0
mkdir -p "$R/usr/bin" "$R/opt/dist" "$R0/usr/bin"
cp "$TMPD/bin/linux-amd64" "$R/usr/bin/hello"; cp "$TMPD/bin/linux-amd64" "$R0/usr/bin/hello"
for f in $FOREIGN; do [ -f "$TMPD/bin/$f" ] && cp "$TMPD/bin/$f" "$R/opt/dist/$f"; done
want=$(for f in $FOREIGN; do p=$R/opt/dist/$f; [ -f "$p" ] || continue
	{ llvm-readobj-14 --file-headers "$p" 2>/dev/null | grep -q '^Format: \(Mach-O\|COFF\)' || llvm-lipo-14 -archs "$p" >/dev/null 2>&1; } && echo "/opt/dist/$f"; done | sort | tr '\n' ' ')
check "image oracle: the Go linux/amd64 program runs here" hello "$("$R/usr/bin/hello")"
"$GOABI" image --json "$R" > "$TMPD/i.json"; irc=$?
"$GOABI" image --json "$R0" > "$TMPD/i0.json"; irc0=$?
tar -C "$R" -cf "$TMPD/root.tar" .
"$GOABI" image --json "$TMPD/root.tar" > "$TMPD/t.json"; trc=$?
python3 - "$TMPD/i.json" "$TMPD/i0.json" "$irc" "$irc0" "$want" "$TMPD/t.json" "$trc" <<'PY'
import json, sys
i, i0, irc, irc0, want, t, trc = sys.argv[1:]
want = sorted(want.split())
def out(ok, d, why=""):
    print(("ok - %s" % d) if ok else ("not ok - %s: %s" % (d, why)))
for label, js, rc in (("directory", i, irc), ("tar", t, trc)):
    d = json.load(open(js))
    notes = sorted(f['subject']['member'] for f in d['findings'] if f['rule'] == 'image/foreign-format' and f['severity'] == 'note')
    out(notes == want, "image %s: one image/foreign-format note per Mach-O/PE file (llvm-readobj/llvm-lipo): %s" % (label, want), notes)
    if label == 'directory':
        d0 = json.load(open(i0))
        out(d['verdict'] == d0['verdict'] and int(rc) == int(irc0) == 0,
            "image directory: verdict '%s', exit %s, as without the foreign files" % (d['verdict'], rc), (d0['verdict'], irc0))
        judged = [j['member'] for j in d['judged']]
        out(judged == ['/usr/bin/hello'], "image directory: the ELF program is the one judged binary", judged)
PY
