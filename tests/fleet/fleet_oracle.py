#!/usr/bin/env python3
"""Oracles for tests/cli/t-fleet.sh, independent of goabi.

  fleet_oracle.py truth REGISTRY OUT.json [PREFIX]
      What the registry itself says (distribution API over urllib):
      /v2/_catalog, /v2/REPO/tags/list, each tag's manifest (its
      Docker-Content-Digest, and the sha256 of the bytes, which must agree),
      an index expanded into its platforms. Writes {digest: {"refs": [...],
      "platform": ...}} for the repositories starting with PREFIX.
  fleet_oracle.py shard DIGEST N    the shard (1-based) docs/fleet.md assigns
  fleet_oracle.py cache-verify DIR  checks every cache entry: header names the
      layer digest of its file name, and the sha256 of the bytes after the
      512-byte header is the header's content digest; a fact entry
      (goabi-facts-v1/ALG/HEX.VARIANT) also names its variant, and its
      content is JSON naming the same layer and variant. Prints
      "VERIFIED TEMPFILES BAD FACTS" (FACTS: the fact entries among the
      verified) and one line per bad entry.
  fleet_oracle.py elf-pairs REGISTRY LINES.jsonl [PATHS.json]
      For the images LINES.jsonl says were read: their manifests and layer
      blobs from the registry (by digest), each distinct blob read once
      with Python's tarfile, whiteouts applied in layer order. Prints
      "PAIRS PERIMAGE": the distinct (layer digest, path) pairs of the ELF
      files (first bytes \x7fELF) of the images' final trees (a hard link to
      an earlier layer's file counts once per image), and the ELF files of
      all images summed (what inspecting each image on its own costs).
      PATHS.json gets {digest: [ELF paths of its final tree, sorted]}.
"""
import hashlib
import json
import os
import sys
import http.client
import socket
import urllib.parse

ACCEPT = ("application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
          "application/vnd.docker.distribution.manifest.list.v2+json, "
          "application/vnd.docker.distribution.manifest.v2+json")


CONN = {}


class NotFound(Exception):
    pass


def get(url):
    """GET over one kept-alive connection per host (urllib opens one per request)."""
    u = urllib.parse.urlparse(url)
    c = CONN.get(u.netloc)
    if c is None:
        c = CONN[u.netloc] = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        c.connect()
        c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.request("GET", u.path + ("?" + u.query if u.query else ""), headers={"Accept": ACCEPT})
    r = c.getresponse()
    body = r.read()
    if r.status == 404:
        raise NotFound(url)
    assert r.status == 200, (url, r.status)
    return r.headers, body


def truth(reg, out, prefix=""):
    base = "http://" + reg
    _, b = get(base + "/v2/_catalog?n=1000")
    res = {}
    for repo in json.loads(b)["repositories"]:
        if not repo.startswith(prefix):
            continue
        try:
            _, b = get(base + "/v2/%s/tags/list" % repo)
        except NotFound:
            continue
        for tag in json.loads(b).get("tags") or []:
            h, body = get(base + "/v2/%s/manifests/%s" % (repo, tag))
            d = "sha256:" + hashlib.sha256(body).hexdigest()
            assert h["Docker-Content-Digest"] == d, (repo, tag)
            m = json.loads(body)
            ref = "%s/%s:%s" % (reg, repo, tag)
            if "manifests" in m:
                for c in m["manifests"]:
                    p = c["platform"]
                    plat = p["os"] + "/" + p["architecture"] + ("/" + p["variant"] if p.get("variant") else "")
                    e = res.setdefault(c["digest"], {"refs": [], "platform": plat})
                    e["refs"].append(ref)
            else:
                e = res.setdefault(d, {"refs": [], "platform": None})
                e["refs"].append(ref)
    for e in res.values():
        e["refs"].sort()
    with open(out, "w") as f:
        json.dump(res, f, indent=1, sort_keys=True)


