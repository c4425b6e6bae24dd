#!/bin/bash
# goabi image reading images where they live, against real servers on
# 127.0.0.1 that this script starts and stops:
#   - Debian's docker-registry (Distribution 2.8): plain, and with htpasswd
#     basic auth; images pushed with skopeo copy from the tarballs and OCI
#     layouts mkimage.py builds, a two-platform index (amd64 + arm64) with
#     skopeo copy --all
#   - tests/registry/regfront.py: a Bearer-token front (401 challenge, token
#     endpoint, blobs redirected to another port that refuses Authorization),
#     a server that never answers, one that answers 503/429 first
#   - podman's Docker-compatible API (podman system service, vfs storage in
#     a temp dir, images from podman load) for docker-daemon:
# Oracle: the verdicts goabi gives the same image read as a local tarball or
# OCI layout (itself checked against umoci and the loaders in t-image-layers).
# Errors (credentials, a missing tag, a corrupted blob, a stalled server)
# must exit 2 with one line naming what failed and leave nothing on disk.
. "$(dirname "$0")/../lib.sh"
F=$FIX/image
if [ ! -d "$F/musl" ]; then
	notok "image fixtures missing (tests/fixtures/build-image.sh)"
	exit 0
fi
for t in skopeo docker-registry htpasswd python3; do
	command -v $t >/dev/null || { notok "$t is not installed (scripts/install-deps.sh test)"; exit 0; }
done
FRONT=$TOP/tests/registry/regfront.py
I=$TMPD/img
mkdir -p "$I"
ARM=$NPM/@esbuild_linux-arm64@0.24.2/esbuild
if [ ! -f "$ARM" ]; then # the arm64 image: a cross-built Go program when npm's is absent
	ARM=$TMPD/arm64-server
	(cd "$TOP/tests/fixtures/src/image/gostatic" && CGO_ENABLED=0 GOARCH=arm64 go build -trimpath -o "$ARM" .) ||
		notok "cannot build an arm64 program for the index"
fi
ARM64_BIN=$ARM python3 "$TOP/tests/fixtures/src/image/mkimage.py" "$F" "$I" >/dev/null || notok "mkimage.py failed"
cd "$TMPD" || exit 0

. "$TOP/tests/registry/lib.sh"
trap cleanup EXIT

# the schema-2 JSON read per binary (tests/cli/image_v2.py)
ijget() { python3 "$TOP/tests/cli/image_v2.py" "$1" "$2"; }
# verdict summary of a goabi image --json output, without the fields that
# name the source (input, format, digest, bytes read, cache counts)
summary() {
	python3 - "$1" <<'PY'
import json, os, sys
sys.path.insert(0, os.path.join(os.environ["TOP"], "tests/cli"))
import image_v2  # the schema-2 image JSON read per binary
j = image_v2.load(sys.argv[1])
im = j["image"]
print("platform", im["os"], im["architecture"], im.get("variant"), "layers", im["layers"], "entries", im["entries"])
print("libc", [(l["family"], l["version"], l["path"]) for l in j["libc"]])
print("summary", json.dumps(j["summary"], sort_keys=True))
for b in sorted(j["binaries"], key=lambda b: b["path"]):
    print(b["path"], b["verdict"], b["reason"], b["resolved"])
PY
}
# same_as DESC OUT.json REF.json: identical verdicts
same_as() {
	local a b
	a=$(summary "$2" 2>&1) b=$(summary "$3" 2>&1)
	if [ -n "$b" ] && [ "$a" = "$b" ]; then
		ok "$1 ($(grep -c '^/' <<<"$b") binaries)"
	else
		notok "$1: $(diff <(echo "$b") <(echo "$a") | grep '^[<>]' | head -5 | tr '\n' ' ')"
	fi
}
export TMPDIR=$TMPD/goabi-tmp # goabi's temp files: must stay empty
mkdir -p "$TMPDIR"
G() { "$GOABI" image --no-progress "$@"; }
# fails NAME PATTERN CMD...: exit 2, one line on stderr matching PATTERN, TMPDIR empty
fails() {
	local name=$1 pat=$2 rc lines
	shift 2
	"$@" > "$TMPD/f.out" 2> "$TMPD/f.err"
	rc=$?
	lines=$(grep -c . "$TMPD/f.err")
	if [ $rc -eq 2 ] && [ "$lines" = 1 ] && grep -Eq -- "$pat" "$TMPD/f.err" && [ ! -s "$TMPD/f.out" ] &&
		[ -z "$(ls -A "$TMPDIR")" ]; then
		ok "$name: exit 2, one line: $(cut -c1-150 "$TMPD/f.err")"
	else
		notok "$name: rc=$rc, $lines lines, stdout $(wc -c < "$TMPD/f.out") bytes, tmp '$(ls -A "$TMPDIR" | head -3)': $(head -3 "$TMPD/f.err")"
	fi
}

