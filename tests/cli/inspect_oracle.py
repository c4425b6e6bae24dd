#!/usr/bin/env python3
"""Oracle helpers for tests/cli/t-inspect-*.sh: parse the output of
independent tools (go version -m, readelf, nm) and compare it with goabi's
JSON. Each comparison prints "ok - ..." or "not ok - ..." lines.

usage:
  inspect_oracle.py gover NAME GOABI.json GOVERSION-M.txt
      version, path, mod, every dep (with replacements), every build setting
  inspect_oracle.py readelf NAME GOABI.json READELF-H.txt READELF-L.txt READELF-D.txt READELF-V.txt
      class, byte order, machine, type, flags; PT_INTERP; NEEDED/SONAME/
      RPATH/RUNPATH; hash style; required versions per library; GLIBC floor
"""
import json
import re
import sys


def out(ok, desc, why=""):
    print(("ok - %s" % desc) if ok else ("not ok - %s: %s" % (desc, why)))


def go_unquote(s):
    """strconv.Unquote for the double-quoted strings go version -m prints."""
    if len(s) < 2 or s[0] != '"' or s[-1] != '"':
        return s
    body, res, i = s[1:-1], bytearray(), 0
    simple = {"n": b"\n", "t": b"\t", "r": b"\r", "\\": b"\\", '"': b'"',
              "a": b"\a", "b": b"\b", "f": b"\f", "v": b"\v", "'": b"'"}
    while i < len(body):
        c = body[i]
        if c != "\\":
            res += c.encode()
            i += 1
            continue
        e = body[i + 1]
        if e in simple:
            res += simple[e]; i += 2
        elif e == "x":
            res.append(int(body[i + 2:i + 4], 16)); i += 4
        elif e == "u":
            res += chr(int(body[i + 2:i + 6], 16)).encode(); i += 6
        elif e == "U":
            res += chr(int(body[i + 2:i + 10], 16)).encode(); i += 10
        else:  # octal
            res.append(int(body[i + 1:i + 4], 8)); i += 4
    return res.decode("utf-8", "replace")


def parse_gover(text):
    """go version -m output -> dict(version, path, mod, deps, settings)."""
    r = {"version": None, "path": None, "mod": None, "deps": [], "settings": []}
    lines = text.splitlines()
    if not lines:
        return r
    m = re.match(r"^.*: (.*)$", lines[0])
    r["version"] = m.group(1) if m else None
    last = None
    for ln in lines[1:]:
        if not ln.startswith("\t"):
            continue
        f = ln[1:].split("\t")
        kind = f[0]
        mod = lambda f: tuple((f + ["", "", ""])[1:4])
        if kind == "path":
            r["path"] = f[1]
        elif kind == "mod":
            r["mod"] = mod(f); last = None
        elif kind == "dep":
            r["deps"].append([mod(f), None]); last = r["deps"][-1]
        elif kind == "=>":
            if last is not None:
                last[1] = mod(f)
            elif r["mod"] is not None:
                r["mod_repl"] = mod(f)
        elif kind == "build":
            kv = "\t".join(f[1:])
            if kv.startswith('"'):
                # quoted key: find the closing quote
                j = 1
                while kv[j] != '"':
                    j += 2 if kv[j] == "\\" else 1
                key, val = go_unquote(kv[:j + 1]), kv[j + 2:]
            else:
                key, _, val = kv.partition("=")
            r["settings"].append((key, go_unquote(val)))
    return r


def n(s):
    return "" if s is None else s


def cmd_gover(name, jpath, tpath):
    j = json.load(open(jpath))["artifacts"][0]
    g = j["go"]
    o = parse_gover(open(tpath, encoding="utf-8", errors="replace").read())
    out(g["version"]["value"] == o["version"], "%s: go version" % name,
        "goabi %r, go version -m %r" % (g["version"]["value"], o["version"]))
    out(g["path"] == o["path"], "%s: main package path" % name,
        "goabi %r, go version -m %r" % (g["path"], o["path"]))
    gm = g["main"]
    gmt = (n(gm["path"]), n(gm["version"]), n(gm["sum"])) if gm else None
    out(gmt == o["mod"], "%s: main module" % name, "goabi %r, go version -m %r" % (gmt, o["mod"]))
    gd = []
    for d in g["deps"]:
        rp = d.get("replace")
        gd.append([(n(d["path"]), n(d["version"]), n(d["sum"])),
                   (n(rp["path"]), n(rp["version"]), n(rp["sum"])) if rp else None])
    out(gd == o["deps"], "%s: %d dependencies with versions, sums and replacements" % (name, len(o["deps"])),
        "goabi %r, go version -m %r" % (gd, o["deps"]))
    gs = list(g["settings"].items())
    out(gs == o["settings"], "%s: %d build settings (full ordered set)" % (name, len(o["settings"])),
        "goabi %r, go version -m %r" % (gs, o["settings"]))


