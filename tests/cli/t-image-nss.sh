#!/bin/bash
# goabi image's name-service findings against the programs' own behaviour
# (tests/fixtures/build-nss.sh): in a chroot of a real Debian bookworm
# minbase tree with libnss-extrausers and libnss-myhostname, each program
# looks up a user that exists only in /var/lib/extrausers/passwd, or the
# machine's own host name (only libnss-myhostname knows it). For every
# nsswitch.conf below, "what the configuration promises" is known; a
# program whose answer differs from it must be "may fail at run time" with
# a name-service reason, and a program that answers as promised must be
# "ok". goabi reads the tree; only the test runs the programs.
. "$(dirname "$0")/../lib.sh"
F=$FIX/nss
R=$F/root
if [ -f "$F/SKIP" ]; then
	skip "image nss: every case" "$(cat "$F/SKIP")"
	exit 0
fi
if [ ! -d "$R/t" ]; then
	notok "nss fixtures missing (tests/fixtures/build-nss.sh)"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	skip "image nss: every case" "chroot needs root"
	exit 0
fi
HOST=$(uname -n)
# the cases rewrite nsswitch.conf and move modules: on a private copy (hard
# links: the same files, this script's own directories), never on the
# shared fixture that other test runs read at the same time
cp -al "$R" "$TMPD/root" 2>/dev/null || cp -a "$R" "$TMPD/root"
R=$TMPD/root
conf=$R/etc/nsswitch.conf
rm -f "$conf" # a new file, not a write through the hard link
cp "$F/nsswitch.conf.debian" "$TMPD/nsswitch.conf.orig"
MODDIR=$R/usr/lib
MHDIR=$R/usr/lib/x86_64-linux-gnu
restore() {
	cp "$TMPD/nsswitch.conf.orig" "$conf"
	[ -f "$TMPD/libnss_extrausers.so.2" ] && mv "$TMPD/libnss_extrausers.so.2" "$MODDIR/"
	[ -f "$TMPD/libnss_myhostname.so.2" ] && mv "$TMPD/libnss_myhostname.so.2" "$MHDIR/"
	return 0
}
trap restore EXIT

# the schema-2 JSON read per binary (tests/cli/image_v2.py)
ijget() { python3 "$TOP/tests/cli/image_v2.py" "$1" "$2"; }
# verdict and reason of PATH in goabi's JSON
verdict_of() {
	python3 - "$1" "$2" <<'PY'
import os, sys
sys.path.insert(0, os.path.join(os.environ["TOP"], "tests/cli"))
import image_v2
j = image_v2.load(sys.argv[1])
for b in j["binaries"]:
    if b["path"] == sys.argv[2]:
        nss = [p for p in b["problems"] + b["notes"] if "NSS" in p or "nsswitch" in p]
        print(b["verdict"] + "\t" + (nss[0] if nss else "-"))
        break
else:
    print("absent\t-")
PY
}

# run_case NAME USER_PROMISED HOST_PROMISED: nsswitch.conf already in place
run_case() {
	local name=$1 upromise=$2 hpromise=$3 j=$TMPD/$1.json p got want arg promise v reason
	"$GOABI" image --json -v "$R" > "$j" 2> "$TMPD/$name.err"
	for p in "$R"/t/*; do
		p=/t/${p##*/}
		case $p in
		/t/lookuphost*) arg=$HOST promise=$hpromise ;;
		*) arg=xuser promise=$upromise ;;
		esac
		if chroot "$R" "$p" "$arg" > "$TMPD/out" 2>&1; then got=found; else got=missing; fi
		# the oracle: the program answers as the configuration promises, or not
		if [ "$got" = "$promise" ]; then want="will start"; else want="may fail"; fi
		IFS=$'\t' read -r v reason <<< "$(verdict_of "$j" "$p")"
		check "$name: $p $arg: $got, the configuration promises $promise: verdict" "$want" "$v"
		if [ "$want" != "will start" ] && [ "$v" = "$want" ] && [ "$reason" = - ]; then
			notok "$name: $p: the finding does not name NSS or nsswitch.conf: $(ijget "$j" "[b for b in j['binaries'] if b['path']=='$p'][0]['reason']")"
		fi
	done
}

# 1. users in files and extrausers, host names from files and myhostname,
#    both modules installed
printf 'passwd: files extrausers\ngroup: files extrausers\nshadow: files\nhosts: files myhostname\n' > "$conf"
run_case extrausers found found
# the reasons name database, source and the Go function that bypasses it
r=$(ijget "$TMPD/extrausers.json" "[b['reason'] for b in j['binaries'] if b['path']=='/t/lookupuser-go126-nocgo'][0]")
case $r in
*"passwd: NSS source 'extrausers' (nsswitch.conf line 1)"*"os/user.readColonFile"*CGO_ENABLED=0*) ok "reason names passwd, extrausers, line 1, os/user.readColonFile, CGO_ENABLED=0" ;;
*) notok "reason for lookupuser-go126-nocgo: $r" ;;
esac
r=$(ijget "$TMPD/extrausers.json" "[b['reason'] for b in j['binaries'] if b['path']=='/t/lookuphost-go119-netgo'][0]")
case $r in
*"hosts: NSS source 'myhostname'"*"net.(*Resolver).goLookup"*"-tags=netgo"*) ok "reason names hosts, myhostname, net.(*Resolver).goLookup*, -tags=netgo" ;;
*) notok "reason for lookuphost-go119-netgo: $r" ;;
esac

# 2. files only: nobody promises xuser or the host name
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' > "$conf"
run_case files missing missing

