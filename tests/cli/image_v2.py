"""Read `goabi image --json` (schema 2, include/goabi/result.h) for the
image tests: per binary (judged item, member = path inside the image) its
verdict word, properties and findings; the image's C libraries, loaders,
counts and Go inventory from the summary. Only reshapes: no value is
computed here, so every assertion still compares goabi's output with its
oracle.

    import image_v2; j = image_v2.load(path)
    j["binaries"]  [{"path", "verdict", "reason", "problems", "notes",
                     "findings", "needed", "resolved", ... properties}]
    j["libc"]      [{"family", "version", "path", "evidence"}]
    j["loaders"]   [paths]
    j["summary"]   {"go": {VERSION: {"binaries", "cgo", "static"}}, counts}
    j["image"]     {"input", "format", "os", "architecture", "variant", ...}
    j["raw"]       the schema-2 document
"""
import json
import re
import sys

LISTS = {"needed": ", ", "resolved": "; ", "version_definitions": ", ",
         "nss.go_databases": ", ", "nss.databases": ", "}


def _split(v, sep):
    return v.split(sep) if v else []


def convert(raw):
    assert raw.get("schema") == 2 and raw.get("command") == "image", "not schema-2 image JSON"
    s = raw.get("summary") or {}
    findings = {}
    for f in raw.get("findings") or []:
        findings.setdefault(f["subject"]["member"], []).append(f)
    bins = []
    for it in raw.get("judged") or []:
        p = dict(it.get("properties") or {})
        b = {"path": it["member"], "verdict": it["verdict"], "verdict_class": it["verdict_class"],
             "image": it["path"]}
        # absent properties were null (lists: empty) in schema 1
        for k in ("reason", "type", "machine", "interp", "rpath", "runpath", "libc", "linkage",
                  "isa_declared", "isa_required", "glibc_floor", "layer"):
            b[k] = None
        for k in LISTS:
            b[k] = []
        for k, v in p.items():
            b[k] = _split(v, LISTS[k]) if k in LISTS else v
        b["executable"] = p.get("executable") == "true"
        b["class"] = int(p["class"]) if p.get("class") else None
        fs = findings.get(it["member"], [])
        b["findings"] = fs
        b["problems"] = [f["message"] for f in fs if f["properties"].get("fatal") == "true"]
        b["notes"] = [f["message"] for f in fs if f["properties"].get("fatal") != "true"]
        if "go.version" in p:
            b["go"] = {"version": p["go.version"], "cgo": p.get("go.cgo"), "static": p.get("go.static") == "true"}
        bins.append(b)
    libc = []
    i = 0
    while "libc[%d].family" % i in s:
        libc.append({k: s.get("libc[%d].%s" % (i, k)) for k in ("family", "version", "path", "evidence")})
        i += 1
    go = {}
    for k, v in s.items():
        m = re.fullmatch(r"go\[(.*)\]\.(binaries|cgo|static)", k)
        if m:
            go.setdefault(m.group(1), {})[m.group(2)] = int(v)
    by_libc = {m.group(1): int(v) for k, v in s.items() for m in [re.fullmatch(r"by_libc\[(.*)\]", k)] if m}
    summary = {"go": go, "by_libc": by_libc}
    for k in ("files", "will_start", "may_fail", "will_not_start", "not_checked"):
        if k in s:
            summary[k] = int(s[k])
    plat = (s.get("platform") or "").split("/")
    image = {"input": s.get("image"), "format": s.get("format"), "ref": s.get("ref"), "digest": s.get("digest"),
             "os": plat[0] if len(plat) > 1 else None, "architecture": plat[1] if len(plat) > 1 else None,
             "variant": plat[2] if len(plat) > 2 else None, "read": s.get("read")}
    for k in ("layers", "cached_layers", "entries", "bytes_read"):
        if k in s:
            image[k] = int(s[k])
    image["complete"] = s.get("read") == "complete"
    loaders = [] if s.get("loaders") in (None, "none") else s["loaders"].split(", ")
    return {"binaries": bins, "libc": libc, "loaders": loaders, "summary": summary, "image": image,
            "errors": raw.get("errors") or [], "raw": raw}


def load(path):
    with open(path) as fh:
        return convert(json.load(fh))


if __name__ == "__main__":
    # image_v2.py FILE EXPR: print EXPR with j = the converted document
    j = load(sys.argv[1])
    print(eval(sys.argv[2]))
