#!/usr/bin/env python3
"""Every TF1 name the tables rename, used both ways (`tf.a.b.c` and `from tensorflow.a.b import
c`), migrated by `apply` under each strategy: the output must not name anything that the
recorded TensorFlow 2.21 API lacks and the input did not already name.

    written_names_check.py BINARY [--api-dir tools/api] [--keep DIR] [-v]

The two input files are made from core/src/rules/data/renames.tsv (one line a key), copied,
migrated with `apply` (safe fixes only, then with --unsafe, under the strategies upgrade,
native and compat) and checked with tools/api_check.py against tools/api/tensorflow-2.21.0.txt.
A name that fails in the output but not in the input is one the tool wrote: a failure. Under
the compat strategy a kept name moves under tf.compat.v1 with its module's alias; where the
targeted release removed it there too, `check` reports it (removed-api): not counted. Exit 1 on
any failure. Python standard library only.
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


def write_inputs(folder: str) -> int:
    """The two files using every renamed key; returns the number of keys."""
    keys = [r[0] for r in table_rows("renames.tsv") if r[0].startswith("tf.")]
    uses = ["import tensorflow as tf", ""] + [f"a{i} = {k}" for i, k in enumerate(keys)]
    froms = []
    for i, k in enumerate(keys):
        module, _, name = k.rpartition(".")
        froms.append(f"from tensorflow{module[2:]} import {name} as f{i}")
    with open(os.path.join(folder, "attribute_uses.py"), "w", encoding="utf-8") as f:
        f.write("\n".join(uses) + "\n")
    with open(os.path.join(folder, "from_imports.py"), "w", encoding="utf-8") as f:
        f.write("\n".join(froms) + "\n")
    return len(keys)


def unresolved(tree: str, apis) -> set[tuple[str, str]]:
    return {(f["kind"], f["name"]) for f in api_check.check_tree(tree, apis)["findings"]}


def removed_under_v1(name: str, removed: dict[str, str]) -> bool:
    """Whether `name` (tf.compat.v1....) is under a prefix the removed table lists for <= 2.21."""
    parts = name.split(".")
    return any(".".join(parts[:n]) in removed for n in range(len(parts), 0, -1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--api-dir", default=os.path.join(HERE, "api"))
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
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
            new = sorted(n for n in unresolved(out, apis) - before
                         if not (compat and n[1].startswith("tf.compat.v1.") and removed_under_v1(n[1], removed)))
            for kind, name in new:
                print(f"FAIL {label}: the output names `{name}` ({kind}), which TensorFlow 2.21 lacks")
            failures += len(new)
            if args.verbose:
                print(f"{label}: {len(new)} new unresolved names")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{keys} renamed keys x 2 spellings x {len(VARIANTS)} variants: {failures} failing")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
