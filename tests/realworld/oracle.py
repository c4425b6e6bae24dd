#!/usr/bin/env python3
"""Real-world corpus oracle: goabi's facts on programs nobody here built.

Usage: oracle.py GOABI GO DEBDIR TSV...

For every ELF file and ar archive in the unpacked Debian packages listed in
the TSV files (tests/fetch-deb.sh unpacks them under DEBDIR), runs
`goabi inspect --json` and compares each fact with an independent oracle:

  exit code       0 for every file (readelf -e -d -V -n reads each without an error
                  or warning (ar archives: `ar t` lists them)
  ELF identity    readelf -h: class, byte order, type, machine
  dynamic facts   readelf -l -d: PT_INTERP, DT_NEEDED, DT_SONAME, linkage
  versions        readelf -V: required versions per library, GLIBC_ floor
  Go build info   `go version -m` (Go 1.26.8 where it is on hand): Go or not,
                  version, main package path, module, dependencies, settings
  libc family     the interpreter / DT_NEEDED that readelf shows

One result line per fact (ok / not ok / skip) with the number of files it
was checked on; a failure lists the first files that disagree. The printed
line count does not depend on the corpus, so the caller can `plan` it.
"""
import concurrent.futures
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from inspect_oracle import parse_gover, n  # noqa: E402  (the same parser t-inspect-go.sh uses)

GOABI, GO, DEB = sys.argv[1], sys.argv[2], sys.argv[3]
TSVS = sys.argv[4:]


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def packages():
    for t in TSVS:
        for ln in open(t):
            if ln.startswith("#") or not ln.strip():
                continue
            f = ln.rstrip("\n").split("\t")
            if len(f) < 4:
                continue
            d = os.path.join(DEB, "%s_%s_%s" % (f[0], f[1].replace(":", "%3a"), f[2]))
            yield f[0], d


def files():
    out = []
    for pkg, d in packages():
        if not os.path.isfile(os.path.join(d, ".unpacked")):
            continue
        for root, dirs, names in os.walk(d):
            dirs.sort()
            for nm in sorted(names):
                p = os.path.join(root, nm)
                if os.path.islink(p) or not os.path.isfile(p):
                    continue
                try:
                    with open(p, "rb") as fh:
                        magic = fh.read(8)
                except OSError:
                    continue
                if magic[:4] == b"\x7fELF":
                    out.append((pkg, p, "elf"))
                elif magic == b"!<arch>\n":
                    out.append((pkg, p, "ar"))
    return out


results = {}  # fact -> [checked, [failures]]


def record(fact, good, what=""):
    r = results.setdefault(fact, [0, []])
    r[0] += 1
    if not good:
        r[1].append(what)


def examine(item):
    pkg, path, kind = item
    rel = os.path.relpath(path, DEB)
    rc, js, err = run([GOABI, "inspect", "--json", path])
    res = {"rel": rel, "kind": kind, "rc": rc, "err": err.strip().splitlines()[:1]}
    try:
        res["j"] = json.loads(js)
    except ValueError:
        res["j"] = None
    if kind == "ar":
        arc, _, aerr = run(["ar", "t", path])
        res["valid"] = arc == 0
        return res
    # one readelf for every part read here (-a would dump every symbol and relocation: slow on big programs)
    rrc, out, rerr = run(["readelf", "-e", "-d", "-V", "-n", "--dyn-syms", "-W", path])
    # readelf warns about things that are not damage: keep errors and the
    # size/offset warnings that mean the file promises bytes it lacks
    bad = [ln for ln in rerr.splitlines() if re.search(r"[Ee]rror|truncat|past the end|beyond the end|exceeds", ln)]
    res["valid"] = rrc == 0 and not bad
    res["readelf_err"] = bad[:1]
    res["H"] = out.split("Section Headers:")[0]
    res["L"] = res["D"] = res["V"] = out
    grc, gout, gerr = run([GO, "version", "-m", path], env=dict(os.environ, GOTOOLCHAIN="local"))
    res["gv"] = (grc, gout, gerr)
    return res


def vkey(s):
    return [int(x) for x in re.findall(r"\d+", s)]


MACHINES = {"Advanced Micro Devices X86-64": 62, "Intel 80386": 3, "AArch64": 183, "IBM S/390": 22,
            "ARM": 40, "PowerPC64": 21, "RISC-V": 243, "MIPS R3000": 8, "LoongArch": 258}


