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
      512-byte header is the header's content digest. Prints
      "VERIFIED TEMPFILES BAD" and one line per bad entry.
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
    ok = tmp = 0
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
            if (len(data) > 512 and hdr[0] == "goabi-layer-cache 1" and hdr[1] == "layer %s:%s" % (alg, fn)
                    and hdr[2] == "content " + content):
                ok += 1
            else:
                bad.append(p)
    print(ok, tmp, len(bad))
    for b in bad:
        print(b)


if sys.argv[1] == "truth":
    truth(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "")
elif sys.argv[1] == "shard":
    print(int(sys.argv[2].split(":")[1][:16], 16) % int(sys.argv[3]) + 1)
elif sys.argv[1] == "cache-verify":
    cache_verify(sys.argv[2])
