#!/usr/bin/env python3
"""Fill a registry with a fleet of images for tests/cli/t-fleet.sh.

usage: mkfleet.py REGISTRY(127.0.0.1:PORT) FIXTURE-IMAGE-DIR NIMAGES OUT.json

Images are built from a few shared base layers (the fixture root trees
glibc, oldglibc, musl, scratch of tests/fixtures/build-image.sh, each one
uncompressed tar layer) and one small layer of their own (/etc/fleet-id),
pushed with the distribution API (monolithic blob uploads, cross-repository
mounts for the bases, OCI manifests). Every image has a tag v<i>; every
third one also alias<i> (two tags, one digest). Also: fleet/multi:1, an
index with linux/amd64 and linux/arm64; fleet/broken:1, an image whose own
layer the test corrupts in the registry's storage afterwards. OUT.json
records what was pushed (digests computed here from the bytes sent)."""
import hashlib
import http.client
import io
import json
import os
import sys
import tarfile

REG, FIX, N, OUT = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
host, port = REG.split(":")
conn = http.client.HTTPConnection(host, int(port), timeout=60)
conn.connect()
import socket
conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms Nagle/delayed-ACK stall per request


def req(method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    return r.status, r.headers, data


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


pushed = {}  # (repo, digest)


def push_blob(repo, data, mount_from=None):
    d = sha(data)
    if (repo, d) in pushed:
        return d
    if mount_from:
        st, h, _ = req("POST", "/v2/%s/blobs/uploads/?mount=%s&from=%s" % (repo, d, mount_from),
                       headers={"Content-Length": "0"})
        if st == 201:
            pushed[(repo, d)] = True
            return d
    else:
        st, h, _ = req("POST", "/v2/%s/blobs/uploads/" % repo, headers={"Content-Length": "0"})
    assert st == 202, (st, repo)
    loc = h["Location"]
    if loc.startswith("http"):
        loc = "/" + loc.split("/", 3)[3]
    sep = "&" if "?" in loc else "?"
    st, h, body = req("PUT", "%s%sdigest=%s" % (loc, sep, d), body=data,
                      headers={"Content-Type": "application/octet-stream", "Content-Length": str(len(data))})
    assert st == 201, (st, body[:200])
    pushed[(repo, d)] = True
    return d


def tar_of_dir(root):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for dp, dns, fns in os.walk(root):
            dns.sort()
            for name in sorted(dns) + sorted(fns):
                p = os.path.join(dp, name)
                ti = t.gettarinfo(p, arcname=os.path.relpath(p, root))
                ti.uid = ti.gid = 0
                ti.uname = ti.gname = "root"
                ti.mtime = 0
                if ti.isreg():
                    with open(p, "rb") as f:
                        t.addfile(ti, f)
                else:
                    t.addfile(ti)
    return buf.getvalue()


def tar_of_files(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in files:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = 0
            ti.mode = 0o644
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


LAYER = "application/vnd.oci.image.layer.v1.tar"


def push_image(repo, layers, tags, arch="amd64", mount_from=None):
    lds = [push_blob(repo, l, mount_from) for l in layers]
    cfg = json.dumps({"architecture": arch, "os": "linux", "config": {},
                      "rootfs": {"type": "layers", "diff_ids": lds}}, sort_keys=True).encode()
    cd = push_blob(repo, cfg)
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd,
                                 "size": len(cfg)},
                      "layers": [{"mediaType": LAYER, "digest": d, "size": len(l)} for d, l in zip(lds, layers)]},
                     sort_keys=True).encode()
    for t in tags:
        st, h, body = req("PUT", "/v2/%s/manifests/%s" % (repo, t), body=man,
                          headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
        assert st == 201, (st, body[:300])
    return sha(man), len(man), lds


bases = {}
base_repo = "fleet/base"
for b in ("glibc", "oldglibc", "musl", "scratch"):
    data = tar_of_dir(os.path.join(FIX, b))
    bases[b] = (data, push_blob(base_repo, data))
names = ("glibc", "oldglibc", "musl", "scratch")
out = {"images": [], "bases": {b: bases[b][1] for b in names}}
for i in range(N):
    b = names[i % 4]
    repo = "fleet/r%02d" % (i % 10)
    own = tar_of_files([("etc/fleet-id", b"image %d\n" % i)])
    tags = ["v%d" % i] + (["alias%d" % i] if i % 3 == 0 else [])
    d, _, lds = push_image(repo, [bases[b][0], own], tags, mount_from=base_repo)
    out["images"].append({"repo": repo, "tags": tags, "digest": d, "base": b, "layers": lds})
# a two-platform index
amd, amdlen, amdl = push_image("fleet/multi", [bases["glibc"][0], tar_of_files([("etc/fleet-id", b"multi amd64\n")])],
                               ["amd64-only"], mount_from=base_repo)
arm, armlen, arml = push_image("fleet/multi", [bases["scratch"][0], tar_of_files([("etc/fleet-id", b"multi arm64\n")])],
                               ["arm64-only"], arch="arm64", mount_from=base_repo)
idx = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": amd, "size": amdlen,
     "platform": {"os": "linux", "architecture": "amd64"}},
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": arm, "size": armlen,
     "platform": {"os": "linux", "architecture": "arm64"}}]}, sort_keys=True).encode()
st, h, body = req("PUT", "/v2/fleet/multi/manifests/1", body=idx,
                  headers={"Content-Type": "application/vnd.oci.image.index.v1+json"})
assert st == 201, (st, body)
out["index"] = {"repo": "fleet/multi", "tag": "1", "digest": sha(idx),
                "platforms": {"linux/amd64": amd, "linux/arm64": arm}, "layers": {"linux/amd64": amdl, "linux/arm64": arml}}
# the broken one: its own layer is corrupted by the test in the storage
own = tar_of_files([("etc/fleet-id", b"broken\n" * 64)])
d, _, lds = push_image("fleet/broken", [bases["musl"][0], own], ["1"], mount_from=base_repo)
out["broken"] = {"repo": "fleet/broken", "tag": "1", "digest": d, "blob": lds[1]}
with open(OUT, "w") as f:
    json.dump(out, f, indent=1)
