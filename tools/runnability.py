#!/usr/bin/env python3
"""Runnability study: do real TF1 tests and scripts run under TensorFlow 2 after migration?

    tools/runnability.py CORPUS_DIR --python TF2_VENV/bin/python [--tfu TF_VENV/bin/tf_upgrade_v2]
                         [--bin TF2_MIGRATE] [--work DIR] [--cases NAME,...] [--variants V,...]
                         [--jobs 2] [--timeout 120] [--json OUT] [--shims]

Every case is a test file or example script of one package found under CORPUS_DIR (tensorpack,
tflearn, gpflow, dm-sonnet, baselines, dopamine-rl, deepctr, textgenrnn, edward as released on
PyPI in the TF1 era), or, for the packages that ship no tests, a short user script from
tools/runnability_cases/ that calls the package's public API on random data (copied into the
package copy as tf2m_*.py before the variant is made, so it is migrated like user code). For
each package a copy is made per variant, and every case runs from the package root of that copy
(with the root on PYTHONPATH), offline, with a timeout:

  unmigrated   the copy as it is
  tfu          `tf_upgrade_v2 --intree PKG --outtree COPY` (skipped without --tfu)
  ours         `tf2-migrate apply --unsafe` over the whole package copy (default strategy)
  ours-compat  `tf2-migrate apply --unsafe --strategy compat`
  cheat        the naive one-line cheat, done textually in every file that has it: each line
               `import tensorflow as tf` becomes `import tensorflow.compat.v1 as tf` followed by
               `tf.disable_v2_behavior()` (same indentation); nothing else changes
  cheat+ours   `cheat`, then `tf2-migrate apply --unsafe` over it (code already half migrated)

Printed: a table of pass/fail per case and variant with the first error line of each failure;
every run's full output is kept in WORK/logs/VARIANT/CASE.log (use --work DIR --keep).
Test dependencies (pytest, scipy, six, tabulate, termcolor, msgpack, msgpack-numpy, tf-slim,
tensorflow-probability, gin-config, gym, opencv-python-headless, scikit-learn, mpi4py, ...)
must be installed in the TF2 venv; the script installs nothing.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
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
CASE_DIR = Path(__file__).resolve().parent / "runnability_cases"
DRIVER_PREFIX = "tf2m_"

# name, package folder (a glob under the corpus), argv after the interpreter (run from the
# package root), kind. Chosen because they need no download and run in seconds to a minute on
# CPU on random inputs; only arguments are adapted (fewer epochs, smaller sizes), never code.
# Left out: tflearn's test_validation_monitors (downloads MNIST), tensorpack's
# dataflow/imgaug/_test.py (shows images in an endless loop).
# kind: "test" (the package's own tests), "example" (a script the package ships), "script" (a
# user script of ours from tools/runnability_cases/, for packages that ship neither: an argv
# element "@FILE" names it).
PYTEST = ["-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-W", "ignore"]
CASES = [
    ("tflearn/test_objectives", "tflearn-*", PYTEST + ["tests/test_objectives.py"], "test"),
    ("tflearn/test_metrics", "tflearn-*", PYTEST + ["tests/test_metrics.py"], "test"),
    ("tflearn/test_layers", "tflearn-*", PYTEST + ["tests/test_layers.py"], "test"),
    ("tflearn/test_inputs", "tflearn-*", PYTEST + ["tests/test_inputs.py"], "test"),
    ("tflearn/test_helpers", "tflearn-*", PYTEST + ["tests/test_helpers.py"], "test"),
    ("tflearn/test_models", "tflearn-*", PYTEST + ["tests/test_models.py"], "test"),
    ("tflearn/test_models_loading_scope", "tflearn-*", PYTEST + ["tests/test_models_loading_scope.py"], "test"),
    ("tflearn/test_activations", "tflearn-*", PYTEST + ["tests/test.py"], "test"),
    ("tensorpack/tfutils.unit_tests", "tensorpack-*", PYTEST + ["tensorpack/tfutils/unit_tests.py"], "test"),
    ("tensorpack/callbacks.param_test", "tensorpack-*", PYTEST + ["tensorpack/callbacks/param_test.py"], "test"),
    ("tensorpack/models._test", "tensorpack-*", ["-m", "tensorpack.models._test"], "test"),
    ("tensorpack/models.pool", "tensorpack-*", PYTEST + ["tensorpack/models/pool.py"], "test"),
    ("gpflow/test_logdensities", "gpflow-*", PYTEST + ["tests/test_logdensities.py"], "test"),
    ("gpflow/test_transforms", "gpflow-*", PYTEST + ["tests/test_transforms.py"], "test"),
    ("gpflow/test_priors", "gpflow-*", PYTEST + ["tests/test_priors.py"], "test"),
    ("gpflow/test_quadrature", "gpflow-*", PYTEST + ["tests/test_quadrature.py"], "test"),
    ("gpflow/test_param", "gpflow-*", PYTEST + ["tests/test_param.py"], "test"),
    ("gpflow/test_kerns", "gpflow-*", PYTEST + ["tests/test_kerns.py"], "test"),
    ("gpflow/test_likelihoods", "gpflow-*", PYTEST + ["tests/test_likelihoods.py"], "test"),
    ("gpflow/test_mean_functions", "gpflow-*", PYTEST + ["tests/test_mean_functions.py"], "test"),
    ("gpflow/test_conditionals", "gpflow-*", PYTEST + ["tests/test_conditionals.py"], "test"),
    ("gpflow/test_kldiv", "gpflow-*", PYTEST + ["tests/test_kldiv.py"], "test"),
    ("gpflow/test_features", "gpflow-*", PYTEST + ["tests/test_features.py"], "test"),
    ("gpflow/test_triang", "gpflow-*", PYTEST + ["tests/test_triang.py"], "test"),
    ("gpflow/test_model", "gpflow-*", PYTEST + ["tests/test_model.py"], "test"),
    ("gpflow/test_autoflow", "gpflow-*", PYTEST + ["tests/test_autoflow.py"], "test"),
    ("gpflow/test_dataholders", "gpflow-*", PYTEST + ["tests/test_dataholders.py"], "test"),
    ("gpflow/test_predict", "gpflow-*", PYTEST + ["tests/test_predict.py"], "test"),
    ("sonnet/module_with_build_args", "dm-sonnet-*", ["sonnet/examples/module_with_build_args.py"], "example"),
    ("sonnet/rmc_nth_farthest", "dm-sonnet-*", ["sonnet/examples/rmc_nth_farthest.py", "--epochs=2",
     "--batch_size=16", "--head_size=32", "--log_stride=1"], "example"),
    ("baselines/distributions", "baselines-*", PYTEST + ["baselines/common/distributions.py"], "test"),
    ("baselines/mpi_adam", "baselines-*", PYTEST + ["baselines/common/mpi_adam.py"], "test"),
    ("dopamine/dqn_agent", "dopamine-rl-*", ["@dopamine_agent.py", "dqn"], "script"),
    ("dopamine/rainbow_agent", "dopamine-rl-*", ["@dopamine_agent.py", "rainbow"], "script"),
    ("dopamine/iqn_agent", "dopamine-rl-*", ["@dopamine_agent.py", "iqn"], "script"),
    ("deepctr/DeepFM", "deepctr-*", ["@deepctr_train.py", "DeepFM"], "script"),
    ("deepctr/xDeepFM", "deepctr-*", ["@deepctr_train.py", "xDeepFM"], "script"),
    ("deepctr/DCN", "deepctr-*", ["@deepctr_train.py", "DCN"], "script"),
    ("deepctr/DIN", "deepctr-*", ["@deepctr_train.py", "DIN"], "script"),
    ("textgenrnn/generate", "textgenrnn-*", ["@textgenrnn_case.py", "generate"], "script"),
    ("textgenrnn/train", "textgenrnn-*", ["@textgenrnn_case.py", "train"], "script"),
    ("edward/klqp", "edward-*", ["@edward_case.py", "klqp"], "script"),
    ("edward/map", "edward-*", ["@edward_case.py", "map"], "script"),
]

# Environment per package. dm-sonnet 1.36 ships protobuf code generated by an old protoc
# (sonnet/protos/module_pb2.py), which protobuf >= 4 refuses unless the pure-Python
# implementation is chosen ("Descriptors cannot be created directly").
PACKAGE_ENV = {"dm-sonnet-*": {"PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION": "python"}}

VARIANTS = ("unmigrated", "tfu", "ours", "ours-compat", "cheat", "cheat+ours")

# Stand-ins for modules that cannot be installed here and that the cases import without using:
# dopamine's atari_lib imports `atari_py` (the Atari emulator) at the top.
STUBS = {"atari_py/__init__.py": '"""Stand-in: the Atari emulator is not installed; the cases do not use it."""\n'}

# The naive cheat: `import tensorflow as tf` -> compat.v1 plus disable_v2_behavior().
CHEAT_RE = re.compile(r"^([ \t]*)import tensorflow as tf([ \t]*(?:#[^\r\n]*)?)(\r?)$", re.M)


def cheat_text(text: str) -> str:
    return CHEAT_RE.sub(lambda m: f"{m[1]}import tensorflow.compat.v1 as tf{m[2]}{m[3]}\n{m[1]}tf.disable_v2_behavior(){m[3]}", text)


def cheat_tree(root: Path) -> int:
    """Apply the cheat to every *.py under root; returns the number of files changed."""
    n = 0
    for f in sorted(root.rglob("*.py")):
        if f.is_symlink() or not f.is_file():
            continue
        try:
            text = f.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        new = cheat_text(text)
        if new != text:
            f.write_bytes(new.encode("utf-8"))
            n += 1
    return n

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


def drivers_for(pkg_glob: str) -> list[str]:
    """The user scripts (tools/runnability_cases/) that the cases of one package run."""
    return sorted({x[1:] for _, g, argv, _ in CASES if g == pkg_glob for x in argv if x.startswith("@")})


def case_argv(argv: list[str]) -> list[str]:
    return [DRIVER_PREFIX + x[1:] if x.startswith("@") else x for x in argv]


def apply_ours(a, tree: Path, strategy: str | None) -> str | None:
    cmd = [str(a.bin), "apply", "--unsafe", "-q"]
    if strategy:
        cmd += ["--strategy", strategy]
    p = subprocess.run(cmd + [str(tree)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode not in (0, 1):
        return f"tf2-migrate apply exited {p.returncode}: {p.stdout[-300:]}"
    return None


def prepare(variant: str, pkg: Path, drivers: list[str], dest: Path, a) -> str | None:
    """Make the variant's copy of one package (plus the user scripts its cases run); returns an
    error text or None."""
    if dest.exists():
        return None
    dest.parent.mkdir(parents=True, exist_ok=True)
    # Build in side folders and rename at the end, so an interrupted run leaves no half copy.
    part = dest.with_name(dest.name + ".partial")
    src = dest.with_name(dest.name + ".src")
    for d in (part, src):
        shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(pkg, src, symlinks=True)
    for d in drivers:
        shutil.copy2(CASE_DIR / d, src / (DRIVER_PREFIX + d))
    if variant == "tfu":
        p = subprocess.run(
            [str(a.tfu), "--intree", str(src), "--outtree", str(part), "--reportfile", str(dest) + ".report.txt"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        shutil.rmtree(src, ignore_errors=True)
        if p.returncode != 0:
            return f"tf_upgrade_v2 exited {p.returncode}"
    else:
        src.rename(part)
        err = None
        if variant in ("cheat", "cheat+ours"):
            cheat_tree(part)
        if variant in ("ours", "cheat+ours"):
            err = apply_ours(a, part, a.strategy)
        elif variant == "ours-compat":
            err = apply_ours(a, part, "compat")
        if err:
            return err
    part.rename(dest)
    return None


def run_case(python: str, root: Path, argv: list[str], timeout: int, extra_path: list[Path],
             extra_env: dict[str, str] | None = None) -> tuple[str, str, float, str]:
    env = dict(os.environ)
    env.update(extra_env or {})
    paths = [str(root)] + [str(x) for x in extra_path]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("CUDA_VISIBLE_DEVICES", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["MPLBACKEND"] = "Agg"
    env["HOME"] = str(root.parent / ".home")  # caches and config files (~/.keras, ~/.gpflowrc) stay in the work folder
    Path(env["HOME"]).mkdir(exist_ok=True)
    t = time.monotonic()
    try:
        p = subprocess.run([python, *argv], cwd=root, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=timeout, errors="replace",
                           start_new_session=True)
    except subprocess.TimeoutExpired as e:
        out = e.stdout if isinstance(e.stdout, str) else (e.stdout or b"").decode("utf-8", "replace")
        return "timeout", f"timed out after {timeout} s", time.monotonic() - t, out
    dt = time.monotonic() - t
    out = p.stdout
    if p.returncode == 0 and re.search(r"^FAILED \(", out, re.M):
        # unittest.TextTestRunner().run() without sys.exit: exit 0 although tests failed
        return "FAIL", first_error(out), dt, out
    if p.returncode == 0:
        # pytest exit 0 with everything skipped is not a pass worth counting
        if re.search(r"\b0 passed\b|no tests ran|\d+ skipped in", out) and " passed" not in out:
            return "skip", first_error(out), dt, out
        return "pass", "", dt, out
    return "FAIL", first_error(out), dt, out


def tool_version(cmd: list[str]) -> str:
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
        return p.stdout.strip().splitlines()[-1] if p.stdout.strip() else f"exit {p.returncode}"
    except Exception as e:  # noqa: BLE001 - informational only
        return f"unknown ({e})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--python", required=True, help="python of a TF2 venv")
    ap.add_argument("--tfu", type=Path, default=None, help="tf_upgrade_v2 executable (optional)")
    ap.add_argument("--bin", type=Path, default=Path(os.environ.get("TF2_MIGRATE_BIN", ROOT / "target" / "release" / "tf2-migrate")),
                    help="tf2-migrate binary (default: $TF2_MIGRATE_BIN, else target/release/tf2-migrate)")
    ap.add_argument("--strategy", default=None, help="strategy for the ours and cheat+ours variants (default: the tool's)")
    ap.add_argument("--work", type=Path, default=None, help="work folder (default: temporary, removed unless --keep)")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--fresh", action="store_true", help="remake the package copies in --work")
    ap.add_argument("--cases", default="", help="comma-separated case names or prefixes (default: all)")
    ap.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated, of: {', '.join(VARIANTS)}")
    ap.add_argument("--jobs", type=int, default=1, help="runs at a time (TensorFlow is heavy: 2 at most on 2 cores)")
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--update", action="store_true",
                    help="merge into the existing --json file: re-run cases and variants replace their old results, the rest is kept")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--shims", action="store_true", help="alias non-TF removals (collections ABCs, NumPy 2, Pillow 10) via sitecustomize")
    a = ap.parse_args()

    if a.list:
        for name, pkg, argv, kind in CASES:
            print(f"{name:36s} {kind:8s} {pkg:14s} python {' '.join(case_argv(argv))}")
        return 0
    variants = [v for v in a.variants.split(",") if v]
    bad = [v for v in variants if v not in VARIANTS]
    if bad:
        ap.error(f"unknown variant(s): {', '.join(bad)}")
    if any(v in ("ours", "ours-compat", "cheat+ours") for v in variants) and not a.bin.exists():
        ap.error(f"tf2-migrate binary not found: {a.bin} (cargo build --release, or --bin)")
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

    extra = []
    if a.shims:
        shims = work / "shims"
        shims.mkdir(parents=True, exist_ok=True)
        (shims / "sitecustomize.py").write_text(SHIMS)
        extra.append(shims)
    stubs = work / "stubs"
    for rel, text in STUBS.items():
        (stubs / rel).parent.mkdir(parents=True, exist_ok=True)
        (stubs / rel).write_text(text)
    extra.append(stubs)
    logs = work / ("logs-shims" if a.shims else "logs")

    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "tf2_migrate": tool_version([str(a.bin), "--version"]) + f" ({a.bin.name})",
        "strategy": a.strategy or "default",
        "python": tool_version([a.python, "-c", "import sys, tensorflow as tf, keras, numpy; print(sys.version.split()[0], 'tensorflow', tf.__version__, 'keras', keras.__version__, 'numpy', numpy.__version__)"]),
        "shims": a.shims,
        "timeout": a.timeout,
        "variants": variants,
    }
    print(f"# {meta['tf2_migrate']}; {meta['python']}; shims={a.shims}", file=sys.stderr, flush=True)

    # Copies first (sequentially: tf_upgrade_v2 is heavy too), then the runs.
    jobs = []
    rows = {}
    try:
        for name, pkg_glob, argv, kind in cases:
            pkgs = sorted(a.corpus.glob(pkg_glob))
            if not pkgs:
                print(f"{name}: no {pkg_glob} under {a.corpus}", file=sys.stderr)
                continue
            pkg = pkgs[0].resolve()
            rows[name] = {"case": name, "package": pkg.name, "kind": kind, "argv": case_argv(argv)}
            for v in variants:
                dest = work / v / pkg.name
                err = prepare(v, pkg, drivers_for(pkg_glob), dest, a)
                if err:
                    rows[name][v] = {"status": "FAIL", "error": err, "seconds": 0}
                    continue
                jobs.append((name, v, dest, case_argv(argv), PACKAGE_ENV.get(pkg_glob)))

        def one(job):
            name, v, dest, argv, env = job
            status, error, dt, out = run_case(a.python, dest, argv, a.timeout, extra, env)
            log = logs / v / (name.replace("/", "__") + ".log")
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(f"# {v} {name}: python {' '.join(argv)}\n# {status} in {dt:.1f} s\n{out}")
            print(f"{name:36s} {v:12s} {status:7s} {dt:6.1f}s  {short(error, 120)}", file=sys.stderr, flush=True)
            return name, v, {"status": status, "error": error, "seconds": round(dt, 1)}

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
            for name, v, res in ex.map(one, jobs):
                rows[name][v] = res
    finally:
        if tmp and not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    if a.update and a.json and a.json.exists():
        old = json.loads(a.json.read_text())
        merged = {r["case"]: r for r in old.get("results", [])}
        for name, r in rows.items():
            merged[name] = {**merged.get(name, {}), **r}
        order = [c[0] for c in CASES]
        rows = {k: merged[k] for k in sorted(merged, key=lambda k: order.index(k) if k in order else len(order))}
        variants = [v for v in VARIANTS if v in set(old.get("meta", {}).get("variants", [])) | set(variants)]
        meta["variants"] = variants
        meta["updated"] = meta.pop("date")
        meta["date"] = old.get("meta", {}).get("date")
    results = list(rows.values())
    print("| case | kind | " + " | ".join(variants) + " |")
    print("|---|---|" + "---|" * len(variants))
    for r in results:
        cells = []
        for v in variants:
            x = r.get(v)
            cells.append("-" if x is None else (x["status"] if not x["error"] or x["status"] == "pass" else f"{x['status']}: `{short(x['error'])}`"))
        print(f"| {r['case']} | {r['kind']} | " + " | ".join(cells) + " |")
    totals = {v: sum(1 for r in results if r.get(v, {}).get("status") == "pass") for v in variants}
    print("\npassing: " + ", ".join(f"{v} {n}/{len(results)}" for v, n in totals.items()))
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps({"meta": meta, "totals": totals, "results": results}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
