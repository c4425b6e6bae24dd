#!/bin/bash
# goabi image over a fleet of images against syft, in the same run (issue 22):
# Debian's docker-registry on 127.0.0.1 filled by tests/fleet/mkfleet.py as
# tests/cli/t-fleet.sh fills it (2N images on the four fixture root trees as
# shared base layers, one small layer of their own each). On the first N:
#   - goabi, one process over the N references (--from-list), no --cache;
#     with an empty --cache directory (cold); with that cache filled (warm:
#     layers and fact entries);
#   - syft (github.com/anchore/syft v1.57.2, tests/syft.sh builds it when
#     missing), one process per image as syft is run (it reads one source):
#     `syft registry:HOST/REPO:TAG -o json`, default cataloguers.
# Images per minute from the wall time; CPU (user+sys, children included);
# goabi's peak RSS for N and 2N images (bounded memory: it should not grow
# with the number of images). Prints a Markdown section; with $SUMMARY set
# (tests/bench.sh) adds rows to the summary table.
# BENCH_FLEET_IMAGES=N (default 48), BENCH_RUNS (goabi runs, default 3),
# BENCH_SYFT_RUNS (passes of syft over the N images, default 1).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/benchlib.sh"
: "${BUILD:=build}"
: "${GOABI:=$TOP/$BUILD/goabi}"
: "${FIX:=$TOP/$BUILD/fixtures}"
N=${BENCH_FLEET_IMAGES:-48}
RUNS=${BENCH_RUNS:-3}
SRUNS=${BENCH_SYFT_RUNS:-1}
H="## goabi image over a fleet against syft"
for t in docker-registry python3; do
	command -v $t >/dev/null || { echo "$H"; echo; echo "skipped: $t missing"; exit 0; }
done
[ -d "$FIX/image/glibc" ] || { echo "$H"; echo; echo "skipped: image fixtures missing"; exit 0; }
syft_err=$(mktemp)
SYFT=$(BUILD=1 bash "$TOP/tests/syft.sh" 2> "$syft_err") || { echo "$H"; echo; echo "skipped: syft could not be built ($(tail -1 "$syft_err"))"; rm -f "$syft_err"; exit 0; }
rm -f "$syft_err"
W=$(mktemp -d)
TMPD=$W
notok() { echo "bench-fleet: $*" >&2; }
. "$TOP/tests/registry/lib.sh"
trap 'cleanup; rm -rf "$W"' EXIT
P=$(start_registry reg) || { echo "$H"; echo; echo "skipped: docker-registry did not start"; exit 0; }
R=127.0.0.1:$P
t0=$(date +%s.%N)
python3 "$TOP/tests/fleet/mkfleet.py" "$R" "$FIX/image" $((2 * N)) "$W/pushed.json" ||
	{ echo "$H"; echo; echo "skipped: mkfleet.py could not fill the registry"; exit 0; }
push_s=$(python3 -c "print(round($(date +%s.%N)-$t0,1))")
python3 - "$W/pushed.json" "$N" "$R" "$W" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); n = int(sys.argv[2]); r = sys.argv[3]; w = sys.argv[4]
refs = ["%s/%s:%s" % (r, i["repo"], i["tags"][0]) for i in p["images"]]
with open(w + "/list-n.txt", "w") as f:
    f.writelines("docker://%s\n" % x for x in refs[:n])
with open(w + "/list-2n.txt", "w") as f:
    f.writelines("docker://%s\n" % x for x in refs)
with open(w + "/syft-n.txt", "w") as f:
    f.writelines("registry:%s\n" % x for x in refs[:n])