def cmd_readelf(name, jpath, h, l, d, v):
    j = json.load(open(jpath))["artifacts"][0]
    e, lc = j["elf"], j["libc"]
    H = open(h).read()
    cls = re.search(r"Class:\s+ELF(\d+)", H).group(1)
    out(str(e["class"]) == cls, "%s: ELF class" % name, "goabi %r, readelf %r" % (e["class"], cls))
    endian = "big" if "big endian" in H else "little"
    out(e["byte_order"] == endian, "%s: byte order" % name, "goabi %r, readelf %r" % (e["byte_order"], endian))
    typ = re.search(r"Type:\s+(\w+)", H).group(1)
    out(e["type"] == typ, "%s: ELF type" % name, "goabi %r, readelf %r" % (e["type"], typ))
    flags = int(re.search(r"Flags:\s+(0x[0-9a-f]+)", H).group(1), 16)
    out(e["flags"] == flags, "%s: e_flags" % name, "goabi %#x, readelf %#x" % (e["flags"], flags))
    # machine: readelf prints a name; compare through the numeric e_machine
    mach = re.search(r"Machine:\s+(.*)", H).group(1).strip()
    names = {"Advanced Micro Devices X86-64": 62, "Intel 80386": 3, "AArch64": 183, "IBM S/390": 22,
             "ARM": 40, "PowerPC64": 21, "RISC-V": 243, "MIPS R3000": 8, "LoongArch": 258}
    if mach in names:
        out(e["machine"] == names[mach], "%s: machine" % name, "goabi %r, readelf %r" % (e["machine"], mach))
    else:
        out(False, "%s: machine" % name, "readelf machine %r not in the oracle table" % mach)
    L = open(l).read()
    m = re.search(r"\[Requesting program interpreter: (.*)\]", L)
    interp = m.group(1) if m else None
    out(lc["interp"] == interp, "%s: PT_INTERP" % name, "goabi %r, readelf %r" % (lc["interp"], interp))
    D = open(d).read()
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.*)\]", D)
    out(lc["needed"] == needed, "%s: DT_NEEDED (%d)" % (name, len(needed)), "goabi %r, readelf %r" % (lc["needed"], needed))
    for tag, key in (("SONAME", "soname"), ("RPATH", "rpath"), ("RUNPATH", "runpath")):
        m = re.search(r"\(%s\)\s+\S+ \S+: \[(.*)\]" % tag, D)
        want = m.group(1) if m else None
        out(lc[key] == want, "%s: DT_%s" % (name, tag), "goabi %r, readelf %r" % (lc[key], want))
    has_hash, has_gnu = "(HASH)" in D, "(GNU_HASH)" in D
    if "(NULL)" in D or has_hash or has_gnu:
        want = "both" if has_hash and has_gnu else "gnu" if has_gnu else "sysv" if has_hash else "none"
        got = lc["hash_style"]["value"]
        out(got == want, "%s: hash style" % name, "goabi %r, readelf %r" % (got, want))
    V = open(v).read()
    # readelf -V: Version needs section: "  0x0010: Version: 1  File: libc.so.6  Cnt: 2"
    # followed by "  0x0020:   Name: GLIBC_2.34  Flags: none  Version: 3"
    vn, cur = {}, None
    sec = V.split("Version needs section")[1] if "Version needs section" in V else ""
    for ln in sec.splitlines():
        m = re.search(r"File: (\S+)\s+Cnt:", ln)
        if m:
            cur = m.group(1); vn[cur] = []
            continue
        m = re.search(r"Name: (\S+)\s+Flags:", ln)
        if m and cur:
            vn[cur].append(m.group(1))
    gv = {x["file"]: x["versions"] for x in lc["verneed"]}
    out(gv == vn, "%s: required versions per library (%d libraries)" % (name, len(vn)), "goabi %r, readelf %r" % (gv, vn))
    def vkey(s):
        return [int(x) for x in re.findall(r"\d+", s)]
    for pfx, key in (("GLIBC_", "glibc_floor"), ("GLIBCXX_", "glibcxx_floor"), ("CXXABI_", "cxxabi_floor")):
        allv = [x for vs in vn.values() for x in vs if x.startswith(pfx) and x[len(pfx):len(pfx) + 1].isdigit()]
        want = max(allv, key=vkey) if allv else None
        got = lc[key]["value"]
        out(got == want, "%s: %sx.y floor" % (name, pfx), "goabi %r, readelf -V maximum %r" % (got, want))


if __name__ == "__main__":
    if sys.argv[1] == "gover":
        cmd_gover(*sys.argv[2:5])
    elif sys.argv[1] == "readelf":
        cmd_readelf(*sys.argv[2:9])
    else:
        sys.exit("unknown subcommand")
