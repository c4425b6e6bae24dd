#!/bin/bash
# goabi image docker:// with and without --cache: ten images sharing one base
# layer, served by Debian's docker-registry on 127.0.0.1 (started and stopped
# here). Base layer: the glibc root filesystem fixture (libc6 + libc-bin) and
# a copy of this machine's /usr/bin, gzip -1; each image adds one small layer
# (a C program and a unique file). Times are for checking all ten images in
# a row: without a cache, with an empty cache (the first image fills it),
# and with the cache already full. Prints a Markdown section.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/benchlib.sh"
: "${BUILD:=build}"
: "${GOABI:=$TOP/$BUILD/goabi}"
: "${FIX:=$TOP/$BUILD/fixtures}"
N=${BENCH_RUNS:-3}
for t in docker-registry skopeo python3; do
	command -v $t >/dev/null || { echo "## goabi image from a registry"; echo; echo "skipped: $t missing"; exit 0; }
done
[ -d "$FIX/image/glibc" ] || { echo "## goabi image from a registry"; echo; echo "skipped: image fixtures missing"; exit 0; }
W=$(mktemp -d)
REG=
trap '[ -n "$REG" ] && kill $REG 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT
python3 - "$FIX/image" "$W/layout" <<'PY'
import gzip, hashlib, io, json, os, subprocess, sys, tarfile
fix, out = sys.argv[1], sys.argv[2]
os.makedirs(out + "/blobs/sha256")
def blob(data, mt):
    d = hashlib.sha256(data).hexdigest()
    open(out + "/blobs/sha256/" + d, "wb").write(data)
    return {"mediaType": mt, "digest": "sha256:" + d, "size": len(data)}
def gz(raw):
    return subprocess.run(["gzip", "-1", "-n", "-c"], input=raw, stdout=subprocess.PIPE, check=True).stdout
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w") as tf:
    tf.add(fix + "/glibc", arcname=".")
    tf.add("/usr/bin", arcname="usr/bin")
base_raw = buf.getvalue()
LT = "application/vnd.oci.image.layer.v1.tar+gzip"
base = blob(gz(base_raw), LT)
idx = []
for i in range(10):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w") as tf:
        tf.add(fix + "/bin/hello-c", arcname="app/app%d" % i)
        data = ("image %d\n" % i).encode()
        t = tarfile.TarInfo("app/id"); t.size = len(data)
        tf.addfile(t, io.BytesIO(data))
    raw = b.getvalue()
    top = blob(gz(raw), LT)
    cfg = blob(json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [
        "sha256:" + hashlib.sha256(base_raw).hexdigest(), "sha256:" + hashlib.sha256(raw).hexdigest()]}}).encode(),
        "application/vnd.oci.image.config.v1+json")
    m = blob(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                         "config": cfg, "layers": [base, top]}).encode(), "application/vnd.oci.image.manifest.v1+json")
    m["annotations"] = {"org.opencontainers.image.ref.name": "app%d" % i}
    idx.append(m)
json.dump({"schemaVersion": 2, "manifests": idx}, open(out + "/index.json", "w"))
json.dump({"imageLayoutVersion": "1.0.0"}, open(out + "/oci-layout", "w"))
print(len(base_raw), base["size"], file=open(out + "/../sizes", "w"))
PY
read -r base_raw base_gz < "$W/sizes"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$W/data"
printf 'version: 0.1\nlog: {level: error, accesslog: {disabled: true}}\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: 127.0.0.1:%s}\n' \
	"$W/data" "$port" > "$W/config.yml"
docker-registry serve "$W/config.yml" > "$W/reg.log" 2>&1 &
REG=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
for i in $(seq 0 9); do
	skopeo copy -q --dest-tls-verify=false oci:"$W/layout":app$i docker://127.0.0.1:$port/bench/app$i:1 ||
		{ echo "bench-registry: push failed" >&2; exit 0; }
done
all() { # [--cache DIR]: all ten images in a row
	local i
	for i in $(seq 0 9); do "$GOABI" image --no-progress -q "$@" docker://127.0.0.1:$port/bench/app$i:1; done
}
export -f all
export GOABI port
nocache=$(median_ms "$N" bash -c 'all')
cold=$(python3 - "$N" "$W" <<'PY'
import statistics, subprocess, sys, time, shutil
n, w = int(sys.argv[1]), sys.argv[2]
ts = []
for _ in range(n):
    shutil.rmtree(w + "/cache", ignore_errors=True)
    t = time.perf_counter()
    subprocess.run(["bash", "-c", "all --cache " + w + "/cache"])
    ts.append((time.perf_counter() - t) * 1000)
print("%.3f" % statistics.median(ts))
PY
)
warm=$(median_ms "$N" bash -c "all --cache $W/cache")
cached=$("$GOABI" image --no-progress --json --cache "$W/cache" docker://127.0.0.1:$port/bench/app3:1 |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["image"]["cached_layers"])')
csize=$(du -sm "$W/cache" | cut -f1)
cat <<EOF
## goabi image from a registry: ten images sharing one base, with and without --cache

\`tests/bench-registry.sh\`: Debian's docker-registry on 127.0.0.1; ten images of two layers each,
one shared base layer (the glibc fixture root filesystem and this machine's \`/usr/bin\`:
$((base_raw / 1000000)) MB of tar, $((base_gz / 1000000)) MB gzip) and one small layer per image.
Wall time to check all ten in a row (medians of $N):

| run | wall, 10 images | per image | ratio vs no cache |
|---|---:|---:|---:|
| no cache | $(python3 -c "print('%.2f s' % ($nocache/1000))") | $(python3 -c "print('%.2f s' % ($nocache/10000))") | 1.00 |
| --cache, empty at start (first image fills it) | $(python3 -c "print('%.2f s' % ($cold/1000))") | $(python3 -c "print('%.2f s' % ($cold/10000))") | $(ratio "$nocache" "$cold") |
| --cache, warm (every layer cached) | $(python3 -c "print('%.2f s' % ($warm/1000))") | $(python3 -c "print('%.2f s' % ($warm/10000))") | $(ratio "$nocache" "$warm") |

With the cache warm, each run applies $cached of 2 layers from the cache (summary: "2 layers (2 from the
cache)") and fetches only the manifest and config; the cache holds the ELF files and entry list of
each layer ($csize MB for the base and ten top layers). The verdicts are the same in all three
(t-image-registry.sh checks that on its fixtures).
EOF
