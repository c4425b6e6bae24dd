"""The facts of a `goabi link --json` result (JSON schema 2, the one result
model: docs/json-schema.md, docs/link.md "Result"), gathered into the shape
the link tests compare with their oracles (ld's messages, its link map,
readelf -d of its output):

  verdict, exit, driver, flavor, driver_facts, linker, mode, libc, confidence,
  duplicates   symbols of the link/multiple-definition findings (sorted)
  undefined    symbols of the link/undefined findings, a grouped finding's
               "symbols" included (sorted)
  needs_from_sources  symbols of the link/undefined-unless-sources-define findings
  findings     kind (rule without "link/"), severity (link_severity),
               symbol, message, linker_message (tool_says), diagnosis,
               files (evidence), symbols
  inputs       the judged inputs in order (path, spec, kind, implicit,
               used, as_needed, dt_needed, ...), each archive with "pulled":
               the judged members that follow it ({member, for})
  needed       file names of the shared inputs marked dt_needed
  sources      paths of the inputs of kind source
  search_path  the summary's search path, split

Nothing is computed beyond these collections; the envelope (tool, schema,
command), the verdict class and exit code of the verdict word, and the
summary's counts of duplicate and undefined symbols are checked against
each other: view() raises ValueError when they disagree, so a test fails.
"""
import os

CLASS = {"links": "pass", "links with hazards": "warn", "unknown": "unknown",
         "links but cannot work": "fail", "fails": "fail", "no link": "error", "nothing read": "error"}
EXIT = {"pass": 0, "warn": 0, "unknown": 3, "fail": 1, "error": 2}


def _bool(v):
    if v not in ("true", "false"):
        raise ValueError("not a boolean property: %r" % (v,))
    return v == "true"


def view(doc):
    if doc.get("tool") != "goabi" or doc.get("schema") != 2 or doc.get("command") != "link":
        raise ValueError("not a goabi link schema-2 result: %r" % ({k: doc.get(k) for k in ("tool", "schema", "command")},))
    v = doc["verdict"]
    if CLASS.get(v) != doc["verdict_class"] or EXIT[doc["verdict_class"]] != doc["exit"]:
        raise ValueError("verdict %r, class %r, exit %r disagree" % (v, doc["verdict_class"], doc["exit"]))
    s = doc["summary"]
    findings = []
    for f in doc["findings"]:
        if f["check"] != "link" or not f["rule"].startswith("link/"):
            raise ValueError("finding of another check: %r" % (f["rule"],))
        p = f["properties"]
        findings.append({
            "kind": f["rule"][len("link/"):],
            "severity": p["link_severity"],
            "level": f["severity"],
            "symbol": f["subject"]["symbol"],
            "subject": f["subject"],
            "message": f["message"],
            "linker_message": f["tool_says"],
            "diagnosis": p.get("diagnosis"),
            "files": f["evidence"],
            "symbols": p["symbols"].split(" ") if p.get("symbols") else [],
            "lib_group": p.get("lib_group"),
        })

    def syms(kind):
        return [x for f in findings if f["kind"] == kind for x in (f["symbols"] or [f["symbol"]])]
    dups = sorted(set(syms("multiple-definition")))
    und = sorted(set(syms("undefined")))
    if len(dups) != int(s["duplicates"]) or len(und) != int(s["undefined"]):
        raise ValueError("summary counts %s duplicates, %s undefined; findings %d, %d" %
                         (s["duplicates"], s["undefined"], len(dups), len(und)))
    inputs = []
    for j in doc["judged"]:
        p = j["properties"]
        if j["member"] is not None:
            if not inputs or inputs[-1]["kind"] != "archive" or inputs[-1]["path"] != j["path"] or p.get("kind") != "member":
                raise ValueError("member %s(%s) not after its archive" % (j["path"], j["member"]))
            inputs[-1]["pulled"].append({"member": j["member"], "for": p.get("for")})
            continue
        i = {"path": j["path"], "spec": p["spec"], "kind": p["kind"], "implicit": _bool(p["implicit"]),
             "whole_archive": _bool(p["whole_archive"]), "group": None if p["group"] is None else int(p["group"]),
             "verdict": j["verdict"], "verdict_class": j["verdict_class"]}
        if p["kind"] == "shared":
            i.update(used=_bool(p["used"]), as_needed=_bool(p["as_needed"]), dt_needed=_bool(p["dt_needed"]))
        if p["kind"] == "archive":
            i.update(members=int(p["members"]), pulled=[])
        if "go.toolchain" in p:
            i["go"] = {k: p["go." + k] for k in ("toolchain", "version", "scheme", "typehash")}
        inputs.append(i)
    for i in inputs:
        if i["kind"] == "archive" and len(i["pulled"]) > i["members"]:
            raise ValueError("%s: %d members pulled of %d" % (i["path"], len(i["pulled"]), i["members"]))
    needed = []
    for i in inputs:
        b = os.path.basename(i["path"])
        if i.get("dt_needed") and b not in needed:
            needed.append(b)
    return {
        "verdict": v, "exit": doc["exit"],
        "driver": s["driver"], "flavor": s["flavor"], "driver_facts": s["driver_facts"], "linker": s["linker"],
        "mode": s["mode"], "libc": s["libc"], "confidence": s["confidence"],
        "duplicates": dups, "undefined": und, "needs_from_sources": syms("undefined-unless-sources-define"),
        "findings": findings, "inputs": inputs, "needed": needed,
        "sources": [i["path"] for i in inputs if i["kind"] == "source"],
        "search_path": s["search_path"].split(":") if s["search_path"] else [],
        "errors": doc["errors"],
    }


def load(path):
    import json
    with open(path) as f:
        return view(json.load(f))
