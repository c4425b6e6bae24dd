#!/bin/bash
# goabi link, differential random test against GNU ld. From a fixed seed it
# generates small C objects whose global symbols are, at random, strong /
# weak / common / hidden / COMDAT definitions or strong / weak / hidden
# references; puts them on the command line, into archives (random member
# and archive order, -lNAME or path, groups, --whole-archive, an archive
# without an index), sometimes into a shared library, sometimes links
# -static; then runs the real link (gcc, i.e. GNU ld) as the oracle and
# compares, case by case: goabi's verdict with ld's exit status, its
# duplicate set with ld's "multiple definition of `X'" messages, its
# undefined set with ld's "undefined reference to `X'" (and "hidden symbol
# `X' isn't defined") messages, and, when ld succeeds, the archive members
# it pulls with ld's link map (-Map, "Archive member included").
# RANDOM_SEED and RANDOM_CASES override the seed and the number of cases;
# a failing case prints its seed, its command line and the sources' dir.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/link-lib.sh"
command -v gcc >/dev/null || { skip "random link cases" "no gcc"; exit 0; }
SEED=${RANDOM_SEED:-20261126}
CASES=${RANDOM_CASES:-45}
W=$TMPD/rnd
mkdir -p "$W"
python3 - "$GOABI" "$W" "$SEED" "$CASES" <<'PY'
import json, os, random, re, shutil, subprocess, sys
from link_view import view

goabi, work, seed0, ncases = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