def judge(res):
    rel, j = res["rel"], res["j"]
    # the corpus is released software: every file must read cleanly (damaged files are
    # t-hostile-*.sh's); a file readelf complains about is listed as a corpus problem
    record("valid files exit 0 (oracle: readelf / ar t read them cleanly)", res["valid"] and res["rc"] == 0,
           "%s: exit %d %s%s" % (rel, res["rc"], res["err"], "" if res["valid"] else " (readelf: %s)" % res.get("readelf_err")))
    record("goabi inspect --json gives a document with the artifact", j is not None and bool(j.get("artifacts")), rel)
    if j is None or not j.get("artifacts"):
        return
    a = j["artifacts"][0]
    if res["kind"] != "elf" or not res["valid"] or not a.get("elf"):
        return
    e, lc, H = a["elf"], a["libc"], res["H"]
    cls = re.search(r"Class:\s+ELF(\d+)", H)
    typ = re.search(r"Type:\s+(\w+)", H)
    mach = re.search(r"Machine:\s+(.*)", H)
    ident = (str(e["class"]), e["byte_order"], e["type"], e["machine"])
    want = (cls and cls.group(1), "big" if "big endian" in H else "little", typ and typ.group(1),
            MACHINES.get(mach.group(1).strip()) if mach else None)
    record("ELF class, byte order, type, machine (oracle: readelf -h)", ident == want,
           "%s: goabi %r, readelf %r" % (rel, ident, want))
    m = re.search(r"\[Requesting program interpreter: (.*)\]", res["L"])
    interp = m.group(1) if m else None
    record("PT_INTERP (oracle: readelf -l)", lc["interp"] == interp, "%s: goabi %r, readelf %r" % (rel, lc["interp"], interp))
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.*)\]", res["D"])
    record("DT_NEEDED (oracle: readelf -d)", lc["needed"] == needed, "%s: goabi %r, readelf %r" % (rel, lc["needed"], needed))
    m = re.search(r"\(SONAME\)\s+\S+ \S+: \[(.*)\]", res["D"])
    record("DT_SONAME (oracle: readelf -d)", lc["soname"] == (m.group(1) if m else None),
           "%s: goabi %r, readelf %r" % (rel, lc["soname"], m and m.group(1)))
    dynamic = re.search(r"^\s+DYNAMIC\s", res["L"], re.M) is not None and (interp is not None or bool(needed))
    link = (lc.get("linkage") or {}).get("value")
    if e["type"] == "EXEC" or (e["type"] == "DYN" and interp):
        want = "dynamic" if dynamic else "static"
        record("linkage of executables (oracle: readelf -l/-d: PT_INTERP or DT_NEEDED)",
               link == want or (want == "static" and link in ("static", "static-pie")),
               "%s: goabi %r, readelf says %s" % (rel, link, want))
    vn, cur = {}, None
    sec = res["V"].split("Version needs section")[1] if "Version needs section" in res["V"] else ""
    for ln in sec.splitlines():
        m = re.search(r"File: (\S+)\s+Cnt:", ln)
        if m:
            cur = m.group(1)
            vn[cur] = []
            continue
        m = re.search(r"Name: (\S+)\s+Flags:", ln)
        if m and cur:
            vn[cur].append(m.group(1))
    gv = {x["file"]: x["versions"] for x in lc["verneed"]}
    record("required versions per library (oracle: readelf -V)", gv == vn, "%s: goabi %r, readelf %r" % (rel, gv, vn))
    allv = [x for vs in vn.values() for x in vs if x.startswith("GLIBC_") and x[6:7].isdigit()]
    want = max(allv, key=vkey) if allv else None
    record("GLIBC_ floor (oracle: readelf -V maximum)", lc["glibc_floor"]["value"] == want,
           "%s: goabi %r, readelf %r" % (rel, lc["glibc_floor"]["value"], want))
    fam = (lc.get("family") or {}).get("value")
    if interp or needed:
        want = "musl" if (interp and "musl" in interp) or any("musl" in x for x in needed) else \
            "glibc" if (interp and "ld-linux" in interp) or "libc.so.6" in needed else None
        if want:
            record("libc family (oracle: the interpreter / DT_NEEDED readelf shows)", fam == want,
                   "%s: goabi %r, oracle %r" % (rel, fam, want))
    # Go build info: go version -m reads it or says the file has none
    grc, gout, gerr = res["gv"]
    g = a.get("go") or {}
    tc = (g.get("toolchain") or {}).get("value")
    if grc == 0 and gout.strip():
        o = parse_gover(gout)
        record("Go programs are Go (oracle: go version -m reads their build info)", tc in ("gc", "gccgo"),
               "%s: goabi toolchain %r" % (rel, tc))
        gvv = (g.get("version") or {}).get("value")
        record("Go version (oracle: go version -m)", gvv == o["version"], "%s: goabi %r, go %r" % (rel, gvv, o["version"]))
        record("main package path (oracle: go version -m)", g.get("path") == o["path"],
               "%s: goabi %r, go %r" % (rel, g.get("path"), o["path"]))
        gm = g.get("main")
        gmt = (n(gm["path"]), n(gm["version"]), n(gm["sum"])) if gm else None
        record("main module (oracle: go version -m)", gmt == o["mod"], "%s: goabi %r, go %r" % (rel, gmt, o["mod"]))
        gd = []
        for d in g.get("deps") or []:
            rp = d.get("replace")
            gd.append([(n(d["path"]), n(d["version"]), n(d["sum"])),
                       (n(rp["path"]), n(rp["version"]), n(rp["sum"])) if rp else None])
        record("dependencies with versions, sums, replacements (oracle: go version -m)", gd == o["deps"],
               "%s: %d vs %d deps" % (rel, len(gd), len(o["deps"])))
        # cgo linked: runtime/cgo starts threads with pthread_create, so a gc program that links
        # it imports that symbol (the build setting CGO_ENABLED=1 alone links nothing)
        if tc == "gc":
            imports = re.search(r"\bUND pthread_create\b", res["L"]) is not None
            cg = (g.get("cgo") or {}).get("value")
            record("cgo linked (oracle: gc programs linking runtime/cgo import pthread_create, readelf --dyn-syms)",
                   cg == ("1" if imports else "0"), "%s: goabi cgo %r, imports pthread_create: %s" % (rel, cg, imports))
        gs = list((g.get("settings") or {}).items())
        record("build settings (oracle: go version -m)", gs == o["settings"], "%s: goabi %r, go %r" % (rel, gs, o["settings"]))
    elif "not a Go executable" in gerr + gout or "could not read Go build info" in gerr + gout:
        # no build info: a C, C++ or Rust program (or a Go one built without it); goabi may still find
        # Go by its pclntab, but a program with neither Go sections nor Go symbols must not be Go
        secs = run(["readelf", "-S", "-W", os.path.join(DEB, rel)])[1]
        syms = run(["readelf", "--dyn-syms", "-W", os.path.join(DEB, rel)])[1]
        gosign = re.search(r"\.go\.|gopclntab|\.gosymtab|go\.buildinfo", secs) or re.search(r"\bruntime\.|__go_|_cgo_", syms)
        if not gosign:
            record("programs without Go are not Go (oracle: go version -m rejects them; readelf: no Go section or symbol)",
                   tc in (None, "none"), "%s: goabi toolchain %r" % (rel, tc))


