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
  sbom_oracle.py merge GOABI_BOM SYFT_BOM ROOT OUT
      goabi's CycloneDX merged with syft's of the same files (docs/sbom.md):
      prints what was merged as JSON (see merge())
  sbom_oracle.py syftgo GOABI_BOM SYFT_BOM ROOT GO
      per Go binary: every Go module purl syft reports for it is one goabi
      reports for it; its main module's purl against `GO version -m`
  sbom_oracle.py mainpurl NAME BOM GOVERSION_M_TXT
      the BOM's first component's purl = its main module's from `go version -m`
  sbom_oracle.py mkprog DIR GO
      build DIR/prog with GO: a module example.com/app/v2 ("(devel)": built
      from a directory) requiring example.com/lib v1.2.0 replaced by the
      directory ../lib, -ldflags "-X main.version=1.4.2"; prints its path
  sbom_oracle.py dups BOM   -> "none" or the (parent, purl, file) seen twice
  sbom_oracle.py deprefs BOM -> "resolved N" or the dependency refs that name
      no component
"""
import copy
import json
import os
import subprocess
import sys
import uuid
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


def real(v):
    """a module version that names one: not empty, not the go command's (devel)"""
    return v if v and v != "(devel)" else None


def dep_purl(dep):
    """the purl of one `go version -m` dep line (and its => line), as syft
    writes it: a module replacement's path and version; a directory
    replacement (=> ./dir, => /dir) keeps the module's path, no version"""
    (p, v, _), rp = dep
    if rp:
        p2, v2, _ = rp
        if p2.startswith((".", "/")):
            return purl(p, None)
        return purl(p2, real(v2))
    return purl(p, real(v))


def main_purl(o):
    """the purl of the program's own module from `go version -m`: the mod line
    (the package path when there is none, or it is command-line-arguments),
    its version only when it names one"""
    if o["mod"] and o["mod"][0] and o["mod"][0] != "command-line-arguments":
        return purl(o["mod"][0], real(o["mod"][1]))
    return purl(o["path"], None) if o["path"] else None


def modules(name, bom, gv):
    c = json.load(open(bom))["components"][0]
    o = parse_gover(open(gv).read())
    props = {}
    for p in c.get("properties", []):
        props.setdefault(p["name"], p["value"])
    ok = props.get("goabi:go.version") == o["version"]
    print(("ok" if ok else "not ok") + " - %s: goabi:go.version property = go version -m (%s)%s" % (
        name, o["version"], "" if ok else ": got %r" % props.get("goabi:go.version")))
    want = {dep_purl(d) for d in o["deps"]}
    sv = o["version"][2:].split(" ")[0]
    want.add(purl("stdlib", sv))
    got = {x.get("purl") for x in c.get("components", [])}
    ok = got == want
    print(("ok" if ok else "not ok") + " - %s: %d module purls = go version -m's modules and stdlib%s" % (
        name, len(want), "" if ok else ": missing %r, extra %r" % (sorted(want - got)[:3], sorted(got - want)[:3])))


def mainpurl(name, bom, gv):
    c = json.load(open(bom))["components"][0]
    want = main_purl(parse_gover(open(gv).read()))
    ok = c.get("purl") == want
    print(("ok" if ok else "not ok") + " - %s: the program's purl %s = its main module's (go version -m)%s" % (
        name, want, "" if ok else ": got %r" % c.get("purl")))


