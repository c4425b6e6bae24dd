#!/usr/bin/env python3
"""CycloneDX checks for t-sbom.sh.

  sbom_oracle.py validate SCHEMADIR BOM      -> 'valid' or the first errors, then 'invalid'
  sbom_oracle.py modules NAME BOM GOVERSION_M_TXT
      the BOM's first component against `go version -m`: the Go version
      property, and the nested module purls = the modules the binary was built
      with (the replacement where there is one) plus pkg:golang/stdlib@X.Y.Z
  sbom_oracle.py refs BOM                    -> every bom-ref unique
  sbom_oracle.py pick BOM GOABI_PATH OUT     -> OUT: a BOM of the one top-level
      component whose goabi:path property is GOABI_PATH (for `modules`)
  sbom_oracle.py props BOM GOABI_PATH NAME   -> the values of property NAME of
      that component, one a line
"""
import json
import os
import sys
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inspect_oracle import parse_gover  # noqa: E402


def validate(schemadir, bom):
    import jsonschema
    base = "http://cyclonedx.org/schema/"
    files = {"bom-1.6.SNAPSHOT.schema.json": None, "spdx.SNAPSHOT.schema.json": None,
             "jsf-0.82.SNAPSHOT.schema.json": None}
    for f in files:
        files[f] = json.load(open(os.path.join(schemadir, f)))
    schema = files["bom-1.6.SNAPSHOT.schema.json"]
    doc = json.load(open(bom))
    cls = jsonschema.validators.validator_for(schema)
    try:  # jsonschema >= 4.18: the referencing registry
        from referencing import Registry, Resource
        reg = Registry().with_resources([(base + f, Resource.from_contents(s)) for f, s in files.items()] +
                                        [(s["$id"], Resource.from_contents(s)) for s in files.values()])
        v = cls(schema, registry=reg)
    except ImportError:  # Debian bookworm's 4.10: RefResolver
        store = {base + f: s for f, s in files.items()}
        store.update({s["$id"]: s for s in files.values()})
        v = cls(schema, resolver=jsonschema.RefResolver(schema["$id"], schema, store=store))
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    for e in errs[:5]:
        print("/".join(map(str, e.path)), e.message[:200])
    print("valid" if not errs else "invalid")


def purl(path, ver):
    return "pkg:golang/" + quote(path, safe="/-._~") + ("@" + quote(ver, safe="-._~") if ver else "")


def modules(name, bom, gv):
    c = json.load(open(bom))["components"][0]
    o = parse_gover(open(gv).read())
    props = {}
    for p in c.get("properties", []):
        props.setdefault(p["name"], p["value"])
    ok = props.get("goabi:go.version") == o["version"]
    print(("ok" if ok else "not ok") + " - %s: goabi:go.version property = go version -m (%s)%s" % (
        name, o["version"], "" if ok else ": got %r" % props.get("goabi:go.version")))
    want = set()
    for (p, v, _), rp in o["deps"]:
        if rp:
            p2, v2, _ = rp
            want.add(purl(p2, v2 or v))
        else:
            want.add(purl(p, v))
    sv = o["version"][2:].split(" ")[0]
    want.add(purl("stdlib", sv))
    got = {x.get("purl") for x in c.get("components", [])}
    ok = got == want
    print(("ok" if ok else "not ok") + " - %s: %d module purls = go version -m's modules and stdlib%s" % (
        name, len(want), "" if ok else ": missing %r, extra %r" % (sorted(want - got)[:3], sorted(got - want)[:3])))


def refs(bom):
    seen, dup = set(), []

    def walk(cs):
        for c in cs:
            r = c.get("bom-ref")
            if r in seen:
                dup.append(r)
            seen.add(r)
            walk(c.get("components", []))
    walk(json.load(open(bom)).get("components", []))
    print("unique %d" % len(seen) if not dup else "duplicate %r" % dup[:3])


def find(bom, path):
    for c in json.load(open(bom)).get("components", []):
        if any(p["name"] == "goabi:path" and p["value"] == path for p in c.get("properties", [])):
            return c
    return None


def pick(bom, path, out):
    c = find(bom, path)
    json.dump({"components": [c] if c else []}, open(out, "w"))


def props(bom, path, name):
    c = find(bom, path) or {}
    for p in c.get("properties", []):
        if p["name"] == name:
            print(p["value"])


if __name__ == "__main__":
    {"validate": lambda: validate(sys.argv[2], sys.argv[3]),
     "modules": lambda: modules(sys.argv[2], sys.argv[3], sys.argv[4]),
     "refs": lambda: refs(sys.argv[2]),
     "pick": lambda: pick(sys.argv[2], sys.argv[3], sys.argv[4]),
     "props": lambda: props(sys.argv[2], sys.argv[3], sys.argv[4])}[sys.argv[1]]()