def main():
    items = files()
    if not items:
        for fact in FACTS:
            print("skip - %s: nothing unpacked under %s (tests/fetch-deb.sh)" % (fact, DEB))
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=int(os.environ.get("JOBS", "2"))) as ex:
        for res in ex.map(examine, items):
            judge(res)
    pk = len({p for p, _, _ in items})
    print("# %d files (%d ELF, %d archives) from %d packages" % (
        len(items), sum(1 for i in items if i[2] == "elf"), sum(1 for i in items if i[2] == "ar"), pk))
    for fact in FACTS:
        r = results.get(fact)
        if not r:
            print("skip - %s: no file in the corpus to check it on" % fact)
        elif not r[1]:
            print("ok - %s: %d files" % (fact, r[0]))
        else:
            print("not ok - %s: %d of %d files disagree: %s" % (fact, len(r[1]), r[0], "; ".join(r[1][:4])[:1500]))


FACTS = [
    "valid files exit 0 (oracle: readelf / ar t read them cleanly)",
    "goabi inspect --json gives a document with the artifact",
    "ELF class, byte order, type, machine (oracle: readelf -h)",
    "PT_INTERP (oracle: readelf -l)",
    "DT_NEEDED (oracle: readelf -d)",
    "DT_SONAME (oracle: readelf -d)",
    "linkage of executables (oracle: readelf -l/-d: PT_INTERP or DT_NEEDED)",
    "required versions per library (oracle: readelf -V)",
    "GLIBC_ floor (oracle: readelf -V maximum)",
    "libc family (oracle: the interpreter / DT_NEEDED readelf shows)",
    "Go programs are Go (oracle: go version -m reads their build info)",
    "Go version (oracle: go version -m)",
    "main package path (oracle: go version -m)",
    "main module (oracle: go version -m)",
    "dependencies with versions, sums, replacements (oracle: go version -m)",
    "build settings (oracle: go version -m)",
    "cgo linked (oracle: gc programs linking runtime/cgo import pthread_create, readelf --dyn-syms)",
    "programs without Go are not Go (oracle: go version -m rejects them; readelf: no Go section or symbol)",
]

if __name__ == "__main__":
    main()