# ---- local references (the oracle) ----
G --json "$I/docker.tar" > ref-app.json
G --json --ref app "$I/layout" > ref-oci-app.json
G --json --ref zstd "$I/layout" > ref-oci-zstd.json
G --json --ref multi "$I/layout" > ref-multi-amd64.json
G --json --ref multi --platform linux/arm64 "$I/layout" > ref-multi-arm64.json
G --json docker-archive:"$I/docker.tar" > t.json
same_as "docker-archive:FILE reads as the plain path" t.json ref-app.json
G --json oci:"$I/layout":zstd > t.json
same_as "oci:DIR:REF reads as --ref REF DIR" t.json ref-oci-zstd.json
G --json oci-archive:"$I/oci.tar":app > t.json
same_as "oci-archive:FILE:REF reads as the OCI layout" t.json ref-oci-app.json
fails "oci: on a file" "needs an OCI layout directory" G oci:"$I/docker.tar"

# ---- plain registry ----
P=$(start_registry plain) || exit 0
R=127.0.0.1:$P
SK="skopeo copy -q --dest-tls-verify=false"
$SK docker-archive:"$I/docker.tar" docker://$R/goabi/app:1 &&
	$SK oci:"$I/layout":app docker://$R/goabi/oci-app:1 &&
	$SK oci:"$I/layout":zstd docker://$R/goabi/oci-zstd:1 &&
	$SK --all oci:"$I/layout":multi docker://$R/goabi/multi:1 ||
	notok "skopeo could not push to the registry"
