#!/usr/bin/env python3
"""Prove that JSON schema 2 lost no fact of schema 1 (docs/json-schema.md,
"Migration from schema 1").

usage: json-migrate.py [--strict-key K]... [--ignore RE]... OLD.json NEW.json

OLD.json is a command's schema-1 document (a goabi built before issue 21),
NEW.json the same command on the same inputs in schema 2. Two checks:

 1. every leaf value of OLD (string, number, boolean, null inside lists or
    objects), keyed by its path with list positions folded, is found in NEW
    under the path the migration moves it to: for --strict-key K (inspect's
    "artifacts" and "errors") the subtree under K must have exactly the same
    (path, value) multiset in both; everything else must appear in NEW as a
    value somewhere (schema 2 turns check-specific detail into "properties"
    and "summary" strings, so a number 3 may be the string "3");
 2. NEW's envelope has the schema-2 keys (tool, version, schema 2, command,
    verdict, verdict_class, exit, summary, errors).

Paths matching an --ignore regular expression are not compared (the
"schema" number itself, which changes by definition). Prints one line per
check, "ok - ..." or "not ok - ...", and a count of facts compared; exits 1
when a check fails."""
import json
import re
import sys
from collections import Counter


def leaves(o, p=""):
    if isinstance(o, dict):
        for k, v in o.items():
            yield from leaves(v, p + "." + k if p else k)
    elif isinstance(o, list):
        for v in o:
            yield from leaves(v, p + "[]")
    else:
        yield p, o


def norm(v):
    """a value as schema 2 may carry it: properties and summary are strings"""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return None
    return str(v)


def main(argv):
    strict, ignore, files = [], [], []
    i = 0
    while i < len(argv):
        if argv[i] == "--strict-key":
            strict.append(argv[i + 1]); i += 2
        elif argv[i] == "--ignore":
            ignore.append(re.compile(argv[i + 1])); i += 2
        else:
            files.append(argv[i]); i += 1
    if len(files) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    old, new = (json.load(open(f, encoding="utf-8")) for f in files)
    ok = True

    def out(good, what, why=""):
        nonlocal ok
        ok = ok and good
        print(("ok - %s" % what) if good else ("not ok - %s: %s" % (what, why)))

    skip = lambda p: any(r.search(p) for r in ignore)
    for k in strict:
        a = Counter((p, json.dumps(v)) for p, v in leaves(old.get(k), k) if not skip(p))
        b = Counter((p, json.dumps(v)) for p, v in leaves(new.get(k), k) if not skip(p))
        lost, added = a - b, b - a
        out(not lost and not added, "%s: the same %d (path, value) facts in schema 1 and 2" % (k, sum(a.values())),
            "lost %s; added %s" % (list(lost.items())[:5], list(added.items())[:5]))
    rest_old = [(p, v) for p, v in leaves({k: v for k, v in old.items() if k not in strict}) if not skip(p)]
    new_values = Counter(norm(v) for _, v in leaves(new))
    missing = [(p, v) for p, v in rest_old if v is not None and norm(v) not in new_values]
    out(not missing, "every other schema-1 value (%d) appears in the schema-2 document" % len(rest_old),
        "missing %s" % missing[:8])
    env = ["tool", "version", "schema", "command", "verdict", "verdict_class", "exit", "summary", "errors"]
    out(all(k in new for k in env) and new.get("schema") == 2 and old.get("schema") == 1,
        "envelope: schema 1 -> 2, keys %s present" % " ".join(env),
        "old schema %r, new schema %r, missing %s" % (old.get("schema"), new.get("schema"), [k for k in env if k not in new]))
    if "exit" in old:
        out(old["exit"] == new.get("exit"), "exit code unchanged (%r)" % old["exit"], "%r -> %r" % (old["exit"], new.get("exit")))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