def mkprog(d, gov):
    os.makedirs(os.path.join(d, "app"), exist_ok=True)
    os.makedirs(os.path.join(d, "lib"), exist_ok=True)
    files = {
        "lib/go.mod": "module example.com/lib\n\ngo 1.19\n",
        "lib/lib.go": "package lib\n\nfunc V() string { return \"lib\" }\n",
        "app/go.mod": "module example.com/app/v2\n\ngo 1.19\n\nrequire example.com/lib v1.2.0\n\n"
                      "replace example.com/lib => ../lib\n",
        "app/main.go": "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/lib\"\n)\n\n"
                       "var version = \"dev\"\n\nfunc main() { fmt.Println(lib.V(), version) }\n",
    }
    for f, t in files.items():
        open(os.path.join(d, f), "w").write(t)
    env = dict(os.environ, GOFLAGS="-mod=mod", GOPROXY="off", GOTOOLCHAIN="local")
    p = subprocess.run([gov, "build", "-ldflags", "-X main.version=1.4.2", "-o", "../prog", "."],
                       cwd=os.path.join(d, "app"), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-500:])
        sys.exit(1)
    print(os.path.join(d, "prog"))


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


# ---- goabi's BOM merged with syft's (docs/sbom.md, "Merged with syft's")

def base(p):
    """a purl without its version and qualifiers"""
    return (p or "").split("?")[0].split("#")[0].rsplit("@", 1)[0] if p and "@" in p.split("/")[-1] else (p or "").split("?")[0]


def locs(c):
    """syft's locations of a component: its syft:location:N:path properties"""
    return [p["value"] for p in c.get("properties", []) if p["name"].startswith("syft:location:") and p["name"].endswith(":path")]


def gpath(c):
    for p in c.get("properties", []):
        if p["name"] == "goabi:path":
            return p["value"]
    return None


def norm(path, root):
    """a goabi path (as given, or the path in the image) as syft writes
    locations: relative to the scanned root, with a leading /"""
    if root and path.startswith(root.rstrip("/") + "/"):
        path = path[len(root.rstrip("/")):]
    return os.path.normpath("/" + path.lstrip("/"))


def absorb(dst, src):
    """src's information that dst lacks, into dst: properties, hashes, cpe,
    licenses; dst keeps its bom-ref, name, version and purl (syft's differing
    purl kept as goabi:merge.syft.purl)"""
    props = dst.setdefault("properties", [])
    have = {(p["name"], p["value"]) for p in props}
    for p in src.get("properties", []):
        if (p["name"], p["value"]) not in have:
            props.append(p)
            have.add((p["name"], p["value"]))
    if src.get("purl") and src.get("purl") != dst.get("purl"):
        props.append({"name": "goabi:merge.syft.purl", "value": src["purl"]})
    hs = dst.get("hashes", [])
    algs = {h["alg"] for h in hs}
    hs += [h for h in src.get("hashes", []) if h["alg"] not in algs]
    if hs:
        dst["hashes"] = hs
    for k in ("cpe", "licenses", "supplier", "author", "description"):
        if k in src and k not in dst:
            dst[k] = src[k]
    if not dst.get("properties"):
        dst.pop("properties", None)