# 3. the modules named but not installed: the C library skips them too
printf 'passwd: files extrausers\ngroup: files extrausers\nshadow: files\nhosts: files myhostname\n' > "$conf"
mv "$MODDIR/libnss_extrausers.so.2" "$MHDIR/libnss_myhostname.so.2" "$TMPD/"
run_case modules-missing found found
r=$(ijget "$TMPD/modules-missing.json" "[b['reason'] for b in j['binaries'] if b['path']=='/t/lookupuser-go119-cgo'][0]")
case $r in
*"libnss_extrausers.so.2"*"not found"*getpwnam_r*) ok "reason names the missing module libnss_extrausers.so.2 and getpwnam_r" ;;
*) notok "reason for lookupuser-go119-cgo: $r" ;;
esac
mv "$TMPD/libnss_extrausers.so.2" "$MODDIR/"
mv "$TMPD/libnss_myhostname.so.2" "$MHDIR/"

# 4. no nsswitch.conf: glibc's built-in defaults (files; files dns)
rm -f "$conf"
run_case no-nsswitch missing missing

# 5. glibc has no comment syntax inside a line: "# extrausers" are two
#    module names, so extrausers is asked (Go's parser would drop both)
printf 'passwd: files # extrausers\nhosts: files dns\n' > "$conf"
run_case trailing-comment found missing

# 6. [NOTFOUND=return] after files: extrausers is asked only when files is
#    unavailable, so nobody promises xuser
printf 'passwd: files [NOTFOUND=return] extrausers\nhosts: files [notfound=Return] myhostname\n' > "$conf"
run_case notfound-return missing missing

# 7. an invalid action: glibc rejects the whole file (root is not found
#    either); Go's own reader does not care
printf 'passwd: files [NOTFOUND=bogus] extrausers\nhosts: files dns\n' > "$conf"
"$GOABI" image --json -v "$R" > "$TMPD/invalid.json" 2>/dev/null
for p in getpw-dyn getpw-static lookupuser-go126-cgo lookupuser-go119-nocgo; do
	if chroot "$R" /t/$p root > /dev/null 2>&1; then got=found; else got=missing; fi
	IFS=$'\t' read -r v reason <<< "$(verdict_of "$TMPD/invalid.json" /t/$p)"
	if [ $got = found ]; then want="will start"; else want="may fail"; fi
	check "invalid line: /t/$p root: $got: verdict" "$want" "$v"
done
restore

# 8. goabi inspect says which lookups are Go's own, with evidence
for p in "$F"/bin/lookup*; do
	n=${p##*/}
	"$GOABI" inspect --json "$p" > "$TMPD/i.json"
	case $n in
	lookupuser-*-nocgo* | lookupuser-*-osusergo) want="pure" key=go_user ;;
	lookupuser-*-cgo) want="cgo" key=go_user ;;
	lookuphost-*-nocgo* | lookuphost-*-netgo) want="pure" key=go_resolver ;;
	lookuphost-*-cgo*) want="cgo" key=go_resolver ;;
	esac
	check "inspect $n: nss.$key" "$want" "$(jget "$TMPD/i.json" "j['artifacts'][0]['nss']['$key']['value']")"
done
check "inspect stripped lookupuser: names from the pclntab" "True" \
	"$("$GOABI" inspect --json "$F/bin/lookupuser-go119-nocgo-sw" > "$TMPD/sw.json"; jget "$TMPD/sw.json" "j['artifacts'][0]['nss']['go_user']['evidence'].startswith('pclntab functions')")"
# (the loop above checks their verdicts against the build flags)
for n in lookuphost-go126-nocgo-sw lookuphost-go126-cgo-sw; do
	[ -n "$GO126" ] || { skip "inspect stripped $n" "no Go 1.26.8 on this machine"; continue; }
	check "inspect stripped $n: resolver names from the pclntab" "True" \
		"$("$GOABI" inspect --json "$F/bin/$n" > "$TMPD/sw.json"; jget "$TMPD/sw.json" "j['artifacts'][0]['nss']['go_resolver']['evidence'].startswith('pclntab functions')")"
done
check "inspect getpw-static: static glibc NSS, files and dns built in" "True True" \
	"$("$GOABI" inspect --json "$F/bin/getpw-static" > "$TMPD/st.json"; jget "$TMPD/st.json" "j['artifacts'][0]['nss']['static_glibc'], j['artifacts'][0]['nss']['builtin_files_dns']" | tr -d '(),')"

# 9. audit --forbid-pure-go-nss: broken exactly for the builds that run Go's
#    own lookup (the oracle: which programs missed xuser / the host name
#    in case 1 although the configuration promised them), text and SARIF
for p in "$F"/bin/lookup*; do
	n=${p##*/}
	"$GOABI" audit --forbid-pure-go-nss "$p" > /dev/null 2>&1; rc=$?
	IFS=$'\t' read -r v reason <<< "$(verdict_of "$TMPD/extrausers.json" "/t/$n")"
	if [ "$v" = "will start" ]; then want=0; else want=1; fi
	check "audit --forbid-pure-go-nss $n: exit" "$want" "$rc"
done
echo '{"forbid-pure-go-nss": true}' > "$TMPD/policy.json"
"$GOABI" audit --policy "$TMPD/policy.json" --format sarif "$F/bin/lookuphost-go126-nocgo" "$F/bin/lookuphost-go126-cgo" > "$TMPD/a.sarif"
check "audit SARIF: one forbid-pure-go-nss result, for the CGO_ENABLED=0 resolver" "audit/forbid-pure-go-nss lookuphost-go126-nocgo" \
	"$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]["results"]; print(" ".join(x["ruleId"]+" "+x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].rsplit("/",1)[-1] for x in r))' "$TMPD/a.sarif")"
