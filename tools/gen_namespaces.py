#!/usr/bin/env python3
"""Generate namespaces.tsv: the module paths that code reaches as attributes but cannot import
from (`from tensorflow.distribute import MirroredStrategy` and `from
tensorflow_probability.distributions import Normal` fail), each with the importable module
that `from ... import` can use instead, read from the recorded API listings.

    python3 tools/gen_namespaces.py --out core/src/rules/data [--api-dir tools/api]

Sources: every `namespace` line of the TensorFlow 2.21 listing (tf.keras is Keras 3) and of
the TensorFlow Probability, tf_keras and tf-slim listings.  Left out: namespaces that are
importable modules in the legacy-Keras TensorFlow listing (tf.compat.v1.keras.*: they depend
on TF_USE_LEGACY_KERAS, which the legacy-keras rule handles).

The replacement of a namespace is its real module (`__name__`, recorded on its line) when that
module is importable and public:
  * listed as an importable `module` of the same listing (any spelling of it), or a module of
    the Python standard library that this interpreter can find (unittest.mock);
  * not private: no `tensorflow.python.`, `tensorflow._api` or `_name` segment
    (tf.compat.v1.flags is tensorflow.python.platform.flags: `-`).
Otherwise `-`: no `from <namespace> import` spelling works, the engine writes attribute
chains only (`tf.distribute.MirroredStrategy`) and gives guidance for from-imports.

Python 3 standard library only; no TensorFlow needed.  Output: sorted, no dates.
"""

import argparse
import importlib.util
import os
import sys

GENERATOR = "tools/gen_namespaces.py"


def load(path):
    """name -> (kind, extra) and the `# api:` header of a listing."""
    entries, api = {}, ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# api: "):
                api = line[len("# api: "):]
            if line.startswith("#") or not line:
                continue
            parts = line.split("\t")
            entries[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else "")
    return entries, api


def real_name(extra):
    return next((t for t in extra.split(" ") if t and not t.startswith("!")), "")


def qualified(name):
    """`tf.x` -> `tensorflow.x` (listings spell TensorFlow as tf)."""
    return "tensorflow" + name[2:] if name == "tf" or name.startswith("tf.") else name


def canonical(name):
    """`tensorflow.x` -> `tf.x` (the tables' spelling)."""
    if name == "tensorflow" or name.startswith("tensorflow."):
        return "tf" + name[len("tensorflow"):]
    return name


def private(module):
    parts = module.split(".")
    return (module.startswith("tensorflow.python.") or module.startswith("tensorflow._api")
            or any(p.startswith("_") for p in parts))


def stdlib(module):
    top = module.split(".")[0]
    return top in getattr(sys, "stdlib_module_names", ()) and importlib.util.find_spec(module) is not None


def replacement(entries, extra):
    """(replacement or '-', why)."""
    real = real_name(extra)
    if not real:
        return "-", "no importable module object"
    if private(real):
        return "-", f"its module {real} is private"
    importable = {qualified(n) for n, (k, _) in entries.items() if k == "module"}
    importable |= {real_name(e) for n, (k, e) in entries.items() if k == "module" and real_name(e)}
    if real in importable:
        return canonical(real), f"the same module object, importable as {real}"
    if stdlib(real):
        return real, f"the same module object: {real} (Python standard library)"
    return "-", f"its module {real} is not importable"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="directory for namespaces.tsv")
    ap.add_argument("--api-dir", default="tools/api")
    args = ap.parse_args()
    files = sorted(os.listdir(args.api_dir))

    def one(prefix):
        found = [f for f in files if f.startswith(prefix) and f.endswith(".txt")]
        if len(found) != 1:
            sys.exit(f"gen_namespaces: want one {args.api_dir}/{prefix}*.txt, found {found}")
        return os.path.join(args.api_dir, found[0])

    legacy, _ = load(one("tensorflow-2.21.0-legacy-keras"))
    rows, apis = [], []
    for prefix in ("tensorflow-2.21.0.", "tensorflow_probability-", "tf_keras-", "tf_slim-"):
        entries, api = load(one(prefix))
        apis.append(api)
        for name, (kind, extra) in entries.items():
            if kind != "namespace":
                continue
            if legacy.get(name, ("",))[0] == "module":
                continue  # importable with TF_USE_LEGACY_KERAS=1: the legacy-keras rule's
            repl, why = replacement(entries, extra)
            rows.append((name, repl, why))
    rows.sort()
    path = os.path.join(args.out, "namespaces.tsv")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# table: namespaces\n")
        f.write("# columns: module path reachable only as an attribute (tf.* spelling for TensorFlow),"
                " importable module to write in `from ... import` instead (- = none: no from-import"
                " of it is written), why\n")
        f.write(f"# source: generated by {GENERATOR} from the API listings of tools/api ({'; '.join(apis)});"
                " namespaces importable with TF_USE_LEGACY_KERAS=1 left out\n")
        f.write(f"# rows: {len(rows)}\n")
        for row in rows:
            f.write("\t".join(row) + "\n")
    print(f"gen_namespaces: {len(rows)} rows, {sum(r[1] != '-' for r in rows)} with a replacement -> {path}")


if __name__ == "__main__":
    main()
