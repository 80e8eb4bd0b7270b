#!/usr/bin/env python3
"""Compare tf2-migrate's syntax verdicts with CPython's, file by file, on real and broken code.

    syntax_agreement.py BINARY TREE [TREE ...] [--mutants N] [--seed S] [--stage parse|compile] [--crlf]

tree-sitter-python accepts some code that CPython rejects (Python 2 forms, `async` as a name,
line ends it skips, `x as y` in an expression...). The tool must report such files as broken,
or `apply` writes "migrated" code that cannot run, and it must not report files CPython accepts.

For every `*.py` under the TREEs, CPython's verdict (`ast.parse`, or `compile` with
`--stage compile`, which also rejects a repeated keyword argument, `return` outside a function...)
is compared with `check --format json --no-cache --no-ignore`: a file counts as flagged when it
has a `syntax-error` or `python2-syntax` finding. Files `check` says nothing about (no TensorFlow
or Keras in them) are left out.

`--mutants N` adds N broken copies of randomly chosen files (a line deleted, joined to the next,
duplicated; a character dropped; a token inserted; the file cut short), written to a temporary
folder that is removed at the end (`--keep DIR` writes them there instead). The mutants are
derived from the TREEs' files: do not commit them.

`--crlf` also checks a copy of every file (mutants included) with CRLF line ends, as written on
Windows (tree-sitter's comments take the `\r` into their text; CPython reads `\r\n` as one line end).

Prints the counts, then each disagreement: MISS (CPython rejects, the tool does not flag) and
FLAG (the tool flags, CPython accepts). Exit status 1 if there is any.
"""

import argparse
import ast
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import warnings

FLAGGING_RULES = {"syntax-error", "python2-syntax"}
TOKENS = ["(", ")", ":", ",", "=", " as x", " lambda", "\\", "[", "]", " if", " else", '"', "'''",
          " not", ";", " async", "\t", "  "]


def python_files(roots):
    out = []
    for root in roots:
        for dirpath, _, names in os.walk(root):
            out += [os.path.join(dirpath, n) for n in names if n.endswith(".py")]
    return sorted(out)


def mutate(text, rng):
    lines = text.split("\n")
    k = rng.randrange(len(lines))
    op = rng.randrange(6)
    if op == 0:
        del lines[k]
    elif op == 1 and k + 1 < len(lines):
        lines[k] = lines[k] + " " + lines.pop(k + 1).lstrip()
    elif op == 2 and lines[k]:
        j = rng.randrange(len(lines[k]) + 1)
        lines[k] = lines[k][:j] + rng.choice(TOKENS) + lines[k][j:]
    elif op == 3 and lines[k]:
        j = rng.randrange(len(lines[k]))
        lines[k] = lines[k][:j] + lines[k][j + 1:]
    elif op == 4:
        lines.insert(k, lines[k])
    else:
        whole = "\n".join(lines)
        return whole[: rng.randrange(len(whole) + 1)]
    return "\n".join(lines)


def cpython_accepts(data, stage):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if stage == "compile":
                compile(data, "<file>", "exec")
            else:
                ast.parse(data)
            return True, ""
        except (SyntaxError, ValueError) as e:
            return False, f"{type(e).__name__}: {e}"


def flagged_files(binary, roots):
    run = subprocess.run(
        [binary, "check", "--no-cache", "--no-ignore", "--format", "json", *roots],
        capture_output=True,
        text=True,
    )
    # Exit 2 also when some file could not be read (an undecodable mutant): the report is there.
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        sys.exit(f"{binary} check failed ({run.returncode}): {run.stderr.strip()}")
    return {
        os.path.realpath(f["path"]): bool({x["rule"] for x in f["findings"]} & FLAGGING_RULES)
        for f in report["files"]
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("trees", nargs="+")
    ap.add_argument("--mutants", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stage", choices=["parse", "compile"], default="parse")
    ap.add_argument("--keep", help="write the mutants here (kept) instead of a temporary folder")
    ap.add_argument("--crlf", action="store_true", help="also every file with CRLF line ends")
    args = ap.parse_args()

    roots = list(args.trees)
    work = None
    if args.mutants or args.crlf:
        work = args.keep or tempfile.mkdtemp(prefix="tf2m-mutants.")
        os.makedirs(work, exist_ok=True)
    if args.mutants:
        rng = random.Random(args.seed)
        sources = python_files(args.trees)
        for n in range(args.mutants):
            with open(rng.choice(sources), encoding="utf-8", errors="replace") as f:
                text = f.read()
            with open(os.path.join(work, f"mutant_{n}.py"), "w", encoding="utf-8") as f:
                f.write(mutate(text, rng))
    if args.crlf:
        for n, path in enumerate(python_files(roots + ([work] if args.mutants else []))):
            with open(path, "rb") as f:
                data = f.read()
            crlf = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            with open(os.path.join(work, f"crlf_{n}_{os.path.basename(path)}"), "wb") as f:
                f.write(crlf)
    if work:
        roots.append(work)
    try:
        flagged = flagged_files(args.binary, roots)
        miss, extra, looked = [], [], 0
        for path in python_files(roots):
            ours = flagged.get(os.path.realpath(path))
            if ours is None:
                continue
            looked += 1
            with open(path, "rb") as f:
                ok, why = cpython_accepts(f.read(), args.stage)
            if not ok and not ours:
                miss.append((path, why))
            elif ok and ours:
                extra.append(path)
        print(f"files looked at: {looked}; CPython ({args.stage}) rejects, not flagged: {len(miss)}; "
              f"flagged, CPython accepts: {len(extra)}")
        for path, why in miss:
            print(f"MISS {path}: {why}")
        for path in extra:
            print(f"FLAG {path}")
        return 1 if miss or extra else 0
    finally:
        if work and not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