def gen(rng, d):
    """Write the sources of one case into d; return (objects, link args, notes)."""
    nsym = rng.randint(3, 6)
    syms = ["s%d" % i for i in range(nsym)]
    isfunc = {s: rng.random() < 0.4 for s in syms}
    nobj = rng.randint(2, 6)
    objs = ["o%d" % i for i in range(nobj)]
    acts = {}
    kinds = ["none"] * 22 + ["strong"] * 2 + ["bss"] + ["weak"] * 3 + ["common"] * 3 + ["ref"] * 6 + \
        ["weakref"] * 2 + ["hidden"] + ["hiddenref"] + ["comdat"] * 2 + ["comdat2"]
    for o in objs:
        for s in syms:
            k = rng.choice(kinds)
            if isfunc[s] and k in ("common", "bss"):
                k = "strong"
            if isfunc[s] and k in ("comdat", "comdat2"):
                k = "none"
            acts[o, s] = k
    # most symbols get a definition somewhere, so that many links succeed
    # and the members ld pulls can be compared
    for s in syms:
        if rng.random() < 0.8 and not any(acts[o, s] in ("strong", "bss", "weak", "common", "hidden", "comdat", "comdat2")
                                          for o in objs):
            acts[rng.choice(objs), s] = rng.choice(["strong", "weak", "common", "comdat"] if not isfunc[s] else ["strong", "weak"])
    # main: references, sometimes a definition
    for s in syms:
        acts["main", s] = rng.choice(["ref"] * 6 + ["weakref", "none", "none", "strong", "common", "hiddenref"])
        if isfunc[s] and acts["main", s] == "common":
            acts["main", s] = "ref"
    # every object has its own function; main calls some of them
    calls = [o for o in objs if rng.random() < 0.4]
    # placement: command line, archives, a shared library
    narch = rng.randint(0, 3)
    arch = {a: [] for a in range(narch)}
    direct, shared = [], None
    for o in objs:
        r = rng.random()
        if shared is None and r < 0.1:
            shared = o
            for s in syms:  # a shared library cannot keep a hidden reference
                if acts[o, s] == "hiddenref":
                    acts[o, s] = "ref"
        elif narch and r < 0.75:
            arch[rng.randrange(narch)].append(o)
        else:
            direct.append(o)
    for o in ["main"] + objs:
        src = ["/* %s */" % o]
        uses = []
        for s in syms:
            k = acts[o, s]
            if isfunc[s]:
                dfn = "void %s(void) { }" % s
                ext = "extern void %s(void)" % s
            else:
                dfn = "int %s = 1;" % s
                ext = "extern int %s" % s
            if k == "strong":
                src.append(dfn)
            elif k == "bss":
                src.append("int %s;" % s)
            elif k == "weak":
                src.append("__attribute__((weak)) " + dfn)
            elif k == "common":
                src.append("__attribute__((common)) int %s;" % s)
            elif k == "hidden":
                src.append("__attribute__((visibility(\"hidden\"))) " + dfn)
            elif k in ("comdat", "comdat2"):
                grp = s if k == "comdat" else "%s_%s" % (s, o)
                src.append('__asm__(".section .data.%s,\\"awG\\",@progbits,%s,comdat\\n.globl %s\\n.type %s,@object\\n'
                           '.size %s,4\\n%s: .long 1\\n.previous");' % (s, grp, s, s, s, s))
            elif k == "ref":
                src.append(ext + ";"); uses.append(s)
            elif k == "weakref":
                src.append(ext + " __attribute__((weak));"); uses.append(s)
            elif k == "hiddenref":
                src.append(ext + " __attribute__((visibility(\"hidden\")));"); uses.append(s)
        if o == "main":
            for c in calls:
                src.append("extern void %s_f(void);" % c)
            src.append("void *use_main[] = { %s };" % ", ".join(["(void *)&%s" % u for u in uses] + ["0"]))
            src.append("int main(void) { %s return 0; }" % " ".join("%s_f();" % c for c in calls))
        else:
            src.append("void *use_%s[] = { %s };" % (o, ", ".join(["(void *)&%s" % u for u in uses] + ["0"])))
            src.append("void %s_f(void) { }" % o)
        open(os.path.join(d, o + ".c"), "w").write("\n".join(src) + "\n")
    for a in arch:
        rng.shuffle(arch[a])
    items = [("obj", o) for o in direct] + [("ar", a) for a in arch if arch[a]]
    if shared:
        items.append(("so", shared))
    rng.shuffle(items)
    items.insert(0 if rng.random() < 0.85 else rng.randint(0, len(items)), ("obj", "main"))
    args = []
    noindex = None
    ars = [i for i, it in enumerate(items) if it[0] == "ar"]
    grp = None
    if len(ars) >= 2 and rng.random() < 0.6:
        a, b = sorted(rng.sample(ars, 2))
        grp = (a, b)
    whole = rng.choice([i for i in ars]) if ars and rng.random() < 0.2 else None
    if ars and rng.random() < 0.12:
        noindex = items[rng.choice(ars)][1]
    lflag = rng.random() < 0.3
    colon = rng.random() < 0.3
    for i, (k, n) in enumerate(items):
        if grp and i == grp[0]:
            args.append("-Wl,--start-group")
        if i == whole:
            args.append("-Wl,--whole-archive")
        if k == "obj":
            args.append(n + ".o")
        elif k == "ar":
            args.append(("-l:libar%d.a" if colon else "-lar%d") % n if lflag else "libar%d.a" % n)
        else:
            args.append("-lsh" if lflag else "libsh.so")
        if i == whole:
            args.append("-Wl,--no-whole-archive")
        if grp and i == grp[1]:
            args.append("-Wl,--end-group")
    pre = []
    if rng.random() < 0.1:
        pre.append("-static")
    if lflag:
        pre.append("-L.")
    if rng.random() < 0.15:
        pre.append("-Wl,--no-as-needed")
    return ["main"] + objs, arch, shared, noindex, pre + args