PY
export TMPDIR=$W/tmp SYFT_CHECK_FOR_APP_UPDATE=false SYFT_REGISTRY_INSECURE_USE_HTTP=true
mkdir -p "$TMPDIR"
cat > "$W/goabi.sh" <<EOF
#!/bin/bash
# goabi.sh nocache|cold|warm LIST
case \$1 in
nocache) exec "$GOABI" image --no-progress --json --from-list "\$2" > /dev/null ;;
cold) rm -rf "$W/cache-cold"; exec "$GOABI" image --no-progress --json --cache "$W/cache-cold" --from-list "\$2" > /dev/null ;;
warm) exec "$GOABI" image --no-progress --json --cache "$W/cache-warm" --from-list "\$2" > /dev/null ;;
esac
EOF
cat > "$W/syft.sh" <<EOF
#!/bin/bash
# every image of the list, one syft process each; the failures counted in $W/syft.fail
while read -r ref; do
	"$SYFT" "\$ref" -o json > "$W/syft.out" 2> "$W/syft.err" || echo "\$ref" >> "$W/syft.fail"
done < "\$1"
EOF
chmod +x "$W/goabi.sh" "$W/syft.sh"
: > "$W/syft.fail"
"$W/goabi.sh" warm "$W/list-n.txt" # fills the warm cache
# the answers: goabi checked every image; syft read every image (its SBOM names the Go modules it found)
"$GOABI" image --no-progress --json --cache "$W/cache-warm" --from-list "$W/list-n.txt" > "$W/goabi.jsonl"
nread=$(python3 -c 'import json,sys; print(sum(json.loads(l)["status"] == "read" for l in open(sys.argv[1])))' "$W/goabi.jsonl")
load0=$(cut -d' ' -f1-3 /proc/loadavg)
# goabi runs and syft passes alternate, so both see the same load
python3 - "$RUNS" "$SRUNS" "$W" <<'PY' > "$W/times"
import os, statistics, subprocess, sys, time
runs, sruns, w = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
cmds = {"nocache": [w + "/goabi.sh", "nocache", w + "/list-n.txt"], "cold": [w + "/goabi.sh", "cold", w + "/list-n.txt"],
        "warm": [w + "/goabi.sh", "warm", w + "/list-n.txt"], "syft": [w + "/syft.sh", w + "/syft-n.txt"]}
res = {k: ([], []) for k in cmds}
def run(k):
    t = time.perf_counter()
    p = subprocess.Popen(cmds[k], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, ru = os.wait4(p.pid, 0)
    res[k][0].append(time.perf_counter() - t)
    res[k][1].append(ru.ru_utime + ru.ru_stime)
for i in range(max(runs, sruns)):
    for k in ("nocache", "cold", "warm"):
        if i < runs:
            run(k)
    if i < sruns:
        run("syft")
for k in ("nocache", "cold", "warm", "syft"):
    print(k, "%.3f" % statistics.median(res[k][0]), "%.3f" % statistics.median(res[k][1]))
PY
load1=$(cut -d' ' -f1-3 /proc/loadavg)
nfail=$(sort -u "$W/syft.fail" | grep -c .)
ngo=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(sum(a["type"] == "go-module" for a in j["artifacts"]))' "$W/syft.out" 2>/dev/null || echo "?")
# peak RSS: N and 2N images, cold (empty cache) and warm
rm -rf "$W/cache-rss"
rss_n_cold=$(peak_mb "$GOABI" image --no-progress --json --cache "$W/cache-rss" --from-list "$W/list-n.txt")
rss_n_warm=$(peak_mb "$GOABI" image --no-progress --json --cache "$W/cache-rss" --from-list "$W/list-n.txt")
rm -rf "$W/cache-rss"
rss_2n_cold=$(peak_mb "$GOABI" image --no-progress --json --cache "$W/cache-rss" --from-list "$W/list-2n.txt")
rss_2n_warm=$(peak_mb "$GOABI" image --no-progress --json --cache "$W/cache-rss" --from-list "$W/list-2n.txt")
rss_syft=$(peak_mb "$SYFT" "$(head -1 "$W/syft-n.txt")" -o json)
csize=$(du -sm "$W/cache-warm" | cut -f1)
fsize=$(du -sk "$W/cache-warm/goabi-facts-v1" 2>/dev/null | cut -f1)
t() { awk -v k="$1" -v c="$2" '$1 == k { print $c }' "$W/times"; }
ipm() { python3 -c "import sys; print('%.0f' % ($N * 60 / float(sys.argv[1])))" "$(t "$1" 2)"; }
x() { python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) / float(sys.argv[1])))" "$(t "$1" 2)" "$(t syft 2)"; }
met() { python3 -c "import sys; print('met' if float(sys.argv[1]) >= float(sys.argv[2]) else 'not met')" "$(x "$1")" "$2"; }
cat <<EOF
## goabi image over a fleet against syft: $N images from a registry, cold and warm cache