def merge(gfile, sfile, root, out):
    """goabi's BOM is the skeleton (one component per binary, its Go modules
    nested); each syft component goes where it belongs:
      - syft's file component of a binary goabi has: merged into it;
      - a package syft found in such a binary (its syft:location:N:path): the
        binary's main module (syft:metadata:mainModule = its name, same purl
        without version) merged into goabi's component of the binary; a Go
        module merged into goabi's nested component with the same purl; any
        other package nested under the binary as a new component;
      - anything else (a dpkg database's packages, files goabi did not read):
        top level, merged into a top-level component with the same purl.
    syft's dependencies are kept with their refs mapped to the merged
    components. Prints counts and the syft Go modules goabi did not have."""
    g = json.load(open(gfile))
    sy = json.load(open(sfile))
    m = copy.deepcopy(g)
    m["serialNumber"] = "urn:uuid:" + str(uuid.uuid4())
    m["version"] = 1
    md = m.setdefault("metadata", {})
    tools = md.setdefault("tools", {}).setdefault("components", [])
    tools += sy.get("metadata", {}).get("tools", {}).get("components", [])
    if "component" not in md and "component" in sy.get("metadata", {}):
        md["component"] = sy["metadata"]["component"]
    comps = m.setdefault("components", [])
    bypath = {}
    for c in comps:
        p = gpath(c)
        if p:
            bypath.setdefault(norm(p, root), c)
    refmap = {}  # syft bom-ref -> merged bom-refs
    st = {"merged_file": 0, "merged_main": 0, "merged_module": 0, "nested_new": 0, "top_new": 0,
          "top_merged": 0, "syft_only_go": []}
    if "bom-ref" in sy.get("metadata", {}).get("component", {}) and "bom-ref" in md.get("component", {}):
        refmap[sy["metadata"]["component"]["bom-ref"]] = [md["component"]["bom-ref"]]
    for c in sy.get("components", []):
        ref = c.get("bom-ref")
        targets = []
        if c.get("type") == "file" and norm(c.get("name", ""), "") in bypath:
            t = bypath[norm(c["name"], "")]
            absorb(t, {k: v for k, v in c.items() if k in ("hashes", "properties")})
            targets.append(t["bom-ref"])
            st["merged_file"] += 1
        elif locs(c) and all(norm(l, "") in bypath for l in locs(c)):
            for l in locs(c):
                t = bypath[norm(l, "")]
                mm = [p["value"] for p in c.get("properties", []) if p["name"] == "syft:metadata:mainModule"]
                if (c.get("purl", "").startswith("pkg:golang/") and mm and mm[0] == c.get("name")
                        and base(c.get("purl")) == base(t.get("purl"))):
                    absorb(t, c)
                    targets.append(t["bom-ref"])
                    st["merged_main"] += 1
                    continue
                kids = t.setdefault("components", [])
                same = [k for k in kids if c.get("purl") and k.get("purl") == c.get("purl")]
                if same:
                    absorb(same[0], c)
                    targets.append(same[0]["bom-ref"])
                    st["merged_module"] += 1
                    continue
                n = copy.deepcopy(c)
                n["bom-ref"] = "%s|%s" % (t["bom-ref"], ref)
                kids.append(n)
                targets.append(n["bom-ref"])
                st["nested_new"] += 1
                if (c.get("purl") or "").startswith("pkg:golang/"):
                    st["syft_only_go"].append([l, c["purl"]])
        else:
            same = [k for k in comps if c.get("purl") and k.get("purl") == c.get("purl")]
            if same:
                absorb(same[0], c)
                targets.append(same[0]["bom-ref"])
                st["top_merged"] += 1
            else:
                n = copy.deepcopy(c)
                if n.get("bom-ref") and any(k.get("bom-ref") == n["bom-ref"] for k in comps):
                    n["bom-ref"] = "syft:" + n["bom-ref"]
                comps.append(n)
                targets.append(n.get("bom-ref"))
                st["top_new"] += 1
        if ref:
            refmap[ref] = [t for t in targets if t]
    deps = {}
    for d in g.get("dependencies", []):
        deps.setdefault(d["ref"], set()).update(d.get("dependsOn", []))
    for d in sy.get("dependencies", []):
        for r in refmap.get(d["ref"], []):
            on = deps.setdefault(r, set())
            for x in d.get("dependsOn", []):
                on.update(t for t in refmap.get(x, []) if t != r)
    if deps:
        m["dependencies"] = [{"ref": r, "dependsOn": sorted(on)} for r, on in sorted(deps.items())]
    json.dump(m, open(out, "w"), indent=1)
    print(json.dumps(st))


