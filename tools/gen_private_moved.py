#!/usr/bin/env python3
"""Generate private_moved.tsv: members of TensorFlow's private modules (`tensorflow.python.*`)
that TF1-era code imports and that the TensorFlow of today no longer has there, each mapped to
the public name of the same object.  `from tensorflow.python.framework import ops` then
`ops.Tensor`, `array_ops.stack`, `control_flow_ops.cond` worked on TensorFlow 1.x and fail on
2.21 (the objects moved to other private modules in 2.14-2.16); their public names did not move.

    PY_OLD/bin/python tools/gen_private_moved.py --out core/src/rules/data --now PY221/bin/python

PY_OLD: the oldest TensorFlow that installs here (2.13: the last before those moves; Python
3.11 wheels exist).  PY221: TensorFlow 2.21.  Both are imported in fresh interpreters
(`--dump`, `--check`); this script needs nothing else.

Rows: every public member of a loaded `tensorflow.python.*` module of PY_OLD (no `_` segment)
that carries tf_export metadata (`_tf_api_names`, `_tf_api_names_v1`), which PY221 no longer
has at that path, and whose replacement PY221 has.  Replacement: the object's TF1 public name
where TensorFlow 2 exports it under the same name (`tf.stack`, `tf.Tensor`), else another TF2
name of the same object, else its `tf.compat.v1` name (`control_flow_ops.cond` was the v1 cond:
`tf.compat.v1.cond`).  Keys covered by the curated private.tsv are left to it.

Output: sorted, no dates.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

GENERATOR = "tools/gen_private_moved.py"


def quiet():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import warnings
    warnings.filterwarnings("ignore")


def dump(path):
    """Under the old TensorFlow: {private path: [v2 names, v1 names]} and the version."""
    quiet()
    import types
    import tensorflow as tf
    from tensorflow.python.util import tf_decorator
    out = {}
    for name in sorted(m for m in list(sys.modules) if m.startswith("tensorflow.python.")):
        mod = sys.modules.get(name)
        if mod is None or any(p.startswith("_") for p in name.split(".")):
            continue
        for attr, obj in sorted(vars(mod).items()):
            if attr.startswith("_") or isinstance(obj, types.ModuleType):
                continue
            try:
                target = tf_decorator.unwrap(obj)[1]
                own = vars(target) if hasattr(target, "__dict__") else {}
            except Exception:
                continue
            v2 = list(own.get("_tf_api_names", ()) or ())
            v1 = list(own.get("_tf_api_names_v1", ()) or ())
            if v2 or v1:
                out["tf" + name[len("tensorflow"):] + "." + attr] = [v2, v1]
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"tensorflow": tf.__version__, "members": out}, f)


def check(inp, path):
    """Under today's TensorFlow: which private paths still resolve, which public names exist."""
    quiet()
    import importlib
    import tensorflow as tf
    with open(inp, encoding="utf-8") as f:
        asked = json.load(f)

    def resolves(dotted):
        parts = dotted.split(".")
        for i in range(len(parts) - 1, 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:i]))
            except Exception:
                continue
            try:
                for p in parts[i:]:
                    obj = getattr(obj, p)
                return True
            except Exception:
                return False
        return False

    def public(name):
        obj = tf
        try:
            for p in name.split(".")[1:]:
                obj = getattr(obj, p)
            return True
        except Exception:
            return False

    result = {
        "tensorflow": tf.__version__,
        "private": {k: resolves("tensorflow" + k[2:]) for k in asked["private"]},
        "public": {k: public(k) for k in asked["public"]},
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(result, f)


def run(python, args):
    subprocess.run([python, os.path.abspath(__file__)] + args, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def replacement(v2, v1):
    """The public names to try, best first (tf.* spelling)."""
    usable = lambda names: [n for n in names if not n.startswith(("raw_ops.", "compat.", "__internal__"))]
    v2, v1 = usable(v2), usable(v1)
    same = [n for n in v1 if n in v2]
    out = ["tf." + n for n in same + v2]
    out += ["tf.compat.v1." + n for n in v1]
    return list(dict.fromkeys(out))


def curated_keys(out_dir):
    with open(os.path.join(out_dir, "private.tsv"), encoding="utf-8") as f:
        return [line.split("\t")[0] for line in f if line.strip() and not line.startswith("#")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", help="core/src/rules/data (reads private.tsv, writes private_moved.tsv)")
    ap.add_argument("--now", help="interpreter of today's TensorFlow (2.21)")
    ap.add_argument("--dump", metavar="FILE", help=argparse.SUPPRESS)
    ap.add_argument("--check", nargs=2, metavar=("IN", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.dump:
        return dump(args.dump)
    if args.check:
        return check(*args.check)
    if not (args.out and args.now):
        ap.error("--out and --now are required")
    with tempfile.TemporaryDirectory() as tmp:
        old_path, ask, now_path = (os.path.join(tmp, n) for n in ("old.json", "ask.json", "now.json"))
        run(sys.executable, ["--dump", old_path])
        with open(old_path, encoding="utf-8") as f:
            old = json.load(f)
        curated = curated_keys(args.out)
        members = {k: v for k, v in old["members"].items()
                   if not any(k == c or k.startswith(c + ".") for c in curated)}
        wanted = sorted({n for v2, v1 in members.values() for n in replacement(v2, v1)})
        with open(ask, "w", encoding="utf-8") as f:
            json.dump({"private": sorted(members), "public": wanted}, f)
        run(args.now, ["--check", ask, now_path])
        with open(now_path, encoding="utf-8") as f:
            now = json.load(f)
    rows = []
    for key, (v2, v1) in sorted(members.items()):
        if now["private"][key]:
            continue
        target = next((n for n in replacement(v2, v1) if now["public"][n]), None)
        if target is None:
            continue
        why = "gone from this private module by TensorFlow %s; the public %s is the same object (TensorFlow %s)" % (
            now["tensorflow"], target, old["tensorflow"])
        rows.append((key, target, why))
    path = os.path.join(args.out, "private_moved.tsv")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# table: private_moved\n")
        f.write("# columns: member of a private TensorFlow module (tf.python... spelling), its public"
                " name, why\n")
        f.write("# source: generated by %s from tf_export metadata of tensorflow %s (members of its loaded"
                " private modules) and what tensorflow %s still has\n" % (GENERATOR, old["tensorflow"], now["tensorflow"]))
        f.write("# rows: %d\n" % len(rows))
        for row in rows:
            f.write("\t".join(row) + "\n")
    print("gen_private_moved: %d rows (of %d exported private members) -> %s" % (len(rows), len(members), path))


if __name__ == "__main__":
    main()