def cache_verify(d):
    ok = tmp = facts = 0
    bad = []
    for root, _, files in os.walk(d):
        for fn in files:
            p = os.path.join(root, fn)
            if fn.startswith(".tmp-"):
                tmp += 1
                continue
            alg = os.path.basename(root)
            with open(p, "rb") as f:
                data = f.read()
            hdr = data[:512].decode("latin-1").split("\n")
            content = "sha256:" + hashlib.sha256(data[512:]).hexdigest()
            if "/goabi-facts-v1/" in p:
                # a fact entry: HEX.VARIANT, header names both, content JSON for that layer
                hexd, _, variant = fn.partition(".")
                good = (len(data) > 512 and hdr[0] == "goabi-fact-cache 1" and hdr[1] == "layer %s:%s" % (alg, hexd)
                        and hdr[2] == "facts " + variant and hdr[3] == "content " + content)
                if good:
                    try:
                        j = json.loads(data[512:])
                        good = j["layer"] == "%s:%s" % (alg, hexd) and j["variant"] == variant and len(j["files"]) > 0
                    except (ValueError, KeyError):
                        good = False
                facts += good
            else:
                good = (len(data) > 512 and hdr[0] == "goabi-layer-cache 1" and hdr[1] == "layer %s:%s" % (alg, fn)
                        and hdr[2] == "content " + content)
            if good:
                ok += 1
            else:
                bad.append(p)
    print(ok, tmp, len(bad), facts)
    for b in bad:
        print(b)


def norm(name):
    parts = [x for x in name.split("/") if x not in ("", ".")]
    return "/" + "/".join(parts)


def elf_pairs(reg, lines, paths_out=None):
    import io
    import tarfile
    base = "http://" + reg
    blobs = {}  # layer digest -> {path: ("reg"|"wh"|"opq"|"other", elf?, hard link target or None)}

    def layer(repo, d):
        if d in blobs:
            return blobs[d]
        _, b = get("%s/v2/%s/blobs/%s" % (base, repo, d))
        assert "sha256:" + hashlib.sha256(b).hexdigest() == d, d
        ent = []
        with tarfile.open(fileobj=io.BytesIO(b), mode="r:*") as t:
            for m in t.getmembers():
                p = norm(m.name)
                bn = p.rsplit("/", 1)[1]
                if bn == ".wh..wh..opq":
                    ent.append((p.rsplit("/", 1)[0] or "/", "opq", False, None))
                elif bn.startswith(".wh."):
                    ent.append((p.rsplit("/", 1)[0] + "/" + bn[4:], "wh", False, None))
                elif m.isfile():
                    ent.append((p, "reg", t.extractfile(m).read(4) == b"\x7fELF", None))
                elif m.islnk():
                    ent.append((p, "lnk", False, norm(m.linkname)))
                elif m.isdir():
                    ent.append((p, "dir", False, None))
                else:
                    ent.append((p, "other", False, None))
        blobs[d] = ent
        return ent

    pairs, perimage, paths = set(), 0, {}
    for l in open(lines):
        o = json.loads(l)
        if o.get("status") != "read":
            continue
        repo = o["references"][0].split("/", 1)[1].rsplit("@", 1)[0].rsplit(":", 1)[0]
        _, mb = get("%s/v2/%s/manifests/%s" % (base, repo, o["digest"]))
        tree = {}  # path -> (layer index, layer digest, elf, lower)
        for li, ld in enumerate(x["digest"] for x in json.loads(mb)["layers"]):
            for p, kind, elf, target in layer(repo, ld):
                if kind == "opq":
                    for q in [q for q in tree if q.startswith(p.rstrip("/") + "/") and tree[q][0] < li]:
                        del tree[q]
                    continue
                tree.pop(p, None)
                if kind != "dir" and li > 0:  # a file over a lower directory hides its contents
                    for q in [q for q in tree if q.startswith(p + "/")]:
                        del tree[q]
                if kind == "reg":
                    tree[p] = (li, ld, elf, False)
                elif kind == "lnk" and target in tree:
                    t = tree[target]
                    tree[p] = (li, ld, t[2], t[3] or t[0] != li)
        paths[o["digest"]] = sorted(p for p, t in tree.items() if t[2])
        for p, (li, ld, elf, lower) in tree.items():
            if elf:
                perimage += 1
                pairs.add((ld, p) if not lower else (o["digest"], ld, p))
    print(len(pairs), perimage)
    if paths_out:
        with open(paths_out, "w") as f:
            json.dump(paths, f)


if sys.argv[1] == "elf-pairs":
    elf_pairs(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
elif sys.argv[1] == "truth":
    truth(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "")
elif sys.argv[1] == "shard":
    print(int(sys.argv[2].split(":")[1][:16], 16) % int(sys.argv[3]) + 1)
elif sys.argv[1] == "cache-verify":
    cache_verify(sys.argv[2])