def run(cmd, d):
    p = subprocess.run(cmd, cwd=d, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    return p.returncode, p.stdout

fails = 0
seen = {"links": 0, "fails": 0, "duplicates": 0, "undefined": 0, "shared library": 0, "no-index archive": 0,
        "group": 0, "whole-archive": 0, "-static": 0, "-l:": 0}
for case in range(ncases):
    seed = seed0 + case
    rng = random.Random(seed)
    d = os.path.join(work, "c%d" % case)
    os.makedirs(d, exist_ok=True)
    srcs, arch, shared, noindex, args = gen(rng, d)
    tag = "random case %d (seed %d)" % (case, seed)
    plain = [s + ".c" for s in srcs if s != shared]
    rc, out = run(["gcc", "-O0", "-fPIC", "-fno-asynchronous-unwind-tables", "-c"] + plain, d)
    if shared:
        rc2, out2 = run(["gcc", "-O0", "-fPIC", "-shared", "-o", "libsh.so", shared + ".c"], d)
        rc, out = rc or rc2, out + out2
    if rc != 0:
        print("not ok - %s: the generated sources do not compile: %s" % (tag, out[:300])); fails += 1
        continue
    for a, mem in arch.items():
        if mem:
            run(["ar", "rcS" if noindex == a else "rcs", "libar%d.a" % a] + [m + ".o" for m in mem], d)
    cmd = ["gcc"] + args + ["-o", "out"]
    for k, hit in (("shared library", shared), ("no-index archive", noindex is not None),
                   ("group", "-Wl,--start-group" in args), ("whole-archive", "-Wl,--whole-archive" in args),
                   ("-static", "-static" in args), ("-l:", any(a.startswith("-l:") for a in args))):
        seen[k] += bool(hit)
    rc, ld = run(cmd + ["-Wl,-Map=out.map"], d)
    try:
        gp = subprocess.run([goabi, "link", "--json", "--"] + cmd, cwd=d, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
        g = view(json.loads(gp.stdout))
    except Exception as e:
        print("not ok - %s: goabi produced no JSON (%s); command (in %s): %s" % (tag, e, d, " ".join(cmd))); fails += 1
        continue
    dup = set(re.findall(r"multiple definition of `([^']+)'", ld))
    und = set(re.findall(r"undefined reference to `([^']+)'", ld)) | \
        set(re.findall(r"hidden symbol `([^']+)' isn't defined", ld))
    ldv = "fails" if rc else "links"
    gv = "fails" if g["verdict"] == "fails" else "links"
    bad = []
    if gv != ldv:
        bad.append("verdict %s, ld %s" % (g["verdict"], ldv))
    if set(g["duplicates"]) != dup:
        bad.append("duplicates %s, ld %s" % (sorted(g["duplicates"]), sorted(dup)))
    if set(g["undefined"]) != und:
        bad.append("undefined %s, ld %s" % (sorted(g["undefined"]), sorted(und)))
    if rc == 0:
        want = set()
        lines = open(os.path.join(d, "out.map"), errors="replace").read().split("\n")
        if lines and lines[0].startswith("Archive member included"):
            for l in lines[2:]:
                if not l.strip():
                    break
                m = re.match(r"(\S+)\((\S+)\)", l)
                if m and not l.startswith(" ") and os.path.dirname(m.group(1)) in ("", "."):
                    want.add("%s(%s)" % (os.path.basename(m.group(1)), m.group(2)))
        got = set()
        for inp in g["inputs"]:
            if os.path.dirname(inp["path"]) in ("", "."):
                for p in inp.get("pulled") or []:
                    got.add("%s(%s)" % (os.path.basename(inp["path"]), p["member"]))
        if got != want:
            bad.append("members pulled %s, ld's map %s" % (sorted(got), sorted(want)))
    what = "verdict %s, %d duplicates, %d undefined" % (ldv, len(dup), len(und))
    seen[ldv] += 1
    seen["duplicates"] += bool(dup)
    seen["undefined"] += bool(und)
    if bad:
        fails += 1
        print("not ok - %s: %s; oracle: ld's messages and map; command (in %s): %s; ld said: %s" %
              (tag, "; ".join(bad), d, " ".join(cmd), " | ".join(ld.strip().splitlines()[:6])))
    else:
        print("ok - %s: %s agree with ld (%s)" % (tag, what, " ".join(args)))
        shutil.rmtree(d, ignore_errors=True)
print("# %d cases from seed %d; ld's outcomes and inputs: %s" % (ncases, seed0, ", ".join("%s %d" % kv for kv in seen.items())))
PY