\`tests/bench-fleet.sh\`: Debian's docker-registry on 127.0.0.1 filled by \`tests/fleet/mkfleet.py\` as
t-fleet.sh fills it ($((2 * N)) images pushed in $push_s s; each image is one of the four fixture root trees
as its shared base layer — bookworm-like glibc, an older glibc, musl, a Go-only scratch tree; 592 ELF
files in all — plus one small layer of its own). The first $N images, listed by tag: goabi in one process
(\`goabi image --json --from-list\`), syft one process per image (\`syft registry:HOST/REPO:TAG -o json\`,
its default cataloguers, \`SYFT_REGISTRY_INSECURE_USE_HTTP=true\`, \`SYFT_CHECK_FOR_APP_UPDATE=false\`).
Medians of $RUNS goabi runs and $SRUNS syft pass(es), alternating; load average $load0 before, $load1 after.
goabi read $nread of $N images; syft failed on $nfail (its last SBOM lists $ngo Go modules).

| run | wall, $N images | images / min | CPU (user+sys) | vs syft (throughput) | target |
|---|---:|---:|---:|---:|---|
| syft v1.57.2, one process per image | $(t syft 2) s | $(ipm syft) | $(t syft 3) s | 1.0× | |
| goabi, no \`--cache\` | $(t nocache 2) s | $(ipm nocache) | $(t nocache 3) s | $(x nocache)× | |
| goabi, \`--cache\` empty at start (cold) | $(t cold 2) s | $(ipm cold) | $(t cold 3) s | $(x cold)× | ≥ 5×: $(met cold 5) |
| goabi, \`--cache\` filled (warm: layers and fact entries) | $(t warm 2) s | $(ipm warm) | $(t warm 3) s | $(x warm)× | ≥ 20×: $(met warm 20) |

Peak RSS (\`/usr/bin/time\`, MB): goabi over $N images $rss_n_cold cold, $rss_n_warm warm; over $((2 * N)) images
$rss_2n_cold cold, $rss_2n_warm warm (bounded: the images are checked one after the other, the facts of
each layer's files kept once); syft on one image $rss_syft. The warm cache holds $csize MB (the fact
entries ${fsize:-0} KB of it).
EOF
# summary rows (CPU, as the table's other rows; the issue's target is throughput, in the note)
ms() { python3 -c "import sys; print('%.0f' % (float(sys.argv[1]) * 1000))" "$1"; }
summary "fleet: $N registry images, cold cache" "$(ms "$(t cold 3)")" syft "$(ms "$(t syft 3)")" \
	"$(ratio "$(t cold 3)" "$(t syft 3)")" 0.20 "wall: $(ipm cold) vs $(ipm syft) images/min, $(x cold)×, target ≥ 5×: $(met cold 5)"
summary "fleet: $N registry images, warm cache" "$(ms "$(t warm 3)")" syft "$(ms "$(t syft 3)")" \
	"$(ratio "$(t warm 3)" "$(t syft 3)")" 0.05 "wall: $(ipm warm) vs $(ipm syft) images/min, $(x warm)×, target ≥ 20×: $(met warm 20)"
