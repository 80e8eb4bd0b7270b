#!/usr/bin/env python3
"""Runnability study: do real TF1 tests and scripts run under TensorFlow 2 after migration?

    tools/runnability.py CORPUS_DIR --python TF2_VENV/bin/python [--tfu TF_VENV/bin/tf_upgrade_v2]
                         [--work DIR] [--cases NAME,...] [--timeout 120] [--json OUT]

Every case is a test file or script of one package found under CORPUS_DIR (tensorpack,
tflearn, gpflow, dm-sonnet, baselines as released on PyPI in the TF1 era). For each package a
copy is made per variant, and every case runs from the package root of that copy (with the root
on PYTHONPATH), offline, with a timeout:

  unmigrated   the copy as it is
  ours         `tf2-migrate apply --unsafe` over the whole package copy (default strategy)
  ours-compat  `tf2-migrate apply --unsafe --strategy compat`
  tfu          `tf_upgrade_v2 --intree PKG --outtree COPY` (skipped without --tfu)

Printed: a table of pass/fail per case and variant with the first error line of each failure.
Test dependencies (pytest, scipy, six, tabulate, termcolor, msgpack, tf-slim,
tensorflow-probability, ...) must be installed in the TF2 venv; the script installs nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# name, package folder (a glob under the corpus), argv after the interpreter (run from the
# package root). Chosen because they need no download and run in seconds on random inputs.
PYTEST = ["-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-W", "ignore"]
CASES = [
    ("tflearn/test_objectives", "tflearn-*", PYTEST + ["tests/test_objectives.py"]),
    ("tflearn/test_metrics", "tflearn-*", PYTEST + ["tests/test_metrics.py"]),
    ("tflearn/test_layers", "tflearn-*", PYTEST + ["tests/test_layers.py"]),
    ("tflearn/test_inputs", "tflearn-*", PYTEST + ["tests/test_inputs.py"]),
    ("tflearn/test_helpers", "tflearn-*", PYTEST + ["tests/test_helpers.py"]),
    ("tflearn/test_models", "tflearn-*", PYTEST + ["tests/test_models.py"]),
    ("tensorpack/tfutils.unit_tests", "tensorpack-*", PYTEST + ["tensorpack/tfutils/unit_tests.py"]),
    ("tensorpack/callbacks.param_test", "tensorpack-*", PYTEST + ["tensorpack/callbacks/param_test.py"]),
    ("tensorpack/models._test", "tensorpack-*", ["-m", "tensorpack.models._test"]),
    ("gpflow/test_logdensities", "gpflow-*", PYTEST + ["tests/test_logdensities.py"]),
    ("gpflow/test_transforms", "gpflow-*", PYTEST + ["tests/test_transforms.py"]),
    ("gpflow/test_priors", "gpflow-*", PYTEST + ["tests/test_priors.py"]),
    ("gpflow/test_quadrature", "gpflow-*", PYTEST + ["tests/test_quadrature.py"]),
    ("gpflow/test_param", "gpflow-*", PYTEST + ["tests/test_param.py"]),
    ("sonnet/module_with_build_args", "dm-sonnet-*", ["sonnet/examples/module_with_build_args.py"]),
    ("baselines/distributions", "baselines-*", PYTEST + ["baselines/common/distributions.py"]),
]

VARIANTS = ("unmigrated", "ours", "ours-compat", "tfu")

# --shims: aliases for non-TensorFlow removals (Python 3.10 collections ABCs, NumPy 2 scalar
# aliases, Pillow 10 constants), loaded through sitecustomize, so that those failures do not
# hide what the TensorFlow migration did. Off by default: the honest baseline comes first.
SHIMS = """
import collections, collections.abc
for _n in ("Mapping", "MutableMapping", "Sequence", "Iterable", "Callable", "Set", "Hashable"):
    if not hasattr(collections, _n):
        setattr(collections, _n, getattr(collections.abc, _n))
try:
    import numpy as _np
    for _n, _t in (("float", float), ("int", int), ("bool", bool), ("object", object), ("complex", complex), ("str", str)):
        if _n not in _np.__dict__:
            setattr(_np, _n, _t)
    for _n, _t in (("string_", "bytes_"), ("unicode_", "str_"), ("float_", "float64"), ("complex_", "complex128"), ("NaN", "nan"), ("Inf", "inf")):
        if _n not in _np.__dict__:
            setattr(_np, _n, getattr(_np, _t))
except Exception:
    pass
try:
    from PIL import Image as _Image
    if not hasattr(_Image, "ANTIALIAS"):
        _Image.ANTIALIAS = _Image.LANCZOS
except Exception:
    pass
