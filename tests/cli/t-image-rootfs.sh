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

# verdict JSON PATH
verdict() {
	python3 - "$1" "$2" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
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
	check "$root $path: $why" "$want" "$(verdict "$TMPD/$root.json" "$path")"
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
		echo ok
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
		[ "$got" = "may fail at run time" ] && got=ok
		n=$((n + 1))
		if [ "$got" = "$want" ]; then agree=$((agree + 1)); else disagree="$disagree $p(loader:$want goabi:$got)"; fi
	done < <(python3 -c 'import json,sys; [print(b["path"]) for b in json.load(open(sys.argv[1]))["binaries"] if b["executable"] and b["path"].split("/")[-1].split(".")[0] not in ("libc","ld-linux-x86-64","ld-musl-x86_64")]' "$TMPD/$r.json")
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
	"$(jget "$TMPD/glibc.json" '" ".join([j["libc"][0]["family"], j["libc"][0]["version"]])')"
old=$(sed -n 's/^GLIBC_\([0-9.]*\) .*/\1/p' "$TOP/tests/fixtures/src/image/fakelibc.map" | sort -V | tail -1)
check "old glibc rootfs: libc is glibc $old (newest node of fakelibc.map)" "glibc $old" \
	"$(jget "$TMPD/oldglibc.json" '" ".join([j["libc"][0]["family"], j["libc"][0]["version"]])')"
check "musl rootfs: libc is musl $musl_ver (dpkg-query musl)" "musl $musl_ver" \
	"$(jget "$TMPD/musl.json" '" ".join([j["libc"][0]["family"], j["libc"][0]["version"]])')"
check "scratch: no libc" "0" "$(jget "$TMPD/scratch.json" 'len(j["libc"])')"

# 4. missing versions are named as readelf -V shows them
need=$(readelf -VW "$F/oldglibc/usr/local/bin/hello-c" | grep -o 'GLIBC_2\.3[0-9]*' | sort -V | tail -1)
reason=$(python3 -c 'import json,sys; print([b["reason"] for b in json.load(open(sys.argv[1]))["binaries"] if b["path"]=="/usr/local/bin/hello-c"][0])' "$TMPD/oldglibc.json")
case $reason in *"$need"*) ok "old glibc: reason names $need (readelf -V): $reason" ;;
*) notok "old glibc: reason '$reason' does not name $need" ;; esac

# 5. Go inventory against go version -m
gv=$(go version -m "$F/bin/go-static" | head -1 | awk '{print $2}')
check "glibc rootfs: Go inventory has $gv (go version -m) x2, one cgo, one static" "2 1 1" \
	"$(jget "$TMPD/glibc.json" '" ".join(str(j["summary"]["go"]["'"$gv"'"][k]) for k in ("binaries","cgo","static"))')"

# 6. interpreter and DT_NEEDED lists match readelf
p=/usr/local/bin/uses-foo-runpath
rn=$(readelf -dW "$F/glibc$p" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
check "needed of $p match readelf -d" "$rn" \
	"$(python3 -c 'import json,sys; print(" ".join([b["needed"] for b in json.load(open(sys.argv[1]))["binaries"] if b["path"]==sys.argv[2]][0]) + " ")' "$TMPD/glibc.json" "$p")"
if [ "$(id -u)" = 0 ]; then
	lddpath=$(chroot "$F/glibc" /lib64/ld-linux-x86-64.so.2 --list "$p" | sed -n 's/.*libfoo.so.1 => \([^ ]*\) .*/\1/p')
	got=$(python3 -c 'import json,sys; print([d for b in json.load(open(sys.argv[1]))["binaries"] if b["path"]==sys.argv[2] for d in b["resolved"] if d.startswith("libfoo")][0])' "$TMPD/glibc.json" "$p")
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
check "--add musl binary into the musl image at /bin/: ok" ok "$(verdict "$TMPD/add2.json" /bin/hello-musl)"

# 9. --cpu against the ISA level a Go binary declares (GOAMD64, go version -m)
lvl=$(go version -m "$F/bin/go-static-v3" | sed -n 's/.*GOAMD64=\(v[0-9]\).*/\1/p')
"$GOABI" image --json --cpu x86-64-v2 --add "$F/bin/go-static-v3:/app/v3" "$F/scratch" > "$TMPD/cpu.json"; rc=$?
check "GOAMD64=$lvl Go binary on an x86-64-v2 CPU: will not start" "will not start" "$(verdict "$TMPD/cpu.json" /app/v3)"
check "--cpu x86-64-v2: exit 1" 1 "$rc"
"$GOABI" image --json --cpu x86-64-v3 --add "$F/bin/go-static-v3:/app/v3" "$F/scratch" > "$TMPD/cpu3.json"
check "GOAMD64=$lvl Go binary on an x86-64-v3 CPU: ok" ok "$(verdict "$TMPD/cpu3.json" /app/v3)"
"$GOABI" image --cpu x86-64-v9 "$F/scratch" > /dev/null 2>&1
check "--cpu x86-64-v9: usage error, exit 2" 2 "$?"
