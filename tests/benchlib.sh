# Helpers for tests/bench-*.sh.
# median_ms N CMD... -> the median wall time in milliseconds (3 decimals)
median_ms() {
	local n=$1; shift
	python3 - "$n" "$@" <<'PY'
import subprocess, sys, time, statistics
n = int(sys.argv[1]); cmd = sys.argv[2:]
ts = []
for _ in range(n):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ts.append((time.perf_counter() - t) * 1000)
print("%.3f" % statistics.median(ts))
PY
}
# measure N CMD1 ::: CMD2 ::: ... -> one line per command: "wall_ms cpu_ms"
# (medians). The commands run alternately so all see the same load of this
# shared machine, in a new order each round (shuffled, fixed seed): a
# command that runs right after another pays for what that one left behind
# (on this VM the one after go version -m measured up to 15% slower), so no
# command keeps one predecessor. CPU = user+sys of the child from wait4,
# the steady measure when other work runs beside the benchmark.
measure() {
	python3 - "$@" <<'PY'
import os, random, statistics, subprocess, sys, time
n = int(sys.argv[1]); cmds, cur = [], []
for a in sys.argv[2:]:
    if a == ":::":
        cmds.append(cur); cur = []
    else:
        cur.append(a)
cmds.append(cur)
wall = [[] for _ in cmds]; cpu = [[] for _ in cmds]
rng = random.Random(1)
for r in range(n):
    order = list(range(len(cmds)))
    rng.shuffle(order)
    for i in order:
        c = cmds[i]
        t = time.perf_counter()
        p = subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, ru = os.wait4(p.pid, 0)
        p.returncode = 0
        wall[i].append((time.perf_counter() - t) * 1000)
        cpu[i].append((ru.ru_utime + ru.ru_stime) * 1000)
for i in range(len(cmds)):
    print("%.1f %.1f" % (statistics.median(wall[i]), statistics.median(cpu[i])))
PY
}
# peak_mb CMD... -> peak RSS in MB (/usr/bin/time: a C parent, so the count
# is the command's own, not a forked Python interpreter's)
peak_mb() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%.1f", $1 / 1024 }'; }
# ratio A B -> A / B with two decimals
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('%.2f' % (a/b if b else 0))" "$1" "$2"; }
# one line describing the machine
machine_note() {
	local cpu
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
	echo "$(nproc) cores ($cpu), $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
# summary JOB GOABI_CPU PEER PEER_CPU RATIO TARGET [NOTE]: one row of the table
# at the top of BENCHMARKS.md (bench.sh sets SUMMARY to the file to append to)
summary() {
	[ -n "${SUMMARY:-}" ] || return 0
	local met
	met=$(python3 -c "import sys; print('met' if float(sys.argv[1]) <= float(sys.argv[2]) else 'not met')" "$5" "$6")
	echo "| $1 | $2 ms | $3 $4 ms | $5 | ≤ $6 | $met${7:+ ($7)} |" >> "$SUMMARY"
}