"""

ERR_RE = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?[A-Za-z_]\w*(?:Error|Exception|Exit|Interrupt|Warning)\b(?::.*)?$")


def first_error(out: str) -> str:
    """The line that says why a run failed: pytest's first `E   ...`, else the last exception
    line of a traceback, else the last non-empty line."""
    lines = out.splitlines()
    for ln in lines:
        if ln.startswith("E   ") and ln[4:].strip():
            return ln[4:].strip()
    for ln in reversed(lines):
        if ERR_RE.match(ln.strip()) and not ln.strip().endswith("Warning"):
            return ln.strip()
    for ln in lines:
        if ln.startswith("ERROR ") or ln.startswith("FAILED "):
            return ln.strip()
    for ln in reversed(lines):
        if ln.strip():
            return ln.strip()
    return "(no output)"


def short(s: str, n: int = 150) -> str:
    s = s.replace("|", "\\|")
    return s if len(s) <= n else s[: n - 1] + "…"


def prepare(variant: str, pkg: Path, dest: Path, a) -> str | None:
    """Make the variant's copy of one package; returns an error text or None."""
    if dest.exists():
        return None
    dest.parent.mkdir(parents=True, exist_ok=True)
    # Build in a side folder and rename at the end, so an interrupted run leaves no half copy.
    part = dest.with_name(dest.name + ".partial")
    shutil.rmtree(part, ignore_errors=True)
    if variant == "tfu":
        p = subprocess.run(
            [str(a.tfu), "--intree", str(pkg), "--outtree", str(part), "--reportfile", str(dest) + ".report.txt"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        if p.returncode != 0:
            return f"tf_upgrade_v2 exited {p.returncode}"
    else:
        shutil.copytree(pkg, part, symlinks=True)
        if variant != "unmigrated":
            cmd = [str(a.bin), "apply", "--unsafe", "-q"]
            if variant == "ours-compat":
                cmd += ["--strategy", "compat"]
            p = subprocess.run(cmd + [str(part)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if p.returncode not in (0, 1):
                return f"tf2-migrate apply exited {p.returncode}: {p.stdout[-300:]}"
    part.rename(dest)
    return None


def run_case(python: str, root: Path, argv: list[str], timeout: int, shims: Path | None = None) -> tuple[str, str, float]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(root) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    if shims is not None:
        env["PYTHONPATH"] = str(shims) + os.pathsep + env["PYTHONPATH"]
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("CUDA_VISIBLE_DEVICES", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["MPLBACKEND"] = "Agg"
    t = time.monotonic()
    try:
        p = subprocess.run([python, *argv], cwd=root, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=timeout, errors="replace")
    except subprocess.TimeoutExpired:
        return "timeout", f"timed out after {timeout} s", time.monotonic() - t
    dt = time.monotonic() - t
    if p.returncode == 0 and re.search(r"^FAILED \(", p.stdout, re.M):
        # unittest.TextTestRunner().run() without sys.exit: exit 0 although tests failed
        return "FAIL", first_error(p.stdout), dt
    if p.returncode == 0:
        # pytest exit 0 with everything skipped is not a pass worth counting
        if re.search(r"\b0 passed\b|no tests ran|\d+ skipped in", p.stdout) and " passed" not in p.stdout:
            return "skip", first_error(p.stdout), dt
        return "pass", "", dt
    return "FAIL", first_error(p.stdout), dt


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--python", required=True, help="python of a TF2 venv")
    ap.add_argument("--tfu", type=Path, default=None, help="tf_upgrade_v2 executable (optional)")
    ap.add_argument("--bin", type=Path, default=Path(os.environ.get("TF2_MIGRATE_BIN", ROOT / "target" / "release" / "tf2-migrate")))
    ap.add_argument("--work", type=Path, default=None, help="work folder (default: temporary, removed unless --keep)")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--fresh", action="store_true", help="remake the package copies in --work")
    ap.add_argument("--cases", default="", help="comma-separated case names or prefixes (default: all)")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--shims", action="store_true", help="alias non-TF removals (collections ABCs, NumPy 2, Pillow 10) via sitecustomize")
    a = ap.parse_args()

    if a.list:
        for name, pkg, argv in CASES:
            print(f"{name:40s} {pkg:14s} python {' '.join(argv)}")
        return 0
    if not a.bin.exists():
        ap.error(f"tf2-migrate binary not found: {a.bin} (cargo build --release)")
    variants = [v for v in a.variants.split(",") if v]
    if "tfu" in variants and a.tfu is None:
        variants.remove("tfu")
    wanted = [c for c in a.cases.split(",") if c]
    cases = [c for c in CASES if not wanted or any(c[0] == w or c[0].startswith(w) for w in wanted)]

    tmp = None
    if a.work is None:
        tmp = tempfile.mkdtemp(prefix="tf2m-run.")
        work = Path(tmp)
    else:
        work = a.work.resolve()
        if a.fresh:
            shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True, exist_ok=True)

    shims = None
    if a.shims:
        shims = work / "shims"
        shims.mkdir(parents=True, exist_ok=True)
        (shims / "sitecustomize.py").write_text(SHIMS)
    results = []
    try:
        for name, pkg_glob, argv in cases:
            pkgs = sorted(a.corpus.glob(pkg_glob))
            if not pkgs:
                print(f"{name}: no {pkg_glob} under {a.corpus}", file=sys.stderr)
                continue
            pkg = pkgs[0].resolve()
            row = {"case": name, "package": pkg.name}
            for v in variants:
                dest = work / v / pkg.name
                err = prepare(v, pkg, dest, a)
                if err:
                    row[v] = {"status": "FAIL", "error": err, "seconds": 0}
                    continue
                status, error, dt = run_case(a.python, dest, argv, a.timeout, shims)
                row[v] = {"status": status, "error": error, "seconds": round(dt, 1)}
                print(f"{name:36s} {v:12s} {status:7s} {dt:6.1f}s  {short(error, 120)}", file=sys.stderr, flush=True)
            results.append(row)
    finally:
        if tmp and not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    print("| case | " + " | ".join(variants) + " |")
    print("|---|" + "---|" * len(variants))
    for r in results:
        cells = []
        for v in variants:
            x = r.get(v)
            cells.append("-" if x is None else (x["status"] if not x["error"] or x["status"] == "pass" else f"{x['status']}: `{short(x['error'])}`"))
        print(f"| {r['case']} | " + " | ".join(cells) + " |")
    totals = {v: sum(1 for r in results if r.get(v, {}).get("status") == "pass") for v in variants}
    print("\npassing: " + ", ".join(f"{v} {n}/{len(results)}" for v, n in totals.items()))
    if a.json:
        a.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