def syftgo(gfile, sfile, root, gov):
    """per goabi binary with Go modules: syft's Go purls for it (not its main
    module) within goabi's nested purls; the main module: syft's purl =
    goabi's, or the same module where goabi writes no version because
    `go version -m` names none (syft's own inference: -ldflags -X, VCS)"""
    g = json.load(open(gfile))
    sy = json.load(open(sfile))
    byloc = {}
    for c in sy.get("components", []):
        if (c.get("purl") or "").startswith("pkg:golang/"):
            for l in locs(c):
                byloc.setdefault(l, []).append(c)
    for c in g.get("components", []):
        kids = {k.get("purl") for k in c.get("components", []) if (k.get("purl") or "").startswith("pkg:golang/")}
        if not kids:
            continue
        p = gpath(c)
        # the file: as given (inspect), or the path in the image under ROOT
        path = os.path.join(root, p.lstrip("/")) if root and not p.startswith(root.rstrip("/") + "/") else p
        name = norm(p, root)
        got = byloc.get(name, [])
        main = [x for x in got if any(q["name"] == "syft:metadata:mainModule" and q["value"] == x.get("name")
                                      for q in x.get("properties", []))]
        deps = {x["purl"] for x in got if x not in main}
        gv = subprocess.run([gov, "version", "-m", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, env=dict(os.environ, GOTOOLCHAIN="local"))
        if gv.returncode != 0:  # no build info: syft reads nothing, goabi no main module
            print(("ok" if not got else "not ok") + " - %s: no build info (go version -m), no Go module from syft%s" % (
                name, "" if not got else ": syft has %r" % sorted(deps)[:3]))
            print(("ok" if not c.get("purl") else "not ok") + " - %s: no build info, no main module purl%s" % (
                name, "" if not c.get("purl") else ": goabi has %s" % c.get("purl")))
            continue
        ok = deps <= kids
        print(("ok" if ok else "not ok") + " - %s: syft's %d Go module purls are goabi's (of %d)%s" % (
            name, len(deps), len(kids), "" if ok else ": syft only %r" % sorted(deps - kids)[:4]))
        want = main_purl(parse_gover(gv.stdout))
        sp = main[0]["purl"] if main else None
        ok = c.get("purl") == want and (sp == want or (sp and base(sp) == want and "@" not in want.split("/")[-1]))
        print(("ok" if ok else "not ok") + " - %s: main module %s = go version -m's; syft's %s%s" % (
            name, c.get("purl"), sp, "" if ok else " (go version -m: %s)" % want))


def dups(bom):
    """the same purl twice under one parent; at the top level, twice for one
    file (two copies of a program at two paths are two components)"""
    seen, dup = set(), []

    def walk(parent, cs):
        for c in cs:
            if c.get("purl"):
                k = (parent, c["purl"], None if parent else (gpath(c) or tuple(locs(c))))
                if k in seen:
                    dup.append(k)
                seen.add(k)
            walk(c.get("bom-ref"), c.get("components", []))
    walk(None, json.load(open(bom)).get("components", []))
    print("none (%d purls)" % len(seen) if not dup else "duplicate %r" % dup[:3])


def deprefs(bom):
    j = json.load(open(bom))
    refs = set()

    def walk(cs):
        for c in cs:
            refs.add(c.get("bom-ref"))
            walk(c.get("components", []))
    walk(j.get("components", []))
    refs.add(j.get("metadata", {}).get("component", {}).get("bom-ref"))
    bad = [r for d in j.get("dependencies", []) for r in [d["ref"]] + d.get("dependsOn", []) if r not in refs]
    print("resolved %d" % len(j.get("dependencies", [])) if not bad else "unresolved %r" % bad[:3])


if __name__ == "__main__":
    {"validate": lambda: validate(sys.argv[2], sys.argv[3]),
     "modules": lambda: modules(sys.argv[2], sys.argv[3], sys.argv[4]),
     "refs": lambda: refs(sys.argv[2]),
     "pick": lambda: pick(sys.argv[2], sys.argv[3], sys.argv[4]),
     "props": lambda: props(sys.argv[2], sys.argv[3], sys.argv[4]),
     "merge": lambda: merge(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]),
     "syftgo": lambda: syftgo(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]),
     "dups": lambda: dups(sys.argv[2]),
     "mainpurl": lambda: mainpurl(sys.argv[2], sys.argv[3], sys.argv[4]),
     "mkprog": lambda: mkprog(sys.argv[2], sys.argv[3]),
     "deprefs": lambda: deprefs(sys.argv[2])}[sys.argv[1]]()