G --json docker://$R/goabi/app:1 > t.json; echo $? > rc
same_as "docker://127.0.0.1:PORT/REPO:TAG (pushed from docker.tar) = the docker-save tarball" t.json ref-app.json
check "docker:// exit code equals the tarball's" "$(G "$I/docker.tar" >/dev/null 2>&1; echo $?)" "$(cat rc)"
check "format is registry" registry "$(ijget t.json 'j["image"]["format"]')"
dig=$(skopeo inspect --tls-verify=false docker://$R/goabi/app:1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["Digest"])')
check "manifest digest reported = skopeo inspect's" "$dig" "$(ijget t.json 'j["image"]["digest"]')"
G --json "docker://$R/goabi/app@$dig" > t.json
same_as "docker://…@sha256:DIGEST" t.json ref-app.json
G --json docker://$R/goabi/oci-zstd:1 > t.json
same_as "registry image with gzip, zstd and plain layers = the OCI layout" t.json ref-oci-zstd.json
G --json docker://$R/goabi/multi:1 > t.json
same_as "two-platform index, default platform (linux/amd64)" t.json ref-multi-amd64.json
G --json --platform linux/arm64 docker://$R/goabi/multi:1 > t.json
same_as "two-platform index, --platform linux/arm64" t.json ref-multi-arm64.json
check "arm64 image: architecture from its config" arm64 "$(ijget t.json 'j["image"]["architecture"]')"
fails "platform missing from the index lists the available ones" "no image for platform linux/s390x.*linux/amd64, linux/arm64" \
	G --platform linux/s390x docker://$R/goabi/multi:1
fails "missing tag" "goabi/app:nope.*not found.*404" G docker://$R/goabi/app:nope
fails "missing repository" "goabi/none:1.*not found.*404" G docker://$R/goabi/none:1
fails "not a reference" "not a valid image reference" G 'docker://127.0.0.1:1/UPPER/case:1'
P2=$(free_port)
fails "nothing listening" "127.0.0.1:$P2.*(refused|connect)" G --timeout 2 docker://127.0.0.1:$P2/goabi/app:1
# plain HTTP is for loopback registries by default; --tls-verify=false falls back to it
fails "--tls-verify=true refuses a plain-HTTP registry" "GET https://127.0.0.1:$P/v2/" G --tls-verify=true docker://$R/goabi/app:1
G --json --tls-verify=false docker://$R/goabi/app:1 > t.json
same_as "--tls-verify=false falls back to plain HTTP" t.json ref-app.json

# ---- retries: 503 and 429 before the real answers ----
python3 "$FRONT" flaky "$TMPD/flaky.port" "http://$R" 2 & PIDS+=($!)
wait_file "$TMPD/flaky.port" || notok "flaky server did not start"
G --json docker://127.0.0.1:$(cat "$TMPD/flaky.port")/goabi/app:1 > t.json
same_as "503 then 429 answered by retries with back-off" t.json ref-app.json

# ---- a stalled server ----
python3 "$FRONT" stall "$TMPD/stall.port" & PIDS+=($!)
wait_file "$TMPD/stall.port" || notok "stalling server did not start"
t0=$(date +%s)
fails "stalled server (--timeout 2)" "timed out|Timeout" G --timeout 2 docker://127.0.0.1:$(cat "$TMPD/stall.port")/goabi/app:1
t1=$(date +%s)
[ $((t1 - t0)) -le 15 ] && ok "stalled server given up on in $((t1 - t0)) s" || notok "stalled server took $((t1 - t0)) s"

# ---- layer cache ----
C=$TMPD/cache
G --json --cache "$C" docker://$R/goabi/oci-app:1 > c1.json
same_as "--cache, cold: verdicts unchanged" c1.json ref-oci-app.json
check "--cache, cold: no layer from the cache" 0 "$(ijget c1.json 'j["image"]["cached_layers"]')"
check "--cache holds the three layers" 3 "$(find "$C" -type f | wc -l)"
# the largest of oci-app's own entries (later images add entries oci-app never reads)
tampered=$(find "$C" -type f -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
G --json --cache "$C" docker://$R/goabi/oci-app:1 > c2.json
same_as "--cache, warm: verdicts unchanged" c2.json ref-oci-app.json
check "--cache, warm: every layer from the cache" 3 "$(ijget c2.json 'j["image"]["cached_layers"]')"
G --cache "$C" docker://$R/goabi/oci-app:1 > c2.txt
check "text summary says 3 layers, 3 from the cache" "3 3" \
	"$(sed -n 's/^ *layers  *//p' c2.txt) $(sed -n 's/^ *cached_layers  *//p' c2.txt)"
G --json --cache "$C" docker://$R/goabi/oci-zstd:1 > c3.json
same_as "--cache, an image sharing the base layer: verdicts unchanged" c3.json ref-oci-zstd.json
check "--cache, shared base layer from the cache, two fetched" 1 "$(ijget c3.json 'j["image"]["cached_layers"]')"
# a damaged cache entry is a miss, not a wrong answer
f=$tampered
printf 'X' | dd of="$f" bs=1 seek=$(( $(stat -c %s "$f") - 2000 )) conv=notrunc 2>/dev/null
[ "$(stat -c %s "$f")" -gt 2600 ] || notok "cache entry $f too small to damage past its header"
G --json --cache "$C" docker://$R/goabi/oci-app:1 > c4.json 2> c4.err
same_as "--cache, a tampered entry is fetched again" c4.json ref-oci-app.json
grep -q "does not verify" c4.err && ok "tampered cache entry named on stderr" || notok "tampered cache entry not reported"

# ---- basic auth (htpasswd) ----
htpasswd -Bbn goabi s3cret > "$TMPD/htpasswd" 2>/dev/null
PB=$(start_registry basic "$TMPD/htpasswd") || exit 0
RB=127.0.0.1:$PB
$SK --dest-creds goabi:s3cret docker-archive:"$I/docker.tar" docker://$RB/goabi/app:1 || notok "skopeo push with credentials"
HOME=$TMPD/nohome fails "basic auth, no credentials" "requires credentials.*none were found" G docker://$RB/goabi/app:1
fails "basic auth, wrong credentials" "rejected the credentials from --creds" G --creds goabi:wrong docker://$RB/goabi/app:1
G --json --creds goabi:s3cret docker://$RB/goabi/app:1 > t.json
same_as "basic auth, --creds" t.json ref-app.json
mkdir -p "$TMPD/auth"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$RB" "$(printf goabi:s3cret | base64)" > "$TMPD/auth/auth.json"
REGISTRY_AUTH_FILE=$TMPD/auth/auth.json G --json docker://$RB/goabi/app:1 > t.json
same_as "basic auth, \$REGISTRY_AUTH_FILE auths" t.json ref-app.json
mkdir -p "$TMPD/dcfg" "$TMPD/helpers"
printf '{"credHelpers":{"%s":"goabitest"}}' "$RB" > "$TMPD/dcfg/config.json"
cat > "$TMPD/helpers/docker-credential-goabitest" <<EOF
#!/bin/sh
read host
echo "\$host" > "$TMPD/helper.asked"
[ "\$1" = get ] && [ "\$host" = "$RB" ] || { echo "credentials not found in native keychain"; exit 1; }
echo '{"ServerURL":"$RB","Username":"goabi","Secret":"s3cret"}'
EOF
chmod +x "$TMPD/helpers/docker-credential-goabitest"
PATH=$TMPD/helpers:$PATH DOCKER_CONFIG=$TMPD/dcfg G --json docker://$RB/goabi/app:1 > t.json
same_as "basic auth, credHelpers in \$DOCKER_CONFIG/config.json (docker-credential-NAME get)" t.json ref-app.json
check "credential helper asked for the registry host" "$RB" "$(cat "$TMPD/helper.asked" 2>/dev/null)"
printf '{"credsStore":"goabitest"}' > "$TMPD/dcfg/config.json"
mkdir -p "$TMPD/home/.docker"
cp "$TMPD/dcfg/config.json" "$TMPD/home/.docker/config.json"
PATH=$TMPD/helpers:$PATH HOME=$TMPD/home G --json docker://$RB/goabi/app:1 > t.json
same_as "basic auth, credsStore in ~/.docker/config.json" t.json ref-app.json

# ---- Bearer token front, blobs redirected to another port ----
python3 "$FRONT" front "$TMPD/front.port" "http://$R" "$TMPD/front.log" --anonymous & PIDS+=($!)
wait_file "$TMPD/front.port" || notok "token front did not start"
read -r FP BP < "$TMPD/front.port"
G --json docker://127.0.0.1:$FP/goabi/app:1 > t.json
same_as "Bearer front, anonymous token, blobs redirected" t.json ref-app.json
check "one token for the whole image (reused)" 1 "$(grep -c '^token anonymous' "$TMPD/front.log")"
check "no Authorization sent to the blob host" 0 "$(grep -c '^leak' "$TMPD/front.log")"
check "config and 3 layers fetched from the blob host" 4 "$(grep -c '^blob' "$TMPD/front.log")"
: > "$TMPD/front.log"
G --json --cache "$TMPD/cache2" docker://127.0.0.1:$FP/goabi/oci-app:1 > /dev/null
G --json --cache "$TMPD/cache2" docker://127.0.0.1:$FP/goabi/oci-zstd:1 > t.json
same_as "Bearer front with --cache: second image" t.json ref-oci-zstd.json
check "second image sharing the base fetched only its 2 new layers (+ 2 configs)" 7 "$(grep -c '^blob' "$TMPD/front.log")"
python3 "$FRONT" front "$TMPD/front2.port" "http://$R" "$TMPD/front2.log" --user goabi:t0ken & PIDS+=($!)
wait_file "$TMPD/front2.port" || notok "token front (credentials) did not start"
read -r FP2 BP2 < "$TMPD/front2.port"
HOME=$TMPD/nohome fails "Bearer, anonymous token refused" "refused an anonymous token" G docker://127.0.0.1:$FP2/goabi/app:1
fails "Bearer, wrong credentials" "rejected the credentials from --creds" G --creds goabi:nope docker://127.0.0.1:$FP2/goabi/app:1
G --json --creds goabi:t0ken docker://127.0.0.1:$FP2/goabi/app:1 > t.json
same_as "Bearer front, token with credentials" t.json ref-app.json
check "token requested with the credentials" 1 "$(grep -c '^token user goabi' "$TMPD/front2.log")"

# ---- a corrupted blob (last: it damages the registry's copy) ----
ld=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["layers"][1]["digest"])' \
	"$I/layout/blobs/sha256/$(python3 -c 'import json,sys; print([m for m in json.load(open(sys.argv[1]))["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"]=="app"][0]["digest"][7:])' "$I/layout/index.json")")
bf=$TMPD/plain/data/docker/registry/v2/blobs/sha256/${ld:7:2}/${ld:7}/data
if [ -f "$bf" ]; then
	printf 'X' | dd of="$bf" bs=1 seek=100 conv=notrunc 2>/dev/null
	rm -rf "$TMPD/cache3"
	fails "corrupted layer blob" "layer 2 blob $ld does not match its digest" G --cache "$TMPD/cache3" docker://$R/goabi/oci-app:1
	check "corrupted layer not cached (the good one before it is)" 1 "$(find "$TMPD/cache3" -type f | wc -l)"
else
	notok "layer blob $ld not found in the registry's storage"
fi

# ---- docker-daemon: podman's Docker-compatible API ----
if ! command -v podman >/dev/null; then
	notok "podman is not installed (scripts/install-deps.sh test)"
	exit 0
fi
PD=$TMPD/podman
mkdir -p "$PD"
cat > "$PD/storage.conf" <<EOF
[storage]
driver = "vfs"
runroot = "$PD/run"
graphroot = "$PD/graph"
EOF
export CONTAINERS_STORAGE_CONF=$PD/storage.conf
pod() { podman --root "$PD/graph" --runroot "$PD/run" --storage-driver vfs --tmpdir "$PD/tmp" "$@"; }
mkdir -p "$PD/tmp"
if ! pod load -q -i "$I/docker.tar" > "$PD/load.log" 2>&1; then
	skip "docker-daemon: podman's API" "podman cannot run here: $(tail -1 "$PD/load.log")"
	exit 0
fi
pod system service --time=0 "unix://$PD/api.sock" > "$PD/service.log" 2>&1 & PIDS+=($!)
for i in $(seq 100); do [ -S "$PD/api.sock" ] && break; sleep 0.1; done
if [ ! -S "$PD/api.sock" ]; then
	skip "docker-daemon: podman's API" "podman system service did not start: $(tail -1 "$PD/service.log")"
	exit 0
fi
export DOCKER_HOST=unix://$PD/api.sock
G --json docker-daemon:goabi-test/app:latest > t.json
same_as "docker-daemon: (podman system service) = the docker-save tarball" t.json ref-app.json
check "docker-daemon: format" docker-daemon "$(ijget t.json 'j["image"]["format"]')"
fails "docker-daemon: missing image" "docker-daemon:goabi-test/none:1.*(404|no such image|not known)" G docker-daemon:goabi-test/none:1
DOCKER_HOST=unix://$TMPD/nosock fails "docker-daemon: no engine at \$DOCKER_HOST" "engine API at unix://$TMPD/nosock" \
	G docker-daemon:goabi-test/app:latest
