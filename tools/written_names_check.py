#!/usr/bin/env python3
"""Every name the tables rewrite, used both ways (`tf.a.b.c` and `from tensorflow.a.b import
c`), migrated by `apply` under each strategy: the output must not name anything that the
recorded TensorFlow 2.21 API lacks and the input did not already name.

    written_names_check.py BINARY [--known FILE] [--api-dir tools/api] [--keep DIR] [-v]

Per table (renames, contrib, private, private_moved: `tf.` keys; keras_modules, keras_aliases: `keras.` keys
that have an equivalent), one file uses every key as an attribute chain and one imports each
from its parent module. Copies are migrated with `apply` (safe fixes only, then with --unsafe,
under the strategies upgrade, native and compat) and checked with tools/api_check.py against
tools/api (TensorFlow 2.21.0, Keras 3, tf_keras...). A name that fails in the output, and
failed in the input under none of its spellings (a kept `keras.x` may become `tf_keras.x`, a
kept `tf.x` `tf.compat.v1.x`), is one the tool wrote: a failure. Under the compat strategy a
kept name that the targeted release removed from tf.compat.v1 too is reported by `check`
(removed-api): not counted. Exit 1 on any failure not listed in --known
(tests/written_names_known.txt, which the test passes), and on a listed one that no longer
fails. Python standard library only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import api_check  # noqa: E402

ROOT = os.path.dirname(HERE)
VARIANTS = [[], ["--unsafe"], ["--unsafe", "--strategy", "native"], ["--unsafe", "--strategy", "compat"]]


def table_rows(name: str) -> list[list[str]]:
    path = os.path.join(ROOT, "core", "src", "rules", "data", name)
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip() and not line.startswith("#")]


# The tables whose keys are names the rules rewrite: (file, root module as written in code).
TABLES = [("renames.tsv", "tensorflow"), ("contrib.tsv", "tensorflow"), ("private.tsv", "tensorflow"),
          ("private_moved.tsv", "tensorflow"), ("keras_modules.tsv", "keras"), ("keras_aliases.tsv", "keras")]


def write_inputs(folder: str) -> int:
    """Per table, a file using every key as an attribute chain and one importing each key from
    its parent module; returns the number of keys."""
    total = 0
    for table, package in TABLES:
        prefix = "tf." if package == "tensorflow" else "keras."
        # A Keras path with no equivalent (`-`) writes nothing: it is a manual item.
        keys = [r[0] for r in table_rows(table) if r[0].startswith(prefix) and r[1:2] != ["-"]]
        alias = "tf" if package == "tensorflow" else "keras"
        head = "import tensorflow as tf" if package == "tensorflow" else "import keras"
        uses = [head, ""] + [f"a{i} = {alias}{k[len(prefix) - 1:]}" for i, k in enumerate(keys)]
        froms = []
        for i, k in enumerate(keys):
            module, _, name = k.rpartition(".")
            froms.append(f"from {package}{module[len(prefix) - 1:]} import {name} as f{i}")
        stem = table.removesuffix(".tsv")
        with open(os.path.join(folder, f"{stem}_attributes.py"), "w", encoding="utf-8") as f:
            f.write("\n".join(uses) + "\n")
        # Both files are scripts (program entry points): the imports alone would be a library
        # module's re-export shim, where process-wide switches are the entry point's duty.
        with open(os.path.join(folder, f"{stem}_from_imports.py"), "w", encoding="utf-8") as f:
            f.write("\n".join(froms) + "\nprint(len(dir()))\n")
        total += len(keys)
    return total


def unresolved(tree: str, apis) -> set[tuple[str, str]]:
    return {(f["kind"], f["name"]) for f in api_check.check_tree(tree, apis)["findings"]}


def spellings(name: str) -> set[str]:
    """The names a kept input name can have in the output once its module's import is rewritten:
    standalone `keras.x` as `tf_keras.x` or `tf.keras.x`, `tf.x` as `tf.compat.v1.x`."""
    out = {name}
    for new, old in (("tf_keras.", "keras."), ("tf.keras.", "keras."), ("tf.compat.v1.", "tf.")):
        if name.startswith(new):
            out.add(old + name[len(new):])
    return out


def removed_under_v1(name: str, removed: dict[str, str]) -> bool:
    """Whether `name` (tf.compat.v1....) is under a prefix the removed table lists for <= 2.21."""
    parts = name.split(".")
    return any(".".join(parts[:n]) in removed for n in range(len(parts), 0, -1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--api-dir", default=os.path.join(HERE, "api"))
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    ap.add_argument("--known", metavar="FILE", help="known failures: lines of variant<TAB>name prefix")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    apis = api_check.Apis(args.api_dir, "2.21.0")
    removed = {r[0]: r[1] for r in table_rows("removed.tsv")}
    work = args.keep or tempfile.mkdtemp(prefix="tf2m-written-")
    os.makedirs(work, exist_ok=True)
    source = os.path.join(work, "in")
    shutil.rmtree(source, ignore_errors=True)
    os.makedirs(source)
    keys = write_inputs(source)
    before = unresolved(source, apis)
    known = []
    if args.known:
        with open(args.known, encoding="utf-8") as f:
            known = [tuple(line.rstrip("\n").split("\t", 1)) for line in f if line.strip() and not line.startswith("#")]
    covered = set()
    failures = 0
    try:
        for flags in VARIANTS:
            label = " ".join(flags) or "(safe fixes)"
            out = os.path.join(work, "out-" + ("-".join(f.lstrip("-") for f in flags) or "safe"))
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(source, out)
            run = subprocess.run([args.binary, "apply", "-q"] + flags + [out], capture_output=True, timeout=600)
            if run.returncode != 0:
                print(f"FAIL {label}: apply exited {run.returncode}: {run.stderr.decode(errors='replace')[:500]}")
                failures += 1
                continue
            compat = "compat" in flags
            new = sorted(n for n in unresolved(out, apis)
                         if not any((n[0], s) in before for s in spellings(n[1]))
                         and not (compat and n[1].startswith("tf.compat.v1.") and removed_under_v1(n[1], removed)))
            for kind, name in new:
                hits = [k for k in known if k[0] == label and (name == k[1] or name.startswith(k[1] + "."))]
                covered.update(hits)
                if not hits:
                    print(f"FAIL {label}: the output names `{name}` ({kind}), which TensorFlow 2.21 lacks")
                    failures += 1
            if args.verbose:
                print(f"{label}: {len(new)} new unresolved names")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    for k in known:
        if k not in covered:
            print(f"FAIL known failure no longer found (delete its line): {k[0]}\t{k[1]}")
            failures += 1
    print(f"{keys} table keys x 2 spellings x {len(VARIANTS)} variants: {failures} failing")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
