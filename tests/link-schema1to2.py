#!/usr/bin/env python3
"""goabi link, schema 1 against schema 2: the same facts (issue 21, "no
behaviour lost"). Runs an old goabi (schema 1: {"link": {...}}) and a new
one (schema 2: the one result model) on the link sets of
tests/cli/t-link-ld.sh (its `compare NAME ... -- CMD...` lines, in the link
fixtures directory) and compares, set by set: the verdict, exit code,
driver facts, duplicate / undefined / needs_from_sources symbols, every
finding (kind, severity, symbol, message, ld's message, diagnosis, files,
symbols), every input (path, spec, kind, implicit, whole archive, group,
used, as needed, members and the members pulled with the symbol for each,
Go facts), DT_NEEDED and the search path. Prints one line per set and the
differences; exits 1 when any set differs.

    tests/link-schema1to2.py OLD_GOABI NEW_GOABI FIXTURES/link ['CMD ARGS'...]
(more command lines, each one shell-quoted word, are compared too)
"""
import json, os, re, shlex, subprocess, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "cli"))
from link_view import view  # noqa: E402


def sets(tld):
    for line in open(tld):
        m = re.match(r"compare (\S+) .*?-- (.*)$", line.strip()) or re.match(r"compare (\S+) -- (.*)$", line.strip())
        if m and "$" not in m.group(2):
            yield m.group(1), shlex.split(m.group(2))


def run(goabi, cmd, cwd):
    p = subprocess.run([goabi, "link", "--json", "--"] + cmd + ["-o", "/dev/null"], cwd=cwd,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p.returncode, json.loads(p.stdout)


def old_facts(rc, doc):
    g = doc["link"]
    fs = []
    for f in g["findings"]:
        msg = f["message"] + ("; why: " + f["diagnosis"] if f["diagnosis"] else "")
        sym = f["symbol"]
        if f["kind"] == "missing-library" and sym is None:  # schema 2 names the library
            sym = re.search(r"library (\S+) is not", f["message"]).group(1)
        fs.append((f["kind"], f["severity"], sym, msg, f["linker_message"], f["diagnosis"], f["files"],
                   f.get("symbols") or []))
    ins = []
    for i in g["inputs"]:
        ins.append((i["path"], i["spec"], i["kind"], i["implicit"], i["whole_archive"], i["group"], i.get("used"),
                    i.get("as_needed"), i.get("members"), [(p["member"], p["for"]) for p in i.get("pulled", [])],
                    i.get("go")))
    verdict = g["verdict"]
    if rc == 2:  # schema 1 kept the findings' verdict beside exit 2; schema 2 says why there is none
        verdict = "no link" if any("means the driver does not link" in f["message"] for f in g["findings"]) else "nothing read"
    return {"exit": rc, "verdict": verdict, "driver": g["driver"], "flavor": g["flavor"],
            "driver_facts": g["driver_facts"], "confidence": g["confidence"], "linker": g["linker"], "mode": g["mode"],
            "libc": g["libc"], "duplicates": sorted(g["duplicates"]), "undefined": sorted(g["undefined"]),
            "needs_from_sources": g["needs_from_sources"], "sources": g["sources"], "findings": fs, "inputs": ins,
            "needed": g["needed"], "search_path": g["search_path"]}


def new_facts(rc, doc):
    g = view(doc)
    fs = [(f["kind"], f["severity"], f["symbol"], f["message"], f["linker_message"], f["diagnosis"], f["files"],
           f["symbols"]) for f in g["findings"]]
    ins = [(i["path"], i["spec"], i["kind"], i["implicit"], i["whole_archive"], i["group"], i.get("used"),
            i.get("as_needed"), i.get("members"), [(p["member"], p["for"]) for p in i.get("pulled", [])], i.get("go"))
           for i in g["inputs"]]
    return {"exit": rc, "verdict": g["verdict"], "driver": g["driver"], "flavor": g["flavor"],
            "driver_facts": g["driver_facts"], "confidence": g["confidence"], "linker": g["linker"], "mode": g["mode"],
            "libc": g["libc"], "duplicates": g["duplicates"], "undefined": g["undefined"],
            "needs_from_sources": g["needs_from_sources"], "sources": g["sources"], "findings": fs, "inputs": ins,
            "needed": g["needed"], "search_path": g["search_path"]}


def main():
    old, new, fix = sys.argv[1:4]
    tld = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cli", "t-link-ld.sh")
    bad = n = 0
    extra = [(c, shlex.split(c)) for c in sys.argv[4:]]
    for name, cmd in list(sets(tld)) + extra:
        n += 1
        a = old_facts(*run(old, cmd, fix))
        b = new_facts(*run(new, cmd, fix))
        diff = [k for k in a if a[k] != b[k]]
        if diff:
            bad += 1
            print("not ok - %s: differ in %s" % (name, ", ".join(diff)))
            for k in diff[:3]:
                print("#   %s: schema 1 %r" % (k, a[k] if not isinstance(a[k], list) else a[k][:3]))
                print("#   %s: schema 2 %r" % (k, b[k] if not isinstance(b[k], list) else b[k][:3]))
        else:
            print("ok - %s: same facts (%s, %d findings, %d inputs)" % (name, a["verdict"], len(a["findings"]),
                                                                       len(a["inputs"])))
    print("# %d link sets, %d differ" % (n, bad))
    sys.exit(1 if bad or not n else 0)


main()
