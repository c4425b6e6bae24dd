"""Compare `goabi image --json -v` of schema 1 (OLD.json, a goabi before
issue 21) with schema 2 (NEW.json) of the same image: every binary's
verdict, reason, problems, notes, needed, resolved, interpreter, libc,
linkage, machine, Go facts, ISA levels and version definitions, the image's
C libraries, loaders, counts and Go inventory. Prints each difference and
"binaries N differences D".
    python3 tests/cli/image-v1v2-compare.py OLD.json NEW.json
"""
import json, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import image_v2
old = json.load(open(sys.argv[1])); new = image_v2.load(sys.argv[2])
W = {"ok": "will start", "may fail at run time": "may fail"}
ob = {b["path"]: b for b in old["binaries"]}; nb = {b["path"]: b for b in new["binaries"]}
diff = 0
for p, b in ob.items():
    n = nb.get(p)
    if not n: print("missing", p); diff += 1; continue
    checks = [("verdict", W.get(b["verdict"], b["verdict"]), n["verdict"]), ("reason", b["reason"], n.get("reason")),
              ("problems", b["problems"], n["problems"]), ("notes", b["notes"], n["notes"]),
              ("needed", b["needed"], n.get("needed")), ("resolved", b["resolved"], n.get("resolved")),
              ("interp", b["interp"], n.get("interp")), ("libc", b["libc"], n.get("libc")), ("linkage", b["linkage"], n.get("linkage")),
              ("machine", b["machine"], n.get("machine")), ("executable", b["executable"], n["executable"]),
              ("go", b.get("go"), n.get("go")), ("isa", (b["isa_declared"], b["isa_required"]), (n.get("isa_declared"), n.get("isa_required"))),
              ("verdef", b.get("version_definitions"), n.get("version_definitions") or None)]
    for k, x, y in checks:
        if x != y and not (x in ([], None) and y in ([], None)):
            print(p, k, repr(x)[:150], "|", repr(y)[:150]); diff += 1
if old["libc"] != new["libc"]: print("libc differs"); diff += 1
if old["loaders"] != new["loaders"]: print("loaders differ", old["loaders"], new["loaders"]); diff += 1
so = old["summary"]; sn = new["summary"]
if so["go"] != sn["go"] or so["by_libc"] != sn["by_libc"] or (so["ok"], so["may_fail"], so["will_not_start"]) != (sn["will_start"], sn["may_fail"], sn["will_not_start"]):
    print("summary differs", so, sn); diff += 1
print("binaries", len(ob), "differences", diff)
